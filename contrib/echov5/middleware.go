package logweaveechov5

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v5"
	"github.com/labstack/echo/v5/middleware"
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
	m := &mw{rec: adapter.NewRecorder(logger, opts), logger: logger}
	if opts != nil {
		m.rePanic = opts.RePanic
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c *echo.Context) error { return m.serve(next, c) }
	}
}

// mw is what Middleware needs for every request: the Recorder does the
// work, the rest are the options it leaves to the caller. (Not named
// middleware: that is Echo's package.)
type mw struct {
	rec     *adapter.Recorder
	logger  *slog.Logger // for Logger
	rePanic bool
}

func (m *mw) serve(next echo.HandlerFunc, c *echo.Context) error {
	r := c.Request()
	ctx := context.WithValue(r.Context(), loggerKey{}, m.logger) // for Logger
	if m.rec.Skips(r) {
		ctx = m.rec.Begin(ctx, propagation.HeaderCarrier(r.Header), propagation.HeaderCarrier(c.Response().Header()))
		c.SetRequest(r.WithContext(ctx))
		return next(c)
	}

	// The Flight's writer goes below Echo's Response, which keeps doing
	// what it does: the Flight sees what reaches the server (the status,
	// the bytes, a hijack, a failed write). c.Response() is Echo's
	// *Response, or a writer that unwraps to it (as Echo asks of writers
	// set with c.SetResponse); one that does not is wrapped instead.
	res, _ := echo.UnwrapResponse(c.Response())
	var orig http.ResponseWriter
	if res != nil {
		orig = res.ResponseWriter
	} else {
		orig = c.Response()
	}
	f := m.rec.Start(orig, r.WithContext(ctx))
	c.SetRequest(f.Request())
	if res != nil {
		res.ResponseWriter = f.ResponseWriter()
	} else {
		c.SetResponse(f.ResponseWriter())
	}

	var err error
	defer func() {
		p := recover()
		m.end(c, f, res, orig, err, p)
		if p != nil && (m.rePanic || p == http.ErrAbortHandler) {
			panic(p)
		}
	}()
	// What Echo's ServeHTTP would do with an error, done here so the
	// status is known, and once: the error is not returned. After a hijack
	// the connection is the handler's: no error response is written on it.
	if err = next(c); err != nil && !f.Hijacked() {
		handleError(c, err)
	}
	return nil
}

// handleError passes err to the Echo instance's error handler.
func handleError(c *echo.Context, err error) {
	if e := c.Echo(); e != nil && e.HTTPErrorHandler != nil {
		e.HTTPErrorHandler(c, err)
		return
	}
	echo.DefaultHTTPErrorHandler(false)(c, err) // a Context made without an Echo
}

// end writes the access line once the handler returned err (already
// handled) or panicked (p), and puts back the writer the Flight's took
// the place of: Echo's Response's (res), or c.Response() when res is nil.
func (m *mw) end(c *echo.Context, f *adapter.Flight, res *echo.Response, orig http.ResponseWriter, err error, p any) {
	switch {
	case p == http.ErrAbortHandler:
		// Logged as 499; the connection is dropped.
	case p != nil:
		if (res == nil || !res.Committed) && f.Status() == 0 && !f.Hijacked() {
			// The client gets the application's error response, as with
			// middleware.Recover.
			handleError(c, panicError(p))
			if res != nil && !res.Committed {
				// A custom error handler sent nothing: a 500, through
				// Echo's Response so that an outer Recover (RePanic) sees
				// it sent. (Without res, End sends it.)
				res.WriteHeader(http.StatusInternalServerError)
			}
		}
	case err != nil:
		// middleware.Recover caught a panic below and returned it, with
		// the stack where it happened. (The target is declared here:
		// errors.As moves it to the heap.)
		var recovered *middleware.PanicStackError
		if errors.As(err, &recovered) {
			p, err = recovered.Err, nil
			f.SetPanicStack(string(recovered.Stack))
		}
	}

	route := routeOf(c, f.Status()) // End asks Options.Route instead when it is set
	// Restored first: End recycles the Flight's writer.
	if res != nil {
		res.ResponseWriter = orig
	} else {
		c.SetResponse(orig)
	}
	f.End(route, err, p)
}

// routeOf returns the route template for http.route: c.Path(), or ""
// when Echo's router found no route for the request (not the request's
// Pattern, which Echo's router sets for a 405 too). For a 404 Echo leaves
// c.Path() empty, but for a 405 it holds the template of the route that
// exists for other methods; the router then sets ContextKeyHeaderAllow,
// which a matched route never has.
func routeOf(c *echo.Context, status int) string {
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
