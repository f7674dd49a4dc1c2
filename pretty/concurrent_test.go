package pretty_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/logweave/logweave"
	"github.com/logweave/logweave/pretty"
)

// recorder keeps each Write as one chunk. It has no lock of its own: the
// Writer must serialise its writes, and the race detector says if not.
type recorder struct{ chunks []string }

func (r *recorder) Write(p []byte) (int, error) {
	r.chunks = append(r.chunks, string(p))
	return len(p), nil
}

// TestConcurrent: many goroutines writing through one Writer, directly
// and through handlers, get one whole line per Write.
func TestConcurrent(t *testing.T) {
	const goroutines, writes = 8, 300
	rec := &recorder{}
	w := pretty.NewWriter(rec, plain())
	logger := logweave.New(w, &logweave.Options{Service: "x"})
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range writes {
				if i%2 == 0 {
					fmt.Fprintf(w, `{"level":"INFO","msg":"direct","g":%d,"i":%d,"pad":"%s"}`+"\n", g, i, strings.Repeat("x", i+1))
				} else {
					logger.With("g", g).InfoContext(context.Background(), "handler", "i", i, "stack", "a\nb")
				}
			}
		})
	}
	wg.Wait()

	if len(rec.chunks) != goroutines*writes {
		t.Fatalf("%d writes, want %d", len(rec.chunks), goroutines*writes)
	}
	var seen []string
	for _, c := range rec.chunks {
		var g, i int
		switch {
		case strings.HasPrefix(c, "INFO  direct  "):
			if _, err := fmt.Sscanf(c, "INFO  direct  g=%d i=%d pad=", &g, &i); err != nil || c != fmt.Sprintf("INFO  direct  g=%d i=%d pad=%s\n", g, i, strings.Repeat("x", i+1)) {
				t.Fatalf("broken chunk %q (%v)", c, err)
			}
		default:
			// A time column comes first: the handler writes the time.
			_, rest, _ := strings.Cut(c, " ")
			if _, err := fmt.Sscanf(rest, "INFO  handler  g=%d i=%d", &g, &i); err != nil || rest != fmt.Sprintf("INFO  handler  g=%d i=%d\n  stack:\n    a\n    b\n", g, i) {
				t.Fatalf("broken chunk %q (%v)", c, err)
			}
		}
		seen = append(seen, fmt.Sprint(g, ".", i))
	}
	slices.Sort(seen)
	if n := len(slices.Compact(seen)); n != goroutines*writes {
		t.Errorf("%d distinct lines, want %d", n, goroutines*writes)
	}
}
