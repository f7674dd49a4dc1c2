package httplog

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/logweave/logweave/httplog/internal/access"
	"github.com/logweave/logweave/tracectx"
	"go.opentelemetry.io/otel/propagation"
)

// TransportOptions configure Transport. The zero value (or nil) works.
type TransportOptions struct {
	// Propagator writes the trace context into outgoing requests.
	// Default: tracectx.Default (W3C traceparent and
	// tracestate, and the request id in X-Request-ID).
	Propagator propagation.TextMapPropagator

	// Level is the level of calls that got a response below 500.
	// Default INFO.
	Level slog.Leveler

	// ErrorLevel is the level of calls that failed or got a 5xx.
	// Default ERROR.
	ErrorLevel slog.Leveler

	// Route returns the route template of an outgoing request
	// ("/users/{id}") for http.route; when nil or empty, only url.path is
	// logged. The query is never logged: it often carries credentials.
	Route func(r *http.Request) string
}

// Transport returns an http.RoundTripper that sends each request through
// base (http.DefaultTransport when nil) as a child span of the trace in
// the request's context (a new span id, the same trace), with the trace
// context and request id in its headers, and logs the call when it ends.
// The caller's request is not modified: the headers go on a clone.
//
// As with Middleware, a logger whose handler does not implement
// logweave.AttrsHandler costs one allocation per logged call with more
// than five attributes.
func Transport(base http.RoundTripper, logger *slog.Logger, opts *TransportOptions) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	if logger == nil {
		logger = slog.Default()
	}
	if opts == nil {
		opts = &TransportOptions{}
	}
	t := &transport{base: base, logger: logger, prop: opts.Propagator, level: opts.Level,
		errorLevel: opts.ErrorLevel, route: opts.Route}
	if t.prop == nil {
		t.prop = tracectx.Default()
	}
	if t.level == nil {
		t.level = slog.LevelInfo
	}
	if t.errorLevel == nil {
		t.errorLevel = slog.LevelError
	}
	return t
}

type transport struct {
	base       http.RoundTripper
	logger     *slog.Logger
	prop       propagation.TextMapPropagator
	level      slog.Leveler
	errorLevel slog.Leveler
	route      func(*http.Request) string
}

// Outbound keys beside those of the access line.
const (
	// OutboundMessage is the message of the line logged for each call.
	OutboundMessage = "http client request"
	// ClientDurationKey holds the call's duration in seconds, named
	// after the semantic conventions' metric.
	ClientDurationKey = "http.client.request.duration"
	// ErrorKey holds the transport error of a call that got no response.
	// It is logweave's name, not a semantic convention's.
	ErrorKey = "error"
	// SchemeKey holds the scheme of the request's URL ("https").
	SchemeKey = "url.scheme"
)

// RoundTrip implements http.RoundTripper.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := tracectx.NewChild(req.Context())
	out := req.Clone(ctx)
	t.prop.Inject(ctx, propagation.HeaderCarrier(out.Header))

	start := time.Now()
	resp, err := t.base.RoundTrip(out)
	duration := time.Since(start)

	level := t.level.Level()
	if err != nil || resp.StatusCode >= 500 {
		level = t.errorLevel.Level()
	}
	if !t.logger.Enabled(ctx, level) {
		return resp, err
	}
	l := access.NewLine()
	attrs := append(l.Attrs(),
		slog.String(MethodKey, out.Method),
		slog.String(ServerAddressKey, out.URL.Hostname()),
		slog.String(SchemeKey, out.URL.Scheme),
	)
	if t.route != nil {
		if route := t.route(req); route != "" {
			attrs = append(attrs, slog.String(RouteKey, route))
		}
	}
	attrs = append(attrs, slog.String(PathKey, out.URL.Path))
	if resp != nil {
		attrs = append(attrs, slog.Int(StatusKey, resp.StatusCode))
		if resp.ContentLength >= 0 {
			attrs = append(attrs, slog.Int64(ResponseBodyKey, resp.ContentLength))
		}
	}
	attrs = append(attrs, slog.Float64(ClientDurationKey, duration.Seconds()))
	if err != nil {
		attrs = append(attrs, slog.String(ErrorKey, err.Error()))
	}
	l.Emit(ctx, t.logger, time.Time{}, level, OutboundMessage, attrs)
	l.Free()
	return resp, err
}
