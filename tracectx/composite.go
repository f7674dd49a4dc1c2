package tracectx

import (
	"context"
	"strings"

	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// Composite returns a propagator that runs props in order, for a service
// that must understand callers speaking different trace formats.
//
// Extract differs from OpenTelemetry's composite propagator, where the
// last propagator to find a trace context wins: here the first one wins.
// Once a propagator has extracted a valid span context, a later one cannot
// replace it. The later ones still run, so a request id or baggage
// propagator placed after the trace propagators always contributes;
// W3C and B3 are skipped outright once a trace is found, since they could
// only be overruled. Put the format you trust most first.
//
// Inject runs every propagator, so a call carries the trace in every
// format listed. Fields is the union of the propagators' fields, in order,
// without repeats (compared ignoring case, as HTTP does). Nil propagators
// are ignored.
func Composite(props ...propagation.TextMapPropagator) propagation.TextMapPropagator {
	c := &composite{}
	for _, p := range props {
		if p == nil {
			continue
		}
		c.props = append(c.props, p)
		c.steps = append(c.steps, newStep(p))
	next:
		for _, f := range p.Fields() {
			for _, have := range c.fields {
				if strings.EqualFold(f, have) {
					continue next
				}
			}
			c.fields = append(c.fields, f)
		}
	}
	return c
}

type composite struct {
	props  []propagation.TextMapPropagator
	steps  []step // props, prepared for Extract
	fields []string
}

// step is one propagator as Extract runs it. This package's own
// propagators are run without going through contexts: their trace is
// parsed into a span context that is put in the context once, at the
// end, and a request id propagator's header names are canonicalized once,
// here, not on every request. That is most of what a server pays per
// request for extracting, and it needs no comparison of contexts to tell
// what a propagator found.
type step struct {
	p        propagation.TextMapPropagator
	trace    func(propagation.TextMapCarrier) (trace.SpanContext, *fullTraceState, bool) // W3C, B3
	ids      []string                                                                    // RequestIDPropagator's headers
	idsCanon []string
}

func newStep(p propagation.TextMapPropagator) step {
	s := step{p: p}
	switch p := p.(type) {
	case W3C:
		s.trace = p.spanContext
	case *W3C:
		s.trace = p.spanContext
	case B3:
		s.trace = p.spanContextNoState
	case *B3:
		s.trace = p.spanContextNoState
	case RequestIDPropagator:
		s.ids = p.headers()
	case *RequestIDPropagator:
		s.ids = p.headers()
	}
	for _, h := range s.ids {
		s.idsCanon = append(s.idsCanon, canonicalKey(h))
	}
	return s
}

// Fields returns the union of the propagators' fields. The caller may
// modify the returned slice.
func (c *composite) Fields() []string {
	return append([]string(nil), c.fields...)
}

// Inject runs every propagator's Inject in order.
func (c *composite) Inject(ctx context.Context, carrier propagation.TextMapCarrier) {
	for _, p := range c.props {
		p.Inject(ctx, carrier)
	}
}

// Extract runs the propagators in order; the first to extract a valid
// span context keeps it.
func (c *composite) Extract(ctx context.Context, carrier propagation.TextMapCarrier) context.Context {
	ctx, _ = c.extract(ctx, carrier)
	return ctx
}

// extract is Extract that also returns the span context it found, invalid
// when none, so that ExtractOrStart need not look it up again.
func (c *composite) extract(ctx context.Context, carrier propagation.TextMapCarrier) (context.Context, trace.SpanContext) {
	ctx = orBackground(ctx) // OpenTelemetry's propagators would panic on nil
	var (
		found   trace.Span // the span a foreign propagator put in ctx
		foundSC trace.SpanContext
		full    *fullTraceState // what foundSC's TraceState could not hold
		pending bool            // foundSC came from this package's parser, not yet in ctx
	)
	for _, s := range c.steps {
		switch {
		case s.trace != nil:
			if foundSC.IsValid() {
				continue // it could only be overruled
			}
			if sc, f, ok := s.trace(carrier); ok {
				foundSC, full, pending = sc, f, true
			}
			continue
		case s.ids != nil:
			if id, ok := findRequestID(carrier, s.ids, s.idsCanon); ok {
				ctx = WithRequestID(ctx, id)
			}
			continue
		}
		if pending {
			// A foreign propagator may read the trace found so far.
			ctx, pending = withFullTraceState(trace.ContextWithRemoteSpanContext(ctx, foundSC), foundSC, full), false
			found = trace.SpanFromContext(ctx)
		}
		before := trace.SpanContextFromContext(ctx)
		next := s.p.Extract(ctx, carrier)
		if next == nil || next == ctx {
			continue
		}
		after := trace.SpanContextFromContext(next)
		switch {
		case !foundSC.IsValid():
			if after.IsValid() && !sameSpan(after, before) {
				found, foundSC = trace.SpanFromContext(next), after
			}
		case !sameSpan(after, foundSC):
			// A later propagator replaced the trace: keep what else it
			// added (baggage, a request id) and put the first trace back.
			next = trace.ContextWithSpan(next, found)
		}
		ctx = next
	}
	if pending {
		ctx = withFullTraceState(trace.ContextWithRemoteSpanContext(ctx, foundSC), foundSC, full)
	}
	return ctx, foundSC
}

// sameSpan reports whether a and b name the same span with the same
// flags and origin. SpanContext.Equal would also compare trace states by
// formatting both, which allocates; a propagator that changed only the
// trace state has not found a new trace.
func sameSpan(a, b trace.SpanContext) bool {
	return a.TraceID() == b.TraceID() && a.SpanID() == b.SpanID() &&
		a.TraceFlags() == b.TraceFlags() && a.IsRemote() == b.IsRemote()
}

// defaultPropagator is built once; see Default.
var defaultPropagator = Composite(W3C{}, B3{}, RequestIDPropagator{Headers: append([]string(nil), CommonRequestIDHeaders...)})

// Default returns the propagator logweave uses when it is given none:
// W3C Trace Context first (the standard, and what OpenTelemetry SDKs
// send), then B3 (Zipkin and older meshes), then a request id from any of
// CommonRequestIDHeaders, as it was when the package was initialized.
// Inject writes traceparent, tracestate, b3 and X-Request-ID.
func Default() propagation.TextMapPropagator {
	return defaultPropagator
}

// ExtractOrStart is what a server does with an incoming request: it
// extracts the trace context and request id the caller sent, using prop
// (Default when nil), and when no valid trace arrived it starts a new one
// with NewRoot. fromCaller reports whether the trace in the returned
// context continues the caller's.
//
// When ctx already has a valid span, ExtractOrStart keeps it and only adds
// what else prop extracts (the request id). That is the case when an
// OpenTelemetry SDK's middleware (otelhttp) ran first: it extracted the
// caller's context and started a server span, and replacing that span with
// the caller's would detach every log line from it. fromCaller is then
// true when the existing span is itself remote or belongs to the trace the
// carrier holds, which is how otelhttp continues a caller's trace.
func ExtractOrStart(ctx context.Context, prop propagation.TextMapPropagator, carrier propagation.TextMapCarrier) (_ context.Context, fromCaller bool) {
	ctx = orBackground(ctx)
	if prop == nil {
		prop = Default()
	}
	existing := trace.SpanFromContext(ctx)
	had := existing.SpanContext()
	out := ctx
	var got trace.SpanContext
	if c, ok := prop.(*composite); ok {
		out, got = c.extract(ctx, carrier)
	} else {
		if carrier != nil {
			if out = prop.Extract(ctx, carrier); out == nil {
				out = ctx
			}
		}
		got = trace.SpanContextFromContext(out)
	}
	if had.IsValid() {
		fromCaller = had.IsRemote() || (got.IsValid() && got.IsRemote() && got.TraceID() == had.TraceID())
		if !sameSpan(got, had) {
			out = trace.ContextWithSpan(out, existing)
		}
		return out, fromCaller
	}
	if got.IsValid() {
		return out, true
	}
	return NewRoot(out), false
}
