package access

import (
	"context"
	"net/http"
	"time"

	"github.com/logweave/logweave/internal/stack"
)

// Flight is one request on its way through httplog's middleware or an
// adapter's Recorder: the wrapped response writer (status, bytes, hijack,
// write errors, captured body) and the wrapped request body. The zero
// Flight is ready for Start; End makes it so again, for a pool.
type Flight struct {
	rw    responseWriter
	body  countingBody
	c     *Config
	r     *http.Request
	start time.Time
	stack string // set by SetPanicStack
	line  Line   // the access line's attributes
}

// Start makes f the Flight of a request that began at start: it wraps w
// and r, which already carries the request's context (Begin's).
func (c *Config) Start(f *Flight, w http.ResponseWriter, r *http.Request, start time.Time) {
	f.c, f.start = c, start
	f.rw.reset(w, r)
	if r.Body != nil && r.Body != http.NoBody {
		f.body = countingBody{rc: r.Body, capture: f.body.capture[:0]}
		if c.capturesBody(r.Header) {
			f.body.limit = c.maxBody
		}
		r.Body = &f.body
	}
	if c.maxBody > 0 {
		f.rw.capture = f.rw.capture[:0]
		f.rw.captureLimit = -1 // decided at the first write, from the response's Content-Type
		f.rw.wantCapture = c.capturesBody
		f.rw.maxCapture = c.maxBody
	}
	f.r = r
}

// Request returns the request to hand to the handlers: it carries the
// trace context, and its body is counted.
func (f *Flight) Request() *http.Request { return f.r }

// ResponseWriter returns the writer to hand to the handlers. It keeps
// every optional interface of the writer it wraps.
func (f *Flight) ResponseWriter() http.ResponseWriter { return &f.rw }

// Status returns the status sent so far, 0 when none was.
func (f *Flight) Status() int { return f.rw.status }

// Hijacked reports whether the handler took the connection over.
func (f *Flight) Hijacked() bool { return f.rw.hijacked }

// SetPanicStack gives End the stack of a panic that was recovered
// elsewhere; by default End takes the stack of its caller.
func (f *Flight) SetPanicStack(stack string) { f.stack = stack }

// AddResponseBytes counts n body bytes that will be sent after End.
func (f *Flight) AddResponseBytes(n int64) { f.rw.bytes += n }

// End writes the access line and resets f. route is http.route ("" for
// none), unless Options.Route is set: it is asked instead, once the line
// is known to be written. err is the error the handler returned, if any;
// recovered is the value of a panic the caller recovered (nil for none).
// End never panics again: re-panicking is the caller's decision. It
// reports whether f may go back to a pool: not when it grew a large
// capture buffer.
func (f *Flight) End(route string, err error, recovered any) (reusable bool) {
	f.c.finish(f, route, err, recovered)
	f.rw = responseWriter{capture: f.rw.capture[:0]}
	f.body = countingBody{capture: f.body.capture[:0]}
	f.r, f.c, f.stack = nil, nil, ""
	return cap(f.rw.capture) <= maxPooledCapture && cap(f.body.capture) <= maxPooledCapture
}

// finish writes the access line once the handler returned or panicked.
func (c *Config) finish(f *Flight, route string, handlerErr error, p any) {
	rw, r := &f.rw, f.r
	aborted := p == http.ErrAbortHandler
	panicked := p != nil && !aborted
	if panicked && rw.status == 0 && !rw.hijacked {
		// Nothing was sent yet: the client gets a 500, not a dropped
		// connection.
		http.Error(rw, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
	}
	status := rw.status
	switch {
	case rw.hijacked && status == 0:
		status = http.StatusSwitchingProtocols
	case status == 0 && !panicked && !aborted:
		status = http.StatusOK // the server sends 200 for a handler that wrote nothing
	}
	// The client went away before the response was complete: the request
	// context was canceled while the handler ran (the server cancels it when
	// the connection closes), or sending failed.
	if aborted || (!rw.hijacked && (rw.writeErr != nil || r.Context().Err() == context.Canceled)) {
		if !panicked {
			status = StatusClientClosedRequest
		}
	}

	end := time.Now()
	duration := end.Sub(f.start)
	level := c.Level(status, duration, panicked)
	ctx := r.Context()
	if !c.logger.Enabled(ctx, level) {
		return // before building the line: a disabled access log costs nothing more
	}
	if c.route != nil {
		route = c.route(r)
	}
	e := Exchange{
		Method:           r.Method,
		Route:            route,
		Path:             r.URL.Path,
		RawQuery:         r.URL.RawQuery,
		Status:           status,
		RequestBodySize:  f.body.n,
		ResponseBodySize: rw.bytes,
		Duration:         duration,
		End:              end,
		UserAgent:        firstValue(r.Header, "User-Agent"),
		Protocol:         protocolVersion(r),
		Host:             hostOnly(r.Host),
		RequestHeader:    r.Header,
		ResponseHeader:   rw.Header(),
		Request:          r,
		Error:            handlerErr,
	}
	if panicked {
		e.Panic = p
		e.Stack = f.stack
		if e.Stack == "" {
			e.Stack = stack.Bounded(c.maxStack)
		}
	}
	if f.body.limit > 0 {
		e.RequestBody, e.RequestBodyCaptured = f.body.capture, true
	}
	if rw.captureLimit > 0 {
		e.ResponseBody, e.ResponseBodyCaptured = rw.capture, true
	}
	c.logAt(ctx, level, &e, &f.line)
}
