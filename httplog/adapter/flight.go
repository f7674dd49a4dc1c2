package adapter

import (
	"net/http"

	"github.com/logweave/logweave/httplog/internal/access"
)

// Flight is one request on its way through the framework's chain, from
// Recorder.Start to End: the wrapped response writer (status, bytes,
// hijack, write errors, captured body) and the wrapped request body. A
// Flight is pooled: it must not be used after End.
type Flight struct {
	f access.Flight
}

// Request returns the request to hand to the handlers: it carries the
// trace context, and its body is counted.
func (f *Flight) Request() *http.Request { return f.f.Request() }

// ResponseWriter returns the writer to hand to the handlers. It keeps
// every optional interface of the writer it wraps.
func (f *Flight) ResponseWriter() http.ResponseWriter { return f.f.ResponseWriter() }

// Status returns the status sent so far, 0 when none was.
func (f *Flight) Status() int { return f.f.Status() }

// Hijacked reports whether the handler took the connection over
// (WebSocket): the response is then the handler's, and an adapter must not
// write an error response on it.
func (f *Flight) Hijacked() bool { return f.f.Hijacked() }

// SetPanicStack gives End the stack of a panic that was recovered
// elsewhere (a framework's recovery middleware that ran first), for the
// access line; by default End takes the stack of its caller.
func (f *Flight) SetPanicStack(stack string) { f.f.SetPanicStack(stack) }

// AddResponseBytes counts n body bytes that the framework will send after
// End (Gin writes its default 404 and 405 bodies once the middleware chain
// returned), so that http.response.body.size is what the client gets.
func (f *Flight) AddResponseBytes(n int64) { f.f.AddResponseBytes(n) }

// End writes the access line and recycles the Flight. route is the route
// template the framework matched, for http.route, and "" when it matched
// none (its own 404 or 405 answer): the line then has no http.route. When
// Options.Route is set, its answer for Request() is http.route instead,
// whatever route says. err is the error the handler returned, if any,
// logged as error.message; recovered is the value of a panic the caller
// recovered (nil for none). End never panics again: re-panicking
// (Options.RePanic, http.ErrAbortHandler) is the caller's decision.
func (f *Flight) End(route string, err error, recovered any) {
	if f.f.End(route, err, recovered) {
		flights.Put(f)
	}
}
