package rotate_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/logweave/logweave/rotate"
	"github.com/logweave/logweave/stats"
)

// TestConcurrentWriters: goroutines write while the file rotates often and
// backups are gzipped behind them; afterwards every line is found exactly
// once across all files (decompressed), none split, and within each
// writer's lines the order is kept.
func TestConcurrentWriters(t *testing.T) {
	const (
		writers = 8
		perW    = 1500
		maxSize = 8 << 10
	)
	dir := t.TempDir()
	f := open(t, join(dir, "app.log"), rotate.Options{MaxSize: maxSize})
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range perW {
				// Lengths vary so that rotations fall at every offset.
				id := fmt.Sprintf("w%d-%05d ", w, i)
				l := line(id, 40+(i*7+w)%90)
				if _, err := f.Write([]byte(l)); err != nil {
					t.Errorf("Write: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}

	seen := map[string]int{}
	last := make([]int, writers) // per writer, the last index seen, in file order
	for w := range last {
		last[w] = -1
	}
	files := inTimeOrder(backups(t, dir, "app"))
	for _, n := range files {
		if !strings.HasSuffix(n, ".log.gz") {
			t.Errorf("backup %s is not compressed after Close", n)
		}
	}
	for _, n := range append(files, "app.log") {
		c := content(t, join(dir, n))
		if n != "app.log" && len(c) > maxSize {
			t.Errorf("%s holds %d bytes, more than MaxSize %d", n, len(c), maxSize)
		}
		if c != "" && !strings.HasSuffix(c, "\n") {
			t.Errorf("%s ends inside a line", n)
		}
		for _, l := range strings.Split(strings.TrimSuffix(c, "\n"), "\n") {
			if l == "" {
				continue
			}
			var w, i int
			if _, err := fmt.Sscanf(l, "w%d-%05d ", &w, &i); err != nil || w < 0 || w >= writers {
				t.Fatalf("%s: split or foreign line %q", n, l)
			}
			if want := line(fmt.Sprintf("w%d-%05d ", w, i), 40+(i*7+w)%90); l+"\n" != want {
				t.Fatalf("%s: line %q is damaged", n, l)
			}
			if i <= last[w] {
				t.Errorf("writer %d: line %d after line %d", w, i, last[w])
			}
			last[w] = i
			seen[l]++
		}
	}
	if len(seen) != writers*perW {
		t.Errorf("found %d distinct lines, want %d", len(seen), writers*perW)
	}
	for l, n := range seen {
		if n != 1 {
			t.Errorf("line %q found %d times", l[:12], n)
		}
	}
	if r := counter(f, stats.RotationsTotal); r != uint64(len(files)) || r < 20 {
		t.Errorf("rotations_total = %d, backups %d; want equal and many", r, len(files))
	}
}
