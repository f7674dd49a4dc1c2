package tracectx_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/logweave/logweave/tracectx"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// The allocation budgets below are what the code needs, not goals: the
// span context has to go into a new context (context.WithValue, and the
// span boxed in an interface), a header value has to become a string,
// and http.Header needs a []string per value.

func TestW3CAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation counts")
	}
	ctx := context.Background()
	plain := propagation.HeaderCarrier(http.Header{"Traceparent": {specTP}})
	withState := propagation.HeaderCarrier(http.Header{"Traceparent": {specTP}, "Tracestate": {"rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"}})
	messy := propagation.HeaderCarrier(http.Header{"Traceparent": {specTP}, "Tracestate": {"rojo=00f067aa0ba902b7 ,", " congo=t61rcWkgMzE"}})
	invalid := propagation.HeaderCarrier(http.Header{"Traceparent": {"00-" + specTID + "-0000000000000000-01"}, "Tracestate": {"a=1"}})
	absent := propagation.HeaderCarrier(http.Header{"Accept": {"*/*"}})

	injected := tracectx.W3C{}.Extract(ctx, withState)
	root := tracectx.NewRoot(ctx)
	out := propagation.HeaderCarrier(http.Header{})

	for _, c := range []struct {
		name string
		max  float64
		f    func()
	}{
		// OpenTelemetry's ContextWithRemoteSpanContext: the valueCtx and
		// the span in an interface.
		{"extract traceparent", 2, func() { tracectx.W3C{}.Extract(ctx, plain) }},
		// Plus what trace.ParseTraceState allocates for two members (its
		// member slice, grown twice).
		{"extract with tracestate", 4, func() { tracectx.W3C{}.Extract(ctx, withState) }},
		// Plus the one canonical string built from two lines.
		{"extract with messy tracestate", 5, func() { tracectx.W3C{}.Extract(ctx, messy) }},
		{"extract invalid", 0, func() { tracectx.W3C{}.Extract(ctx, invalid) }},
		{"extract absent", 0, func() { tracectx.W3C{}.Extract(ctx, absent) }},
		// The traceparent string and its []string.
		{"inject traceparent", 2, func() { tracectx.W3C{}.Inject(root, out) }},
		// Plus the tracestate string (TraceState.String) and its []string.
		{"inject with tracestate", 4, func() { tracectx.W3C{}.Inject(injected, out) }},
	} {
		got := testing.AllocsPerRun(200, c.f)
		t.Logf("%s: %v allocations", c.name, got)
		if got > c.max {
			t.Errorf("%s: %v allocations, want at most %v", c.name, got, c.max)
		}
	}
}

func TestPropagatorAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation counts")
	}
	ctx := context.Background()
	h := propagation.HeaderCarrier(http.Header{
		"Traceparent":  {specTP},
		"B3":           {b3TID + "-" + b3SID + "-1"},
		"X-Request-Id": {"req-1"},
	})
	none := propagation.HeaderCarrier(http.Header{"Accept": {"*/*"}})
	for _, c := range []struct {
		name string
		max  float64
		f    func()
	}{
		{"b3 extract", 2, func() { tracectx.B3{}.Extract(ctx, h) }},
		// context.WithValue and the id boxed in an interface.
		{"request id extract", 2, func() { tracectx.RequestIDPropagator{}.Extract(ctx, h) }},
		{"request id extract, common headers, none present", 0, func() {
			tracectx.RequestIDPropagator{Headers: tracectx.CommonRequestIDHeaders}.Extract(ctx, none)
		}},
		// W3C (2) + request id (2); B3 is skipped once W3C found a trace.
		{"default extract", 4, func() { tracectx.Default().Extract(ctx, h) }},
		{"default extract, nothing", 0, func() { tracectx.Default().Extract(ctx, none) }},
	} {
		got := testing.AllocsPerRun(200, c.f)
		t.Logf("%s: %v allocations", c.name, got)
		if got > c.max {
			t.Errorf("%s: %v allocations, want at most %v", c.name, got, c.max)
		}
	}
	// The span context found is the same whatever the order of checks.
	if sc := trace.SpanContextFromContext(tracectx.Default().Extract(ctx, h)); sc.TraceID().String() != specTID {
		t.Fatal(sc)
	}
}

func BenchmarkW3CExtract(b *testing.B) {
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		h    http.Header
	}{
		{"traceparent", http.Header{"Traceparent": {specTP}}},
		{"tracestate", http.Header{"Traceparent": {specTP}, "Tracestate": {"rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"}}},
		{"invalid", http.Header{"Traceparent": {"00-" + specTID + "-" + specSID + "-0g"}}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			c := propagation.HeaderCarrier(bc.h)
			for b.Loop() {
				tracectx.W3C{}.Extract(ctx, c)
			}
		})
	}
}

func BenchmarkW3CInject(b *testing.B) {
	ctx := tracectx.W3C{}.Extract(context.Background(), propagation.HeaderCarrier(http.Header{
		"Traceparent": {specTP}, "Tracestate": {"rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"}}))
	h := http.Header{}
	c := propagation.HeaderCarrier(h)
	b.ReportAllocs()
	for b.Loop() {
		tracectx.W3C{}.Inject(ctx, c)
	}
}

// BenchmarkOTelTraceContext is the baseline: OpenTelemetry's own
// propagator on the same input.
func BenchmarkOTelTraceContext(b *testing.B) {
	h := propagation.HeaderCarrier(http.Header{"Traceparent": {specTP}, "Tracestate": {"rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"}})
	ctx := context.Background()
	b.Run("extract", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			propagation.TraceContext{}.Extract(ctx, h)
		}
	})
	in := propagation.TraceContext{}.Extract(ctx, h)
	out := propagation.HeaderCarrier(http.Header{})
	b.Run("inject", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			propagation.TraceContext{}.Inject(in, out)
		}
	})
}

func BenchmarkDefaultExtract(b *testing.B) {
	h := propagation.HeaderCarrier(http.Header{"Traceparent": {specTP}, "X-Request-Id": {"req-1"}})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		tracectx.Default().Extract(ctx, h)
	}
}

// TestTraceIDTextReusesTheHeader: the trace id the caller sent is handed
// back without a new string; any other one costs the encoding.
func TestTraceIDTextReusesTheHeader(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation counts")
	}
	carrier := propagation.HeaderCarrier(http.Header{"Traceparent": {specTP}})
	id, _ := trace.TraceIDFromHex(specTID)
	if n := testing.AllocsPerRun(100, func() { _ = tracectx.TraceIDText(carrier, id) }); n != 0 {
		t.Errorf("trace id from the header: %v allocations, want 0", n)
	}
	id[0] ^= 1
	if n := testing.AllocsPerRun(100, func() { _ = tracectx.TraceIDText(carrier, id) }); n != 1 {
		t.Errorf("another trace id: %v allocations, want 1 (the string)", n)
	}
}
