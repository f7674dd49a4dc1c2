package logweavefiber_test

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	logweavefiber "github.com/logweave/logweave/contrib/fiber"
	"github.com/logweave/logweave/httplog"
	"github.com/logweave/logweave/internal/adaptertest"
	"github.com/logweave/logweave/internal/logtest"
)

// leakMarks name the goroutines a test may leave behind: servers, their
// workers and connections, handlers' stream writers, Fiber, and this
// package's tests. fasthttp's own goroutines that run for the life of the
// program by design (its clock for the Date header, its compression
// workers, the file server's cache cleaner) mention none of these.
var leakMarks = []string{
	"fasthttp.(*Server)", "fasthttp.(*workerPool)", "fasthttp.NewStreamReader",
	"gofiber/fiber", "logweave/contrib/fiber",
}

// TestMain fails the run when the tests leave goroutines behind: every
// server is shut down and every stream ended.
func TestMain(m *testing.M) { logtest.Main(m, 5*time.Second, leakMarks...) }

// testServer is a Fiber application served on loopback.
type testServer struct {
	url    string
	sink   *logtest.Sink
	client *http.Client
}

// serve starts app, built by setup, on a loopback listener, and shuts
// it down when the test ends. setup registers the middleware itself, so
// tests can place it among other middleware.
func serve(t *testing.T, cfg fiber.Config, setup func(app *fiber.App, logger *slog.Logger)) *testServer {
	t.Helper()
	logger, sink := logtest.NewLogger()
	cfg.DisableStartupMessage = true
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
	go func() { done <- app.Listener(ln) }()
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
	return &testServer{url: "http://" + ln.Addr().String(), sink: sink, client: &http.Client{Transport: transport}}
}

// serveWith starts an application with the middleware registered first,
// then routes.
func serveWith(t *testing.T, opts *httplog.Options, routes func(app *fiber.App, logger *slog.Logger)) *testServer {
	t.Helper()
	return serve(t, fiber.Config{}, func(app *fiber.App, logger *slog.Logger) {
		app.Use(logweavefiber.Middleware(logger, opts))
		routes(app, logger)
	})
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

// access waits for n access lines (a streamed response's line is written
// after the client saw the response) and returns them.
func (s *testServer) access(t *testing.T, n int) []map[string]any {
	t.Helper()
	return s.sink.Wait(t, httplog.AccessMessage, n)
}
