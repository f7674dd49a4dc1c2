package logweavefiberv3

import (
	"context"
	"log/slog"

	"github.com/valyala/fasthttp"
)

// coreKey is the fasthttp user value under which Middleware leaves its
// core, for Logger to find the logger it was given.
type coreKey struct{}

// baseLogger returns the logger of the middleware that handled fctx, or
// slog.Default() when none did.
func baseLogger(fctx *fasthttp.RequestCtx) *slog.Logger {
	if fctx != nil {
		if c, ok := fctx.UserValue(coreKey{}).(*core); ok {
			return c.logger
		}
	}
	return slog.Default()
}

// requestHandler passes records to h with the request's context when the
// call gave none of its own.
type requestHandler struct {
	h   slog.Handler
	ctx context.Context
}

// context returns the context a record is handled with: ctx, unless it
// says nothing of the request: nil, context.Background() or
// context.TODO() (what Info, Warn, Error and Log pass), a
// *fasthttp.RequestCtx or a Fiber context (both are context.Contexts
// whose values are fasthttp's user values, where the trace is not, and
// both are reused for another request once this one ends). A record
// logged with any other context keeps it, so a child span started in the
// handler is honoured.
func (h *requestHandler) context(ctx context.Context) context.Context {
	switch ctx {
	case nil, context.Background(), context.TODO():
		return h.ctx
	}
	if _, ok := ctx.(*fasthttp.RequestCtx); ok || isFiberContext(ctx) {
		return h.ctx
	}
	return ctx
}

func (h *requestHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.h.Enabled(h.context(ctx), level)
}

func (h *requestHandler) Handle(ctx context.Context, r slog.Record) error {
	return h.h.Handle(h.context(ctx), r)
}

func (h *requestHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &requestHandler{h: h.h.WithAttrs(as), ctx: h.ctx}
}

func (h *requestHandler) WithGroup(name string) slog.Handler {
	return &requestHandler{h: h.h.WithGroup(name), ctx: h.ctx}
}
