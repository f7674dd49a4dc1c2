package httplog

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/logweave/logweave/internal/stack"
	"go.opentelemetry.io/otel/propagation"
)

// Recorder is Middleware taken apart for framework adapters (Gin, Echo,
// Fiber, ...): the same options, trace handling and access line, with the
// request's status and sizes told by the framework instead of read from a
// wrapped http.ResponseWriter. An adapter calls Begin when a request
// arrives and Log when it ends.
type Recorder struct{ c *config }

// NewRecorder returns a Recorder with Middleware's options. A nil logger is
// slog.Default(); a nil opts is the zero Options.
func NewRecorder(logger *slog.Logger, opts *Options) *Recorder {
	return &Recorder{c: newConfig(logger, opts)}
}

// Begin reads the trace context and request id from the request's
// headers (or starts a trace), and sets the response headers that hand
// them back (X-Request-ID, and traceparent when configured) on
// responseHeaders, when it is not nil. It returns the context the
// handlers must run with.
func (rec *Recorder) Begin(ctx context.Context, requestHeaders, responseHeaders propagation.TextMapCarrier) context.Context {
	return rec.c.begin(ctx, requestHeaders, responseHeaders)
}

// Start begins a request for an adapter whose framework runs on net/http
// (Gin, Echo, Chi): Begin, then a Flight that wraps w and r. The adapter
// runs the framework's chain with f.Request() and f.ResponseWriter() and
// calls f.End when it returns. Requests that Skips excludes should not be
// started.
func (rec *Recorder) Start(w http.ResponseWriter, r *http.Request) *Flight {
	now := time.Now()
	ctx := rec.c.begin(r.Context(), propagation.HeaderCarrier(r.Header), propagation.HeaderCarrier(w.Header()))
	return rec.c.start(w, r.WithContext(ctx), now)
}

// PanicStack returns the stack of the calling goroutine, bounded by
// Options.MaxStackBytes: call it in the deferred function that recovered
// a panic, for Exchange.Stack.
func (rec *Recorder) PanicStack() string { return stack.Bounded(rec.c.maxStack) }

// Skips reports whether r gets no access line by SkipPaths, SkipPrefixes
// or Skip (SkipRoutes and SampleRoutes are applied by Log).
func (rec *Recorder) Skips(r *http.Request) bool { return rec.c.skipped(r) }

// ClientIP returns the client's address by the configured strategy.
func (rec *Recorder) ClientIP(r *http.Request) netip.Addr { return rec.c.clientIP.ClientIP(r) }

// Level returns the level the access line of a request with this outcome
// gets.
func (rec *Recorder) Level(status int, d time.Duration, panicked bool) slog.Level {
	return rec.c.levelOf(status, d, panicked)
}

// Log writes the access line for a finished request, with ctx (the one
// Begin returned, so the line carries the trace).
func (rec *Recorder) Log(ctx context.Context, e *Exchange) { rec.c.log(ctx, e) }

// Exchange is what the access line says about one finished request.
type Exchange struct {
	Method   string
	Route    string // the route template, "" when unknown
	Path     string
	RawQuery string // masked by Log as configured
	// Status is the status the client got: StatusClientClosedRequest when
	// it went away first.
	Status           int
	RequestBodySize  int64
	ResponseBodySize int64
	Duration         time.Duration
	// End is when the request ended, the access line's time; zero means
	// when Log is called.
	End time.Time
	// ClientIP is the client's address; when zero, Log asks the
	// configured strategy with Request.
	ClientIP  netip.Addr
	Request   *http.Request
	UserAgent string
	Protocol  string // "1.1", "2"
	Host      string // the server's host name, without the port
	// RequestHeader and ResponseHeader are read for the allowlisted
	// headers (Options.RequestHeaders, ResponseHeaders).
	RequestHeader  http.Header
	ResponseHeader http.Header
	// Error is the error the handler returned, if any: logged as
	// error.message beside the status it led to.
	Error error
	// Panic is a recovered panic's value (nil when none), Stack where it
	// happened (PanicStack).
	Panic any
	Stack string
	// Captured bodies (Options.MaxBodyBytes), when capture is on.
	RequestBody          []byte
	RequestBodyCaptured  bool
	ResponseBody         []byte
	ResponseBodyCaptured bool
	// RequestContentType and ResponseContentType are the Content-Types
	// of the captured bodies, by which Log masks the fields of a form or
	// multipart body (see Options.SensitiveQueryKeys). When empty, the
	// Content-Type in RequestHeader and ResponseHeader is used: an
	// adapter whose header maps hold only the logged headers sets these.
	RequestContentType  string
	ResponseContentType string
}
