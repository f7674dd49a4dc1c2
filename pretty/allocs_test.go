//go:build !race

// The race detector allocates on its own, so this guard runs without it.

package pretty_test

import (
	"io"
	"testing"
	"time"

	"github.com/logweave/logweave/pretty"
)

// TestWriteDoesNotAllocate: once its buffers have grown, a Writer renders
// a typical line, with or without colour, and a stack, allocating nothing.
func TestWriteDoesNotAllocate(t *testing.T) {
	for _, p := range [][]byte{benchLine, benchStack} {
		for _, c := range []pretty.ColorMode{pretty.ColorNever, pretty.ColorAlways} {
			w := pretty.NewWriter(io.Discard, &pretty.Options{Color: c, Location: time.Local})
			if n := testing.AllocsPerRun(100, func() { w.Write(p) }); n != 0 {
				t.Errorf("%s, colour %v: %v allocations per Write, want 0", p[:40], c, n)
			}
		}
	}
}
