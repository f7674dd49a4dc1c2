package logweaveechov5

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v5"
	"github.com/labstack/echo/v5/middleware"
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
	if opts == nil {
		opts = &httplog.Options{}
	}
	m := &mw{
		rec:     httplog.NewRecorder(logger, opts),
		logger:  logger,
		route:   opts.Route,
		rePanic: opts.RePanic,
	}
	if opts.MaxBodyBytes > 0 && len(opts.BodyContentTypes) > 0 {
		m.bodyTypes = append([]string(nil), opts.BodyContentTypes...)
		m.maxBody = opts.MaxBodyBytes
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c *echo.Context) error { return m.serve(next, c) }
	}
}

// mw is what Middleware needs for every request: the Recorder does the
// logging, the rest are the options the Recorder does not apply itself.
// (Not named middleware: that is Echo's package.)
type mw struct {
	rec       *httplog.Recorder
	logger    *slog.Logger // for Logger
	route     func(*http.Request) string
	rePanic   bool
	bodyTypes []string
	maxBody   int
}

// exchange is the per-request state, pooled so that a request allocates
// nothing for it.
type exchange struct {
	w    responseWriter
	body countingBody
}

var exchangePool = sync.Pool{New: func() any { return new(exchange) }}

// loggerKey is the request context's key for the logger Logger returns.
type loggerKey struct{}

func (m *mw) serve(next echo.HandlerFunc, c *echo.Context) error {
	start := time.Now()
	r := c.Request()
	ctx := m.rec.Begin(r.Context(), propagation.HeaderCarrier(r.Header), propagation.HeaderCarrier(c.Response().Header()))
	ctx = context.WithValue(ctx, loggerKey{}, m.logger)
	r = r.WithContext(ctx)
	if m.rec.Skips(r) {
		c.SetRequest(r)
		return next(c)
	}

	ex := exchangePool.Get().(*exchange)
	if r.Body != nil && r.Body != http.NoBody {
		ex.body = countingBody{rc: r.Body, capture: ex.body.capture[:0]}
		if m.capturesBody(r.Header) {
			ex.body.limit = m.maxBody
		}
		r.Body = &ex.body
	}
	c.SetRequest(r)
	// The server's writer is wrapped below Echo's Response, which keeps
	// the status and size: the wrapper sees what Echo cannot, a hijacked
	// connection and a failed write (the client went away). c.Response()
	// is Echo's *Response, or a writer that unwraps to it (as Echo asks of
	// writers set with c.SetResponse); one that does not is left alone,
	// and the line then has only what echo.ResolveResponseStatus can say.
	res, _ := echo.UnwrapResponse(c.Response())
	var orig http.ResponseWriter
	if res != nil {
		orig = res.ResponseWriter
		ex.w.reset(orig, r.Method == http.MethodHead)
		if m.maxBody > 0 {
			ex.w.captureLimit = -1 // decided at the first write, by the response's Content-Type
			ex.w.wantCapture = m.capturesBody
			ex.w.maxCapture = m.maxBody
		}
		res.ResponseWriter = &ex.w
	}

	var err error
	defer func() {
		p := recover()
		m.finish(c, r, res, ex, start, err, p)
		// Restored before ex goes back to the pool: whatever Echo writes
		// after this goes straight out.
		if res != nil {
			res.ResponseWriter = orig
		}
		ex.w = responseWriter{capture: ex.w.capture[:0]}
		ex.body = countingBody{capture: ex.body.capture[:0]}
		if cap(ex.w.capture) <= maxPooledCapture && cap(ex.body.capture) <= maxPooledCapture {
			exchangePool.Put(ex)
		}
		if p != nil && (m.rePanic || p == http.ErrAbortHandler) {
			panic(p)
		}
	}()
	if err = next(c); err != nil {
		// What Echo's ServeHTTP would do with it, done here so the status
		// is known, and once: the error is not returned.
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

// finish writes the access line once the handler returned err (already
// handled) or panicked (p). r is the request as Middleware passed it on:
// handlers may have replaced c.Request() with one whose context they
// canceled when done (middleware.ContextTimeout does), which must not read
// as a client that went away. res is Echo's Response, nil when
// c.Response() did not lead to it.
func (m *mw) finish(c *echo.Context, r *http.Request, res *echo.Response, ex *exchange, start time.Time, err error, p any) {
	w := &ex.w
	committed := func() bool { return res != nil && res.Committed }
	aborted := p == http.ErrAbortHandler
	panicked := p != nil && !aborted
	var stack string
	switch {
	case panicked:
		stack = m.rec.PanicStack()
		if !committed() && !w.hijacked {
			// The client gets the application's error response, as with
			// middleware.Recover.
			handleError(c, panicError(p))
			if !committed() {
				// A custom error handler sent nothing: not a 200 for a panic.
				c.Response().WriteHeader(http.StatusInternalServerError)
			}
		}
	case err != nil:
		// middleware.Recover caught a panic below and returned it. (The
		// target is declared here: errors.As moves it to the heap.)
		var recovered *middleware.PanicStackError
		if errors.As(err, &recovered) {
			panicked, p, stack = true, recovered.Err, string(recovered.Stack)
		}
	}

	status := http.StatusOK // what the server sends when nothing was written
	switch {
	case w.hijacked && !w.sent:
		// The handler answered on the connection itself. Echo's Response
		// may say otherwise: an error returned after the hijack goes to
		// the error handler, whose response never reaches the client.
		status = http.StatusSwitchingProtocols
	case committed() && res.Status != 0:
		status = res.Status
	case res == nil:
		_, status = echo.ResolveResponseStatus(c.Response(), nil)
	}
	if aborted || (!w.hijacked && (w.writeErr != nil || r.Context().Err() == context.Canceled)) {
		if !panicked {
			status = httplog.StatusClientClosedRequest
		}
	}
	d := time.Since(start)
	if !m.logger.Enabled(r.Context(), m.rec.Level(status, d, panicked)) {
		return // Log would drop the line: spare building it
	}
	var size int64
	if res != nil && r.Method != http.MethodHead {
		size = res.Size // the server sends no body for HEAD, whatever is written
	}

	e := httplog.Exchange{
		Method:           r.Method,
		Route:            m.routeOf(c, r, status),
		Path:             r.URL.Path,
		RawQuery:         r.URL.RawQuery,
		Status:           status,
		RequestBodySize:  ex.body.n,
		ResponseBodySize: size,
		Duration:         d,
		Request:          r,
		UserAgent:        r.UserAgent(),
		Protocol:         protocolVersion(r),
		Host:             hostOnly(r.Host),
		RequestHeader:    r.Header,
		ResponseHeader:   c.Response().Header(),
	}
	if panicked {
		e.Panic, e.Stack = p, stack
	}
	if ex.body.limit > 0 {
		e.RequestBody, e.RequestBodyCaptured = ex.body.capture, true
	}
	if w.captureLimit > 0 {
		e.ResponseBody, e.ResponseBodyCaptured = w.capture, true
	}
	m.rec.Log(r.Context(), &e)
}

// routeOf returns the route template for http.route: c.Path(), except when
// Echo's router found no route for the request. For a 404 Echo leaves
// c.Path() empty, but for a 405 it holds the template of the route that
// exists for other methods; the router then sets ContextKeyHeaderAllow,
// which a matched route never has.
func (m *mw) routeOf(c *echo.Context, r *http.Request, status int) string {
	if m.route != nil {
		return m.route(r)
	}
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

// capturesBody reports whether bodies of this Content-Type are logged.
func (m *mw) capturesBody(h http.Header) bool {
	if m.maxBody <= 0 {
		return false
	}
	ct := h.Get("Content-Type")
	for _, t := range m.bodyTypes {
		if strings.HasPrefix(ct, t) {
			return true
		}
	}
	return false
}
