package logweavegin_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/logweave/logweave"
	"github.com/logweave/logweave/httplog"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	// gin.Recovery prints every panic it recovers; the tests check the
	// access lines, not that.
	gin.DefaultErrorWriter = io.Discard
	before := runtime.NumGoroutine()
	code := m.Run()
	if code == 0 && !goroutinesBackTo(before) {
		buf := make([]byte, 1<<20)
		fmt.Fprintf(os.Stderr, "goroutines leaked: %d before the tests, %d after\n%s\n",
			before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
		code = 1
	}
	os.Exit(code)
}

// goroutinesBackTo waits until no more than n goroutines run: every
// server and client connection the tests opened is closed.
func goroutinesBackTo(n int) bool {
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > n {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}

// logSink collects JSON log lines written concurrently by a server.
type logSink struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *logSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

// lines decodes every line written so far.
func (s *logSink) lines(t *testing.T) []map[string]any {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	for _, l := range bytes.Split(bytes.TrimSpace(s.buf.Bytes()), []byte("\n")) {
		if len(l) == 0 {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(l, &m); err != nil {
			t.Fatalf("invalid log line %q: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

// linesWith returns the lines whose msg is msg.
func (s *logSink) linesWith(t *testing.T, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, m := range s.lines(t) {
		if m["msg"] == msg {
			out = append(out, m)
		}
	}
	return out
}

// access returns the access lines written so far.
func (s *logSink) access(t *testing.T) []map[string]any {
	t.Helper()
	return s.linesWith(t, httplog.AccessMessage)
}

// waitAccess waits until n access lines were written: the line is written
// once the chain returned, and a client can see the response first.
func (s *logSink) waitAccess(t *testing.T, n int) []map[string]any {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		a := s.linesWith(t, httplog.AccessMessage)
		if len(a) >= n || time.Now().After(deadline) {
			if len(a) != n {
				t.Fatalf("want %d access lines, got %d: %v", n, len(a), a)
			}
			return a
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// newLogger returns a logweave logger writing to a new sink.
func newLogger() (*slog.Logger, *logSink) {
	sink := &logSink{}
	return logweave.New(sink, &logweave.Options{Service: "gin-test", Level: slog.LevelDebug}), sink
}

// serve runs h on a real server on loopback until the test ends, and
// returns its URL and a client whose connections are closed then too.
func serve(t *testing.T, h http.Handler) (string, *http.Client) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: h}}
	srv.Start()
	tr := &http.Transport{}
	t.Cleanup(func() {
		tr.CloseIdleConnections()
		srv.Close()
	})
	return srv.URL, &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

func newRequest(t *testing.T, method, url string, body io.Reader) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// do sends req and reads the whole response.
func do(t *testing.T, client *http.Client, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

func num(v any) int { f, _ := v.(float64); return int(f) }
