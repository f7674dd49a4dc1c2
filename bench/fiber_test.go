package bench

import (
	"log/slog"
	"net"
	"testing"

	"github.com/gofiber/fiber/v2"
	fiberv3 "github.com/gofiber/fiber/v3"
	logweavefiber "github.com/logweave/logweave/contrib/fiber"
	logweavefiberv3 "github.com/logweave/logweave/contrib/fiberv3"
	slogfiber "github.com/samber/slog-fiber"
	"github.com/valyala/fasthttp"
)

// fiberMiddlewareCase is one Fiber v2 middleware compared in
// BenchmarkFiber; both log through the same logweave handler.
// samber/slog-fiber runs with its defaults (New), which generate a
// request id (a UUID) when none arrives.
type fiberMiddlewareCase struct {
	name string
	new  func(*slog.Logger) fiber.Handler // nil: no middleware
}

var fiberMiddlewares = []fiberMiddlewareCase{
	{"bare", nil},
	{"logweave", func(l *slog.Logger) fiber.Handler { return logweavefiber.Middleware(l, nil) }},
	{"slog-fiber", slogfiber.New},
}

// fiberV3MiddlewareCase is one Fiber v3 middleware compared in
// BenchmarkFiberV3. samber/slog-fiber targets Fiber v2 only, so logweave's
// adapter is measured against the bare application.
type fiberV3MiddlewareCase struct {
	name string
	new  func(*slog.Logger) fiberv3.Handler
}

var fiberV3Middlewares = []fiberV3MiddlewareCase{
	{"bare", nil},
	{"logweave", func(l *slog.Logger) fiberv3.Handler { return logweavefiberv3.Middleware(l, nil) }},
}

// fiberRequest returns a request context holding BenchmarkMiddleware's
// request (a path, a query, a user agent and an incoming traceparent,
// from a client at 203.0.113.9), to be served again and again as
// fasthttp's server serves a connection's requests.
func fiberRequest() *fasthttp.RequestCtx {
	var req fasthttp.Request
	req.Header.SetMethod(fasthttp.MethodGet)
	req.SetRequestURI("http://api.example.com/users/42?fields=name")
	req.Header.SetUserAgent(vals.userAgent)
	req.Header.Set("traceparent", "00-"+traceIDHex+"-"+spanIDHex+"-01")
	fctx := new(fasthttp.RequestCtx)
	fctx.Init(&req, &net.TCPAddr{IP: net.IPv4(203, 0, 113, 9), Port: 51234}, nil)
	return fctx
}

// serveFiber calls h with fctx b.N times, as fasthttp's server does: the
// response is reset between requests, the request kept.
func serveFiber(b *testing.B, h fasthttp.RequestHandler, fctx *fasthttp.RequestCtx, w *countingWriter, logged bool) {
	b.ReportAllocs()
	for b.Loop() {
		fctx.Response.Reset()
		h(fctx)
	}
	if fctx.Response.StatusCode() != fiber.StatusOK {
		b.Fatalf("status %d", fctx.Response.StatusCode())
	}
	if logged && w.lines != int64(b.N) {
		b.Fatalf("%d access lines for %d requests", w.lines, b.N)
	}
}

// BenchmarkFiber measures the per-request cost of each Fiber v2
// middleware over the bare application: a fiber.App with a /users/:id
// route whose handler writes 9 bytes, served through app.Handler() (the
// fasthttp.RequestHandler fasthttp's server calls) with one reused
// fasthttp.RequestCtx, so no network and no allocation of the server's
// are counted.
func BenchmarkFiber(b *testing.B) {
	for _, level := range loggerLevels {
		for _, mc := range fiberMiddlewares {
			b.Run("logger="+level.name+"/mw="+mc.name, func(b *testing.B) {
				logger, w := newBenchLogger(level.level)
				app := fiber.New(fiber.Config{DisableStartupMessage: true})
				if mc.new != nil {
					app.Use(mc.new(logger))
				}
				app.Get("/users/:id", func(c *fiber.Ctx) error { return c.SendString(`{"id":42}`) })
				serveFiber(b, app.Handler(), fiberRequest(), w, level.name == "on" && mc.new != nil)
			})
		}
	}
}

// BenchmarkFiberV3 is BenchmarkFiber for Fiber v3.
func BenchmarkFiberV3(b *testing.B) {
	for _, level := range loggerLevels {
		for _, mc := range fiberV3Middlewares {
			b.Run("logger="+level.name+"/mw="+mc.name, func(b *testing.B) {
				logger, w := newBenchLogger(level.level)
				app := fiberv3.New()
				if mc.new != nil {
					app.Use(mc.new(logger))
				}
				app.Get("/users/:id", func(c fiberv3.Ctx) error { return c.SendString(`{"id":42}`) })
				serveFiber(b, app.Handler(), fiberRequest(), w, level.name == "on" && mc.new != nil)
			})
		}
	}
}
