package rotate_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/logweave/logweave/rotate"
)

// fakeClock is a clock that moves only when a test moves it.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *fakeClock { return &fakeClock{t: t} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// t0 is the fake clocks' usual start.
var t0 = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

// errorLog collects the errors a File hands to OnError.
type errorLog struct {
	mu   sync.Mutex
	errs []error
}

func (l *errorLog) add(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.errs = append(l.errs, err)
}

func (l *errorLog) all() []error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.errs)
}

// fakeTimer stands in for the timer of a File's timekeeping goroutine:
// it fires only when the test ticks it.
type fakeTimer struct {
	c     chan time.Time
	armed chan time.Duration // each sleep the goroutine starts
}

func newFakeTimer() *fakeTimer {
	return &fakeTimer{c: make(chan time.Time), armed: make(chan time.Duration, 1000)}
}

func (ft *fakeTimer) newTimer(d time.Duration) (<-chan time.Time, func() bool) {
	ft.armed <- d
	return ft.c, func() bool { return true }
}

// testFile is a File whose timekeeping the test drives.
type testFile struct {
	*rotate.File
	timer *fakeTimer
	slept []time.Duration // what the goroutine asked to sleep, in order
}

// Tick fires the File's timer, as if the time it waited for had come, and
// returns once the File has done what is due and gone back to sleep.
func (f *testFile) Tick() {
	f.timer.c <- time.Time{}
	f.slept = append(f.slept, <-f.timer.armed)
}

// open opens a File for a test, with a fake clock unless opts has one, a
// timer that only Tick fires, and OnError failing the test unless opts has
// one; Cleanup closes it.
func open(t *testing.T, path string, opts rotate.Options) *testFile {
	t.Helper()
	if opts.Now == nil {
		opts.Now = newClock(t0).Now
	}
	if opts.OnError == nil {
		opts.OnError = func(err error) { t.Errorf("OnError: %v", err) }
	}
	ft := newFakeTimer()
	f, err := rotate.Open(path, rotate.WithTimer(opts, ft.newTimer))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	tf := &testFile{File: f, timer: ft}
	if opts.CheckInterval >= 0 || opts.Interval > 0 || len(opts.At) > 0 {
		tf.slept = append(tf.slept, <-ft.armed) // the goroutine is asleep
	}
	return tf
}

// write writes s to w and fails t on error.
func write(t *testing.T, w io.Writer, s string) {
	t.Helper()
	if n, err := w.Write([]byte(s)); err != nil || n != len(s) {
		t.Fatalf("Write(%q) = %d, %v", s, n, err)
	}
}

// line returns a newline-terminated line of exactly n bytes starting with id.
func line(id string, n int) string {
	return id + strings.Repeat(".", n-len(id)-1) + "\n"
}

// names returns the names in dir, sorted.
func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	slices.Sort(out)
	return out
}

// backups returns the names in dir that start with prefix-, sorted (so in
// time order, as documented for UTC names).
func backups(t *testing.T, dir, prefix string) []string {
	t.Helper()
	var out []string
	for _, n := range names(t, dir) {
		if strings.HasPrefix(n, prefix+"-") {
			out = append(out, n)
		}
	}
	return out
}

// content returns a file's contents, decompressed if it is a .gz.
func content(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		b, err = io.ReadAll(zr)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	return string(b)
}

// missing reports whether path does not exist.
func missing(path string) bool {
	_, err := os.Lstat(path)
	return errors.Is(err, os.ErrNotExist)
}

// join is filepath.Join.
func join(elem ...string) string { return filepath.Join(elem...) }

// inTimeOrder sorts backup names by time, then counter: names sort by
// time themselves, but "_10" sorts before "_9".
func inTimeOrder(names []string) []string {
	key := func(n string) (string, int) {
		n, _, _ = strings.Cut(n, ".log")
		ts, seq, ok := strings.Cut(n, "_")
		if !ok {
			return ts, 0
		}
		i, _ := strconv.Atoi(seq)
		return ts, i
	}
	slices.SortFunc(names, func(a, b string) int {
		at, an := key(a)
		bt, bn := key(b)
		if c := strings.Compare(at, bt); c != 0 {
			return c
		}
		return an - bn
	})
	return names
}

// size returns a file's size.
func size(t *testing.T, path string) int64 {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info.Size()
}

// writeFile writes s to a new file at path, mode 0644.
func writeFile(path, s string) error { return os.WriteFile(path, []byte(s), 0o644) }
