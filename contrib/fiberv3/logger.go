package logweavefiberv3

import (
	"context"
	"log/slog"

	"github.com/gofiber/fiber/v3"
	logweavefasthttp "github.com/logweave/logweave/contrib/fasthttp"
)

// Logger returns the logger Middleware was given, bound to the request:
// its lines carry the request's trace_id, span_id and request_id whether
// they are written with InfoContext(ctx, ...) or with Info, Warn, Error
// and Log, which pass no context of their own.
//
//	app.Get("/users/:id", func(c fiber.Ctx) error {
//		log := logweavefiberv3.Logger(c)
//		log.Info("loading user", "id", c.Params("id")) // carries the trace
//		...
//	})
//
// A *slog.Logger holds no context, so the request's context (c.Context(),
// where Middleware put the trace) is kept in the logger's handler, taken
// when Logger is called, and used for every record logged without one: a
// nil context, context.Background() or context.TODO(), c itself and
// c.RequestCtx() (a fiber.Ctx and a *fasthttp.RequestCtx are
// context.Contexts, but their values are fasthttp's user values, where
// the trace is not). A record logged with any other context keeps it, so
// a child span started in the handler is honoured.
//
// The logger holds the request's context.Context, not c, which Fiber
// reuses for another request once this one ends: it may be handed to
// goroutines the handler starts. Without Middleware in the chain it binds
// slog.Default() the same way. It costs two small allocations: call it
// once in a handler and keep the result rather than calling it per line;
// logger.InfoContext(c.Context(), ...) on the logger itself costs none.
func Logger(c fiber.Ctx) *slog.Logger {
	if c == nil {
		return logweavefasthttp.LoggerContext(nil, context.Background())
	}
	return logweavefasthttp.LoggerContext(c.RequestCtx(), c.Context())
}
