package logweavefasthttp

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/logweave/logweave/httplog"
	"github.com/valyala/fasthttp"
)

// Middleware returns fasthttp middleware that logs each request with
// logger and carries its trace context, with httplog's options, fields
// and levels; see the package documentation. A nil logger is
// slog.Default(), a nil opts the zero Options. The handler finds the
// request's context with Context(fctx), and a bound logger with
// Logger(fctx).
//
// Options.Route, when set, names the route for http.route: it is asked
// after the handler, with the request as an *http.Request that must not
// be kept. A panic in the handler is recovered and answered with a 500
// (the response the handler had built is dropped), unless
// Options.RePanic passes it on once logged. A streamed body is logged
// when the handler returns, with its declared size, not captured by
// Options.MaxBodyBytes, and without client aborts (see the package
// documentation).
func Middleware(logger *slog.Logger, opts *httplog.Options) func(fasthttp.RequestHandler) fasthttp.RequestHandler {
	m := &middleware{rec: NewRecorder(logger, opts)}
	if opts != nil {
		m.rePanic, m.route = opts.RePanic, opts.Route
	}
	return func(next fasthttp.RequestHandler) fasthttp.RequestHandler {
		return func(fctx *fasthttp.RequestCtx) { m.serve(next, fctx) }
	}
}

type middleware struct {
	rec     *Recorder
	rePanic bool
	route   func(*http.Request) string
}

func (m *middleware) serve(next fasthttp.RequestHandler, fctx *fasthttp.RequestCtx) {
	ctx, ex := m.rec.Begin(context.Background(), fctx)
	fctx.SetUserValue(contextKey{}, ctx)
	if ex == nil {
		next(fctx)
		return
	}
	defer func() {
		// recover returns nil for a handler that returned, and for
		// runtime.Goexit: then the response is what the handler left.
		p := recover()
		if p != nil {
			ex.Panicked(p)
			internalServerError(&fctx.Response)
		}
		route := ""
		if m.route != nil {
			route = m.route(ex.request(true))
		}
		ex.End(route)
		if p != nil && m.rePanic {
			panic(p)
		}
	}()
	next(fctx)
}

// internalServerError replaces the response with a 500, as net/http's
// http.Error writes it; the headers the handler set stay, as they do
// there, but for those that describe a body it no longer sends.
func internalServerError(resp *fasthttp.Response) {
	resp.ResetBody() // closes a stream the handler set
	resp.Header.Del(fasthttp.HeaderContentEncoding)
	resp.SetStatusCode(fasthttp.StatusInternalServerError)
	resp.Header.SetContentType("text/plain; charset=utf-8")
	resp.Header.Set("X-Content-Type-Options", "nosniff")
	resp.SetBodyString(http.StatusText(http.StatusInternalServerError) + "\n")
}
