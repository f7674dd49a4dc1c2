package logweaveecho

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/logweave/logweave/httplog"
	"go.opentelemetry.io/otel/propagation"
)

// Middleware returns Echo middleware that logs each request with logger
// and carries its trace context; see the package documentation. A nil
// logger is slog.Default(); a nil opts is the zero Options. Options.Route,
// when set, replaces c.Path() as the route; SkipRoutes and SampleRoutes
// take Echo's templates ("/healthz", "/users/:id").
func Middleware(logger *slog.Logger, opts *httplog.Options) echo.MiddlewareFunc {
	if logger == nil {
		logger = slog.Default()
	}
	m := &middleware{
		rec:    httplog.NewRecorder(slog.New(stackHandler{logger.Handler()}), opts),
		logger: logger,
	}
	if opts != nil {
		m.ownRoute, m.rePanic = opts.Route != nil, opts.RePanic
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error { return m.serve(next, c) }
	}
}

// middleware is what Middleware needs for every request: the Recorder
// does the work, the rest are the options it leaves to the caller.
type middleware struct {
	rec      *httplog.Recorder
	logger   *slog.Logger // for Logger
	ownRoute bool         // Options.Route is set: the Recorder asks it
	rePanic  bool
}

func (m *middleware) serve(next echo.HandlerFunc, c echo.Context) error {
	r := c.Request()
	res := c.Response()
	rc := &requestContext{Context: r.Context(), logger: m.logger}
	if m.rec.Skips(r) {
		ctx := m.rec.Begin(rc, propagation.HeaderCarrier(r.Header), propagation.HeaderCarrier(res.Header()))
		c.SetRequest(r.WithContext(ctx))
		return next(c)
	}

	// The Flight's writer goes below Echo's Response, which keeps doing
	// what it does: the Flight sees what reaches the server (the status,
	// the bytes, a hijack, a failed write).
	orig := res.Writer
	f := m.rec.Start(orig, r.WithContext(rc))
	c.SetRequest(f.Request())
	res.Writer = f.ResponseWriter()

	var err error
	defer func() {
		p := recover()
		m.end(c, f, rc, orig, err, p)
		if p != nil && (m.rePanic || p == http.ErrAbortHandler) {
			panic(p)
		}
	}()
	if err = next(c); err != nil {
		// What Echo's ServeHTTP would do with it, done here so the status
		// is known, and once: the error is not returned.
		c.Error(err)
	}
	return nil
}

// end writes the access line once the handler returned err (already
// handled) or panicked (p), and gives Echo's Response its writer back.
func (m *middleware) end(c echo.Context, f *httplog.Flight, rc *requestContext, orig http.ResponseWriter, err error, p any) {
	res := c.Response()
	switch {
	case p == http.ErrAbortHandler:
		// Logged as 499; the connection is dropped.
	case p != nil:
		if !res.Committed {
			// The client gets the application's error response, as with
			// middleware.Recover.
			c.Error(panicError(p))
			if !res.Committed {
				// A custom error handler sent nothing: a 500, through
				// Echo's Response so that an outer Recover (RePanic) sees
				// it sent.
				res.WriteHeader(http.StatusInternalServerError)
			}
		}
	default:
		if rp, ok := c.Get(recoveredKey).(*recovered); ok {
			// middleware.Recover caught a panic below, and told us through
			// RecoverLogErrorFunc; an error it returned is that panic.
			p, rc.stack, err = rp.value, rp.stack, nil
		}
	}

	route := ""
	if !m.ownRoute {
		route = routeOf(c, f.Status())
		if route == "" {
			// End would take the request's Pattern instead.
			f.Request().Pattern = ""
		}
	}
	// Restored first: End recycles the Flight's writer.
	res.Writer = orig
	f.End(route, err, p)
}

// routeOf returns the route template for http.route: c.Path(), except when
// Echo's router found no route for the request. For a 404 Echo leaves
// c.Path() empty, but for a 405 it holds the template of the route that
// exists for other methods; the router then sets ContextKeyHeaderAllow,
// which a matched route never has.
func routeOf(c echo.Context, status int) string {
	if status >= 400 && c.Get(echo.ContextKeyHeaderAllow) != nil {
		return ""
	}
	return c.Path()
}

// panicError is a panic's value as the error handed to the HTTPErrorHandler,
// as middleware.Recover makes it.
func panicError(p any) error {
	if err, ok := p.(error); ok {
		return err
	}
	return fmt.Errorf("%v", p)
}

// loggerKey is the request context's key for the logger Logger returns.
type loggerKey struct{}

// stackKey is the request context's key for its *requestContext.
type stackKey struct{}

// requestContext is the context Middleware hands the handlers: the
// request's, with the logger for Logger and the stack of a panic that
// middleware.Recover caught below (RecoverLogErrorFunc), in one allocation.
//
// httplog.Flight.End takes the stack of its caller, which after Recover
// returned no longer has the handler in it; until End can be given one,
// the Recorder logs through stackHandler, which puts Recover's in its
// place.
type requestContext struct {
	context.Context
	logger *slog.Logger
	stack  string // set before Flight.End, read by stackHandler
}

// Value returns the logger for loggerKey, c for stackKey.
func (c *requestContext) Value(key any) any {
	switch key.(type) {
	case loggerKey:
		return c.logger
	case stackKey:
		return c
	}
	return c.Context.Value(key)
}

// stackHandler is the Recorder's handler: it replaces the access line's
// stack with the one in the request context, when there is one.
type stackHandler struct{ slog.Handler }

// Handle passes r on, with its stack replaced.
func (h stackHandler) Handle(ctx context.Context, r slog.Record) error {
	if rc, _ := ctx.Value(stackKey{}).(*requestContext); rc != nil && rc.stack != "" {
		out := slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == httplog.StackKey {
				a.Value = slog.StringValue(rc.stack)
			}
			out.AddAttrs(a)
			return true
		})
		r = out
	}
	return h.Handler.Handle(ctx, r)
}

// WithAttrs keeps the replacement on derived handlers.
func (h stackHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return stackHandler{h.Handler.WithAttrs(as)}
}

// WithGroup keeps the replacement on derived handlers.
func (h stackHandler) WithGroup(name string) slog.Handler {
	return stackHandler{h.Handler.WithGroup(name)}
}
