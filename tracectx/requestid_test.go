package tracectx_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/logweave/logweave/tracectx"
	"go.opentelemetry.io/otel/propagation"
)

func TestValidRequestID(t *testing.T) {
	for _, id := range []string{
		"a", "f47ac10b-58cc-4372-a567-0e02b2c3d479", "01ARZ3NDEKTSV4RRFFQ69G5FAV",
		"Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
		"105445aa7843bc8bf206b12000100000/1;o=1", "dGVzdA==", "req:42|x~y",
		strings.Repeat("x", tracectx.MaxRequestIDLen),
	} {
		if !tracectx.ValidRequestID(id) {
			t.Errorf("ValidRequestID(%q) = false", id)
		}
	}
	for _, id := range []string{
		"", "a b", "a\tb", "a\nb", "a\r\nX-Evil: 1", "a\x00", "a\x7f", "café", `a"b`, "a'b", "a`b", `a\b`, "<script>",
		strings.Repeat("x", tracectx.MaxRequestIDLen+1),
	} {
		if tracectx.ValidRequestID(id) {
			t.Errorf("ValidRequestID(%.40q) = true", id)
		}
	}
}

func TestRequestIDPropagator(t *testing.T) {
	common := tracectx.RequestIDPropagator{Headers: tracectx.CommonRequestIDHeaders}
	cases := []struct {
		name string
		p    tracectx.RequestIDPropagator
		h    propagation.HeaderCarrier
		want string // "" when ctx must be unchanged
	}{
		{"default header", tracectx.RequestIDPropagator{}, headers("X-Request-ID", []string{"abc"}), "abc"},
		{"default ignores aliases", tracectx.RequestIDPropagator{}, headers("X-Correlation-ID", []string{"abc"}), ""},
		{"absent", tracectx.RequestIDPropagator{}, headers(), ""},
		{"invalid ignored", tracectx.RequestIDPropagator{}, headers("X-Request-ID", []string{"a b"}), ""},
		{"oversize ignored", tracectx.RequestIDPropagator{}, headers("X-Request-ID", []string{strings.Repeat("x", 10_000)}), ""},
		{"first valid value of a header", tracectx.RequestIDPropagator{}, headers("X-Request-ID", []string{"", "bad id", "good"}), "good"},
		{"precedence", common, headers("X-Correlation-ID", []string{"corr"}, "X-Request-ID", []string{"req"}), "req"},
		{"precedence over an invalid first", common, headers("X-Cloud-Trace-Context", []string{"cloud"}, "X-Request-ID", []string{"a b"}, "Request-Id", []string{"rid"}), "rid"},
		{"alias", common, headers("X-Amzn-Trace-Id", []string{"Root=1-5759e988-bd862e3fe1be46a994272793"}), "Root=1-5759e988-bd862e3fe1be46a994272793"},
		{"invalid first falls to next header", common, headers("X-Request-ID", []string{"\x00"}, "Request-Id", []string{"|abc.1."}), "|abc.1."},
		{"custom header", tracectx.RequestIDPropagator{Headers: []string{"X-My-Id"}}, headers("X-My-Id", []string{"m1"}), "m1"},
	}
	// Each case also runs with the header padded by unrelated fields: a
	// header with fewer fields than names is searched in one pass over its
	// fields, a larger one by a lookup per name; both must agree.
	padded := func(h propagation.HeaderCarrier) propagation.HeaderCarrier {
		p := propagation.HeaderCarrier{}
		for k, v := range h {
			p[k] = v
		}
		for _, k := range []string{"Accept", "Accept-Encoding", "Cookie", "Host", "User-Agent", "Via"} {
			p[k] = []string{"x"}
		}
		return p
	}
	for _, c := range cases {
		for _, pad := range []bool{false, true} {
			name, h := c.name, c.h
			if pad {
				name, h = name+"/padded", padded(h)
			}
			t.Run(name, func(t *testing.T) {
				base := baseContext()
				ctx := c.p.Extract(base, h)
				if c.want == "" {
					if ctx != base {
						t.Fatalf("ctx changed: request id %q", tracectx.RequestID(ctx))
					}
					return
				}
				if got := tracectx.RequestID(ctx); got != c.want {
					t.Fatalf("request id %q, want %q", got, c.want)
				}
			})
		}
	}

	// Beyond 8 values of one header nothing more is looked at.
	vals := make([]string, 20)
	vals[19] = "late"
	if ctx := (tracectx.RequestIDPropagator{}).Extract(context.Background(), headers("X-Request-ID", vals)); tracectx.RequestID(ctx) != "" {
		t.Fatal("the 20th value was read")
	}
}

func TestRequestIDInject(t *testing.T) {
	ctx := tracectx.WithRequestID(context.Background(), "req-1")
	h := http.Header{}
	tracectx.RequestIDPropagator{Headers: tracectx.CommonRequestIDHeaders}.Inject(ctx, propagation.HeaderCarrier(h))
	if len(h) != 1 || h.Get("X-Request-Id") != "req-1" {
		t.Fatalf("injected %v", h)
	}
	m := propagation.MapCarrier{}
	tracectx.RequestIDPropagator{Headers: []string{"x-correlation-id"}}.Inject(ctx, m)
	if len(m) != 1 || m["x-correlation-id"] != "req-1" {
		t.Fatalf("injected %v", m)
	}
	// An id set by code that is not valid is not written: no header splitting.
	h = http.Header{}
	tracectx.RequestIDPropagator{}.Inject(tracectx.WithRequestID(context.Background(), "x\r\nSet-Cookie: a=b"), propagation.HeaderCarrier(h))
	tracectx.RequestIDPropagator{}.Inject(context.Background(), propagation.HeaderCarrier(h))
	if len(h) != 0 {
		t.Fatalf("injected %v", h)
	}
	if f := (tracectx.RequestIDPropagator{}).Fields(); len(f) != 1 || f[0] != tracectx.DefaultRequestIDHeader {
		t.Fatalf("Fields() = %q", f)
	}
}
