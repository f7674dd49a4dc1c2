package rotate_test

import (
	"slices"
	"testing"
	"time"

	"github.com/logweave/logweave/rotate"
)

// rotateMinutely opens a file with opts and a fake clock, and makes n
// backups one minute apart (one 100-byte line each, at t0+1m, t0+2m, ...).
func rotateMinutely(t *testing.T, dir string, n int, opts rotate.Options) (*testFile, *fakeClock) {
	t.Helper()
	clock := newClock(t0)
	opts.Now = clock.Now
	f := open(t, join(dir, "app.log"), opts)
	for range n {
		write(t, f, line("x", 100))
		clock.Advance(time.Minute)
		if err := f.Rotate(); err != nil {
			t.Fatal(err)
		}
	}
	f.Settle()
	return f, clock
}

func minute(m int, ext string) string {
	return "app-" + t0.Add(time.Duration(m)*time.Minute).Format("2006-01-02T15-04-05.000Z") + ext
}

func TestRetentionByCount(t *testing.T) {
	dir := t.TempDir()
	rotateMinutely(t, dir, 6, rotate.Options{MaxBackups: 2})
	want := []string{minute(5, ".log.gz"), minute(6, ".log.gz")}
	if got := backups(t, dir, "app"); !slices.Equal(got, want) {
		t.Fatalf("backups %v, want the newest two %v", got, want)
	}
}

func TestRetentionByAge(t *testing.T) {
	dir := t.TempDir()
	// Backups at t0+1m..t0+6m, the clock at t0+6m: older than 3m30s are
	// those of minutes 1 and 2.
	f, clock := rotateMinutely(t, dir, 6, rotate.Options{MaxAge: 3*time.Minute + 30*time.Second, Uncompressed: true})
	want := []string{minute(3, ".log"), minute(4, ".log"), minute(5, ".log"), minute(6, ".log")}
	if got := backups(t, dir, "app"); !slices.Equal(got, want) {
		t.Fatalf("backups %v, want %v", got, want)
	}
	// Age is judged by the clock at each pass, not only at rotations.
	clock.Advance(2 * time.Minute)
	f.Settle()
	want = want[2:]
	if got := backups(t, dir, "app"); !slices.Equal(got, want) {
		t.Fatalf("two minutes later: backups %v, want %v", got, want)
	}
}

func TestRetentionByTotalSize(t *testing.T) {
	dir := t.TempDir()
	// Five 100-byte backups, a bound of 250 bytes: the newest two fit.
	rotateMinutely(t, dir, 5, rotate.Options{MaxTotalSize: 250, Uncompressed: true})
	want := []string{minute(4, ".log"), minute(5, ".log")}
	if got := backups(t, dir, "app"); !slices.Equal(got, want) {
		t.Fatalf("backups %v, want %v", got, want)
	}
}

// TestRetentionByTotalSizeCompressed: the bound applies to the sizes on
// disk after compression, so it keeps more than the plain sizes would.
func TestRetentionByTotalSizeCompressed(t *testing.T) {
	dir := t.TempDir()
	rotateMinutely(t, dir, 5, rotate.Options{MaxTotalSize: 250})
	got := backups(t, dir, "app")
	var total int64
	for _, n := range got {
		total += size(t, join(dir, n))
	}
	// A 100-byte line of dots gzips to well under 100 bytes with its
	// header: more than two backups fit, and their total stays bounded.
	if len(got) <= 2 || total > 250 {
		t.Fatalf("backups %v, %d bytes; want more than two within 250 bytes", got, total)
	}
	if got[len(got)-1] != minute(5, ".log.gz") {
		t.Errorf("newest backup %s missing from %v", minute(5, ".log.gz"), got)
	}
}

// TestRetentionLeavesOtherFiles: files that are not this file's backups,
// even with similar names, are never removed.
func TestRetentionLeavesOtherFiles(t *testing.T) {
	dir := t.TempDir()
	others := []string{
		"app-notes.log", "app-2026-11-21T10-00-00.000Z.txt", "app-2026-11-21T10-00-00.000Z_x.log",
		"app-2026-11-21T10-00-00Z.log", "app-x-2026-11-21T10-00-00.000Z.log", "other.log",
	}
	for _, n := range others {
		if err := writeFile(join(dir, n), "keep\n"); err != nil {
			t.Fatal(err)
		}
	}
	rotateMinutely(t, dir, 3, rotate.Options{MaxBackups: 1, MaxAge: time.Second, MaxTotalSize: 1})
	for _, n := range others {
		if missing(join(dir, n)) {
			t.Errorf("%s was removed", n)
		}
	}
}
