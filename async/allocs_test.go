//go:build !race

// The race detector allocates on its own account, so these checks run only
// without it (CI runs the suite both ways).

package async_test

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/logweave/logweave/async"
)

// TestWriteDoesNotAllocate guards the caller's cost: Write of a record
// allocates nothing, whether it is buffered, waits under Block, or is
// dropped (full buffer, DropOldest discarding, after Close). Allocations
// of the writer goroutine count too (AllocsPerRun counts the process), so
// writing batches out allocates nothing either.
func TestWriteDoesNotAllocate(t *testing.T) {
	p := record(1, 200)
	check := func(name string, w *async.Writer, wantErr bool) {
		t.Helper()
		got := testing.AllocsPerRun(200, func() {
			if _, err := w.Write(p); (err != nil) != wantErr {
				t.Fatalf("%s: Write: %v", name, err)
			}
		})
		if got != 0 {
			t.Errorf("%s: %v allocations per Write, want 0", name, got)
		}
	}
	for _, policy := range []async.FullPolicy{async.DropNewest, async.DropOldest, async.Block} {
		w, err := async.NewWriter(io.Discard, async.Options{OnFull: policy})
		if err != nil {
			t.Fatal(err)
		}
		check(policy.String()+" with room", w, false)
		if err := w.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		w.Close()
		check("after Close", w, true)
	}

	// A stuck destination: the buffer fills, then each Write drops.
	full := func(policy async.FullPolicy) *async.Writer {
		s := newGatedSink()
		w := mustNew(t, s, async.Options{BufferSize: 4096, BatchSize: 1024, OnFull: policy, BlockTimeout: time.Millisecond})
		w.Write(p)
		s.waitEntered(t)
		for range 4096 / len(p) {
			w.Write(p)
		}
		return w
	}
	check("DropNewest, full", full(async.DropNewest), true)
	check("DropOldest, full", full(async.DropOldest), false)
	check("Block, full until BlockTimeout", full(async.Block), true)
}
