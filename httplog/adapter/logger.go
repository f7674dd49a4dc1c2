package adapter

import (
	"context"
	"log/slog"
)

// BindLogger returns a logger that logs through logger's handler with ctx
// (a request's context) every record whose own context says nothing of
// the request: nil, context.Background(), context.TODO(), or one for
// which isRequest reports true (a framework's request type, which may
// implement context.Context without carrying the trace). A context with
// something of its own (a child span, a deadline) is kept.
//
// It is what framework adapters' Logger(c) helpers return: a
// *slog.Logger cannot hold a context, so plain logger.Info calls would
// otherwise lose the request's trace. It costs two small allocations;
// call it once per handler, not per line. isRequest may be nil.
func BindLogger(logger *slog.Logger, ctx context.Context, isRequest func(context.Context) bool) *slog.Logger {
	if logger == nil {
		logger = slog.Default()
	}
	if ctx == nil {
		ctx = context.Background()
	}
	return slog.New(&boundHandler{h: logger.Handler(), ctx: ctx, isRequest: isRequest})
}

// boundHandler passes records to h with ctx when the call gave no context
// of its own; see BindLogger.
type boundHandler struct {
	h         slog.Handler
	ctx       context.Context
	isRequest func(context.Context) bool
}

func (b *boundHandler) context(ctx context.Context) context.Context {
	switch ctx {
	case nil, context.Background(), context.TODO():
		return b.ctx
	}
	if b.isRequest != nil && b.isRequest(ctx) {
		return b.ctx
	}
	return ctx
}

// Enabled asks the wrapped handler with the request's context, so that
// handlers deciding by the context (sampling) decide for the request.
func (b *boundHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return b.h.Enabled(b.context(ctx), level)
}

// Handle passes r on with the request's context.
func (b *boundHandler) Handle(ctx context.Context, r slog.Record) error {
	return b.h.Handle(b.context(ctx), r)
}

// WithAttrs keeps the binding on derived loggers.
func (b *boundHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &boundHandler{h: b.h.WithAttrs(as), ctx: b.ctx, isRequest: b.isRequest}
}

// WithGroup keeps the binding on derived loggers.
func (b *boundHandler) WithGroup(name string) slog.Handler {
	return &boundHandler{h: b.h.WithGroup(name), ctx: b.ctx, isRequest: b.isRequest}
}
