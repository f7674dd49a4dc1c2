package rotate_test

import (
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/logweave/logweave/rotate"
)

// TestDeletedWhileCompressing: when the log directory, or the backup
// alone, is deleted while the backup is being compressed (just after the
// compressor opened it, while it pauses between pieces, or after its last
// check, just before the rename of the .gz into place), the compression is
// abandoned and reported: nothing written before the
// deletion comes back, neither as a .gz in the directory the File makes
// again nor beside the other files, and the File writes on. Issue 13: the
// compressor, holding the deleted backup open, wrote its .gz into the
// directory made again after the deletion.
func TestDeletedWhileCompressing(t *testing.T) {
	for _, tc := range []struct {
		name string
		at   string // where the compressor is stopped: a step of its hook, or "pause"
		dir  bool   // delete the whole directory, else the backup alone
	}{
		{"directory/opened", "opened", true},
		{"directory/in pause", "pause", true},
		{"directory/renaming", "renaming", true},
		{"backup/opened", "opened", false},
		{"backup/in pause", "pause", false},
		{"backup/renaming", "renaming", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := join(t.TempDir(), "logs")
			path := join(dir, "app.log")
			clock := newClock(t0)
			errs := &errorLog{}
			stopped, resume := make(chan string), make(chan struct{})
			var once sync.Once
			stop := func(where string) {
				once.Do(func() {
					stopped <- where
					<-resume
				})
			}
			// 600 kB backups, so that the compressor pauses after its
			// first piece of 256 KiB (CompressCPU is tiny).
			const lineSize, perFile = 1000, 600
			opts := rotate.Options{MaxSize: lineSize * perFile, CompressCPU: 0.001, Now: clock.Now, OnError: errs.add}
			opts = rotate.WithCompressing(opts, func(_, step string) {
				if step == tc.at {
					stop(step)
				}
			})
			opts = rotate.WithPause(opts, func(time.Duration, <-chan struct{}) bool {
				if tc.at == "pause" {
					stop("pause")
				}
				return true // no real sleep: the test is the pause
			})
			f := open(t, path, opts)
			for i := range perFile {
				write(t, f, line("deleted-"+strconv.Itoa(i), lineSize))
			}
			write(t, f, line("current-0", lineSize)) // rotates: the backup holds the deleted- lines
			<-stopped                                // the compressor holds the backup open
			bk := backups(t, dir, "app")
			if len(bk) != 1 || strings.HasSuffix(bk[0], ".gz") {
				t.Fatalf("backups %v while compressing, want one plain one", bk)
			}
			if tc.dir {
				if err := os.RemoveAll(dir); err != nil {
					t.Fatal(err)
				}
				// The path check makes the directory and the file again.
				clock.Advance(time.Second)
				f.Tick()
				if missing(path) {
					t.Fatal("the path check did not make the directory again")
				}
			} else if err := os.Remove(join(dir, bk[0])); err != nil {
				t.Fatal(err)
			}
			write(t, f, line("after-0", lineSize))
			close(resume)
			f.Settle() // the interrupted pass is over, and one more

			check := func(when string) {
				t.Helper()
				for _, n := range names(t, dir) {
					if strings.HasSuffix(n, ".tmp") {
						t.Errorf("%s: temporary %s left", when, n)
						continue
					}
					c := content(t, join(dir, n))
					if strings.Contains(c, "deleted-") || (tc.dir && strings.Contains(c, "current-")) {
						t.Errorf("%s: %s holds lines written before the deletion (%d bytes): deleted data came back", when, n, len(c))
					}
				}
			}
			check("after the compression")
			want := "current-0"
			if tc.dir {
				want = "after-0"
			}
			if c := content(t, path); !strings.HasPrefix(c, want) {
				t.Errorf("app.log starts %.20q, want %s first", c, want)
			}
			e := errs.all()
			if len(e) != 1 || !strings.Contains(e[0].Error(), bk[0]+": removed while it was being compressed") {
				t.Errorf("OnError got %v, want one report that the compression of %s was abandoned", e, bk[0])
			}

			// The File goes on: the next backup is compressed as usual.
			for i := range perFile {
				write(t, f, line("later-"+strconv.Itoa(i), lineSize))
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			check("after Close")
			gz := 0
			for _, n := range backups(t, dir, "app") {
				if strings.HasSuffix(n, ".log.gz") && strings.Contains(content(t, join(dir, n)), "later-") {
					gz++
				}
			}
			if gz != 1 {
				t.Errorf("after Close: %v, want one .gz with the later lines", names(t, dir))
			}
			if got := errs.all(); len(got) != len(e) {
				t.Errorf("OnError got %v, want nothing more after the deletion", got[len(e):])
			}
		})
	}
}
