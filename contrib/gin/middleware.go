package logweavegin

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"syscall"

	"github.com/gin-gonic/gin"
	"github.com/logweave/logweave/httplog"
	"github.com/logweave/logweave/httplog/adapter"
	"go.opentelemetry.io/otel/propagation"
)

// ErrorMessageKey is the key of the access line that holds the text of
// the errors a handler recorded with c.Error, joined with "; ".
const ErrorMessageKey = httplog.ErrorMessageKey

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
	m := &middleware{
		rec:    adapter.NewRecorder(logger, opts),
		logger: logger,
	}
	if opts != nil {
		m.rePanic = opts.RePanic
	}
	return m.serve
}

// middleware is Middleware's configuration, shared by every request.
type middleware struct {
	rec     *adapter.Recorder
	logger  *slog.Logger // the caller's, for Logger
	rePanic bool
}

// state is what the middleware keeps for one request. It is the request's
// context.Context too, so that Logger finds the logger in it, with one
// allocation. It is not pooled: loggers from
// Logger keep the context after the request ended.
type state struct {
	context.Context
	logger *slog.Logger
	w      writer
}

// stateKey finds the request's state in its context.
type stateKey struct{}

func (st *state) Value(key any) any {
	if _, ok := key.(stateKey); ok {
		return st
	}
	return st.Context.Value(key)
}

func (m *middleware) serve(c *gin.Context) {
	r := c.Request
	st := &state{Context: r.Context(), logger: m.logger}
	if m.rec.Skips(r) {
		ctx := m.rec.Begin(st, propagation.HeaderCarrier(r.Header), propagation.HeaderCarrier(c.Writer.Header()))
		c.Request = r.WithContext(ctx)
		c.Next()
		return
	}
	body := r.Body
	// The Flight wraps Gin's writer, not the server's: Gin's engine sends
	// its 404 and 405 answers and the final header through its own writer
	// after the chain returned, and must find it up to date. The chain
	// writes through writer, over the Flight's.
	prev := c.Writer
	f := m.rec.Start(prev, r.WithContext(st))
	// Handlers look for the trace in c.Request.Context(): the request is
	// replaced, not only the context kept here.
	req := f.Request()
	c.Request = req
	st.w = writer{ResponseWriter: f.ResponseWriter(), gin: prev, f: f, rec: m.rec}
	c.Writer = &st.w
	defer m.finish(c, st, prev, body, req.Body)
	c.Next()
}

// finish writes the access line once the chain returned or panicked, and
// puts the request back as it came (Gin's writer, the original body).
func (m *middleware) finish(c *gin.Context, st *state, prev gin.ResponseWriter, body, countedBody io.ReadCloser) {
	recovered := recover()
	w := &st.w
	req := w.f.Request()
	p := recovered // what End is told
	err, _ := recovered.(error)
	switch {
	case err != nil && isBrokenPipe(err):
		// http.ErrAbortHandler, and an error from writing to a connection
		// the client closed, are not failures of the server but a client
		// gone: gin.Recovery takes them so too, and answers nothing. End
		// logs a 499 with no stack.
		p = http.ErrAbortHandler
		c.Abort()
	case recovered != nil:
		if !w.gin.Written() {
			// What gin.Recovery does: an empty 500, so that the result is
			// the same whichever of the two recovers. Written through w,
			// not c.Writer, which may still be a wrapper of a middleware
			// the panic went through.
			w.gin.WriteHeader(http.StatusInternalServerError)
			w.WriteHeaderNow()
		}
		c.Abort()
	case w.stack != "":
		// A recoverer inside this middleware answered a panic.
		p = ErrRecoveredInside
		w.f.SetPanicStack(w.stack)
	case brokenPipeIn(c.Errors):
		// gin.Recovery, inside, recovered a panic of a client gone.
		p = http.ErrAbortHandler
	}
	if !w.f.Hijacked() {
		w.sync() // the status Gin sends when the chain returns, if none went out
	}
	if !w.gin.Written() && c.FullPath() == "" && req.Method != http.MethodHead {
		// No route matched: Gin's own 404 or 405 answer writes its default
		// body after the chain returned, when no handler wrote anything
		// and the status is still its own.
		w.f.AddResponseBytes(defaultBodySize(w.gin.Status(), w.gin.Header()))
	}
	// c.FullPath() is "" when no route matched: the line has none. End
	// asks Options.Route instead when it is set.
	w.f.End(c.FullPath(), handlerError(c.Errors), p)

	c.Writer = prev
	if req.Body == countedBody {
		req.Body = body
	}
	st.w = writer{}
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

// handlerError is the error End logs as error.message: the errors the
// handlers recorded with c.Error, nil when none.
func handlerError(errs []*gin.Error) error {
	switch {
	case len(errs) == 0:
		return nil
	case len(errs) == 1 && errs[0] != nil && errs[0].Err != nil:
		return errs[0].Err
	}
	return joinedErrors(errs)
}

// joinedErrors are several errors of c.Errors, joined with "; ".
type joinedErrors []*gin.Error

func (errs joinedErrors) Error() string {
	msgs := make([]string, 0, len(errs))
	for _, e := range errs {
		if e != nil && e.Err != nil {
			msgs = append(msgs, e.Err.Error())
		}
	}
	return strings.Join(msgs, "; ")
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
