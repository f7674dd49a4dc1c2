package tracectx_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/logweave/logweave/tracectx"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// extractTS extracts with a valid traceparent and the given tracestate
// lines and returns the resulting trace state as a string, failing when
// the traceparent itself was lost.
func extractTS(t testing.TB, lines ...string) string {
	t.Helper()
	ctx := tracectx.W3C{}.Extract(context.Background(), headers("traceparent", []string{specTP}, "tracestate", lines))
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsValid() {
		t.Fatalf("tracestate %.80q: traceparent lost", lines)
	}
	// What a service passes on: Inject's tracestate, which holds the
	// members the TraceState cannot (keys only Level 2 allows).
	out := propagation.MapCarrier{}
	tracectx.W3C{}.Inject(ctx, out)
	return out["tracestate"]
}

// members returns n members k0=v0,k1=v1,...
func members(n int) []string {
	m := make([]string, n)
	for i := range m {
		m[i] = fmt.Sprintf("k%d=v%d", i, i)
	}
	return m
}

func TestW3CTracestate(t *testing.T) {
	const dropped = ""
	k256 := "k" + strings.Repeat("a", 255)
	v256 := strings.Repeat("v", 256)
	t241, s14 := "1"+strings.Repeat("t", 240), "s"+strings.Repeat("y", 13)
	at256 := "t@" + strings.Repeat("@s", 127) // 256 characters, 128 of them "@"
	cases := []struct {
		name  string
		lines []string
		want  string
	}{
		{"absent", nil, ""},
		{"empty", []string{""}, ""},
		{"spec example", []string{"rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"}, "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"},
		{"spec example, two lines", []string{"rojo=00f067aa0ba902b7", "congo=t61rcWkgMzE"}, "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"},
		{"OWS around members", []string{" a=1 \t,\t b=2 , c=3\t"}, "a=1,b=2,c=3"},
		{"empty members", []string{",a=1,,, ,\t,b=2,"}, "a=1,b=2"},
		{"only commas and blanks", []string{" , ,, "}, ""},
		{"empty lines", []string{"", "a=1", "", "b=2", ""}, "a=1,b=2"},
		{"32 members", []string{strings.Join(members(32), ",")}, strings.Join(members(32), ",")},
		{"32 members, 32 lines", members(32), strings.Join(members(32), ",")},
		{"32 members, empties between", []string{strings.Join(members(32), ",,")}, strings.Join(members(32), ",")},
		{"33 members", []string{strings.Join(members(33), ",")}, dropped},
		{"33 members, two lines", []string{strings.Join(members(20), ","), strings.Join(members(33)[20:], ",")}, dropped},
		{"32 members and a repeat", []string{strings.Join(members(32), ","), "k0=again"}, dropped},
		{"31 members and a repeat", []string{strings.Join(members(31), ","), "k0=again"}, strings.Join(members(31), ",")},

		{"key chars", []string{"a0_-*/z=1"}, "a0_-*/z=1"},
		{"key of 256", []string{k256 + "=1"}, k256 + "=1"},
		{"key of 257", []string{k256 + "a=1"}, dropped},
		{"key uppercase", []string{"Foo=1"}, dropped},
		// Level 2: any key may start with a digit (2021: only a tenant).
		{"key starts with digit", []string{"1foo=1"}, "1foo=1"},
		{"key of one digit", []string{"7=1"}, "7=1"},
		{"key starts with _", []string{"_foo=1"}, dropped},
		{"key starts with @", []string{"@foo=1"}, dropped},
		{"key is @", []string{"@=1"}, dropped},
		{"key with dot", []string{"foo.bar=1"}, dropped},
		{"key with space before =", []string{"foo =1"}, dropped},
		{"empty key", []string{"=1"}, dropped},
		{"no =", []string{"foo"}, dropped},

		// Level 2 has no tenant@system form with limits of its own: "@" is
		// a key character after the first, any number of times, and the
		// one limit is 256 for the whole key. Each case below that the
		// 2021 rules dropped is kept.
		{"multi-tenant", []string{"tenant@system=1"}, "tenant@system=1"},
		{"multi-tenant, digit tenant", []string{"1t@s=1"}, "1t@s=1"},
		{"multi-tenant, 2021 limits", []string{t241 + "@" + s14 + "=1"}, t241 + "@" + s14 + "=1"},
		{"multi-tenant, tenant 242", []string{t241 + "t@s=1"}, t241 + "t@s=1"},
		{"multi-tenant, system 15", []string{"t@" + s14 + "y=1"}, "t@" + s14 + "y=1"},
		{"multi-tenant, system starts with digit", []string{"t@1s=1"}, "t@1s=1"},
		{"multi-tenant, empty tenant", []string{"@s=1"}, dropped},
		{"multi-tenant, empty system", []string{"t@=1"}, "t@=1"},
		{"multi-tenant, two @", []string{"t@s@x=1"}, "t@s@x=1"},
		{"multi-tenant, @@", []string{"t@@s=1"}, "t@@s=1"},
		{"key of 256 with @", []string{at256 + "=1"}, at256 + "=1"},
		{"key of 257 with @", []string{at256 + "s=1"}, dropped},
		{"multi-tenant, uppercase tenant", []string{"T@s=1"}, dropped},
		{"multi-tenant, uppercase system", []string{"t@S=1"}, dropped},

		{"value with inner space", []string{"a=x y"}, "a=x y"},
		{"value with leading space", []string{"a= y"}, "a= y"},
		{"value with trailing space is OWS", []string{"a=y "}, "a=y"},
		{"value all printable", []string{"a=!\"#$%&'()*+-./0:;<>?@[\\]^_`{|}~"}, "a=!\"#$%&'()*+-./0:;<>?@[\\]^_`{|}~"},
		{"value of 256", []string{"a=" + v256}, "a=" + v256},
		{"value of 257", []string{"a=" + v256 + "v"}, dropped},
		{"empty value", []string{"a="}, dropped},
		{"value with =", []string{"a=b=c"}, dropped},
		{"value with control char", []string{"a=b\x01c"}, dropped},
		{"value with tab inside", []string{"a=b\tc"}, dropped},
		{"value with DEL", []string{"a=b\x7f"}, dropped},
		{"value non-ASCII", []string{"a=café"}, dropped},
		{"value only space", []string{"a= "}, dropped},

		// A repeated key: the leftmost copy is passed on (2021: the whole
		// list was dropped).
		{"duplicate keys", []string{"a=1,a=1"}, "a=1"},
		{"duplicate keys, two values", []string{"a=1,b=2,a=3"}, "a=1,b=2"},
		{"duplicate keys, two lines", []string{"a=1,b=2", "a=3"}, "a=1,b=2"},
		{"duplicate keys, a bad member after", []string{"a=1,a=2,B=3"}, dropped},
		{"one bad member drops all", []string{"a=1,B=2,c=3"}, dropped},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := extractTS(t, c.lines...); got != c.want {
				t.Fatalf("tracestate %.100q: got %.100q, want %.100q", c.lines, got, c.want)
			}
		})
	}
}

// bigMembers returns n members of exactly 513 characters, the largest a
// member can be: 256-character key, "=", 256-character value.
func bigMembers(n int) []string {
	m := make([]string, n)
	for i := range m {
		k := fmt.Sprintf("k%03d", i)
		m[i] = k + strings.Repeat("k", 256-len(k)) + "=" + strings.Repeat("v", 256)
	}
	return m
}

func TestW3CTracestateOversize(t *testing.T) {
	big := bigMembers(20)
	// 15 members and their commas take 15*514-1 = 7709 bytes; the 16th
	// would end at 8223 > MaxTraceStateLen: it and the rest are dropped.
	want := strings.Join(big[:15], ",")
	if got := extractTS(t, strings.Join(big, ",")); got != want {
		t.Errorf("one line: kept %d bytes, want the first 15 members (%d bytes)", len(got), len(want))
	}
	if got := extractTS(t, big...); got != want {
		t.Errorf("one member per line: kept %d bytes, want the first 15 members (%d bytes)", len(got), len(want))
	}

	// A member ending exactly at the limit is kept, one byte later it is not.
	pad := "p=" + strings.Repeat("x", 256)
	base := strings.Join(big[:15], ",") + "," + pad // 7709 + 1 + 258 = 7968
	fill := tracectx.MaxTraceStateLen - len(base) - 1 - len("z=")
	last := "z=" + strings.Repeat("y", fill)
	if got := extractTS(t, base+","+last); got != base+","+last {
		t.Errorf("member ending at the limit: kept %d bytes, want %d", len(got), len(base+","+last))
	}
	if got := extractTS(t, base+","+last+"y"); got != base {
		t.Errorf("member ending past the limit: kept %d bytes, want %d", len(got), len(base))
	}
	if got := extractTS(t, base+","+last, "q=1"); got != base+","+last {
		t.Errorf("line after the limit: kept %d bytes, want %d", len(got), len(base+","+last))
	}

	// A single huge member: nothing fits, nothing is kept, nothing breaks.
	if got := extractTS(t, "a="+strings.Repeat("x", 1<<20)); got != "" {
		t.Errorf("huge member kept: %d bytes", len(got))
	}
	// A megabyte of commas, or 100 000 header lines, is cut short: the
	// work is bounded by the limits, not by the input.
	lines := make([]string, 100_000)
	lines[len(lines)-1] = "a=1"
	commas := headers("traceparent", []string{specTP}, "tracestate", []string{strings.Repeat(",", 1<<20) + "a=1"})
	many := headers("traceparent", []string{specTP}, "tracestate", lines)
	for _, h := range []propagation.HeaderCarrier{commas, many} {
		if got := trace.SpanContextFromContext(tracectx.W3C{}.Extract(context.Background(), h)).TraceState(); got.Len() != 0 {
			t.Errorf("member past the limits kept: %q", got)
		}
	}
	// The line limit: members on the first 64 lines are read.
	lines = make([]string, 64)
	lines[63] = "a=1"
	if got := extractTS(t, lines...); got != "a=1" {
		t.Errorf("member on line 64: got %q", got)
	}
}

func TestW3CTracestateInjectTruncation(t *testing.T) {
	// Code can build a trace state of up to 32 members of 513 characters
	// (16 KiB); Inject shortens it to MaxTraceStateLen by the spec's rule.
	var ts trace.TraceState
	var err error
	big := bigMembers(20)
	for i := len(big) - 1; i >= 0; i-- { // Insert prepends
		k, v, _ := strings.Cut(big[i], "=")
		if ts, err = ts.Insert(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if ts, err = ts.Insert("small", "1"); err != nil {
		t.Fatal(err)
	}
	sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: tracectx.NewTraceID(), SpanID: tracectx.NewSpanID(), TraceState: ts})
	h := http.Header{}
	tracectx.W3C{}.Inject(trace.ContextWithSpanContext(context.Background(), sc), propagation.HeaderCarrier(h))
	got := h.Get("tracestate")
	// Members over 128 characters go first, from the end, until it fits:
	// small stays, and 15 of the 20 big ones (5 dropped from the end).
	want := "small=1," + strings.Join(big[:15], ",")
	if got != want {
		t.Fatalf("tracestate of %d bytes injected as %d bytes, want %d", len(ts.String()), len(got), len(want))
	}
	if len(got) > tracectx.MaxTraceStateLen {
		t.Fatalf("injected %d bytes", len(got))
	}

	// Small members past the big ones are kept while big ones are dropped.
	ts, _ = trace.ParseTraceState(strings.Join(big[:16], ",") + ",tail=1")
	sc = sc.WithTraceState(ts)
	h = http.Header{}
	tracectx.W3C{}.Inject(trace.ContextWithSpanContext(context.Background(), sc), propagation.HeaderCarrier(h))
	if got, want := h.Get("tracestate"), strings.Join(big[:15], ",")+",tail=1"; got != want {
		t.Fatalf("got %d bytes, want %d (the 16th big member dropped, tail kept)", len(got), len(want))
	}
}

// BenchmarkW3CTracestate is Extract with a valid traceparent and
// tracestates of the shapes that arrive: canonical, split over lines with
// blanks, the 32 members the specification allows, a multi-tenant key,
// and a repeated key.
func BenchmarkW3CTracestate(b *testing.B) {
	ctx := context.Background()
	for _, bc := range []struct {
		name  string
		lines []string
	}{
		{"canonical", []string{"rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"}},
		{"messy", []string{"rojo=00f067aa0ba902b7 ,", " congo=t61rcWkgMzE"}},
		{"32 members", []string{strings.Join(members(32), ",")}},
		{"multi-tenant", []string{"fw529a3039@dt=00f067aa0ba902b7,congo=t61rcWkgMzE"}},
		{"duplicate", []string{"rojo=00f067aa0ba902b7,congo=t61rcWkgMzE,rojo=1"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			c := headers("traceparent", []string{specTP}, "tracestate", bc.lines)
			for b.Loop() {
				tracectx.W3C{}.Extract(ctx, c)
			}
		})
	}
}
