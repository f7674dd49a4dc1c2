package rotate_test

import (
	"errors"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/logweave/logweave/rotate"
	"github.com/logweave/logweave/stats"
)

func TestBadOptions(t *testing.T) {
	dir := t.TempDir()
	path := join(dir, "app.log")
	for _, tc := range []struct {
		path string
		opts rotate.Options
		want string
	}{
		{path, rotate.Options{MaxSize: -1}, "rotate: MaxSize -1: want a size in bytes > 0"},
		{path, rotate.Options{Interval: -time.Hour}, "rotate: Interval -1h0m0s: want at least 1s"},
		{path, rotate.Options{Interval: time.Millisecond}, "rotate: Interval 1ms: want at least 1s"},
		{path, rotate.Options{At: []string{"24:00"}}, `rotate: At "24:00": want a time of day as "15:04" or "15:04:05"`},
		{path, rotate.Options{At: []string{"7:30"}}, `rotate: At "7:30": want`},
		{path, rotate.Options{At: []string{"07:30:60"}}, `rotate: At "07:30:60": want`},
		{path, rotate.Options{At: []string{"noon"}}, `rotate: At "noon": want`},
		{path, rotate.Options{MaxBackups: -2}, "rotate: MaxBackups -2: want a count >= 0"},
		{path, rotate.Options{MaxAge: -time.Second}, "rotate: MaxAge -1s: want a duration >= 0"},
		{path, rotate.Options{MaxTotalSize: -5}, "rotate: MaxTotalSize -5: want a size in bytes >= 0"},
		{path, rotate.Options{CompressCPU: -0.1}, "rotate: CompressCPU -0.1: want a share of the processors >= 0"},
		{path, rotate.Options{CompressCPU: math.NaN()}, "rotate: CompressCPU NaN: want"},
		{path, rotate.Options{CompressCPU: math.Inf(1)}, "rotate: CompressCPU +Inf: want"},
		{path, rotate.Options{FileMode: os.ModeDir | 0o755}, "rotate: FileMode drwxr-xr-x: want permission bits only"},
		{path, rotate.Options{DirMode: os.ModeSetuid | 0o755}, "rotate: DirMode urwxr-xr-x: want permission bits only"},
		{path, rotate.Options{Symlink: "app.log"}, `rotate: Symlink "app.log": names the log file itself`},
		{"", rotate.Options{}, "rotate: empty path"},
		{dir + "/", rotate.Options{}, "want a file name, not a directory"},
	} {
		f, err := rotate.Open(tc.path, tc.opts)
		if err == nil {
			f.Close()
			t.Errorf("Open(%q, %+v): no error, want %q", tc.path, tc.opts, tc.want)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Open(%q, %+v) = %q, want %q", tc.path, tc.opts, err, tc.want)
		}
	}
	if !missing(path) {
		t.Error("an Open that failed on its options created the file")
	}
}

// TestSizeRotation: records are never split, a backup never passes
// MaxSize, lines keep their order across files, names follow the clock.
func TestSizeRotation(t *testing.T) {
	dir := t.TempDir()
	clock := newClock(t0)
	f := open(t, join(dir, "app.log"), rotate.Options{MaxSize: 1000, Uncompressed: true, Now: clock.Now})
	var want strings.Builder
	for i := range 25 {
		l := line(string(rune('a'+i)), 100)
		want.WriteString(l)
		write(t, f, l)
		clock.Advance(time.Second)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	got := backups(t, dir, "app")
	wantNames := []string{
		"app-2026-11-21T10-00-10.000Z.log", // rotated before the 11th line, at t0+10s
		"app-2026-11-21T10-00-20.000Z.log",
	}
	if !slices.Equal(got, wantNames) {
		t.Fatalf("backups %v, want %v", got, wantNames)
	}
	var all strings.Builder
	for _, n := range append(got, "app.log") {
		c := content(t, join(dir, n))
		if n != "app.log" && len(c) != 1000 {
			t.Errorf("%s has %d bytes, want 1000 (MaxSize, 10 lines)", n, len(c))
		}
		all.WriteString(c)
	}
	if all.String() != want.String() {
		t.Errorf("lines across files:\n%s\nwant:\n%s", all.String(), want.String())
	}
	var rotations uint64
	for _, c := range f.AppendCounters(nil) {
		if c.Name == stats.RotationsTotal {
			rotations = c.Count
		}
	}
	if rotations != 2 {
		t.Errorf("rotations_total = %d, want 2", rotations)
	}
}

// TestSameMillisecond: backups made within one millisecond get a counter,
// and sort (by name, and for retention by time and counter) in order.
func TestSameMillisecond(t *testing.T) {
	dir := t.TempDir()
	f := open(t, join(dir, "app.log"), rotate.Options{MaxSize: 10, Uncompressed: true, MaxBackups: 3})
	for i := range 5 {
		write(t, f, line(string(rune('a'+i)), 10))
	}
	f.Close()
	want := []string{
		"app-2026-11-21T10-00-00.000Z_1.log", // b: a, the oldest, was dropped (MaxBackups 3)
		"app-2026-11-21T10-00-00.000Z_2.log",
		"app-2026-11-21T10-00-00.000Z_3.log",
	}
	if got := backups(t, dir, "app"); !slices.Equal(got, want) {
		t.Fatalf("backups %v, want %v", got, want)
	}
	for i, n := range append(want, "app.log") {
		if c := content(t, join(dir, n)); c != line(string(rune('b'+i)), 10) {
			t.Errorf("%s holds %q, want line %c", n, c, 'b'+i)
		}
	}
}

// TestRecordLargerThanMaxSize: a record is never cut; one larger than
// MaxSize goes alone into a file of its own.
func TestRecordLargerThanMaxSize(t *testing.T) {
	dir := t.TempDir()
	clock := newClock(t0)
	f := open(t, join(dir, "app.log"), rotate.Options{MaxSize: 100, Uncompressed: true, Now: clock.Now})
	small, big := line("small", 60), line("big", 250)
	for _, l := range []string{small, big, small} {
		write(t, f, l)
		clock.Advance(time.Second)
	}
	f.Close()
	got := backups(t, dir, "app")
	if len(got) != 2 {
		t.Fatalf("backups %v, want 2", got)
	}
	for i, want := range []string{small, big} {
		if c := content(t, join(dir, got[i])); c != want {
			t.Errorf("%s holds %q, want %q", got[i], c, want)
		}
	}
	if c := content(t, join(dir, "app.log")); c != small {
		t.Errorf("app.log holds %q, want %q", c, small)
	}
}

func TestWriteAfterClose(t *testing.T) {
	f := open(t, join(t.TempDir(), "app.log"), rotate.Options{})
	write(t, f, "before\n")
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if n, err := f.Write([]byte("after\n")); n != 0 || !errors.Is(err, os.ErrClosed) {
		t.Errorf("Write after Close = %d, %v; want 0 and os.ErrClosed", n, err)
	}
	for name, fn := range map[string]func() error{"Close": f.Close, "Reopen": f.Reopen, "Rotate": f.Rotate, "Sync": f.Sync} {
		if err := fn(); !errors.Is(err, os.ErrClosed) {
			t.Errorf("%s after Close = %v, want os.ErrClosed", name, err)
		}
	}
	if got := counter(f, stats.WriteErrorsTotal); got != 1 {
		t.Errorf("write_errors_total = %d, want 1 (the write after Close)", got)
	}
}

// counter returns the count of the counter named name.
func counter(src stats.Source, name string) uint64 {
	for _, c := range src.AppendCounters(nil) {
		if c.Name == name {
			return c.Count
		}
	}
	return 0
}
