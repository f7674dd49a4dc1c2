package rotate_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/logweave/logweave/internal/logtest"
	"github.com/logweave/logweave/rotate"
)

// TestGzipAtomic: while a writer rotates often, an observer lists the
// directory again and again: it only ever finds the current file, plain
// and gzipped backups and hidden temporaries, and every .gz it finds
// decompresses whole, to complete lines. Close leaves no temporary.
func TestGzipAtomic(t *testing.T) {
	dir := t.TempDir()
	f := open(t, join(dir, "app.log"), rotate.Options{MaxSize: 32 << 10})
	var (
		done     atomic.Bool
		wg       sync.WaitGroup
		gzChecks int
	)
	wg.Go(func() {
		for !done.Load() {
			for _, n := range names(t, dir) {
				switch {
				case n == "app.log":
				case strings.HasPrefix(n, ".app-") && strings.HasSuffix(n, ".log.gz.tmp"):
				case strings.HasPrefix(n, "app-") && strings.HasSuffix(n, ".log"):
				case strings.HasPrefix(n, "app-") && strings.HasSuffix(n, ".log.gz"):
					b, err := os.ReadFile(join(dir, n))
					if err != nil {
						t.Errorf("%s: %v", n, err) // .gz files are never removed here
						return
					}
					zr, err := gzip.NewReader(bytes.NewReader(b))
					if err == nil {
						b, err = io.ReadAll(zr)
					}
					if err != nil || len(b) == 0 || !strings.HasSuffix(string(b), "\n") {
						t.Errorf("%s seen incomplete: %d bytes, %v", n, len(b), err)
						return
					}
					gzChecks++
				default:
					t.Errorf("unexpected file %q", n)
					return
				}
			}
		}
	})
	for i := range 20000 {
		write(t, f, line(strings.Repeat("y", i%50+1), 100))
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	done.Store(true)
	wg.Wait()
	if gzChecks == 0 {
		t.Error("the observer never saw a .gz")
	}
	for _, n := range names(t, dir) {
		if strings.HasSuffix(n, ".tmp") || (n != "app.log" && !strings.HasSuffix(n, ".log.gz")) {
			t.Errorf("after Close: %s", n)
		}
	}
}

// TestOpenTidiesUp: Open removes a temporary that a crash left and
// compresses a backup left uncompressed; others' files stay.
func TestOpenTidiesUp(t *testing.T) {
	dir := t.TempDir()
	stale := join(dir, ".app-2026-11-21T09-00-00.000Z.log.gz.tmp")
	plain := join(dir, "app-2026-11-21T09-00-00.000Z.log")
	other := join(dir, ".other.gz.tmp")
	for p, s := range map[string]string{stale: "half a gzip", plain: "old\n", other: "not ours"} {
		if err := writeFile(p, s); err != nil {
			t.Fatal(err)
		}
	}
	f := open(t, join(dir, "app.log"), rotate.Options{})
	f.Settle()
	if !missing(stale) || !missing(plain) || missing(other) {
		t.Fatalf("after Open: %v", names(t, dir))
	}
	if c := content(t, plain+".gz"); c != "old\n" {
		t.Errorf("compressed backup holds %q", c)
	}
}

// TestReopen: after logrotate moved the file, lines go to the moved file
// until Reopen, and to a new file at the path after it.
func TestReopen(t *testing.T) {
	dir := t.TempDir()
	path := join(dir, "app.log")
	f := open(t, path, rotate.Options{CheckInterval: -1})
	write(t, f, "a\n")
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	write(t, f, "b\n")
	if err := f.Reopen(); err != nil {
		t.Fatal(err)
	}
	write(t, f, "c\n")
	f.Close()
	if got := content(t, path+".1"); got != "a\nb\n" {
		t.Errorf("moved file holds %q", got)
	}
	if got := content(t, path); got != "c\n" {
		t.Errorf("new file holds %q", got)
	}
}

// TestDeletedFileRecreated: a deleted file is noticed at the first check
// CheckInterval after the last, by the clock, and made again with the same
// mode; lines before that went to the deleted file.
func TestDeletedFileRecreated(t *testing.T) {
	dir := t.TempDir()
	path := join(dir, "app.log")
	clock := newClock(t0)
	f := open(t, path, rotate.Options{FileMode: 0o600, Now: clock.Now})
	write(t, f, "a\n")
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	clock.Advance(999 * time.Millisecond)
	f.Tick()
	write(t, f, "lost with the deleted file\n")
	if !missing(path) {
		t.Fatal("file recreated before CheckInterval passed")
	}
	clock.Advance(time.Millisecond)
	f.Tick()
	write(t, f, "b\n")
	if got := content(t, path); got != "b\n" {
		t.Errorf("recreated file holds %q", got)
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("recreated file: %v, %v; want mode 0600", info.Mode(), err)
	}
}

// TestMovedFileFollowed: without a SIGHUP, a file moved away is noticed
// like a deleted one, and a new file made at the path.
func TestMovedFileFollowed(t *testing.T) {
	dir := t.TempDir()
	path := join(dir, "app.log")
	clock := newClock(t0)
	f := open(t, path, rotate.Options{Now: clock.Now})
	write(t, f, "a\n")
	os.Rename(path, path+".1")
	clock.Advance(time.Second)
	f.Tick()
	write(t, f, "b\n")
	if a, b := content(t, path+".1"), content(t, path); a != "a\n" || b != "b\n" {
		t.Errorf("moved file %q, new file %q", a, b)
	}
}

// TestCopyTruncate: a file truncated under the File (logrotate's
// copytruncate) has its size read again, so MaxSize counts from zero.
func TestCopyTruncate(t *testing.T) {
	dir := t.TempDir()
	path := join(dir, "app.log")
	clock := newClock(t0)
	f := open(t, path, rotate.Options{MaxSize: 1000, Now: clock.Now})
	write(t, f, line("a", 600))
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Second)
	f.Tick()
	write(t, f, line("b", 600))
	if got := backups(t, dir, "app"); len(got) != 0 {
		t.Errorf("rotated after a truncation: %v", got)
	}
	if got := content(t, path); got != line("b", 600) {
		t.Errorf("file holds %d bytes, want line b alone", len(got))
	}
}

// TestModeAndOwnerKept: each new file gets the mode and owner of the one
// it replaces, and so do compressed backups; FileMode is exact.
func TestModeAndOwnerKept(t *testing.T) {
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)

	dir := t.TempDir()
	path := join(dir, "app.log")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o604); err != nil {
		t.Fatal(err)
	}
	root := os.Geteuid() == 0
	const nobody = 65534
	if root {
		if err := os.Chown(path, nobody, nobody); err != nil {
			t.Fatal(err)
		}
	}
	f := open(t, path, rotate.Options{FileMode: 0o640})
	write(t, f, "a\n")
	f.Rotate()
	write(t, f, "b\n")
	f.Settle()
	gz := backups(t, dir, "app")
	if len(gz) != 1 {
		t.Fatalf("backups %v", gz)
	}
	for _, p := range []string{path, join(dir, gz[0])} {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != 0o604 {
			t.Errorf("%s: mode %v, want 0604 (kept, whatever FileMode and the umask)", p, info.Mode())
		}
		if st := info.Sys().(*syscall.Stat_t); root && (st.Uid != nobody || st.Gid != nobody) {
			t.Errorf("%s: owner %d:%d, want %d:%d", p, st.Uid, st.Gid, nobody, nobody)
		}
	}
	if !root {
		t.Log("not root: owners not checked")
	}

	// A file Open creates gets FileMode exactly, despite the umask.
	fresh := join(dir, "fresh.log")
	open(t, fresh, rotate.Options{FileMode: 0o664})
	if info, err := os.Stat(fresh); err != nil || info.Mode().Perm() != 0o664 {
		t.Errorf("new file: %v, %v; want 0664", info.Mode(), err)
	}
}

// TestMissingDirectories: Open makes the file's directories with DirMode,
// and the path check makes them again if they are removed.
func TestMissingDirectories(t *testing.T) {
	dir := join(t.TempDir(), "a", "b")
	path := join(dir, "c", "app.log")
	clock := newClock(t0)
	f := open(t, path, rotate.Options{DirMode: 0o750, Now: clock.Now})
	write(t, f, "a\n")
	for _, d := range []string{dir, join(dir, "c")} {
		if info, err := os.Stat(d); err != nil || info.Mode().Perm() != 0o750 {
			t.Errorf("%s: %v, %v; want a directory with mode 0750", d, info.Mode(), err)
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Second)
	f.Tick()
	write(t, f, "b\n")
	if got := content(t, path); got != "b\n" {
		t.Errorf("file in the remade directory holds %q", got)
	}
}

func TestSymlink(t *testing.T) {
	dir := t.TempDir()
	path := join(dir, "app.log")
	link := join(dir, "current.log")
	if err := os.Symlink("elsewhere.log", link); err != nil { // an old link is replaced
		t.Fatal(err)
	}
	f := open(t, path, rotate.Options{Symlink: "current.log", MaxSize: 4})
	write(t, f, "abc\n")
	write(t, f, "def\n") // rotates; the link still names the current file
	if target, err := os.Readlink(link); err != nil || target != "app.log" {
		t.Errorf("link points at %q, %v; want app.log", target, err)
	}
	if got := content(t, link); got != "def\n" {
		t.Errorf("through the link: %q", got)
	}

	// Elsewhere, the link holds the absolute path.
	other := join(t.TempDir(), "logs", "app-current")
	path2 := join(dir, "app2.log")
	open(t, path2, rotate.Options{Symlink: other})
	if target, err := os.Readlink(other); err != nil || target != path2 {
		t.Errorf("link points at %q, %v; want %s", target, err, path2)
	}

	// A regular file where the link goes is someone's data: refused.
	taken := join(dir, "taken.log")
	writeFile(taken, "data\n")
	_, err := rotate.Open(path, rotate.Options{Symlink: "taken.log"})
	if err == nil || !strings.Contains(err.Error(), `rotate: Symlink "taken.log": a regular file is there, not a symbolic link; remove it or choose another name`) {
		t.Errorf("Open with a file at Symlink: %v", err)
	}
	if content(t, taken) != "data\n" {
		t.Error("the file at Symlink was changed")
	}
	if !missing(join(dir, ".current.log.tmp")) {
		t.Error("temporary link left")
	}
}

// TestCloseStopsGoroutines: the File's two goroutines run until Close, and
// are gone when Close returns (but for their last instructions: Leaked
// allows them a moment to exit after signalling that they are done).
func TestCloseStopsGoroutines(t *testing.T) {
	f := open(t, join(t.TempDir(), "app.log"), rotate.Options{MaxSize: 10, Interval: time.Hour})
	write(t, f, line("a", 10))
	write(t, f, line("b", 10))
	f.Settle() // the goroutines are running
	for _, g := range []string{"rotate.(*File).housekeeper", "rotate.(*File).timekeeper"} {
		if leaked := leakedNow(g); len(leaked) != 1 {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d of %s before Close, want 1:\n%s", len(leaked), g, buf[:runtime.Stack(buf, true)])
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if leaked := logtest.Leaked(time.Second, "rotate.(*File)"); len(leaked) != 0 {
		t.Fatalf("running after Close:\n%s", strings.Join(leaked, "\n\n"))
	}
}

// errNoSpace is what a full disk answers.
var errNoSpace = &os.PathError{Op: "write", Path: "app.log", Err: syscall.ENOSPC}

func isNoSpace(err error) bool { return errors.Is(err, syscall.ENOSPC) }

// TestRotationFailure: when the file cannot be renamed (here it is made
// append-only, which stops even root), the File reports it, keeps writing
// to the current file, and tries again a second later, not at each Write.
func TestRotationFailure(t *testing.T) {
	dir := t.TempDir()
	path := join(dir, "app.log")
	clock := newClock(t0)
	errs := &errorLog{}
	f := open(t, path, rotate.Options{MaxSize: 100, Uncompressed: true, Now: clock.Now, OnError: errs.add})
	write(t, f, line("a", 60))
	if out, err := exec.Command("chattr", "+a", path).CombinedOutput(); err != nil {
		t.Skipf("cannot make the file append-only (%v: %s)", err, out)
	}
	t.Cleanup(func() { exec.Command("chattr", "-a", path).Run() })

	write(t, f, line("b", 60))
	write(t, f, line("c", 60))
	if e := errs.all(); len(e) != 1 || !strings.Contains(e[0].Error(), "writing on to it, trying again in 1s") {
		t.Fatalf("OnError got %v, want one failed rotation", e)
	}
	if err := exec.Command("chattr", "-a", path).Run(); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Second)
	write(t, f, line("d", 60))
	b := backups(t, dir, "app")
	if len(b) != 1 || content(t, join(dir, b[0])) != line("a", 60)+line("b", 60)+line("c", 60) {
		t.Fatalf("backups %v after the retry", b)
	}
	if got := content(t, path); got != line("d", 60) {
		t.Errorf("current file holds %q", got)
	}
	if len(errs.all()) != 1 {
		t.Errorf("OnError got %v", errs.all())
	}
}

// TestCompressionPaced: compression pauses between pieces of a backup (as
// CompressCPU asks) while writes and rotations go on, and Close cuts the
// pause short and compresses every backup whole before it returns.
func TestCompressionPaced(t *testing.T) {
	dir := t.TempDir()
	paused := make(chan time.Duration, 1)
	pause := func(d time.Duration, quit <-chan struct{}) bool {
		paused <- d
		<-quit
		return false
	}
	const lineSize, perFile = 1000, 600 // 600 kB backups: three pieces of 256 KiB
	f := open(t, join(dir, "app.log"), rotate.WithPause(rotate.Options{MaxSize: lineSize * perFile, CompressCPU: 0.001}, pause))
	var want strings.Builder
	for i := range 2*perFile + 1 { // two rotations
		l := line(strconv.Itoa(i), lineSize)
		want.WriteString(l)
		write(t, f, l)
		if i == perFile {
			select { // the first backup's compression is paused, not done
			case d := <-paused:
				if d < time.Millisecond {
					t.Errorf("paused %v, want at least a millisecond", d)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("compression did not pause")
			}
		}
	}
	if gz := backups(t, dir, "app"); len(gz) != 2 || strings.HasSuffix(gz[0], ".gz") || strings.HasSuffix(gz[1], ".gz") {
		t.Fatalf("backups %v while compression pauses, want two plain ones", gz)
	}
	closed := make(chan error)
	go func() { closed <- f.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not cut the compressor's pause short")
	}
	var got strings.Builder
	gz := inTimeOrder(backups(t, dir, "app"))
	for _, n := range gz {
		if !strings.HasSuffix(n, ".log.gz") {
			t.Errorf("%s: left uncompressed by Close", n)
		}
		got.WriteString(content(t, join(dir, n)))
	}
	got.WriteString(content(t, join(dir, "app.log")))
	if len(gz) != 2 || got.String() != want.String() {
		t.Errorf("backups %v and the file hold %d bytes, want the %d written in order", gz, got.Len(), want.Len())
	}
	if n := names(t, dir); len(n) != 3 {
		t.Errorf("directory holds %v, want two backups and app.log (no temporary)", n)
	}
}
