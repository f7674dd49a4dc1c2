package tracectx_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/logweave/logweave/tracectx"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// The fuzz targets check the parsers against oracles written from the
// specifications' grammars as regular expressions: an independent second
// reading of the same text, so a slip in the hand-written parser shows up
// as a disagreement.

var (
	// traceparentOracle is the version-00 grammar, and the future-version
	// reading (any version but ff, the four fields, then "-" and anything).
	traceparentOracle = regexp.MustCompile(`^(?s:00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}|(?:0[1-9a-f]|[1-9a-e][0-9a-f]|f[0-9a-e])-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}(?:-.*)?)$`)
	canonicalTP       = regexp.MustCompile(`^00-[0-9a-f]{32}-[0-9a-f]{16}-0[0-3]$`)
	tsKeyOracle       = regexp.MustCompile(`^[a-z0-9][a-z0-9_\-*/@]{0,255}$`)
	tsValueOracle     = regexp.MustCompile(`^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$`)
	b3SingleOracle    = regexp.MustCompile(`^(?:[0-9a-f]{16}|[0-9a-f]{32})-[0-9a-f]{16}(?:-[01d](?:-[0-9a-f]{16})?)?$`)
	hexOracle         = regexp.MustCompile(`^[0-9a-f]+$`)
	b3InjectedOracle  = regexp.MustCompile(`^[0-9a-f]{32}(?:-[0-9a-f]{16}-[01])?$|^[0-9a-f]{16}$`)
)

func zeroHex(s string) bool { return strings.Trim(s, "0") == "" }

func FuzzTraceparent(f *testing.F) {
	for _, s := range []string{
		specTP, "00-" + specTID + "-" + specSID + "-00", "00-" + specTID + "-" + specSID + "-ff",
		"cc-" + specTID + "-" + specSID + "-01-extra", "cc-" + specTID + "-" + specSID + "-01extra",
		"ff-" + specTID + "-" + specSID + "-01", " " + specTP + "\t", strings.ToUpper(specTP),
		"00-00000000000000000000000000000000-" + specSID + "-01", specTP + "-", "", "00-",
	} {
		f.Add(s, "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")
	}
	f.Fuzz(func(t *testing.T, tp, ts string) {
		in := propagation.MapCarrier{"traceparent": tp, "tracestate": ts}
		base := context.Background()
		ctx := tracectx.W3C{}.Extract(base, in)
		sc := trace.SpanContextFromContext(ctx)

		trimmed := strings.Trim(tp, " \t")
		want := len(tp) <= tracectx.MaxTraceparentLen && traceparentOracle.MatchString(trimmed) &&
			!zeroHex(trimmed[3:35]) && !zeroHex(trimmed[36:52])
		if sc.IsValid() != want {
			t.Fatalf("%q: accepted = %v, the grammar says %v", tp, sc.IsValid(), want)
		}
		if !want {
			if ctx != base {
				t.Fatalf("%q: rejected but the context changed", tp)
			}
			return
		}
		if sc.TraceID().String() != trimmed[3:35] || sc.SpanID().String() != trimmed[36:52] || sc.TraceFlags() > 3 {
			t.Fatalf("%q: extracted %s %s %s", tp, sc.TraceID(), sc.SpanID(), sc.TraceFlags())
		}
		checkW3CIdempotent(t, ctx)

		// On canonical version-00 input OpenTelemetry agrees exactly.
		if trimmed == tp && canonicalTP.MatchString(tp) {
			theirs := trace.SpanContextFromContext(propagation.TraceContext{}.Extract(base, in))
			if theirs.TraceID() != sc.TraceID() || theirs.SpanID() != sc.SpanID() || theirs.TraceFlags() != sc.TraceFlags() {
				t.Fatalf("%q: OpenTelemetry extracted %+v, we %+v", tp, theirs, sc)
			}
		}
	})
}

// checkW3CIdempotent injects ctx, extracts the result and injects again:
// the headers must be canonical, accepted again, and unchanged.
func checkW3CIdempotent(t *testing.T, ctx context.Context) {
	t.Helper()
	out := propagation.MapCarrier{}
	tracectx.W3C{}.Inject(ctx, out)
	if !canonicalTP.MatchString(out["traceparent"]) {
		t.Fatalf("injected traceparent %q is not canonical", out["traceparent"])
	}
	if len(out["tracestate"]) > tracectx.MaxTraceStateLen {
		t.Fatalf("injected tracestate of %d bytes", len(out["tracestate"]))
	}
	ctx2 := tracectx.W3C{}.Extract(context.Background(), out)
	if !trace.SpanContextFromContext(ctx2).IsValid() {
		t.Fatalf("our own %v is not accepted", out)
	}
	out2 := propagation.MapCarrier{}
	tracectx.W3C{}.Inject(ctx2, out2)
	if out2["traceparent"] != out["traceparent"] || out2["tracestate"] != out["tracestate"] {
		t.Fatalf("not idempotent: %v then %v", out, out2)
	}
}

// tracestateOracle applies the specification's list rules to lines joined
// with commas, for input within the limits (no truncation): every member
// valid, at most 32 of them counting repeats, and of a repeated key the
// leftmost copy kept.
func tracestateOracle(joined string) (string, bool) {
	var out []string
	seen := map[string]bool{}
	count := 0
	for _, m := range strings.Split(joined, ",") {
		m = strings.Trim(m, " \t")
		if m == "" {
			continue
		}
		k, v, ok := strings.Cut(m, "=")
		if !ok || !tsKeyOracle.MatchString(k) || !tsValueOracle.MatchString(v) {
			return "", false
		}
		if count++; !seen[k] {
			seen[k] = true
			out = append(out, m)
		}
	}
	if count > tracectx.MaxTraceStateMembers {
		return "", false
	}
	return strings.Join(out, ","), true
}

func FuzzTracestate(f *testing.F) {
	for _, s := range [][2]string{
		{"rojo=00f067aa0ba902b7,congo=t61rcWkgMzE", ""},
		{"rojo=00f067aa0ba902b7", "congo=t61rcWkgMzE"},
		{" a=1 ,, b=2\t", ""}, {"a=1,a=2", ""}, {"tenant@system=x y", "1t@s=~"},
		{"Foo=1", ""}, {"a=", ""}, {"a=b=c", ""}, {"a= b", "c=d "}, {",,,", " "},
		{strings.Join(members(32), ","), ""}, {strings.Join(members(32), ","), "x=1"},
		// Level 2 keys, and the edges the 2021 rules drew elsewhere.
		{"foo@=1,bar=2", ""}, {"foo@@bar=1", "foo@bar@baz=2"}, {"@foo=1", "bar=2"},
		{"7=1", "1foo=2"}, {strings.Repeat("t", 242) + "@v=1", "t@" + strings.Repeat("v", 15) + "=2"},
		{strings.Repeat("z", 256) + "=1", ""}, {strings.Repeat("z", 257) + "=1", ""},
		{"t@" + strings.Repeat("@s", 127) + "=1", "t@" + strings.Repeat("@s", 127) + "s=1"},
		// Repeated keys: on one line, over two, and at the member limit.
		{"foo=1,foo=2", ""}, {"foo=1", "foo=2"}, {"a=1,b=2,a=3", "b=4"},
		{strings.Join(members(31), ","), "k0=again"}, {strings.Join(members(32), ","), "k0=again"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, l1, l2 string) {
		h := http.Header{"Traceparent": {specTP}, "Tracestate": {l1, l2}}
		ctx := tracectx.W3C{}.Extract(context.Background(), propagation.HeaderCarrier(h))
		sc := trace.SpanContextFromContext(ctx)
		if !sc.IsValid() {
			t.Fatal("a valid traceparent was lost over tracestate")
		}
		// What is passed on: Inject's tracestate.
		fwd := propagation.MapCarrier{}
		tracectx.W3C{}.Inject(ctx, fwd)
		got := fwd["tracestate"]
		if len(got) > tracectx.MaxTraceStateLen {
			t.Fatalf("kept %d bytes", len(got))
		}
		if joined := l1 + "," + l2; len(joined) <= tracectx.MaxTraceStateLen {
			want, ok := tracestateOracle(joined)
			if !ok {
				want = ""
			}
			if got != want {
				t.Fatalf("%q %q: got %q, the grammar says %q (valid %v)", l1, l2, got, want, ok)
			}
		}
		// The TraceState holds what OpenTelemetry accepts of it, in order:
		// it parses to the same.
		held := sc.TraceState().String()
		if theirs, err := trace.ParseTraceState(held); err != nil || theirs.String() != held {
			t.Fatalf("%q: OpenTelemetry: %v", held, err)
		}
		checkW3CIdempotent(t, ctx)
	})
}

func FuzzB3(f *testing.F) {
	for _, s := range [][5]string{
		{b3Example, "", "", "", ""},
		{b3TID64 + "-" + b3SID + "-d", "", "", "", ""},
		{"0", b3TID, b3SID, "1", ""},
		{"", b3TID64, b3SID, "true", "1"},
		{"", b3TID, b3SID, "false", "0"},
		{strings.ToUpper(b3Example), b3TID, "", "", ""},
		{b3Example + "-", "", "", "", ""},
	} {
		f.Add(s[0], s[1], s[2], s[3], s[4])
	}
	f.Fuzz(func(t *testing.T, single, tid, sid, sampled, flags string) {
		c := propagation.MapCarrier{}
		for k, v := range map[string]string{"b3": single, "x-b3-traceid": tid, "x-b3-spanid": sid, "x-b3-sampled": sampled, "x-b3-flags": flags} {
			if v != "" {
				c[k] = v
			}
		}
		base := context.Background()
		ctx := tracectx.B3{}.Extract(base, c)
		sc := trace.SpanContextFromContext(ctx)

		s := strings.Trim(single, " \t")
		singleOK := len(single) <= 512 && b3SingleOracle.MatchString(s)
		if singleOK {
			id, span, _ := strings.Cut(s, "-")
			span, _, _ = strings.Cut(span, "-")
			singleOK = !zeroHex(id) && !zeroHex(span)
		}
		if singleOK {
			if !sc.IsValid() || !strings.HasSuffix(sc.TraceID().String(), s[:strings.IndexByte(s, '-')]) {
				t.Fatalf("b3 %q: extracted %+v", single, sc)
			}
		}
		if !sc.IsValid() {
			if ctx != base {
				t.Fatal("rejected but the context changed")
			}
			return
		}
		if zeroHex(sc.TraceID().String()) || zeroHex(sc.SpanID().String()) {
			t.Fatalf("zero id accepted: %+v", sc)
		}
		if !singleOK {
			// It came from the multiple headers; they must be lowercase hex.
			tt, ss := strings.Trim(tid, " \t"), strings.Trim(sid, " \t")
			if !hexOracle.MatchString(tt) || !hexOracle.MatchString(ss) || !strings.HasSuffix(sc.TraceID().String(), tt) || sc.SpanID().String() != ss {
				t.Fatalf("multiple headers %q %q: extracted %+v", tid, sid, sc)
			}
		}
		for _, p := range []tracectx.B3{{}, {InjectMultiple: true}} {
			out := propagation.MapCarrier{}
			p.Inject(ctx, out)
			for k, v := range out {
				if k != "x-b3-sampled" && !b3InjectedOracle.MatchString(v) {
					t.Fatalf("injected %s: %q", k, v)
				}
			}
			back := trace.SpanContextFromContext(tracectx.B3{}.Extract(base, out))
			if back.TraceID() != sc.TraceID() || back.SpanID() != sc.SpanID() || back.TraceFlags() != sc.TraceFlags() {
				t.Fatalf("%v: re-extracted %+v, want %+v", out, back, sc)
			}
		}
	})
}
