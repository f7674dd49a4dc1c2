package tracectx

import (
	"context"
	"net/http"
	"testing"

	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

const internalTP = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"

// extractState extracts traceparent and tracestate through W3C and
// Default, and returns both contexts.
func extractState(t *testing.T, tracestate string) []context.Context {
	t.Helper()
	h := http.Header{"Traceparent": {internalTP}, "Tracestate": {tracestate}}
	w3c := W3C{}.Extract(context.Background(), propagation.HeaderCarrier(h))
	def, _ := ExtractOrStart(context.Background(), Default(), propagation.HeaderCarrier(h))
	return []context.Context{w3c, def}
}

func injected(ctx context.Context) string {
	out := propagation.MapCarrier{}
	W3C{}.Inject(ctx, out)
	return out["tracestate"]
}

// TestLevelTwoKeysPassedOn: keys that OpenTelemetry's TraceState cannot
// hold (it refuses what the 2021 rules refused) are passed on all the
// same, from the remote span context and from a child of it; the
// TraceState holds the members it accepts.
func TestLevelTwoKeysPassedOn(t *testing.T) {
	const in = "foo@=1,rojo=00f067aa0ba902b7,1foo=2,t@v=3,foo@@bar=4"
	for _, ctx := range extractState(t, in) {
		sc := trace.SpanContextFromContext(ctx)
		if got := sc.TraceState().String(); got != "rojo=00f067aa0ba902b7,t@v=3" {
			t.Errorf("TraceState %q, want the members OpenTelemetry accepts", got)
		}
		if got := injected(ctx); got != in {
			t.Errorf("forwarded %q, want %q", got, in)
		}
		if got := injected(NewChild(ctx)); got != in {
			t.Errorf("forwarded from a child %q, want %q", got, in)
		}
		// A vendor in this process writes its entry: it goes first, the
		// members the TraceState could not hold follow.
		child := trace.SpanContextFromContext(NewChild(ctx))
		ts, err := child.TraceState().Insert("ot", "th:8")
		if err != nil {
			t.Fatal(err)
		}
		changed := trace.ContextWithSpanContext(ctx, child.WithTraceState(ts))
		if got, want := injected(changed), "ot=th:8,rojo=00f067aa0ba902b7,t@v=3,foo@=1,1foo=2,foo@@bar=4"; got != want {
			t.Errorf("forwarded after Insert %q, want %q", got, want)
		}
		// Another trace started in the same context does not take them.
		if got := injected(NewRoot(ctx)); got != "" {
			t.Errorf("a new trace forwarded %q", got)
		}
		// A context made from the span context alone has only the TraceState.
		if got := injected(trace.ContextWithSpanContext(context.Background(), sc)); got != "rojo=00f067aa0ba902b7,t@v=3" {
			t.Errorf("from the span context alone %q", got)
		}
	}
}

// TestLevelTwoKeysAloneAtTheLimit: a list of nothing but Level 2 keys, 32
// members, is passed on whole, with an empty TraceState.
func TestLevelTwoKeysAloneAtTheLimit(t *testing.T) {
	var in string
	for i := range MaxTraceStateMembers {
		if i > 0 {
			in += ","
		}
		in += string(rune('a'+i%26)) + "@@" + string(rune('a'+i/26)) + "=v"
	}
	for _, ctx := range extractState(t, in) {
		if n := trace.SpanContextFromContext(ctx).TraceState().Len(); n != 0 {
			t.Errorf("TraceState holds %d members", n)
		}
		if got := injected(ctx); got != in {
			t.Errorf("forwarded %q, want %q", got, in)
		}
	}
}

// TestCommonTraceStateNoExtraContext: a list OpenTelemetry accepts whole
// puts nothing beside the span context, so the common path costs what it
// did.
func TestCommonTraceStateNoExtraContext(t *testing.T) {
	for _, ctx := range extractState(t, "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE,a=1,a=2") {
		if ctx.Value(fullTraceStateKey{}) != nil {
			t.Error("a full trace state was kept for a list the TraceState holds")
		}
		if got := injected(ctx); got != "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE,a=1" {
			t.Errorf("forwarded %q", got)
		}
	}
}
