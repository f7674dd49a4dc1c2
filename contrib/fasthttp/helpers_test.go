package logweavefasthttp_test

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	logweavefasthttp "github.com/logweave/logweave/contrib/fasthttp"
	"github.com/logweave/logweave/httplog"
	"github.com/logweave/logweave/internal/adaptertest"
	"github.com/logweave/logweave/internal/logtest"
	"github.com/valyala/fasthttp"
)

// leakMarks name the goroutines a test may leave behind: servers, their
// workers and connections, handlers' stream writers, and this package's
// tests. fasthttp's own goroutines that run for the life of the program
// by design (its clock for the Date header, its compression workers, the
// file server's cache cleaner) mention none of these.
var leakMarks = []string{
	"fasthttp.(*Server)", "fasthttp.(*workerPool)", "fasthttp.NewStreamReader",
	"logweave/contrib/fasthttp",
}

// TestMain fails the run when the tests leave goroutines behind: every
// server is shut down and every stream ended.
func TestMain(m *testing.M) { logtest.Main(m, 5*time.Second, leakMarks...) }

// testServer is a fasthttp server with the middleware, on loopback.
type testServer struct {
	url    string
	sink   *logtest.Sink
	client *http.Client
}

// serve starts handler behind the middleware, configured with opts and
// logging into a new sink, on a loopback listener, and shuts it down
// when the test ends.
func serve(t *testing.T, opts *httplog.Options, handler fasthttp.RequestHandler) *testServer {
	t.Helper()
	logger, sink := logtest.NewLogger()
	return serveLogger(t, logger, sink, opts, handler)
}

// serveLogger is serve with a logger of the test's, which writes into
// sink (nil if it writes elsewhere).
func serveLogger(t *testing.T, logger *slog.Logger, sink *logtest.Sink, opts *httplog.Options, handler fasthttp.RequestHandler) *testServer {
	t.Helper()
	s := &fasthttp.Server{
		Handler: logweavefasthttp.Middleware(logger, opts)(handler),
		// The worker pool notices a shutdown when its cleaner wakes up,
		// every MaxIdleWorkerDuration (10 s by default): wake it often,
		// so the goroutine check at the end does not wait for it.
		MaxIdleWorkerDuration: 50 * time.Millisecond,
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(ln) }()
	transport := &http.Transport{}
	t.Cleanup(func() {
		transport.CloseIdleConnections()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.ShutdownWithContext(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return &testServer{url: "http://" + ln.Addr().String(), sink: sink, client: &http.Client{Transport: transport}}
}

// do sends a request and returns the response with its body read.
func (s *testServer) do(t *testing.T, method, path string, header map[string]string, body io.Reader) (*http.Response, string) {
	t.Helper()
	req := adaptertest.NewRequest(t, method, s.url+path, body)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return adaptertest.Do(t, s.client, req)
}

// access waits for n access lines and returns them.
func (s *testServer) access(t *testing.T, n int) []map[string]any {
	t.Helper()
	return s.sink.Wait(t, httplog.AccessMessage, n)
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
