package httplog_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/logweave/logweave"
	"github.com/logweave/logweave/httplog"
)

// nopWriter is a ResponseWriter that allocates nothing, so the numbers are
// the middleware's own.
type nopWriter struct{ h http.Header }

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *nopWriter) WriteHeader(int)             {}

// BenchmarkMiddleware measures one request through the middleware with
// its access line written as JSON to io.Discard: a query with nothing to
// mask, and one whose token is masked.
func BenchmarkMiddleware(b *testing.B) {
	for _, q := range []struct{ name, query string }{
		{"plain-query", "fields=name&sort=asc&page=2"},
		{"masked-query", "fields=name&token=s3cret&page=2"},
	} {
		b.Run(q.name, func(b *testing.B) {
			logger := logweave.New(io.Discard, &logweave.Options{Service: "bench", Level: slog.LevelInfo})
			h := httplog.Middleware(logger, nil)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.WriteString(w, `{"id":42}`)
			}))
			req := httptest.NewRequest("GET", "http://api.example.com/users/42?"+q.query, nil)
			req.RemoteAddr = "203.0.113.9:51234"
			req.Header.Set("User-Agent", "bench/1.0")
			req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
			rw := &nopWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				clear(rw.h)
				h.ServeHTTP(rw, req)
			}
		})
	}
}
