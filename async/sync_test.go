package async_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/logweave/logweave/async"
)

// syncSink is a sink with a Sync method, as an *os.File or a *rotate.File
// has: it counts the calls, keeps what had arrived at each, returns err
// (or panics with it, if panics is set), and notes a Sync that overlaps a
// Write (the Writer must not use its destination from two goroutines).
type syncSink struct {
	*sink
	err     error
	panics  bool
	syncs   atomic.Int32
	seen    chan string // what had arrived, at each Sync
	writing atomic.Bool
	overlap atomic.Bool
}

func newSyncSink(err error) *syncSink {
	return &syncSink{sink: &sink{}, err: err, seen: make(chan string, 100)}
}

func (s *syncSink) Write(p []byte) (int, error) {
	s.writing.Store(true)
	defer s.writing.Store(false)
	return s.sink.Write(p)
}

func (s *syncSink) Sync() error {
	if s.writing.Load() {
		s.overlap.Store(true)
	}
	s.syncs.Add(1)
	select {
	case s.seen <- s.String():
	default:
	}
	if s.panics {
		panic(s.err)
	}
	return s.err
}

func newSyncWriter(t *testing.T, s *syncSink, opts async.Options) *async.Writer {
	t.Helper()
	w, err := async.NewWriter(s, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

// TestSync: Sync writes out what was accepted before it, then calls the
// underlying Sync, once, on what had arrived, and returns its error.
func TestSync(t *testing.T) {
	s := newSyncSink(nil)
	// An hour of FlushInterval: only Sync can have the records written.
	w := newSyncWriter(t, s, async.Options{FlushInterval: time.Hour})
	for i := range 3 {
		w.Write(record(i, recSize))
	}
	if err := w.Sync(); err != nil {
		t.Fatalf("Sync: %v", err)
	}
	if n := s.syncs.Load(); n != 1 {
		t.Fatalf("underlying Sync called %d times, want 1", n)
	}
	if got, want := <-s.seen, string(record(0, recSize))+string(record(1, recSize))+string(record(2, recSize)); got != want {
		t.Fatalf("the underlying Sync saw %q, want the 3 records written before it", got)
	}
	// Nothing new: Sync still syncs (zap syncs before a Fatal exits).
	if err := w.Sync(); err != nil || s.syncs.Load() != 2 {
		t.Fatalf("second Sync: %v, %d underlying calls, want nil, 2", err, s.syncs.Load())
	}
	checkAccounting(t, w.Stats())
}

// TestSyncErrors: the underlying Sync's error, or panic, is returned, and
// joined with records lost to a failed write; EINVAL and ENOTSUP (a pipe
// or a terminal, which can't be synced) are not failures.
func TestSyncErrors(t *testing.T) {
	disk := errors.New("disk on fire")
	for _, tc := range []struct {
		name   string
		err    error
		panics bool
		want   error // nil: Sync succeeds
	}{
		{"error", disk, false, disk},
		{"wrapped", &os.PathError{Op: "sync", Path: "app.log", Err: syscall.EIO}, false, syscall.EIO},
		{"panic", disk, true, nil},
		{"EINVAL", &os.PathError{Op: "sync", Path: "/dev/stdout", Err: syscall.EINVAL}, false, nil},
		{"ENOTSUP", &os.PathError{Op: "sync", Path: "/dev/stdout", Err: syscall.ENOTSUP}, false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSyncSink(tc.err)
			s.panics = tc.panics
			w := newSyncWriter(t, s, async.Options{})
			w.Write(record(1, recSize))
			err := w.Sync()
			switch {
			case tc.panics:
				if err == nil || !strings.Contains(err.Error(), "panicked: disk on fire") {
					t.Fatalf("Sync with a panicking underlying Sync: %v", err)
				}
			case tc.want == nil:
				if err != nil {
					t.Fatalf("Sync: %v, want nil", err)
				}
			default:
				if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), "the underlying writer's Sync") {
					t.Fatalf("Sync: %v, want the underlying Sync's error %v", err, tc.want)
				}
			}
			if s.syncs.Load() != 1 {
				t.Fatalf("underlying Sync called %d times", s.syncs.Load())
			}
			if got, _ := output(t, s.sink); !slices.Equal(got, []int{1}) {
				t.Fatalf("written %v", got)
			}
		})
	}

	t.Run("write error too", func(t *testing.T) {
		s := newSyncSink(disk)
		full := errors.New("no space left")
		s.fail = func(int, []byte, *bytes.Buffer) (int, error, bool) { return 0, full, true }
		w := newSyncWriter(t, s, async.Options{DisableDropReport: true})
		w.Write(record(1, recSize))
		err := w.Sync()
		if !errors.Is(err, full) || !errors.Is(err, disk) || !strings.Contains(err.Error(), "1 records lost to write errors") {
			t.Fatalf("Sync: %v, want both the write error and the Sync error", err)
		}
	})
}

// TestSyncWithoutUnderlyingSync: a destination without Sync makes Sync a
// Flush with Close's timeout.
func TestSyncWithoutUnderlyingSync(t *testing.T) {
	s := &sink{}
	w := mustNew(t, s, async.Options{FlushInterval: time.Hour})
	w.Write(record(1, recSize))
	if err := w.Sync(); err != nil {
		t.Fatalf("Sync: %v", err)
	}
	if got, _ := output(t, s); !slices.Equal(got, []int{1}) {
		t.Fatalf("written %v before Sync returned", got)
	}
}

// TestSyncAfterClose: Sync after Close returns ErrClosed at once, without
// touching the underlying writer, which Close may have closed.
func TestSyncAfterClose(t *testing.T) {
	s := newSyncSink(nil)
	w := newSyncWriter(t, s, async.Options{CloseUnderlying: true})
	w.Write(record(1, recSize))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := w.Sync(); !errors.Is(err, async.ErrClosed) || !strings.Contains(err.Error(), "call Sync before Close") {
			t.Fatalf("Sync after Close: %v, want ErrClosed", err)
		}
	}
	if n := s.syncs.Load(); n != 0 {
		t.Fatalf("underlying Sync called %d times after Close", n)
	}
}

// TestSyncStuck: on a stuck destination Sync gives up after CloseTimeout
// with an error saying what is still buffered; the records stay buffered
// and are written once the destination recovers.
func TestSyncStuck(t *testing.T) {
	s := &syncSink{sink: newGatedSink(), seen: make(chan string, 100)}
	w, err := async.NewWriter(s, async.Options{CloseTimeout: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	released := false
	t.Cleanup(func() {
		if !released {
			s.release()
		}
		w.Close()
	})
	w.Write(record(1, recSize))
	s.waitEntered(t)
	w.Write(record(2, recSize))
	err = w.Sync()
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "2 records still buffered") {
		t.Fatalf("Sync on a stuck destination: %v", err)
	}
	if n := s.syncs.Load(); n != 0 {
		t.Fatalf("underlying Sync called %d times before the records were written", n)
	}
	s.release()
	released = true
	if err := w.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got, _ := output(t, s.sink); !slices.Equal(got, []int{1, 2}) {
		t.Fatalf("written %v", got)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	// The abandoned Sync's request was served once the records were out.
	if n := s.syncs.Load(); n != 1 {
		t.Fatalf("underlying Sync called %d times, want 1", n)
	}
}

// TestSyncUnderLoad: Syncs from many goroutines while others write all
// return, each having had the underlying Sync called after its records,
// never during a Write.
func TestSyncUnderLoad(t *testing.T) {
	s := newSyncSink(nil)
	s.seen = nil // not kept
	w := newSyncWriter(t, s, async.Options{BufferSize: 8 << 10, BatchSize: 1 << 10, OnFull: async.Block, BlockTimeout: time.Minute, CloseTimeout: time.Minute})
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 500 {
				if _, err := w.Write(record(g*1000+i, recSize)); err != nil {
					t.Errorf("Write: %v", err)
				}
				if i%50 == 0 {
					if err := w.Sync(); err != nil {
						t.Errorf("Sync: %v", err)
					}
				}
			}
		})
	}
	wg.Wait()
	if err := w.Sync(); err != nil {
		t.Fatal(err)
	}
	if s.overlap.Load() {
		t.Fatal("the underlying Sync was called during a Write")
	}
	if n := s.syncs.Load(); n == 0 || n > 4*10+1 {
		t.Fatalf("underlying Sync called %d times for %d Syncs", n, 4*10+1)
	}
	if st := w.Stats(); st.Written != 2000 {
		t.Fatalf("%+v", st)
	}
}

// TestSyncOSFile: on a file, Sync has the records written and synced; on
// a pipe, which can't be synced (EINVAL, like os.Stdout piped to a log
// collector), Sync still succeeds once the records reached it.
func TestSyncOSFile(t *testing.T) {
	f, err := os.Create(t.TempDir() + "/app.log")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := async.NewWriter(f, async.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	w.Write(record(1, recSize))
	if err := w.Sync(); err != nil {
		t.Fatalf("Sync on a file: %v", err)
	}
	if b, _ := os.ReadFile(f.Name()); string(b) != string(record(1, recSize)) {
		t.Fatalf("file holds %q after Sync", b)
	}

	r, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer pw.Close()
	if err := pw.Sync(); err == nil {
		t.Skip("this system syncs pipes")
	}
	w2, err := async.NewWriter(pw, async.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w2.Close()
	w2.Write(record(2, recSize)) // fits in the pipe's buffer
	if err := w2.Sync(); err != nil {
		t.Fatalf("Sync on a pipe: %v", err)
	}
	got := make([]byte, recSize)
	if _, err := io.ReadFull(r, got); err != nil || string(got) != string(record(2, recSize)) {
		t.Fatalf("pipe got %q, %v", got, err)
	}
}
