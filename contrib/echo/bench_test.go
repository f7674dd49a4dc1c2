package logweaveecho_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/logweave/logweave"
	logweaveecho "github.com/logweave/logweave/contrib/echo"
	"github.com/logweave/logweave/internal/adaptertest"
)

// nopWriter is a ResponseWriter that allocates nothing, so the numbers are
// Echo's and the middleware's.
type nopWriter struct{ h http.Header }

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *nopWriter) WriteHeader(int)             {}

// BenchmarkMiddleware measures one request through the middleware with
// its access line written as JSON to io.Discard.
func BenchmarkMiddleware(b *testing.B) {
	e := echo.New()
	e.Use(logweaveecho.Middleware(logweave.New(io.Discard, nil), nil))
	e.GET("/users/:id", func(c echo.Context) error { return c.String(http.StatusOK, `{"id":42}`) })
	req := httptest.NewRequest("GET", "/users/42?fields=name", nil)
	req.Header.Set("traceparent", adaptertest.Traceparent)
	w := &nopWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		e.ServeHTTP(w, req)
	}
}
