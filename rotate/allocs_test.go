//go:build !race

// The race detector allocates on its own account, so this check runs only
// without it (CI runs it in its allocation-guard step).

package rotate_test

import (
	"testing"
	"time"

	"github.com/logweave/logweave/rotate"
)

// TestWriteDoesNotAllocate: a Write that does not rotate allocates
// nothing, with size and time rotation and the path check on.
func TestWriteDoesNotAllocate(t *testing.T) {
	f := open(t, join(t.TempDir(), "app.log"), rotate.Options{
		MaxSize: 1 << 30, Interval: 24 * time.Hour, Now: time.Now,
	})
	p := []byte(line("record", 200))
	if n := testing.AllocsPerRun(1000, func() {
		if _, err := f.Write(p); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("%v allocations per Write, want 0", n)
	}
}
