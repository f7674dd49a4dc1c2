package tracectx_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/logweave/logweave/tracectx"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// Ids from the B3 specification's examples
// (https://github.com/openzipkin/b3-propagation).
const (
	b3TID     = "80f198ee56343ba864fe8b2a57d3eff7"
	b3TID64   = "a3ce929d0e0e4736"
	b3SID     = "e457b5a2e4d86bd1"
	b3Parent  = "05e3ac9a4f6e3b90"
	b3Example = b3TID + "-" + b3SID + "-1-" + b3Parent
)

func TestB3Extract(t *testing.T) {
	padded := "0000000000000000" + b3TID64
	cases := []struct {
		name  string
		h     propagation.HeaderCarrier
		tid   string // "" when nothing valid is expected
		flags trace.TraceFlags
	}{
		// Single header.
		{"spec example", headers("b3", []string{b3Example}), b3TID, trace.FlagsSampled},
		{"ids only (deferred)", headers("b3", []string{b3TID + "-" + b3SID}), b3TID, 0},
		{"accept", headers("b3", []string{b3TID + "-" + b3SID + "-1"}), b3TID, trace.FlagsSampled},
		{"deny", headers("b3", []string{b3TID + "-" + b3SID + "-0"}), b3TID, 0},
		{"debug", headers("b3", []string{b3TID + "-" + b3SID + "-d"}), b3TID, trace.FlagsSampled},
		{"debug with parent", headers("b3", []string{b3TID + "-" + b3SID + "-d-" + b3Parent}), b3TID, trace.FlagsSampled},
		{"64-bit trace id", headers("b3", []string{b3TID64 + "-" + b3SID + "-1"}), padded, trace.FlagsSampled},
		{"zero parent tolerated", headers("b3", []string{b3TID + "-" + b3SID + "-1-0000000000000000"}), b3TID, trace.FlagsSampled},
		{"OWS around", headers("b3", []string{" " + b3Example + "\t"}), b3TID, trace.FlagsSampled},
		{"deny alone", headers("b3", []string{"0"}), "", 0},
		{"accept alone", headers("b3", []string{"1"}), "", 0},
		{"debug alone", headers("b3", []string{"d"}), "", 0},
		{"empty", headers("b3", []string{""}), "", 0},
		{"uppercase trace id", headers("b3", []string{strings.ToUpper(b3TID) + "-" + b3SID + "-1"}), "", 0},
		{"uppercase span id", headers("b3", []string{b3TID + "-" + strings.ToUpper(b3SID) + "-1"}), "", 0},
		{"uppercase parent", headers("b3", []string{b3TID + "-" + b3SID + "-1-" + strings.ToUpper(b3Parent)}), "", 0},
		{"zero trace id", headers("b3", []string{strings.Repeat("0", 32) + "-" + b3SID}), "", 0},
		{"zero 64-bit trace id", headers("b3", []string{strings.Repeat("0", 16) + "-" + b3SID}), "", 0},
		{"zero span id", headers("b3", []string{b3TID + "-" + strings.Repeat("0", 16)}), "", 0},
		{"trace id 24 digits", headers("b3", []string{b3TID[:24] + "-" + b3SID}), "", 0},
		{"span id 15 digits", headers("b3", []string{b3TID + "-" + b3SID[1:]}), "", 0},
		{"trace id only", headers("b3", []string{b3TID}), "", 0},
		{"bad sampling state", headers("b3", []string{b3TID + "-" + b3SID + "-2"}), "", 0},
		{"sampling state true", headers("b3", []string{b3TID + "-" + b3SID + "-true"}), "", 0},
		{"empty sampling state", headers("b3", []string{b3TID + "-" + b3SID + "-"}), "", 0},
		{"parent without sampling", headers("b3", []string{b3TID + "-" + b3SID + "-" + b3Parent}), "", 0},
		{"bad parent", headers("b3", []string{b3TID + "-" + b3SID + "-1-xyz"}), "", 0},
		{"five fields", headers("b3", []string{b3Example + "-1"}), "", 0},
		{"trailing dash", headers("b3", []string{b3Example + "-"}), "", 0},
		{"duplicated", headers("b3", []string{b3Example, b3Example}), "", 0},
		{"oversize", headers("b3", []string{b3Example + strings.Repeat(" ", 512)}), "", 0},

		// Multiple headers.
		{"multi, spec example", headers("X-B3-TraceId", []string{b3TID}, "X-B3-SpanId", []string{b3SID},
			"X-B3-ParentSpanId", []string{b3Parent}, "X-B3-Sampled", []string{"1"}), b3TID, trace.FlagsSampled},
		{"multi, ids only", headers("X-B3-TraceId", []string{b3TID}, "X-B3-SpanId", []string{b3SID}), b3TID, 0},
		{"multi, 64-bit", headers("X-B3-TraceId", []string{b3TID64}, "X-B3-SpanId", []string{b3SID}, "X-B3-Sampled", []string{"1"}), padded, trace.FlagsSampled},
		{"multi, deny", headers("X-B3-TraceId", []string{b3TID}, "X-B3-SpanId", []string{b3SID}, "X-B3-Sampled", []string{"0"}), b3TID, 0},
		{"multi, true", headers("X-B3-TraceId", []string{b3TID}, "X-B3-SpanId", []string{b3SID}, "X-B3-Sampled", []string{"true"}), b3TID, trace.FlagsSampled},
		{"multi, false", headers("X-B3-TraceId", []string{b3TID}, "X-B3-SpanId", []string{b3SID}, "X-B3-Sampled", []string{"false"}), b3TID, 0},
		{"multi, debug", headers("X-B3-TraceId", []string{b3TID}, "X-B3-SpanId", []string{b3SID}, "X-B3-Flags", []string{"1"}), b3TID, trace.FlagsSampled},
		{"multi, flags 0", headers("X-B3-TraceId", []string{b3TID}, "X-B3-SpanId", []string{b3SID}, "X-B3-Flags", []string{"0"}), b3TID, 0},
		{"multi, lowercase names", headers("x-b3-traceid", []string{b3TID}, "x-b3-spanid", []string{b3SID}, "x-b3-sampled", []string{"1"}), b3TID, trace.FlagsSampled},
		{"multi, sampled alone", headers("X-B3-Sampled", []string{"0"}), "", 0},
		{"multi, no span id", headers("X-B3-TraceId", []string{b3TID}), "", 0},
		{"multi, no trace id", headers("X-B3-SpanId", []string{b3SID}), "", 0},
		{"multi, bad sampled", headers("X-B3-TraceId", []string{b3TID}, "X-B3-SpanId", []string{b3SID}, "X-B3-Sampled", []string{"yes"}), "", 0},
		{"multi, bad flags", headers("X-B3-TraceId", []string{b3TID}, "X-B3-SpanId", []string{b3SID}, "X-B3-Flags", []string{"2"}), "", 0},
		{"multi, bad parent", headers("X-B3-TraceId", []string{b3TID}, "X-B3-SpanId", []string{b3SID}, "X-B3-ParentSpanId", []string{"zz"}), "", 0},
		{"multi, uppercase", headers("X-B3-TraceId", []string{strings.ToUpper(b3TID)}, "X-B3-SpanId", []string{b3SID}), "", 0},
		{"multi, duplicated trace id", headers("X-B3-TraceId", []string{b3TID, b3TID}, "X-B3-SpanId", []string{b3SID}), "", 0},

		// Both encodings.
		{"single wins", headers("b3", []string{b3TID + "-" + b3SID + "-0"},
			"X-B3-TraceId", []string{padded}, "X-B3-SpanId", []string{b3Parent}, "X-B3-Sampled", []string{"1"}), b3TID, 0},
		{"invalid single falls back", headers("b3", []string{"garbage"},
			"X-B3-TraceId", []string{b3TID}, "X-B3-SpanId", []string{b3SID}, "X-B3-Sampled", []string{"1"}), b3TID, trace.FlagsSampled},
		{"sampling-only single falls back", headers("b3", []string{"1"},
			"X-B3-TraceId", []string{b3TID}, "X-B3-SpanId", []string{b3SID}), b3TID, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			base := baseContext()
			ctx := tracectx.B3{}.Extract(base, c.h)
			sc := trace.SpanContextFromContext(ctx)
			if c.tid == "" {
				if ctx != base {
					t.Fatalf("%v: ctx changed, span context %v", http.Header(c.h), sc)
				}
				return
			}
			if !sc.IsValid() || !sc.IsRemote() || sc.TraceID().String() != c.tid || sc.TraceFlags() != c.flags {
				t.Fatalf("%v: got %s %s flags %s remote %v, want %s flags %s", http.Header(c.h), sc.TraceID(), sc.SpanID(), sc.TraceFlags(), sc.IsRemote(), c.tid, c.flags)
			}
			if sc.SpanID().String() != b3SID {
				t.Fatalf("span id %s, want %s", sc.SpanID(), b3SID)
			}
		})
	}
}

func TestB3Inject(t *testing.T) {
	tid, _ := trace.TraceIDFromHex(b3TID)
	sid, _ := trace.SpanIDFromHex(b3SID)
	for _, c := range []struct {
		flags  trace.TraceFlags
		single string
		multi  http.Header
	}{
		{trace.FlagsSampled, b3TID + "-" + b3SID + "-1", http.Header{"X-B3-Traceid": {b3TID}, "X-B3-Spanid": {b3SID}, "X-B3-Sampled": {"1"}}},
		{trace.FlagsRandom, b3TID + "-" + b3SID + "-0", http.Header{"X-B3-Traceid": {b3TID}, "X-B3-Spanid": {b3SID}, "X-B3-Sampled": {"0"}}},
	} {
		ctx := trace.ContextWithSpanContext(context.Background(),
			trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: c.flags}))
		h := http.Header{}
		tracectx.B3{}.Inject(ctx, propagation.HeaderCarrier(h))
		if len(h) != 1 || h.Get("b3") != c.single {
			t.Errorf("single: %v, want b3: %s", h, c.single)
		}
		h = http.Header{}
		tracectx.B3{InjectMultiple: true}.Inject(ctx, propagation.HeaderCarrier(h))
		if len(h) != len(c.multi) {
			t.Errorf("multiple: %v, want %v", h, c.multi)
		}
		for k, v := range c.multi {
			if h.Get(k) != v[0] {
				t.Errorf("multiple: %s = %q, want %q", k, h.Get(k), v[0])
			}
		}
		// What Inject writes, Extract reads back.
		back := trace.SpanContextFromContext(tracectx.B3{}.Extract(context.Background(), propagation.HeaderCarrier(h)))
		if back.TraceID() != tid || back.SpanID() != sid || back.IsSampled() != (c.flags&trace.FlagsSampled != 0) {
			t.Errorf("round trip: %+v", back)
		}
	}
	h := http.Header{}
	tracectx.B3{}.Inject(context.Background(), propagation.HeaderCarrier(h))
	tracectx.B3{}.Inject(tracectx.NewRoot(context.Background()), nil)
	if len(h) != 0 {
		t.Fatalf("wrote %v for an empty context", h)
	}
	if f := (tracectx.B3{}).Fields(); len(f) != 1 || f[0] != "b3" {
		t.Errorf("Fields() = %q", f)
	}
	if f := (tracectx.B3{InjectMultiple: true}).Fields(); len(f) != 3 {
		t.Errorf("Fields() = %q", f)
	}
}

// TestB3RoundTrip: a canonical single header comes back byte for byte.
func TestB3RoundTrip(t *testing.T) {
	for _, v := range []string{b3TID + "-" + b3SID + "-1", b3TID + "-" + b3SID + "-0"} {
		out := propagation.MapCarrier{}
		tracectx.B3{}.Inject(tracectx.B3{}.Extract(context.Background(), propagation.MapCarrier{"b3": v}), out)
		if out["b3"] != v {
			t.Errorf("%q came back as %q", v, out["b3"])
		}
	}
}
