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

// The W3C specification's own example ids.
const (
	specTID = "4bf92f3577b34da6a3ce929d0e0e4736"
	specSID = "00f067aa0ba902b7"
	specTP  = "00-" + specTID + "-" + specSID + "-01"
)

// headers builds a carrier with each named header given the listed values.
func headers(kv ...any) propagation.HeaderCarrier {
	h := http.Header{}
	for i := 0; i < len(kv); i += 2 {
		for _, v := range kv[i+1].([]string) {
			h.Add(kv[i].(string), v)
		}
	}
	return propagation.HeaderCarrier(h)
}

func TestW3CTraceparent(t *testing.T) {
	future := "cc-" + specTID + "-" + specSID + "-01"
	cases := []struct {
		name  string
		tp    []string
		ok    bool
		flags trace.TraceFlags
	}{
		{"spec example, sampled", []string{specTP}, true, trace.FlagsSampled},
		{"not sampled", []string{"00-" + specTID + "-" + specSID + "-00"}, true, 0},
		{"random (level 2)", []string{"00-" + specTID + "-" + specSID + "-02"}, true, trace.FlagsRandom},
		{"sampled and random", []string{"00-" + specTID + "-" + specSID + "-03"}, true, trace.FlagsSampled | trace.FlagsRandom},
		{"reserved flags cleared", []string{"00-" + specTID + "-" + specSID + "-ff"}, true, trace.FlagsSampled | trace.FlagsRandom},
		{"reserved flag alone", []string{"00-" + specTID + "-" + specSID + "-04"}, true, 0},
		{"leading and trailing OWS", []string{" \t" + specTP + "\t "}, true, trace.FlagsSampled},
		{"future version, 55 chars", []string{future}, true, trace.FlagsSampled},
		{"future version, extra fields", []string{future + "-what-the-future-will-be-like"}, true, trace.FlagsSampled},
		{"future version, extra dash only", []string{future + "-"}, true, trace.FlagsSampled},
		{"future version, reserved flags", []string{"01-" + specTID + "-" + specSID + "-09"}, true, trace.FlagsSampled},
		{"version fe", []string{"fe-" + specTID + "-" + specSID + "-01"}, true, trace.FlagsSampled},

		{"absent", nil, false, 0},
		{"empty", []string{""}, false, 0},
		{"only spaces", []string{"   "}, false, 0},
		{"version ff", []string{"ff-" + specTID + "-" + specSID + "-01"}, false, 0},
		{"version not hex", []string{"0g-" + specTID + "-" + specSID + "-01"}, false, 0},
		{"version uppercase", []string{"0A-" + specTID + "-" + specSID + "-01"}, false, 0},
		{"version one digit", []string{"0-" + specTID + "-" + specSID + "-01"}, false, 0},
		{"version 00 too long", []string{specTP + "-extra"}, false, 0},
		{"version 00 one char too long", []string{specTP + "0"}, false, 0},
		{"version 00 too short", []string{specTP[:54]}, false, 0},
		{"future version too short", []string{future[:54]}, false, 0},
		{"future version, no dash after flags", []string{future + "extra"}, false, 0},
		{"future version, flags 3 digits", []string{"cc-" + specTID + "-" + specSID + "-011"}, false, 0},
		{"uppercase trace id", []string{"00-" + strings.ToUpper(specTID) + "-" + specSID + "-01"}, false, 0},
		{"uppercase span id", []string{"00-" + specTID + "-00F067AA0BA902B7-01"}, false, 0},
		{"uppercase flags", []string{"00-" + specTID + "-" + specSID + "-0A"}, false, 0},
		{"zero trace id", []string{"00-00000000000000000000000000000000-" + specSID + "-01"}, false, 0},
		{"zero span id", []string{"00-" + specTID + "-0000000000000000-01"}, false, 0},
		{"flags not hex", []string{"00-" + specTID + "-" + specSID + "-0x"}, false, 0},
		{"flags with letter g", []string{"00-" + specTID + "-" + specSID + "-g1"}, false, 0},
		{"flags one digit", []string{"00-" + specTID + "-" + specSID + "-1"}, false, 0},
		{"trace id short", []string{"00-" + specTID[1:] + "-" + specSID + "-01-"}, false, 0},
		{"trace id not hex", []string{"00-" + specTID[:31] + "z-" + specSID + "-01"}, false, 0},
		{"span id not hex", []string{"00-" + specTID + "-" + specSID[:15] + ".-01"}, false, 0},
		{"wrong separator", []string{"00_" + specTID + "_" + specSID + "_01"}, false, 0},
		{"space inside", []string{"00-" + specTID + " " + specSID + "-01"}, false, 0},
		{"space after dash", []string{"00- " + specTID[1:] + "-" + specSID + "-01"}, false, 0},
		{"non-ASCII", []string{"00-" + specTID[:31] + "é-" + specSID + "-01"}, false, 0},
		{"duplicated, same value", []string{specTP, specTP}, false, 0},
		{"duplicated, different", []string{specTP, "00-" + specTID + "-" + specSID + "-00"}, false, 0},
		{"combined in one line", []string{specTP + "," + specTP}, false, 0},
		{"oversize future version", []string{future + "-" + strings.Repeat("x", tracectx.MaxTraceparentLen-56+1)}, false, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			carrier := headers("traceparent", c.tp, "tracestate", []string{"foo=bar"})
			base := baseContext()
			ctx := tracectx.W3C{}.Extract(base, carrier)
			sc := trace.SpanContextFromContext(ctx)
			if !c.ok {
				if ctx != base {
					t.Fatalf("invalid traceparent %q: ctx changed, span context %v", c.tp, sc)
				}
				return
			}
			if !sc.IsValid() || !sc.IsRemote() {
				t.Fatalf("%q: span context %+v, want valid and remote", c.tp, sc)
			}
			if sc.TraceID().String() != specTID || sc.SpanID().String() != specSID || sc.TraceFlags() != c.flags {
				t.Fatalf("%q: got %s %s %s, want %s %s %s", c.tp, sc.TraceID(), sc.SpanID(), sc.TraceFlags(), specTID, specSID, c.flags)
			}
			if got := sc.TraceState().String(); got != "foo=bar" {
				t.Fatalf("%q: tracestate %q, want foo=bar", c.tp, got)
			}
		})
	}
}

func TestW3CMaxTraceparentLen(t *testing.T) {
	future := "cc-" + specTID + "-" + specSID + "-01-"
	atLimit := future + strings.Repeat("x", tracectx.MaxTraceparentLen-len(future))
	if len(atLimit) != tracectx.MaxTraceparentLen {
		t.Fatal(len(atLimit))
	}
	for _, c := range []struct {
		v  string
		ok bool
	}{{atLimit, true}, {atLimit + "x", false}, {" " + atLimit, false}} {
		sc := trace.SpanContextFromContext(tracectx.W3C{}.Extract(context.Background(), headers("traceparent", []string{c.v})))
		if sc.IsValid() != c.ok {
			t.Errorf("len %d: valid = %v, want %v", len(c.v), sc.IsValid(), c.ok)
		}
	}
}

func TestW3CInvalidTraceparentDropsTracestate(t *testing.T) {
	// Not even looked at: the tracestate is as bad as it gets, and the
	// result must be the unchanged context either way.
	ctx := context.Background()
	got := tracectx.W3C{}.Extract(ctx, headers("traceparent", []string{"00-" + specTID + "-0000000000000000-01"}, "tracestate", []string{"foo=bar"}))
	if got != ctx {
		t.Fatal("context changed")
	}
}

func TestW3CInject(t *testing.T) {
	tid, _ := trace.TraceIDFromHex(specTID)
	sid, _ := trace.SpanIDFromHex(specSID)
	ts, _ := trace.ParseTraceState("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")
	for _, c := range []struct {
		flags  trace.TraceFlags
		ts     trace.TraceState
		wantTP string
		wantTS string
	}{
		{trace.FlagsSampled, trace.TraceState{}, specTP, ""},
		{0, ts, "00-" + specTID + "-" + specSID + "-00", "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"},
		{trace.FlagsSampled | trace.FlagsRandom, ts, "00-" + specTID + "-" + specSID + "-03", "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"},
		// Undefined bits set by code are not sent: version 00 has them zero.
		{0xfd, trace.TraceState{}, "00-" + specTID + "-" + specSID + "-01", ""},
	} {
		sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: c.flags, TraceState: c.ts})
		h := http.Header{}
		tracectx.W3C{}.Inject(trace.ContextWithSpanContext(context.Background(), sc), propagation.HeaderCarrier(h))
		if got := h.Values("traceparent"); len(got) != 1 || got[0] != c.wantTP {
			t.Errorf("traceparent %q, want %q", got, c.wantTP)
		}
		if got := h.Get("tracestate"); got != c.wantTS {
			t.Errorf("tracestate %q, want %q", got, c.wantTS)
		}
		if _, ok := h["Tracestate"]; ok != (c.wantTS != "") {
			t.Errorf("tracestate header present = %v, want %v", ok, c.wantTS != "")
		}
	}

	// Nothing valid, nothing written; a nil carrier or context is no crash.
	h := http.Header{}
	tracectx.W3C{}.Inject(context.Background(), propagation.HeaderCarrier(h))
	if len(h) != 0 {
		t.Fatalf("wrote %v for an empty context", h)
	}
	tracectx.W3C{}.Inject(tracectx.NewRoot(context.Background()), nil)
	tracectx.W3C{}.Inject(tracectx.NewRoot(context.Background()), propagation.HeaderCarrier(nil))
	//lint:ignore SA1012 nil contexts must not panic
	tracectx.W3C{}.Inject(nil, propagation.HeaderCarrier(h)) //nolint:staticcheck
	//lint:ignore SA1012 nil contexts must not panic
	if ctx := (tracectx.W3C{}).Extract(nil, headers("traceparent", []string{specTP})); !trace.SpanContextFromContext(ctx).IsValid() { //nolint:staticcheck
		t.Fatal("nil context: nothing extracted")
	}
	if ctx := context.Background(); (tracectx.W3C{}).Extract(ctx, nil) != ctx {
		t.Fatal("nil carrier changed the context")
	}
}

// TestW3CRoundTrip: what Extract accepts in canonical form, Inject writes
// back byte for byte.
func TestW3CRoundTrip(t *testing.T) {
	for _, c := range []struct{ tp, ts string }{
		{specTP, ""},
		{specTP, "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"},
		{"00-" + specTID + "-" + specSID + "-00", "a=1"},
		{"00-" + specTID + "-" + specSID + "-02", "tenant@system=x y,k/_-*9=~!#"},
		{"00-" + specTID + "-" + specSID + "-03", strings.TrimSuffix(strings.Repeat("k=v,", 1), ",")},
	} {
		in := headers("traceparent", []string{c.tp}, "tracestate", []string{c.ts})
		out := http.Header{}
		tracectx.W3C{}.Inject(tracectx.W3C{}.Extract(context.Background(), in), propagation.HeaderCarrier(out))
		if got := out.Get("traceparent"); got != c.tp {
			t.Errorf("traceparent %q came back as %q", c.tp, got)
		}
		if got := out.Get("tracestate"); got != c.ts {
			t.Errorf("tracestate %q came back as %q", c.ts, got)
		}
	}
}

func TestW3CMapCarrier(t *testing.T) {
	// A carrier without Values (MapCarrier) has one value per key.
	m := propagation.MapCarrier{"traceparent": specTP, "tracestate": " a=1 ,, b=2"}
	ctx := tracectx.W3C{}.Extract(context.Background(), m)
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsValid() || sc.TraceState().String() != "a=1,b=2" {
		t.Fatalf("got %+v", sc)
	}
	out := propagation.MapCarrier{}
	tracectx.W3C{}.Inject(ctx, out)
	if out["traceparent"] != specTP || out["tracestate"] != "a=1,b=2" || len(out) != 2 {
		t.Fatalf("injected %v", out)
	}
	if f := (tracectx.W3C{}).Fields(); len(f) != 2 || f[0] != "traceparent" || f[1] != "tracestate" {
		t.Fatalf("Fields() = %q", f)
	}
}

type baseKey struct{}

// baseContext is a context the propagators must hand back unchanged, by
// identity, when they find nothing valid.
func baseContext() context.Context { return context.WithValue(context.Background(), baseKey{}, 1) }

func TestTraceIDText(t *testing.T) {
	id, _ := trace.TraceIDFromHex("4bf92f3577b34da6a3ce929d0e0e4736")
	other, _ := trace.TraceIDFromHex("0af7651916cd43dd8448eb211c80319c")
	for _, tc := range []struct {
		name        string
		traceparent string
		id          trace.TraceID
	}{
		{"same trace", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", id},
		{"other trace", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", other},
		{"uppercase", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", id},
		{"short", "00-4bf92f", id},
		{"none", "", id},
	} {
		h := http.Header{}
		if tc.traceparent != "" {
			h.Set("traceparent", tc.traceparent)
		}
		if got := tracectx.TraceIDText(propagation.HeaderCarrier(h), tc.id); got != tc.id.String() {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.id.String())
		}
	}
	if got := tracectx.TraceIDText(nil, id); got != id.String() {
		t.Errorf("nil carrier: %q", got)
	}
}
