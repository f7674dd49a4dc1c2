package logweavegin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/logweave/logweave/httplog"
	"go.opentelemetry.io/otel/propagation"
)

// ErrorMessageKey is the key of the access line that holds the text of
// the errors a handler recorded with c.Error, joined with "; ".
const ErrorMessageKey = "error.message"

// ErrRecoveredInside is the panic value logged for a panic that a
// recovery middleware running inside this one (gin.Recovery registered
// after Middleware) recovered: the line has the stack, but the value
// stayed with that middleware, which logs it itself.
var ErrRecoveredInside = errors.New("recovered by a recovery middleware inside logweavegin.Middleware (its value is in that middleware's log)")

// Middleware returns Gin middleware that logs each request with logger
// and carries its trace context; see the package documentation. A nil
// logger is slog.Default(); a nil opts is the zero httplog.Options.
//
// Options.Route, when set, replaces c.FullPath() as http.route. With
// Options.RePanic a recovered panic is logged, answered with 500 and
// raised again for an outer recoverer.
func Middleware(logger *slog.Logger, opts *httplog.Options) gin.HandlerFunc {
	if logger == nil {
		logger = slog.Default()
	}
	var o httplog.Options
	if opts != nil {
		o = *opts
	}
	m := &middleware{
		// The access line goes through errorsHandler, which adds the
		// handler's c.Errors: httplog.Exchange has no field for them.
		rec:     httplog.NewRecorder(slog.New(errorsHandler{logger.Handler()}), opts),
		logger:  logger,
		route:   o.Route,
		rePanic: o.RePanic,
	}
	if o.MaxBodyBytes > 0 && len(o.BodyContentTypes) > 0 {
		m.bodyTypes = slices.Clone(o.BodyContentTypes)
		m.maxBody = o.MaxBodyBytes
		m.wantCapture = m.capturesBody // made once: a method value allocates
	}
	return m.serve
}

// middleware is Middleware's configuration, shared by every request.
type middleware struct {
	rec         *httplog.Recorder
	logger      *slog.Logger // the caller's, for Logger
	route       func(*http.Request) string
	rePanic     bool
	bodyTypes   []string
	maxBody     int
	wantCapture func(http.Header) bool
}

// state is the per-request state, pooled: the writer and body wrappers.
type state struct {
	rw   responseWriter
	body countingBody
}

var statePool = sync.Pool{New: func() any { return new(state) }}

// maxPooledCapture bounds the capture buffers kept for reuse.
const maxPooledCapture = 64 << 10

// loggerKey holds Middleware's logger in the request context, for Logger.
type loggerKey struct{}

func (m *middleware) serve(c *gin.Context) {
	start := time.Now()
	r := c.Request
	ctx := m.rec.Begin(r.Context(), propagation.HeaderCarrier(r.Header), propagation.HeaderCarrier(c.Writer.Header()))
	ctx = context.WithValue(ctx, loggerKey{}, m.logger)
	// Handlers look for the trace in c.Request.Context(): the request is
	// replaced, not only the context kept here.
	req := r.WithContext(ctx)
	c.Request = req
	if m.rec.Skips(req) {
		c.Next()
		return
	}

	st := statePool.Get().(*state)
	prev := c.Writer
	st.rw = responseWriter{
		w:       prev,
		head:    req.Method == http.MethodHead,
		rec:     m.rec,
		capture: st.rw.capture[:0],
	}
	if m.maxBody > 0 {
		st.rw.captureLimit = -1 // decided at the first write, from the response's Content-Type
		st.rw.wantCapture = m.wantCapture
		st.rw.maxCapture = m.maxBody
	}
	body := req.Body
	if body != nil && body != http.NoBody {
		st.body = countingBody{rc: body, capture: st.body.capture[:0]}
		if m.capturesBody(req.Header) {
			st.body.limit = m.maxBody
		}
		req.Body = &st.body
	}
	c.Writer = &st.rw
	defer m.finish(c, req, st, prev, body, start)
	c.Next()
}

// finish writes the access line once the chain returned or panicked, and
// puts the request back as it came (Gin's writer, the original body).
func (m *middleware) finish(c *gin.Context, req *http.Request, st *state, prev gin.ResponseWriter, body io.ReadCloser, start time.Time) {
	recovered := recover()
	rw := &st.rw
	// http.ErrAbortHandler, and an error from writing to a connection the
	// client closed, are not failures of the server but a client gone:
	// gin.Recovery takes them so too, and answers nothing.
	err, _ := recovered.(error)
	aborted := recovered != nil && err != nil && isBrokenPipe(err)
	panicked := recovered != nil && !aborted
	p, stack := recovered, ""
	if aborted {
		c.Abort()
	} else if panicked {
		stack = m.rec.PanicStack()
		if !rw.w.Written() {
			// What gin.Recovery does: an empty 500, so that the result is
			// the same whichever of the two recovers. Written through rw,
			// not c.Writer, which may still be a wrapper of a middleware
			// the panic went through.
			rw.recovering = true
			rw.WriteHeader(http.StatusInternalServerError)
			rw.WriteHeaderNow()
		}
		c.Abort()
	} else if rw.innerPanic {
		panicked, p, stack = true, ErrRecoveredInside, rw.stack
	}

	status := rw.w.Status()
	size := rw.bytes
	switch {
	case rw.hijacked:
		if !rw.headerBeforeHijack {
			status = http.StatusSwitchingProtocols
		}
	case !rw.w.Written() && c.FullPath() == "" && !rw.head:
		// No route matched: Gin's own 404 or 405 answer writes its default
		// body after the chain returned, when no handler wrote anything
		// and the status is still its own.
		size += defaultBodySize(status, rw.w.Header())
	}
	// The client went away before the response was complete: the request
	// context was canceled while the chain ran (the server cancels it when
	// the connection closes), sending failed, or gin.Recovery recovered a
	// broken pipe and recorded it in c.Errors.
	if aborted || brokenPipeIn(c.Errors) || (!rw.hijacked && (rw.writeErr != nil || errors.Is(req.Context().Err(), context.Canceled))) {
		if !panicked {
			status = httplog.StatusClientClosedRequest
		}
	}

	route := c.FullPath()
	if m.route != nil {
		route = m.route(req)
	}
	e := httplog.Exchange{
		Method:           req.Method,
		Route:            route,
		Path:             req.URL.Path,
		RawQuery:         req.URL.RawQuery,
		Status:           status,
		RequestBodySize:  st.body.n,
		ResponseBodySize: size,
		Duration:         time.Since(start),
		Request:          req,
		UserAgent:        req.UserAgent(),
		Protocol:         protocolVersion(req),
		Host:             hostOnly(req.Host),
		RequestHeader:    req.Header,
		ResponseHeader:   rw.w.Header(),
	}
	if panicked {
		e.Panic, e.Stack = p, stack
	}
	if st.body.limit > 0 {
		e.RequestBody, e.RequestBodyCaptured = st.body.capture, true
	}
	if rw.captureLimit > 0 {
		e.ResponseBody, e.ResponseBodyCaptured = rw.capture, true
	}
	ctx := req.Context()
	if len(c.Errors) > 0 {
		ctx = &errorsContext{Context: ctx, errs: c.Errors}
	}
	m.rec.Log(ctx, &e)

	c.Writer = prev
	if req.Body == &st.body {
		req.Body = body
	}
	st.rw = responseWriter{capture: rw.capture[:0]}
	st.body = countingBody{capture: st.body.capture[:0]}
	if cap(st.rw.capture) <= maxPooledCapture && cap(st.body.capture) <= maxPooledCapture {
		statePool.Put(st)
	}
	if recovered == http.ErrAbortHandler || (recovered != nil && m.rePanic) {
		// ErrAbortHandler is how a handler asks net/http to drop the
		// connection quietly; it must reach the server.
		panic(recovered)
	}
}

// defaultBodySize is the size of the body Gin writes for its own 404 and
// 405 answers (serveError), when the status is still the one Gin set.
func defaultBodySize(status int, h http.Header) int64 {
	switch {
	case status == http.StatusNotFound:
		return int64(len("404 page not found"))
	case status == http.StatusMethodNotAllowed && h["Allow"] != nil:
		return int64(len("405 method not allowed"))
	}
	return 0
}

// brokenPipeIn reports whether errs holds what gin.Recovery records when
// it recovers a panic of a client gone (see isBrokenPipe).
func brokenPipeIn(errs []*gin.Error) bool {
	for _, e := range errs {
		if e != nil && e.Err != nil && isBrokenPipe(e.Err) {
			return true
		}
	}
	return false
}

// isBrokenPipe reports whether err says the client went away: writing to
// a connection it closed, or http.ErrAbortHandler, by which a handler
// drops the connection. gin.Recovery tells these from panics the same way.
func isBrokenPipe(err error) bool {
	return errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, http.ErrAbortHandler)
}

// capturesBody reports whether bodies of this Content-Type are logged, as
// httplog decides it.
func (m *middleware) capturesBody(h http.Header) bool {
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

// errorsContext carries the handler's c.Errors to errorsHandler, which
// finds it by a type assertion on the context it is given: no lookup
// walks the context chain for the requests that have none.
type errorsContext struct {
	context.Context
	errs []*gin.Error
}

// errorsHandler adds ErrorMessageKey to the access line of a request
// whose handler recorded errors.
type errorsHandler struct{ slog.Handler }

func (h errorsHandler) Handle(ctx context.Context, r slog.Record) error {
	if ec, ok := ctx.(*errorsContext); ok {
		msgs := make([]string, 0, len(ec.errs))
		for _, e := range ec.errs {
			if e != nil && e.Err != nil {
				msgs = append(msgs, e.Err.Error())
			}
		}
		r.AddAttrs(slog.String(ErrorMessageKey, strings.Join(msgs, "; ")))
	}
	return h.Handler.Handle(ctx, r)
}

func (h errorsHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return errorsHandler{h.Handler.WithAttrs(as)}
}

func (h errorsHandler) WithGroup(name string) slog.Handler {
	return errorsHandler{h.Handler.WithGroup(name)}
}

// protocolVersion is network.protocol.version, as httplog writes it.
func protocolVersion(r *http.Request) string {
	switch {
	case r.ProtoMajor == 1 && r.ProtoMinor == 1:
		return "1.1"
	case r.ProtoMajor == 2:
		return "2"
	case r.ProtoMajor == 3:
		return "3"
	case r.ProtoMajor == 1 && r.ProtoMinor == 0:
		return "1.0"
	}
	return fmt.Sprintf("%d.%d", r.ProtoMajor, r.ProtoMinor)
}

// hostOnly strips the port from a Host header value, as httplog does.
func hostOnly(host string) string {
	if strings.HasPrefix(host, "[") {
		if i := strings.IndexByte(host, ']'); i > 0 {
			return host[1:i]
		}
		return host
	}
	if i := strings.LastIndexByte(host, ':'); i >= 0 && strings.Count(host, ":") == 1 {
		return host[:i]
	}
	return host
}
