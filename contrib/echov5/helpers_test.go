package logweaveechov5_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/logweave/logweave"
	"github.com/logweave/logweave/httplog"
)

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

// access returns the access lines.
func (s *logSink) access(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, m := range s.lines(t) {
		if m["msg"] == httplog.AccessMessage {
			out = append(out, m)
		}
	}
	return out
}

// waitAccess waits until n access lines were written: a client can see a
// flushed response before the line is written.
func (s *logSink) waitAccess(t *testing.T, n int) []map[string]any {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		a := s.access(t)
		if len(a) >= n || time.Now().After(deadline) {
			if len(a) != n {
				t.Fatalf("want %d access lines, got %d: %v", n, len(a), a)
			}
			return a
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// newLogger is a logweave logger writing JSON lines to a new sink.
func newLogger() (*slog.Logger, *logSink) {
	sink := &logSink{}
	return logweave.New(sink, &logweave.Options{Service: "echov5-test", Level: slog.LevelDebug}), sink
}

// serve runs h on a real server on loopback until the test ends, and
// returns its base URL.
func serve(t *testing.T, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ErrorLog: nil}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-done; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}

// do sends req and returns the response with its body read.
func do(t *testing.T, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
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

func newRequest(t *testing.T, method, url string, body io.Reader) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func num(v any) int { f, _ := v.(float64); return int(f) }

// checkFields reports each field of want that l lacks or has another
// value for; a nil want means the field must be absent.
func checkFields(t *testing.T, l map[string]any, want map[string]any) {
	t.Helper()
	for k, v := range want {
		got, ok := l[k]
		switch {
		case v == nil && ok:
			t.Errorf("%s = %v, want none", k, got)
		case v == nil:
		case k == "http.response.status_code" || k == "http.response.body.size" || k == "http.request.body.size":
			if num(got) != v.(int) {
				t.Errorf("%s = %v, want %v", k, got, v)
			}
		case got != v:
			t.Errorf("%s = %v, want %v", k, got, v)
		}
	}
}
