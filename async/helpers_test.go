package async_test

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/logweave/logweave/async"
	"github.com/logweave/logweave/internal/logtest"
)

// TestMain fails the run if a test left a writer goroutine behind: every
// Writer's goroutine must have ended once its Close returned.
func TestMain(m *testing.M) { logtest.Main(m, 2*time.Second, "async.(*Writer).run") }

// sink is the underlying writer of the tests: it collects what it is
// given, and can hold every Write until released (a slow or stuck
// destination), fail, panic or write short on demand.
type sink struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	calls int
	// gate, if not nil, holds each Write until it is closed; entered gets
	// a token when a Write starts.
	gate    chan struct{}
	entered chan struct{}
	// fail, if set, decides the outcome of the nth Write call (from 1):
	// it may write part of p into the sink itself and return n and an
	// error, or panic; ok false means a normal write.
	fail func(call int, p []byte, into *bytes.Buffer) (n int, err error, ok bool)
	// closed counts Close calls.
	closed int
}

func newGatedSink() *sink {
	return &sink{gate: make(chan struct{}), entered: make(chan struct{}, 1000)}
}

func (s *sink) Write(p []byte) (int, error) {
	if s.gate != nil {
		select {
		case s.entered <- struct{}{}:
		default:
		}
		<-s.gate
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.fail != nil {
		if n, err, handled := s.fail(s.calls, p, &s.buf); handled {
			return n, err
		}
	}
	return s.buf.Write(p)
}

func (s *sink) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed++
	return nil
}

func (s *sink) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// release lets every Write through, now and later.
func (s *sink) release() { close(s.gate) }

// waitEntered waits until a Write call has started on s.
func (s *sink) waitEntered(t *testing.T) {
	t.Helper()
	select {
	case <-s.entered:
	case <-time.After(5 * time.Second):
		t.Fatal("the writer goroutine never called Write")
	}
}

// record returns record i: its number and size, padded with a pattern
// that depends on the number to size bytes (at least 16) with a newline,
// so that a line cut short or mixed with another one fails parseRecord.
func record(i, size int) []byte {
	p := fmt.Appendf(make([]byte, 0, size), "%08d:%05d:", i, size)
	for len(p) < size-1 {
		p = append(p, byte('a'+(i+len(p))%26))
	}
	return append(p, '\n')
}

// parseRecord returns the number of a line written by record (without its
// newline), or false if the line is not exactly such a record.
func parseRecord(line string) (int, bool) {
	var i, size int
	if _, err := fmt.Sscanf(line, "%08d:%05d:", &i, &size); err != nil || size != len(line)+1 {
		return 0, false
	}
	return i, string(record(i, size)) == line+"\n"
}

// output splits what s received into record numbers, in order, and drop
// reports; it fails t on any other line.
func output(t *testing.T, s *sink) (records []int, reports []string) {
	t.Helper()
	for _, line := range strings.Split(strings.TrimSuffix(s.String(), "\n"), "\n") {
		switch {
		case line == "":
		case strings.Contains(line, `"msg":"async: dropped`):
			reports = append(reports, line)
		default:
			i, ok := parseRecord(line)
			if !ok {
				t.Fatalf("broken line in the output: %q", line)
			}
			records = append(records, i)
		}
	}
	return records, reports
}

// checkAccounting checks that every record offered is counted once.
func checkAccounting(t *testing.T, st async.Stats) {
	t.Helper()
	if st.Offered != st.Written+st.Dropped()+st.Buffered+st.Waiting {
		t.Fatalf("offered %d != written %d + dropped %d + buffered %d + waiting %d: %+v",
			st.Offered, st.Written, st.Dropped(), st.Buffered, st.Waiting, st)
	}
}

// mustNew is NewWriter for options known to be valid; the writer is
// closed when the test ends, if the test did not.
func mustNew(t *testing.T, w *sink, opts async.Options) *async.Writer {
	t.Helper()
	aw, err := async.NewWriter(w, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if w.gate != nil {
			select {
			case <-w.gate:
			default:
				close(w.gate)
			}
		}
		_ = aw.Close()
	})
	return aw
}

// seq returns the numbers from..to inclusive.
func seq(from, to int) []int {
	var s []int
	for i := from; i <= to; i++ {
		s = append(s, i)
	}
	return s
}
