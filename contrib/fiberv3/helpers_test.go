package logweavefiberv3_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/logweave/logweave"
	logweavefiberv3 "github.com/logweave/logweave/contrib/fiberv3"
	"github.com/logweave/logweave/httplog"
)

// TestMain fails the run when the tests leave goroutines of fasthttp,
// Fiber or this package behind: every server is shut down and every
// stream ended.
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if err := checkGoroutines(5 * time.Second); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
	}
	os.Exit(code)
}

// checkGoroutines waits up to wait for the goroutines that mention
// fasthttp, Fiber or this package to end, and returns their stacks if
// some are still there. Some run for the life of the program by design
// and are not counted: fasthttp's clock for the Date header, its
// compression workers, and the cache cleaner of the file server Fiber's
// SendFile starts.
func checkGoroutines(wait time.Duration) error {
	deadline := time.Now().Add(wait)
	for {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		var leaked []string
		for g := range strings.SplitSeq(string(buf), "\n\n") {
			if strings.Contains(g, "checkGoroutines") || strings.Contains(g, "updateServerDate") ||
				strings.Contains(g, "handleCleanCache") || strings.Contains(g, "stackless.funcWorker") {
				continue
			}
			if strings.Contains(g, "valyala/fasthttp") || strings.Contains(g, "gofiber/fiber") || strings.Contains(g, "logweave/contrib/fiberv3") {
				leaked = append(leaked, g)
			}
		}
		if len(leaked) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d goroutines left behind:\n\n%s", len(leaked), strings.Join(leaked, "\n\n"))
		}
		time.Sleep(20 * time.Millisecond)
	}
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

// waitAccess waits until n access lines were written (a streamed
// response's line is written after the client saw the response) and
// returns them.
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

// reset forgets the lines written so far.
func (s *logSink) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf.Reset()
}

// testServer is a Fiber application served on loopback.
type testServer struct {
	url    string
	sink   *logSink
	logger *slog.Logger
	client *http.Client
}

// serve starts app, built by setup, on a loopback listener, and shuts
// it down when the test ends. setup registers the middleware itself, so
// tests can place it among other middleware.
func serve(t *testing.T, cfg fiber.Config, setup func(app *fiber.App, logger *slog.Logger)) *testServer {
	t.Helper()
	sink := &logSink{}
	logger := logweave.New(sink, &logweave.Options{Service: "fiber-test", Level: slog.LevelDebug})
	app := fiber.New(cfg)
	setup(app, logger)
	// fasthttp's worker pool notices a shutdown when its cleaner wakes
	// up, every MaxIdleWorkerDuration (10 s by default): wake it often,
	// so the goroutine check at the end does not wait for it.
	app.Server().MaxIdleWorkerDuration = 50 * time.Millisecond
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- app.Listener(ln, fiber.ListenConfig{DisableStartupMessage: true}) }()
	transport := &http.Transport{}
	t.Cleanup(func() {
		transport.CloseIdleConnections()
		if err := app.ShutdownWithTimeout(5 * time.Second); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-done; err != nil {
			t.Errorf("listener: %v", err)
		}
	})
	return &testServer{url: "http://" + ln.Addr().String(), sink: sink, logger: logger, client: &http.Client{Transport: transport}}
}

// serveWith starts an application with the middleware registered first,
// then routes.
func serveWith(t *testing.T, opts *httplog.Options, routes func(app *fiber.App, logger *slog.Logger)) *testServer {
	t.Helper()
	return serve(t, fiber.Config{}, func(app *fiber.App, logger *slog.Logger) {
		app.Use(logweavefiberv3.Middleware(logger, opts))
		routes(app, logger)
	})
}

// do sends a request and returns the response with its body read.
func (s *testServer) do(t *testing.T, method, path string, header map[string]string, body io.Reader) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, s.url+path, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// rawConn opens a connection to the server for requests written by hand.
func (s *testServer) rawConn(t *testing.T) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(s.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, bufio.NewReader(c)
}

func num(v any) int { f, _ := v.(float64); return int(f) }

// check compares fields of an access line with want; a nil want means
// the field must be absent.
func check(t *testing.T, line map[string]any, want map[string]any) {
	t.Helper()
	for k, w := range want {
		got, ok := line[k]
		switch {
		case w == nil && ok:
			t.Errorf("%s = %v, want it absent", k, got)
		case w == nil:
		case !ok:
			t.Errorf("%s absent, want %v", k, w)
		default:
			if f, isNum := got.(float64); isNum {
				got = int(f)
			}
			if got != w {
				t.Errorf("%s = %v (%T), want %v (%T)", k, got, got, w, w)
			}
		}
	}
}
