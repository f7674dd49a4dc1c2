package logweavegin

import (
	"context"
	"log/slog"

	"github.com/gin-gonic/gin"
	"github.com/logweave/logweave/httplog/adapter"
)

// Logger returns the logger Middleware was given, bound to the request:
// its lines carry the request's trace_id, span_id and request_id whether
// they are written with InfoContext(ctx, ...) or with Info, Warn, Error
// and Log, which pass no context of their own.
//
//	func getUser(c *gin.Context) {
//		log := logweavegin.Logger(c)
//		log.Info("loading user", "id", c.Param("id")) // carries the trace
//	}
//
// A *slog.Logger holds no context, so the request's context is kept in
// the logger's handler, taken from c.Request.Context() when Logger is
// called, and used for every record logged without one: a nil context,
// context.Background() or context.TODO() (what Info and the others pass),
// and c itself (a *gin.Context, whose Value does not reach the request's
// context unless Engine.ContextWithFallback is set) all stand for this
// request. A record logged with any other context keeps it, so a child
// span started in the handler is honoured.
//
// The logger holds the request's context.Context, not c, which Gin reuses
// for another request once this one ends: it may be handed to goroutines
// the handler starts. Without Middleware in the chain it binds
// slog.Default() the same way. It costs two small allocations: call it
// once in a handler and keep the result rather than calling it per line.
func Logger(c *gin.Context) *slog.Logger {
	ctx := context.Background()
	if c != nil && c.Request != nil {
		ctx = c.Request.Context()
	}
	base := slog.Default()
	if st, ok := ctx.Value(stateKey{}).(*state); ok {
		base = st.logger
	}
	return adapter.BindLogger(base, ctx, isGinContext)
}

// isGinContext reports whether a record was logged with the *gin.Context
// itself, which implements context.Context with Gin's keys, not the
// request's trace.
func isGinContext(ctx context.Context) bool {
	_, ok := ctx.(*gin.Context)
	return ok
}
