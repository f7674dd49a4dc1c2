package logweaveecho

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/logweave/logweave/httplog"
	"github.com/logweave/logweave/httplog/adapter"
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
	m := &middleware{rec: adapter.NewRecorder(logger, opts), logger: logger}
	if opts != nil {
		m.rePanic = opts.RePanic
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error { return m.serve(next, c) }
	}
}

// middleware is what Middleware needs for every request: the Recorder
// does the work, the rest are the options it leaves to the caller.
type middleware struct {
	rec     *adapter.Recorder
	logger  *slog.Logger // for Logger
	rePanic bool
}

func (m *middleware) serve(next echo.HandlerFunc, c echo.Context) error {
	r := c.Request()
	res := c.Response()
	ctx := context.WithValue(r.Context(), loggerKey{}, m.logger) // for Logger
	if m.rec.Skips(r) {
		ctx = m.rec.Begin(ctx, propagation.HeaderCarrier(r.Header), propagation.HeaderCarrier(res.Header()))
		c.SetRequest(r.WithContext(ctx))
		return next(c)
	}

	// The Flight's writer goes below Echo's Response, which keeps doing
	// what it does: the Flight sees what reaches the server (the status,
	// the bytes, a hijack, a failed write).
	orig := res.Writer
	f := m.rec.Start(orig, r.WithContext(ctx))
	c.SetRequest(f.Request())
	res.Writer = f.ResponseWriter()

	var err error
	defer func() {
		p := recover()
		m.end(c, f, orig, err, p)
		if p != nil && (m.rePanic || p == http.ErrAbortHandler) {
			panic(p)
		}
	}()
	// What Echo's ServeHTTP would do with an error, done here so the
	// status is known, and once: the error is not returned. After a hijack
	// the connection is the handler's: no error response is written on it.
	if err = next(c); err != nil && !f.Hijacked() {
		c.Error(err)
	}
	return nil
}

// end writes the access line once the handler returned err (already
// handled) or panicked (p), and gives Echo's Response its writer back.
func (m *middleware) end(c echo.Context, f *adapter.Flight, orig http.ResponseWriter, err error, p any) {
	res := c.Response()
	switch {
	case p == http.ErrAbortHandler:
		// Logged as 499; the connection is dropped.
	case p != nil:
		if !res.Committed && !f.Hijacked() {
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
			// RecoverLogErrorFunc; an error it returned is that panic,
			// which happened where Recover's stack says.
			p, err = rp.value, nil
			f.SetPanicStack(rp.stack)
		}
	}

	route := routeOf(c, f.Status()) // End asks Options.Route instead when it is set
	// Restored first: End recycles the Flight's writer.
	res.Writer = orig
	f.End(route, err, p)
}

// routeOf returns the route template for http.route: c.Path(), or ""
// when Echo's router found no route for the request. For
// a 404 Echo leaves c.Path() empty, but for a 405 it holds the template of
// the route that exists for other methods; the router then sets
// ContextKeyHeaderAllow, which a matched route never has.
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
