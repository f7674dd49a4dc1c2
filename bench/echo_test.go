package bench

import (
	"log/slog"
	"net/http"
	"testing"

	echov4 "github.com/labstack/echo/v4"
	echov5 "github.com/labstack/echo/v5"
	logweaveecho "github.com/logweave/logweave/contrib/echo"
	"github.com/logweave/logweave/contrib/echov5"
	slogecho "github.com/samber/slog-echo"
)

// echoBody is what the handler writes: a few bytes, from a slice made
// once, so that the handler itself allocates nothing.
var echoBody = []byte(`{"id":42}`)

// echoV4Case is one Echo v4 middleware compared in BenchmarkEcho. Every
// one logs through the same logweave handler.
type echoV4Case struct {
	name string
	mw   func(*slog.Logger) echov4.MiddlewareFunc // nil: no middleware
}

var echoV4Cases = []echoV4Case{
	{"bare-v4", nil},
	{"logweaveecho", func(l *slog.Logger) echov4.MiddlewareFunc { return logweaveecho.Middleware(l, nil) }},
	// samber/slog-echo as New configures it: no user agent, no trace ids,
	// a request id (a UUID made per request).
	{"slog-echo", func(l *slog.Logger) echov4.MiddlewareFunc { return slogecho.New(l) }},
	// samber/slog-echo configured closer to what logweaveecho logs: the
	// user agent and the trace and span ids (read from an OTel span in the
	// context; there is none here, as the peer does not read traceparent).
	{"slog-echo-traced", func(l *slog.Logger) echov4.MiddlewareFunc {
		return slogecho.NewWithConfig(l, slogecho.Config{
			DefaultLevel: slog.LevelInfo, ClientErrorLevel: slog.LevelWarn, ServerErrorLevel: slog.LevelError,
			WithUserAgent: true, WithRequestID: true, WithTraceID: true, WithSpanID: true,
		})
	}},
}

// echoV5Cases are the Echo v5 rows of BenchmarkEcho. No peer supports
// Echo v5 yet (samber/slog-echo targets v4).
var echoV5Cases = []struct {
	name string
	mw   func(*slog.Logger) echov5.MiddlewareFunc // nil: no middleware
}{
	{"bare-v5", nil},
	{"logweaveechov5", func(l *slog.Logger) echov5.MiddlewareFunc { return logweaveechov5.Middleware(l, nil) }},
}

// BenchmarkEcho measures the per-request cost of each Echo middleware: the
// router is called directly (ServeHTTP) with the pre-built request of
// BenchmarkMiddleware and a ResponseWriter that allocates nothing, on a
// "/users/:id" route whose handler writes a few bytes. The bare rows are
// Echo alone: what each middleware adds is the difference. logger=off
// sets the level above the access line's. Echo v4 runs each middleware
// constructor per request (one closure each); v5 builds the chain once.
func BenchmarkEcho(b *testing.B) {
	for _, level := range loggerLevels {
		for _, mc := range echoV4Cases {
			b.Run("logger="+level.name+"/mw="+mc.name, func(b *testing.B) {
				logger, w := newBenchLogger(level.level)
				e := echov4.New()
				if mc.mw != nil {
					e.Use(mc.mw(logger))
				}
				e.GET("/users/:id", func(c echov4.Context) error {
					_, err := c.Response().Write(echoBody)
					return err
				})
				runEcho(b, e, w, level.name == "on" && mc.mw != nil)
			})
		}
		for _, mc := range echoV5Cases {
			b.Run("logger="+level.name+"/mw="+mc.name, func(b *testing.B) {
				logger, w := newBenchLogger(level.level)
				e := echov5.New()
				if mc.mw != nil {
					e.Use(mc.mw(logger))
				}
				e.GET("/users/:id", func(c *echov5.Context) error {
					_, err := c.Response().Write(echoBody)
					return err
				})
				runEcho(b, e, w, level.name == "on" && mc.mw != nil)
			})
		}
	}
}

// runEcho serves the benchmark request with h b.N times and checks that
// every request got its access line when one is expected.
func runEcho(b *testing.B, h http.Handler, w *countingWriter, wantLines bool) {
	req := benchRequest()
	rw := &nopResponseWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(rw.h)
		h.ServeHTTP(rw, req)
	}
	if wantLines && w.lines != int64(b.N) {
		b.Fatalf("%d access lines for %d requests", w.lines, b.N)
	}
}
