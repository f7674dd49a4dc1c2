package access

import (
	"context"

	"github.com/logweave/logweave/tracectx"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// Begin reads the request's trace context and request id into ctx and
// answers with the request id (and traceparent) on out, when it is not
// nil. A span already in ctx (from an OTel middleware that ran first) is
// kept; without one and without a valid incoming trace, a new trace
// starts.
//
// A trace that arrived from the caller stays as it came: the lines carry
// the caller's span id. Without an SDK this server records no span of its
// own, so a span id made up here would point at nothing in the tracing
// back end, while the caller's span is there; calls this server makes
// (Transport) become children of it.
func (c *Config) Begin(ctx context.Context, in, out propagation.TextMapCarrier) context.Context {
	ctx, _ = tracectx.ExtractOrStart(ctx, c.prop, in)
	if out == nil {
		return ctx
	}
	if c.requestIDHeader != "" {
		// Without a request id from the client, the trace id serves as
		// one, and the context carries it as the request id too: every
		// line then has request_id equal to the X-Request-ID the client
		// was answered with, so the id a customer quotes finds them by
		// that one field, whoever made it up (one allocation).
		id := tracectx.RequestID(ctx)
		if id == "" {
			id = tracectx.TraceIDText(in, trace.SpanContextFromContext(ctx).TraceID())
			ctx = tracectx.WithRequestID(ctx, id)
		}
		if h, ok := out.(propagation.HeaderCarrier); ok && h != nil {
			h[c.requestIDHeader] = []string{id} // already canonical: Set would canonicalize it again
		} else {
			out.Set(c.requestIDHeader, id)
		}
	}
	if c.traceparent {
		tracectx.W3C{}.Inject(ctx, out)
	}
	return ctx
}
