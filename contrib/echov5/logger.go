package logweaveechov5

import (
	"log/slog"

	"github.com/labstack/echo/v5"
	"github.com/logweave/logweave/httplog/adapter"
)

// Logger returns the logger Middleware was given, bound to the request's
// context: a line logged through it without a context (Info, Error, or
// InfoContext with context.Background()) is logged with
// c.Request().Context() instead, so it carries the request's trace_id,
// span_id and request_id. A context passed explicitly is kept: a handler
// that derived one (a child span, a timeout) gets its own.
//
// A *slog.Logger cannot hold a context, so the binding is done by
// adapter.BindLogger; Logger builds it on each
// call (two small allocations), and a handler that logs a lot keeps the
// result in a variable. Lines logged with the base logger and
// c.Request().Context() (InfoContext) are the same and cost nothing extra.
// Without Middleware, Logger binds slog.Default() to the request's context.
func Logger(c *echo.Context) *slog.Logger {
	ctx := c.Request().Context()
	base, _ := ctx.Value(loggerKey{}).(*slog.Logger)
	if base == nil {
		base = slog.Default()
	}
	return adapter.BindLogger(base, ctx, nil)
}
