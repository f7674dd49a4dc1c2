package tracectx_test

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"

	"github.com/logweave/logweave/tracectx"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// randomTraceState builds a valid trace state of 0 to 32 members with
// random keys (simple and multi-tenant) and values.
func randomTraceState(t testing.TB, r *rand.Rand) trace.TraceState {
	const keyChars = "abcdefghijklmnopqrstuvwxyz0123456789_-*/"
	pick := func(set string, n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = set[r.IntN(len(set))]
		}
		return string(b)
	}
	var ts trace.TraceState
	for n := r.IntN(33); ts.Len() < n; {
		var key string
		if r.IntN(3) == 0 {
			key = pick(keyChars[:36], 1) + pick(keyChars, r.IntN(20)) + "@" + pick(keyChars[:26], 1) + pick(keyChars, r.IntN(14))
		} else {
			key = pick(keyChars[:26], 1) + pick(keyChars, r.IntN(30))
		}
		var v strings.Builder
		for range r.IntN(40) {
			c := byte(0x20 + r.IntN(0x7f-0x20))
			if c != ',' && c != '=' {
				v.WriteByte(c)
			}
		}
		v.WriteByte('x') // never ends in a space
		var err error
		if ts, err = ts.Insert(key, v.String()); err != nil {
			t.Fatalf("generator made an invalid member %q=%q: %v", key, v.String(), err)
		}
	}
	return ts
}

func randomSpanContext(t testing.TB, r *rand.Rand) trace.SpanContext {
	return trace.NewSpanContext(trace.SpanContextConfig{
		TraceID:    tracectx.NewTraceID(),
		SpanID:     tracectx.NewSpanID(),
		TraceFlags: trace.TraceFlags(r.IntN(4)),
		TraceState: randomTraceState(t, r),
	})
}

// TestInteropWithOpenTelemetry: for many random valid contexts, what our
// W3C injects OpenTelemetry's TraceContext extracts identically, and the
// other way round, and both write the same headers.
func TestInteropWithOpenTelemetry(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		sc := randomSpanContext(t, r)
		ctx := trace.ContextWithSpanContext(context.Background(), sc)

		ours, theirs := http.Header{}, http.Header{}
		tracectx.W3C{}.Inject(ctx, propagation.HeaderCarrier(ours))
		propagation.TraceContext{}.Inject(ctx, propagation.HeaderCarrier(theirs))
		if ours.Get("traceparent") != theirs.Get("traceparent") || ours.Get("tracestate") != theirs.Get("tracestate") {
			t.Fatalf("#%d: we inject %v, OpenTelemetry %v", i, ours, theirs)
		}

		byThem := trace.SpanContextFromContext(propagation.TraceContext{}.Extract(context.Background(), propagation.HeaderCarrier(ours)))
		byUs := trace.SpanContextFromContext(tracectx.W3C{}.Extract(context.Background(), propagation.HeaderCarrier(theirs)))
		want := sc.WithRemote(true)
		if !byThem.Equal(want) {
			t.Fatalf("#%d: OpenTelemetry extracted %+v from our %v, want %+v", i, byThem, ours, want)
		}
		if !byUs.Equal(want) {
			t.Fatalf("#%d: we extracted %+v from OpenTelemetry's %v, want %+v", i, byUs, theirs, want)
		}
	}
}

// TestInteropExtractAgreement: on hand-made headers, valid and not, both
// extractors agree, except where we deliberately differ (documented on
// W3C): reserved flag bits in version 00, whitespace around the value,
// duplicated traceparent headers, a version-00 value with a trailing "-",
// which OpenTelemetry accepts and the specification's 55-character rule
// does not, and a repeated tracestate key, which Level 2 passes on and
// OpenTelemetry drops the list for. (Keys only Level 2 allows are left out
// of the TraceState, as OpenTelemetry leaves them, and forwarded beside
// it: see TestLevelTwoKeysPassedOn.)
func TestInteropExtractAgreement(t *testing.T) {
	future := "cc-" + specTID + "-" + specSID + "-01"
	for _, c := range []struct {
		tp, ts  []string
		differs bool
	}{
		{[]string{specTP}, []string{"a=1,b=2"}, false},
		{[]string{specTP}, []string{"a=1,,b=2"}, false},
		{[]string{specTP}, []string{"a=1, b=2"}, false},
		{[]string{specTP}, []string{"a=1,a=2"}, true},       // OTel drops the list, we pass on a=1
		{[]string{specTP}, []string{"foo@@bar=1"}, false},   // the TraceState agrees (empty); the key is forwarded beside it
		{[]string{specTP}, []string{"t@s=1,1t@s=2"}, false}, // valid by both rules
		{[]string{specTP}, []string{"@t=1"}, false},
		{[]string{specTP}, []string{"A=1"}, false},
		{[]string{future + "-extra"}, nil, false},
		{[]string{future}, nil, false},
		{[]string{specTP + "-x"}, nil, false},
		{[]string{specTP + "-"}, nil, true}, // OTel accepts 56 characters of version 00 when the last is "-"
		{[]string{"ff" + specTP[2:]}, nil, false},
		{[]string{strings.ToUpper(specTP)}, nil, false},
		{[]string{"00-" + specTID + "-" + specSID + "-04"}, nil, true},         // OTel rejects reserved bits
		{[]string{" " + specTP}, nil, true},                                    // OTel does not trim
		{[]string{specTP, "00-" + specTID + "-" + specSID + "-00"}, nil, true}, // OTel reads the first only
	} {
		h := headers("traceparent", c.tp, "tracestate", c.ts)
		byThem := trace.SpanContextFromContext(propagation.TraceContext{}.Extract(context.Background(), h))
		byUs := trace.SpanContextFromContext(tracectx.W3C{}.Extract(context.Background(), h))
		if agree := byThem.Equal(byUs); agree == c.differs {
			t.Errorf("%q %q: OpenTelemetry %+v, we %+v (expected to differ: %v)", c.tp, c.ts, byThem, byUs, c.differs)
		}
	}
}
