package logweavefasthttp

import (
	"context"
	"log/slog"

	"github.com/logweave/logweave/httplog/adapter"
	"github.com/valyala/fasthttp"
)

// contextKey is the fasthttp user value under which Middleware leaves the
// request's context.
type contextKey struct{}

// Context returns the context.Context that Middleware made for the
// request in fctx, which holds its trace and request id: log with it
// (logger.InfoContext(Context(fctx), ...)) and pass it on to what the
// handler calls. Without Middleware it is context.Background().
//
// The context is not fctx, which is a context.Context too, but one whose
// values are fasthttp's user values, and which fasthttp reuses for another
// request once this one ends. The context Context returns may be kept,
// and handed to goroutines that outlive the request.
func Context(fctx *fasthttp.RequestCtx) context.Context {
	if fctx != nil {
		if ctx, ok := fctx.UserValue(contextKey{}).(context.Context); ok {
			return ctx
		}
	}
	return context.Background()
}

// Logger returns LoggerContext(fctx, Context(fctx)): the logger
// Middleware was given, bound to the request.
func Logger(fctx *fasthttp.RequestCtx) *slog.Logger {
	return LoggerContext(fctx, Context(fctx))
}

// LoggerContext returns the logger of the Middleware or Recorder that
// handles the request in fctx (slog.Default() when none does), bound to
// ctx, the request's context: its lines carry the request's trace_id,
// span_id and request_id whether they are written with InfoContext(ctx,
// ...) or with Info, Warn, Error and Log, which pass no context of their
// own. A framework adapter passes the context it keeps for the request.
//
// A *slog.Logger holds no context, so ctx is kept in the logger's
// handler and used for every record logged without one: a nil context,
// context.Background() or context.TODO(), and a context whose values are
// fasthttp's user values, which do not hold the trace: fctx itself, or a
// framework's context over it (Fiber v3's fiber.Ctx). A record logged
// with any other context keeps it, so a child span started in the
// handler is honoured.
//
// The logger holds ctx, not fctx, so it may be handed to goroutines the
// handler starts. It costs two small allocations: call it once in a
// handler and keep the result rather than calling it per line;
// logger.InfoContext(ctx, ...) on the logger itself costs none.
func LoggerContext(fctx *fasthttp.RequestCtx, ctx context.Context) *slog.Logger {
	logger := slog.Default()
	if fctx != nil {
		if r, ok := fctx.UserValue(recorderKey{}).(*Recorder); ok {
			logger = r.logger
		}
	}
	if ctx == nil {
		ctx = context.Background()
	}
	return adapter.BindLogger(logger, ctx, isRequestContext)
}

// isRequestContext reports whether a record was logged with a context that
// is the request itself rather than one carrying its trace: the
// *fasthttp.RequestCtx, or a context whose values are the request's
// fasthttp user values (Fiber v3's fiber.Ctx), where Begin left the
// Recorder.
func isRequestContext(ctx context.Context) bool {
	if _, ok := ctx.(*fasthttp.RequestCtx); ok {
		return true
	}
	_, ok := ctx.Value(recorderKey{}).(*Recorder)
	return ok
}
