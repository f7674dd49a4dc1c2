//go:build !race

// The race detector allocates on its own account, so these checks run only
// without it, as in the core module.

package logweavegin_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/logweave/logweave"
	logweavegin "github.com/logweave/logweave/contrib/gin"
)

// nopWriter is a ResponseWriter that allocates nothing.
type nopWriter struct{ h http.Header }

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *nopWriter) WriteHeader(int)             {}

// serveOnce returns a func that sends one request through an engine with
// mw (none when nil), to a writer that allocates nothing.
func serveOnce(mw gin.HandlerFunc) func() {
	r := gin.New()
	if mw != nil {
		r.Use(mw)
	}
	r.GET("/users/:id", func(c *gin.Context) { c.Writer.WriteString(`{"id":42}`) })
	req := httptest.NewRequest("GET", "/users/42?fields=name", nil)
	req.Header.Set("traceparent", traceparent)
	w := &nopWriter{h: http.Header{}}
	return func() {
		clear(w.h)
		r.ServeHTTP(w, req)
	}
}

// requestAllocs counts the allocations of one request through an engine
// with mw (none when nil).
func requestAllocs(mw gin.HandlerFunc) float64 {
	return testing.AllocsPerRun(200, serveOnce(mw))
}

// BenchmarkMiddleware measures one request through the middleware with
// its access line written as JSON to io.Discard.
func BenchmarkMiddleware(b *testing.B) {
	serve := serveOnce(logweavegin.Middleware(logweave.New(io.Discard, nil), nil))
	b.ReportAllocs()
	for b.Loop() {
		serve()
	}
}

// TestAllocations pins what a request costs over the bare engine. With the
// access line: the trace context in the request's context and the
// X-Request-ID header (adapter.Recorder.Start: 4, and one more when no
// request id arrived, which puts the trace id in the context as the
// request id), the request copy that
// carries the new context (1), the request's state for Logger and Gin's
// writer (1), and the line (slog's record past five attributes, the client
// address: 2). The adapter's Flight, the writer and body wrappers, is pooled.
func TestAllocations(t *testing.T) {
	bare := requestAllocs(nil)
	for _, c := range []struct {
		name  string
		level slog.Level
		max   float64
	}{{"line", slog.LevelInfo, 8}, {"no line", slog.LevelError + 4, 6}} {
		logger := logweave.New(io.Discard, &logweave.Options{Level: c.level})
		got := requestAllocs(logweavegin.Middleware(logger, nil)) - bare
		t.Logf("%s: %v allocations over the bare engine", c.name, got)
		if got > c.max {
			t.Errorf("%s: %v allocations over the bare engine, want at most %v", c.name, got, c.max)
		}
	}
}
