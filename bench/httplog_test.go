package bench

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"
	chihttplog "github.com/go-chi/httplog/v3"
	"github.com/logweave/logweave/httplog"
	slogchi "github.com/samber/slog-chi"
)

// middlewareCase is one HTTP middleware compared in BenchmarkMiddleware.
// Every one logs through the same logweave handler, so only the
// middleware differs. All run in a chi router (samber/slog-chi reads
// chi's route context and cannot run outside one), so the router's cost
// is in every row, bare included.
type middlewareCase struct {
	name string
	wrap func(*slog.Logger, http.Handler) http.Handler
}

var middlewares = []middlewareCase{
	{"bare", func(_ *slog.Logger, h http.Handler) http.Handler { return h }},
	{"logweave", func(l *slog.Logger, h http.Handler) http.Handler { return httplog.Middleware(l, nil)(h) }},
	{"go-chi-httplog", func(l *slog.Logger, h http.Handler) http.Handler {
		return chihttplog.RequestLogger(l, &chihttplog.Options{Level: slog.LevelInfo, Schema: chihttplog.SchemaOTEL, RecoverPanics: true})(h)
	}},
	{"slog-chi", func(l *slog.Logger, h http.Handler) http.Handler { return slogchi.New(l)(h) }},
}

// nopResponseWriter is a ResponseWriter that allocates nothing, so the
// numbers are the middleware's own.
type nopResponseWriter struct{ h http.Header }

func (w *nopResponseWriter) Header() http.Header         { return w.h }
func (w *nopResponseWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *nopResponseWriter) WriteHeader(int)             {}

// benchRequest is a typical API request: a path, a query, a user agent
// and an incoming W3C trace context.
func benchRequest() *http.Request {
	r := httptest.NewRequest("GET", "http://api.example.com/users/42?fields=name", nil)
	r.RemoteAddr = "203.0.113.9:51234"
	r.Header.Set("User-Agent", vals.userAgent)
	r.Header.Set("traceparent", "00-"+traceIDHex+"-"+spanIDHex+"-01")
	return r
}

var okHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	io.WriteString(w, `{"id":42}`)
})

// BenchmarkMiddleware measures the per-request cost of each middleware
// over the bare handler. logger=on writes the access line; logger=off sets
// the level above it, which shows what the middleware costs without it.
func BenchmarkMiddleware(b *testing.B) {
	for _, level := range loggerLevels {
		for _, mc := range middlewares {
			b.Run("logger="+level.name+"/mw="+mc.name, func(b *testing.B) {
				logger, w := newBenchLogger(level.level)
				router := chi.NewRouter()
				router.Use(func(next http.Handler) http.Handler { return mc.wrap(logger, next) })
				router.Get("/users/{id}", okHandler)
				var h http.Handler = router
				req := benchRequest()
				rw := &nopResponseWriter{h: http.Header{}}
				b.ReportAllocs()
				for b.Loop() {
					clear(rw.h)
					h.ServeHTTP(rw, req)
				}
				if level.name == "on" && mc.name != "bare" && w.lines != int64(b.N) {
					b.Fatalf("%d access lines for %d requests", w.lines, b.N)
				}
			})
		}
	}
}
