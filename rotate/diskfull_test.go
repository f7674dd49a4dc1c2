package rotate_test

import (
	"io/fs"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/logweave/logweave/rotate"
	"github.com/logweave/logweave/stats"
)

// disk is a file system that can be made to fail: writes that stop half
// way with ENOSPC, opens that fail, truncations that fail.
type disk struct {
	mu                          sync.Mutex
	full, failOpen, failTrunc   bool
	opens, partial, truncations int
}

func (d *disk) set(fn func(d *disk)) {
	d.mu.Lock()
	defer d.mu.Unlock()
	fn(d)
}

func (d *disk) open(name string, flag int, perm fs.FileMode) (rotate.OSFile, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.opens++
	if d.failOpen {
		return nil, &os.PathError{Op: "open", Path: name, Err: syscall.ENOSPC}
	}
	f, err := rotate.OpenOSFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return &diskFile{OSFile: f, d: d}, nil
}

type diskFile struct {
	rotate.OSFile
	d *disk
}

// Write writes half of p and fails, as write(2) does when the disk fills
// up in the middle of a record.
func (f *diskFile) Write(p []byte) (int, error) {
	f.d.mu.Lock()
	full := f.d.full
	if full {
		f.d.partial++
	}
	f.d.mu.Unlock()
	if !full {
		return f.OSFile.Write(p)
	}
	n, _ := f.OSFile.Write(p[:len(p)/2])
	return n, errNoSpace
}

func (f *diskFile) Truncate(size int64) error {
	f.d.mu.Lock()
	fail := f.d.failTrunc
	f.d.truncations++
	f.d.mu.Unlock()
	if fail {
		return &os.PathError{Op: "truncate", Path: "app.log", Err: syscall.EIO}
	}
	return f.OSFile.Truncate(size)
}

// TestDiskFull: a write that fails half way returns the error, is counted,
// and leaves no half record behind; writing resumes when there is room.
func TestDiskFull(t *testing.T) {
	dir := t.TempDir()
	path := join(dir, "app.log")
	d := &disk{}
	errs := &errorLog{}
	f := open(t, path, rotate.WithOpenFile(rotate.Options{Uncompressed: true, OnError: errs.add}, d.open))
	write(t, f, "a\n")

	d.set(func(d *disk) { d.full = true })
	for range 2 {
		if n, err := f.Write([]byte("lost\n")); n != 0 || !isNoSpace(err) {
			t.Fatalf("Write on a full disk = %d, %v; want 0 and ENOSPC", n, err)
		}
	}
	d.set(func(d *disk) { d.full = false })
	write(t, f, "b\n")
	if got := content(t, path); got != "a\nb\n" {
		t.Errorf("file holds %q, want a, b and no part of the lost lines", got)
	}
	if d.partial != 2 || counter(f, stats.WriteErrorsTotal) != 2 {
		t.Errorf("%d partial writes, write_errors_total %d; want 2 and 2", d.partial, counter(f, stats.WriteErrorsTotal))
	}

	// The partial record cannot be cut at once: the next Writes cut it
	// first, and fail while they cannot.
	d.set(func(d *disk) { d.full, d.failTrunc = true, true })
	if n, err := f.Write([]byte("half\n")); n != 2 || !isNoSpace(err) {
		t.Fatalf("Write = %d, %v; want the 2 bytes written and ENOSPC", n, err)
	}
	d.set(func(d *disk) { d.full = false })
	if _, err := f.Write([]byte("lost\n")); err == nil || !strings.Contains(err.Error(), "cut a partly written record") {
		t.Fatalf("Write while the cut fails = %v", err)
	}
	d.set(func(d *disk) { d.failTrunc = false })
	write(t, f, "c\n")
	if got := content(t, path); got != "a\nb\nc\n" {
		t.Errorf("file holds %q, want a, b, c", got)
	}

	// A rotation whose new file cannot be opened: the old lines are safe in
	// the backup, Writes fail (counted) until an open succeeds.
	d.set(func(d *disk) { d.failOpen = true })
	f.Rotate()
	if _, err := f.Write([]byte("lost\n")); !isNoSpace(err) {
		t.Fatalf("Write with no file = %v, want ENOSPC", err)
	}
	d.set(func(d *disk) { d.failOpen = false })
	write(t, f, "d\n")
	f.Close()
	if got := counter(f, stats.WriteErrorsTotal); got != 5 {
		t.Errorf("write_errors_total = %d, want 5", got)
	}
	b := backups(t, dir, "app")
	if len(b) != 1 || content(t, join(dir, b[0])) != "a\nb\nc\n" || content(t, path) != "d\n" {
		t.Errorf("after the failed open: backups %v, current %q", b, content(t, path))
	}
	if e := errs.all(); len(e) != 1 || !isNoSpace(e[0]) {
		t.Errorf("OnError got %v, want the failed open", e)
	}
}

// TestDiskFullTmpfs fills a real 256 KiB tmpfs (mounting needs root; where
// it is not allowed, TestDiskFull's injected failures stand in): the
// failing Writes return ENOSPC and are counted, the file holds whole lines
// only, and writing resumes once space is freed.
func TestDiskFullTmpfs(t *testing.T) {
	mnt := join(t.TempDir(), "disk")
	if err := os.Mkdir(mnt, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs (%v: %s); TestDiskFull covers a full disk with injected failures", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", mnt).CombinedOutput(); err != nil {
			t.Errorf("umount: %v: %s", err, out)
		}
	})
	filler := join(mnt, "filler")
	if err := os.WriteFile(filler, make([]byte, 100<<10), 0o644); err != nil {
		t.Fatal(err)
	}
	path := join(mnt, "app.log")
	f := open(t, path, rotate.Options{})
	var want strings.Builder
	failures := 0
	for i := 0; failures < 3; i++ {
		l := line(strings.Repeat("z", i%97+1), 199)
		n, err := f.Write([]byte(l))
		switch {
		case err == nil:
			want.WriteString(l)
		case isNoSpace(err) && n == 0:
			failures++
		default:
			t.Fatalf("Write %d = %d, %v; want success or 0 and ENOSPC", i, n, err)
		}
		if i > 10000 {
			t.Fatal("the tmpfs never filled up")
		}
	}
	if got := counter(f, stats.WriteErrorsTotal); got != 3 {
		t.Errorf("write_errors_total = %d, want 3", got)
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	for range 10 {
		l := line("after", 199)
		write(t, f, l)
		want.WriteString(l)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if got := content(t, path); got != want.String() {
		t.Errorf("file holds %d bytes, want the %d of the lines that were written, whole", len(got), want.Len())
	}
}
