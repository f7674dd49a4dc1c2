package tracectx_test

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/logweave/logweave/tracectx"
	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// sdkSpan stands in for a span an OpenTelemetry SDK started (otelhttp's
// server span): a recording span with its own identity. The core module
// does not depend on the SDK, so the test fakes it.
type sdkSpan struct {
	noop.Span
	sc trace.SpanContext
}

func (s *sdkSpan) SpanContext() trace.SpanContext { return s.sc }
func (s *sdkSpan) IsRecording() bool              { return true }

// w3cAndB3 carries a different trace in each format.
func w3cAndB3() propagation.HeaderCarrier {
	return headers("traceparent", []string{specTP}, "b3", []string{b3TID + "-" + b3SID + "-1"}, "X-Request-ID", []string{"req-1"})
}

func TestCompositeFirstTraceWins(t *testing.T) {
	for _, c := range []struct {
		name string
		prop propagation.TextMapPropagator
		h    propagation.HeaderCarrier
		tid  string
	}{
		{"w3c first", tracectx.Composite(tracectx.W3C{}, tracectx.B3{}, tracectx.RequestIDPropagator{}), w3cAndB3(), specTID},
		{"b3 first", tracectx.Composite(tracectx.B3{}, tracectx.W3C{}, tracectx.RequestIDPropagator{}), w3cAndB3(), b3TID},
		{"request id first", tracectx.Composite(tracectx.RequestIDPropagator{}, &tracectx.B3{}, &tracectx.W3C{}), w3cAndB3(), b3TID},
		{"only b3 arrived", tracectx.Composite(tracectx.W3C{}, tracectx.B3{}, tracectx.RequestIDPropagator{}),
			headers("b3", []string{b3TID + "-" + b3SID + "-1"}, "X-Request-ID", []string{"req-1"}), b3TID},
		{"bad w3c, good b3", tracectx.Composite(tracectx.W3C{}, tracectx.B3{}, tracectx.RequestIDPropagator{}),
			headers("traceparent", []string{"00-" + specTID + "-" + specSID + "-0g"}, "b3", []string{b3TID + "-" + b3SID + "-1"}, "X-Request-ID", []string{"req-1"}), b3TID},
		// OpenTelemetry's own TraceContext placed after ours would override
		// the trace; the composite puts the first one back.
		{"foreign propagator cannot override", tracectx.Composite(tracectx.B3{}, propagation.TraceContext{}, tracectx.RequestIDPropagator{}), w3cAndB3(), b3TID},
		{"nil propagators ignored", tracectx.Composite(nil, tracectx.W3C{}, nil, tracectx.RequestIDPropagator{}), w3cAndB3(), specTID},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := c.prop.Extract(context.Background(), c.h)
			sc := trace.SpanContextFromContext(ctx)
			if sc.TraceID().String() != c.tid || !sc.IsRemote() {
				t.Fatalf("trace %s (remote %v), want %s", sc.TraceID(), sc.IsRemote(), c.tid)
			}
			if got := tracectx.RequestID(ctx); got != "req-1" {
				t.Fatalf("request id %q: the request-id propagator must always run", got)
			}
		})
	}
}

func TestCompositeKeepsOtherValuesOfLaterPropagators(t *testing.T) {
	// Baggage after the trace propagators, and OTel's composite of
	// TraceContext+Baggage, which sets both a trace and baggage: the trace
	// is B3's (first), the baggage still arrives.
	h := w3cAndB3()
	h.Set("baggage", "user=alice")
	otelPair := propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})
	for _, prop := range []propagation.TextMapPropagator{
		tracectx.Composite(tracectx.B3{}, tracectx.W3C{}, propagation.Baggage{}),
		tracectx.Composite(tracectx.B3{}, otelPair),
	} {
		ctx := prop.Extract(context.Background(), h)
		if got := trace.SpanContextFromContext(ctx).TraceID().String(); got != b3TID {
			t.Errorf("trace %s, want B3's %s", got, b3TID)
		}
		if got := baggage.FromContext(ctx).Member("user").Value(); got != "alice" {
			t.Errorf("baggage user=%q, want alice", got)
		}
	}
}

func TestCompositeInjectAndFields(t *testing.T) {
	prop := tracectx.Composite(tracectx.W3C{}, tracectx.B3{}, propagation.TraceContext{}, tracectx.RequestIDPropagator{}, tracectx.RequestIDPropagator{Headers: []string{"x-request-id"}})
	want := []string{"traceparent", "tracestate", "b3", "X-Request-ID"}
	if got := prop.Fields(); !slices.Equal(got, want) {
		t.Fatalf("Fields() = %q, want %q", got, want)
	}
	prop.Fields()[0] = "changed"
	if got := prop.Fields(); !slices.Equal(got, want) {
		t.Fatalf("Fields() shares its slice: %q", got)
	}

	ctx := tracectx.WithRequestID(tracectx.NewRoot(context.Background()), "req-9")
	h := http.Header{}
	prop.Inject(ctx, propagation.HeaderCarrier(h))
	sc := trace.SpanContextFromContext(ctx)
	if h.Get("traceparent") != "00-"+sc.TraceID().String()+"-"+sc.SpanID().String()+"-03" ||
		h.Get("b3") != sc.TraceID().String()+"-"+sc.SpanID().String()+"-1" || h.Get("X-Request-ID") != "req-9" {
		t.Fatalf("injected %v", h)
	}

	// Default: W3C, B3, then the common request id headers.
	def := tracectx.Default()
	if got := def.Fields(); !slices.Equal(got, []string{"traceparent", "tracestate", "b3", "X-Request-ID"}) {
		t.Fatalf("Default().Fields() = %q", got)
	}
	ctx = def.Extract(context.Background(), headers("X-Correlation-ID", []string{"corr-1"}))
	if tracectx.RequestID(ctx) != "corr-1" {
		t.Fatal("Default does not read X-Correlation-ID")
	}
}

func TestExtractOrStart(t *testing.T) {
	callerTID, _ := trace.TraceIDFromHex(specTID)
	prop := tracectx.Composite(tracectx.W3C{}, tracectx.B3{}, tracectx.RequestIDPropagator{})

	t.Run("nothing arrived: new root", func(t *testing.T) {
		ctx, fromCaller := tracectx.ExtractOrStart(context.Background(), prop, headers("X-Request-ID", []string{"r"}))
		sc := trace.SpanContextFromContext(ctx)
		if fromCaller || !sc.IsValid() || sc.IsRemote() || !sc.IsSampled() || tracectx.RequestID(ctx) != "r" {
			t.Fatalf("fromCaller %v, %+v, request id %q", fromCaller, sc, tracectx.RequestID(ctx))
		}
	})
	t.Run("caller's trace", func(t *testing.T) {
		ctx, fromCaller := tracectx.ExtractOrStart(context.Background(), prop, w3cAndB3())
		sc := trace.SpanContextFromContext(ctx)
		if !fromCaller || sc.TraceID() != callerTID || !sc.IsRemote() || tracectx.RequestID(ctx) != "req-1" {
			t.Fatalf("fromCaller %v, %+v", fromCaller, sc)
		}
	})
	t.Run("nil prop, nil carrier, nil ctx", func(t *testing.T) {
		ctx, fromCaller := tracectx.ExtractOrStart(context.Background(), nil, w3cAndB3())
		if !fromCaller || trace.SpanContextFromContext(ctx).TraceID() != callerTID {
			t.Fatal("nil prop is not Default")
		}
		//lint:ignore SA1012 nil contexts are accepted
		ctx, fromCaller = tracectx.ExtractOrStart(nil, prop, nil) //nolint:staticcheck
		if fromCaller || !trace.SpanContextFromContext(ctx).IsValid() {
			t.Fatal("no new root for a nil carrier")
		}
	})

	// An SDK middleware ran first and started a server span.
	for _, c := range []struct {
		name       string
		spanTID    trace.TraceID
		carrier    propagation.HeaderCarrier
		fromCaller bool
	}{
		{"sdk continued the caller's trace", callerTID, w3cAndB3(), true},
		{"sdk started a root, nothing arrived", tracectx.NewTraceID(), headers("X-Request-ID", []string{"req-1"}), false},
		{"sdk started a root, headers it could not read", tracectx.NewTraceID(), w3cAndB3(), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			span := &sdkSpan{sc: trace.NewSpanContext(trace.SpanContextConfig{
				TraceID: c.spanTID, SpanID: tracectx.NewSpanID(), TraceFlags: trace.FlagsSampled})}
			in := trace.ContextWithSpan(context.Background(), span)
			ctx, fromCaller := tracectx.ExtractOrStart(in, prop, c.carrier)
			if got := trace.SpanFromContext(ctx); got != trace.Span(span) {
				t.Fatalf("the SDK's span was replaced by %T %+v", got, got.SpanContext())
			}
			if fromCaller != c.fromCaller {
				t.Fatalf("fromCaller = %v, want %v", fromCaller, c.fromCaller)
			}
			if tracectx.RequestID(ctx) != "req-1" {
				t.Fatalf("request id %q: still extracted next to the SDK span", tracectx.RequestID(ctx))
			}
		})
	}
	t.Run("remote span context already extracted", func(t *testing.T) {
		in := tracectx.B3{}.Extract(context.Background(), w3cAndB3())
		ctx, fromCaller := tracectx.ExtractOrStart(in, prop, w3cAndB3())
		if sc := trace.SpanContextFromContext(ctx); !fromCaller || sc.TraceID().String() != b3TID {
			t.Fatalf("fromCaller %v, trace %s: the existing remote context must be kept", fromCaller, sc.TraceID())
		}
	})
}
