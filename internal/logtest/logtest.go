// Package logtest is the test support shared by logweave's packages and
// contrib modules: a writer that collects JSON log lines and decodes them,
// waiting for lines a server writes after its response, and a check for
// goroutines left behind.
package logtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/logweave/logweave"
)

// Sink is an io.Writer that collects JSON lines; safe for concurrent use.
type Sink struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// NewLogger returns a logweave logger at DEBUG writing into a new Sink.
func NewLogger() (*slog.Logger, *Sink) {
	return NewLoggerWith(&logweave.Options{Service: "test"})
}

// NewLoggerWith is NewLogger with opts (their Level is set to DEBUG), for
// a test that needs, say, redaction off.
func NewLoggerWith(opts *logweave.Options) (*slog.Logger, *Sink) {
	s := &Sink{}
	o := *opts
	o.Level = slog.LevelDebug
	return logweave.New(s, &o), s
}

// Write appends p.
func (s *Sink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

// Reset forgets the lines written so far.
func (s *Sink) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf.Reset()
}

// String returns everything written so far.
func (s *Sink) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// Lines decodes every line written so far; an invalid line fails t.
func (s *Sink) Lines(t testing.TB) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(s.String()), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("invalid log line %q: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

// WithMsg returns the lines whose msg is msg.
func (s *Sink) WithMsg(t testing.TB, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, m := range s.Lines(t) {
		if m["msg"] == msg {
			out = append(out, m)
		}
	}
	return out
}

// Wait waits until n lines with msg were written, and fails t unless
// exactly n were within five seconds. Servers write access lines after
// the response, so a client can see the response first.
func (s *Sink) Wait(t testing.TB, msg string, n int) []map[string]any {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := s.WithMsg(t, msg)
		if len(got) >= n || time.Now().After(deadline) {
			if len(got) != n {
				t.Fatalf("want %d %q lines, got %d: %v", n, msg, len(got), got)
			}
			return got
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Num returns a decoded JSON number as an int (0 for anything else).
func Num(v any) int {
	f, _ := v.(float64)
	return int(f)
}

// Leaked returns the stacks of goroutines that mention any of match
// (package paths, for example), after waiting up to wait for them to end.
// A TestMain calls it after the tests to find servers left running.
func Leaked(wait time.Duration, match ...string) []string {
	deadline := time.Now().Add(wait)
	for {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		var leaked []string
		for _, g := range strings.Split(string(buf), "\n\n") {
			if strings.Contains(g, "logtest.Leaked") {
				continue // this goroutine
			}
			for _, m := range match {
				if strings.Contains(g, m) {
					leaked = append(leaked, g)
					break
				}
			}
		}
		if len(leaked) == 0 || time.Now().After(deadline) {
			return leaked
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Main is a TestMain that runs m's tests and exits with CheckLeaks's code,
// so that a package whose tests start servers, clients or workers fails
// when one outlives the tests:
//
//	func TestMain(m *testing.M) { logtest.Main(m, 5*time.Second, "net/http") }
func Main(m *testing.M, wait time.Duration, match ...string) {
	os.Exit(CheckLeaks(os.Stderr, m.Run(), wait, match...))
}

// CheckLeaks returns the exit code of a test binary whose tests returned
// code: code itself when the tests failed (what they left running then is
// noise), otherwise 1 when goroutines that mention any of match are still
// running after wait, whose stacks it writes to w, and 0.
func CheckLeaks(w io.Writer, code int, wait time.Duration, match ...string) int {
	if code != 0 {
		return code
	}
	if leaked := Leaked(wait, match...); len(leaked) > 0 {
		fmt.Fprintf(w, "%d goroutines left behind:\n\n%s\n", len(leaked), strings.Join(leaked, "\n\n"))
		return 1
	}
	return 0
}
