package adapter

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"github.com/logweave/logweave/httplog"
	"github.com/logweave/logweave/httplog/internal/access"
	"go.opentelemetry.io/otel/propagation"
)

// Recorder is httplog.Middleware taken apart: the same options, trace
// handling and access line, with the request's route, status and sizes
// told by the adapter. It is safe for concurrent use; make one per
// middleware, not per request.
type Recorder struct{ c *access.Config }

// NewRecorder returns a Recorder with httplog.Middleware's options. A nil
// logger is slog.Default(); a nil opts is the zero Options. A logger whose
// handler does not implement logweave.AttrsHandler costs one allocation
// per access line with more than five attributes, as with
// httplog.Middleware.
func NewRecorder(logger *slog.Logger, opts *httplog.Options) *Recorder {
	return &Recorder{c: access.NewConfig(logger, (*access.Options)(opts), httplog.DefaultSensitiveQueryKeys)}
}

// Begin reads the trace context and request id from the request's
// headers (or starts a trace), and sets the response headers that hand
// them back (X-Request-ID, and traceparent when configured) on
// responseHeaders, when it is not nil. It returns the context the
// handlers must run with.
func (rec *Recorder) Begin(ctx context.Context, requestHeaders, responseHeaders propagation.TextMapCarrier) context.Context {
	return rec.c.Begin(ctx, requestHeaders, responseHeaders)
}

// flights keeps the Flights of finished requests for the next ones.
var flights = sync.Pool{New: func() any { return new(Flight) }}

// Start begins a request for an adapter whose framework runs on net/http
// (Gin, Echo): Begin, then a Flight that wraps w and r. The adapter runs
// the framework's chain with f.Request() and f.ResponseWriter() and calls
// f.End when it returns. Requests that Skips excludes should not be
// started.
func (rec *Recorder) Start(w http.ResponseWriter, r *http.Request) *Flight {
	now := time.Now()
	ctx := rec.c.Begin(r.Context(), propagation.HeaderCarrier(r.Header), propagation.HeaderCarrier(w.Header()))
	f := flights.Get().(*Flight)
	rec.c.Start(&f.f, w, r.WithContext(ctx), now)
	return f
}

// PanicStack returns the stack of the calling goroutine, bounded by
// Options.MaxStackBytes: call it in the deferred function that recovered
// a panic, for Exchange.Stack.
func (rec *Recorder) PanicStack() string { return rec.c.PanicStack() }

// Skips reports whether r gets no access line by SkipPaths, SkipPrefixes
// or Skip (SkipRoutes and SampleRoutes are applied by Log and Flight.End).
func (rec *Recorder) Skips(r *http.Request) bool { return rec.c.Skips(r) }

// ClientIP returns the client's address by the configured strategy.
func (rec *Recorder) ClientIP(r *http.Request) netip.Addr { return rec.c.ClientIP(r) }

// Level returns the level the access line of a request with this outcome
// gets.
func (rec *Recorder) Level(status int, d time.Duration, panicked bool) slog.Level {
	return rec.c.Level(status, d, panicked)
}

// Log writes the access line for a finished request, with ctx (the one
// Begin returned, so the line carries the trace). Options.Route is not
// asked: e.Route is the line's http.route.
func (rec *Recorder) Log(ctx context.Context, e *Exchange) { rec.c.Log(ctx, (*access.Exchange)(e)) }
