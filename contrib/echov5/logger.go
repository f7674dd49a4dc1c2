package logweaveechov5

import (
	"context"
	"log/slog"

	"github.com/labstack/echo/v5"
)

// Logger returns the logger Middleware was given, bound to the request's
// context: a line logged through it without a context (Info, Error, or
// InfoContext with context.Background()) is logged with
// c.Request().Context() instead, so it carries the request's trace_id,
// span_id and request_id. A context passed explicitly is kept: a handler
// that derived one (a child span, a timeout) gets its own.
//
// A *slog.Logger cannot hold a context, so the binding is done by a small
// handler wrapper around the logger's handler; Logger builds it on each
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
	return slog.New(requestHandler{h: base.Handler(), ctx: ctx})
}

// requestHandler logs records that come without a request context with
// ctx, the request's.
type requestHandler struct {
	h   slog.Handler
	ctx context.Context
}

// ctxFor returns the context a record is handled with: ctx unless the
// caller passed one of its own.
func (h requestHandler) ctxFor(ctx context.Context) context.Context {
	if ctx == nil || ctx == context.Background() || ctx == context.TODO() {
		return h.ctx
	}
	return ctx
}

// Enabled asks the wrapped handler with the request's context, so
// handlers that decide by the context (sampling) decide for the request.
func (h requestHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.h.Enabled(h.ctxFor(ctx), l)
}

// Handle passes the record on with the request's context.
func (h requestHandler) Handle(ctx context.Context, r slog.Record) error {
	return h.h.Handle(h.ctxFor(ctx), r)
}

// WithAttrs keeps the binding on derived loggers (Logger(c).With(...)).
func (h requestHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return requestHandler{h: h.h.WithAttrs(as), ctx: h.ctx}
}

// WithGroup keeps the binding on derived loggers.
func (h requestHandler) WithGroup(name string) slog.Handler {
	return requestHandler{h: h.h.WithGroup(name), ctx: h.ctx}
}
