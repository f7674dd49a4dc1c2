package logweavefasthttp

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"slices"
	"strings"
	"testing"

	"github.com/logweave/logweave"
	"github.com/logweave/logweave/httplog"
	"github.com/logweave/logweave/tracectx"
	"github.com/valyala/fasthttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// TestStreamedResponseLoggedAtEnd: End leaves a streamed body to the
// server, the handler's own reader, unread and open, and writes the line
// at once, with the declared size and no captured body.
func TestStreamedResponseLoggedAtEnd(t *testing.T) {
	for _, tc := range []struct {
		name    string
		size    int   // as given to SetBodyStream
		limited int64 // > 0: the stream is an *io.LimitedReader of N limited
		method  string
		want    int
	}{
		{"declared length", 10, 0, "GET", 10},
		{"unknown length", -1, 0, "GET", 0},
		{"io.LimitedReader of unknown length", -1, 4, "GET", 4},
		{"HEAD sends no body", 10, 0, "HEAD", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out strings.Builder
			rec := NewRecorder(logweave.New(&out, nil), &httplog.Options{BodyContentTypes: []string{"text/plain"}, MaxBodyBytes: 100})
			fctx := new(fasthttp.RequestCtx)
			fctx.Request.Header.SetMethod(tc.method)
			_, ex := rec.Begin(context.Background(), fctx)
			body := strings.NewReader("0123456789")
			inner := &closeCounter{Reader: body}
			var r io.Reader = inner
			if tc.limited > 0 {
				r = &io.LimitedReader{R: inner, N: tc.limited}
			}
			fctx.SetContentType("text/plain")
			fctx.Response.SetBodyStream(r, tc.size)
			ex.End("")

			var line map[string]any
			if err := json.Unmarshal([]byte(out.String()), &line); err != nil {
				t.Fatalf("one line at End, got %q: %v", out.String(), err)
			}
			if st := line[httplog.StatusKey]; st != float64(200) {
				t.Errorf("status %v", st)
			}
			if n := line[httplog.ResponseBodyKey]; n != float64(tc.want) {
				t.Errorf("size %v, want %d", n, tc.want)
			}
			if b, ok := line[httplog.ResponseBodyContentKey]; ok {
				t.Errorf("streamed body captured: %q", b)
			}
			if fctx.Response.BodyStream() != r {
				t.Errorf("body stream replaced by a %T", fctx.Response.BodyStream())
			}
			if inner.closed != 0 || body.Len() != 10 {
				t.Errorf("the handler's stream was closed %d times, %d bytes read", inner.closed, 10-body.Len())
			}
		})
	}
}

type closeCounter struct {
	io.Reader
	closed int
}

func (c *closeCounter) Close() error { c.closed++; return nil }

func TestRequestHeaderCarrier(t *testing.T) {
	var req fasthttp.Request
	req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	req.Header.Add("tracestate", "a=1")
	req.Header.Add("tracestate", "b=2")
	req.Header.Set("X-Request-ID", "id-1")
	c := &RequestHeaderCarrier{Header: &req.Header, zeroCopy: true}

	if got := c.Get("x-request-id"); got != "id-1" {
		t.Errorf("Get in any case: %q", got)
	}
	ts := c.Values("tracestate")
	if !slices.Equal(ts, []string{"a=1", "b=2"}) {
		t.Errorf("Values(tracestate) = %q", ts)
	}
	// A later call must not overwrite what an earlier one returned,
	// nor may appending to it.
	tp := c.Values("traceparent")
	_ = append(ts, "c=3")
	if !slices.Equal(ts, []string{"a=1", "b=2"}) || len(tp) != 1 {
		t.Errorf("Values overwritten: %q %q", ts, tp)
	}
	if c.Values("missing") != nil || c.Get("missing") != "" {
		t.Error("missing header")
	}
	keys := c.Keys()
	slices.Sort(keys)
	if !slices.Equal(keys, []string{"Traceparent", "Tracestate", "X-Request-Id"}) {
		t.Errorf("Keys %q", keys)
	}

	// What may be kept is a copy: overwriting the header's bytes, as
	// fasthttp does for the next request, leaves it as it was.
	id, state := c.Get("X-Request-ID"), c.Values("tracestate")[0]
	req.Header.Set("X-Request-ID", "XX-X")
	req.Header.Reset()
	req.Header.Set("X-Request-ID", "zz-9")
	req.Header.Set("tracestate", "z=9")
	if id != "id-1" || state != "a=1" {
		t.Errorf("kept values changed: %q %q", id, state)
	}
	c.Set("X-New", "v")
	if string(req.Header.Peek("X-New")) != "v" {
		t.Error("Set")
	}
}

// TestRequestHeaderCarrierCopies: a carrier made by a user, or by Begin
// for a propagator of the user's, which may keep any value, gives no
// views of fasthttp's buffers.
func TestRequestHeaderCarrierCopies(t *testing.T) {
	for name, c := range map[string]*RequestHeaderCarrier{
		"literal":           {},
		"custom propagator": {zeroCopy: NewRecorder(nil, &httplog.Options{Propagator: tracectx.W3C{}}).zeroCopy},
	} {
		var req fasthttp.Request
		req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
		c.Header = &req.Header
		tp := c.Get("traceparent")
		req.Header.Set("traceparent", "00-11111111111111111111111111111111-1111111111111111-01")
		if !strings.Contains(tp, "4bf92f") {
			t.Errorf("%s: traceparent kept changed: %q", name, tp)
		}
	}
}

func TestResponseHeaderCarrier(t *testing.T) {
	var resp fasthttp.Response
	var prop propagation.TextMapCarrier = &ResponseHeaderCarrier{Header: &resp.Header}
	prop.Set("X-Request-ID", "r-1")
	if prop.Get("x-request-id") != "r-1" || string(resp.Header.Peek("X-Request-Id")) != "r-1" {
		t.Errorf("response header %q", resp.Header.Peek("X-Request-Id"))
	}
	if keys := prop.Keys(); !slices.Contains(keys, "X-Request-Id") {
		t.Errorf("Keys %q", keys)
	}
}

// TestBeginDoesNotAllocateForCarriers checks that handing the carriers to
// adapter.Recorder.Begin boxes nothing: Begin's own allocations are the trace
// context's.
func TestBeginDoesNotAllocateForCarriers(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts mean nothing under the race detector")
	}
	r := NewRecorder(nil, nil)
	fctx := new(fasthttp.RequestCtx)
	fctx.Request.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	fctx.Request.Header.Set("X-Request-ID", "abc")
	_, ex := r.Begin(context.Background(), fctx)
	base := testing.AllocsPerRun(100, func() {
		ctx, _ := tracectx.ExtractOrStart(context.Background(), tracectx.Default(), propagation.HeaderCarrier{
			"Traceparent": {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}, "X-Request-Id": {"abc"},
		})
		_ = ctx
	})
	got := testing.AllocsPerRun(100, func() {
		ex.reqCarrier.vals = ex.reqCarrier.vals[:0]
		ctx, _ := tracectx.ExtractOrStart(context.Background(), tracectx.Default(), &ex.reqCarrier)
		_ = ctx
	})
	// One more: the request id, copied out of fasthttp's buffer.
	if got > base+1 {
		t.Errorf("extract through the carrier: %v allocations, through an http.Header %v", got, base)
	}
	if sc := trace.SpanContextFromContext(r.rec.Begin(context.Background(), &ex.reqCarrier, nil)); sc.TraceID().String() != "4bf92f3577b34da6a3ce929d0e0e4736" {
		t.Errorf("trace %v", sc.TraceID())
	}
}

func TestPeerAddr(t *testing.T) {
	for _, tc := range []struct {
		addr net.Addr
		want string
	}{
		{&net.TCPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 80}, "192.0.2.1"},
		{&net.TCPAddr{IP: net.ParseIP("::ffff:192.0.2.1"), Port: 80}, "192.0.2.1"},
		{&net.TCPAddr{IP: net.ParseIP("fe80::1"), Port: 80, Zone: "eth0"}, "fe80::1"},
		{&net.TCPAddr{IP: net.ParseIP("2001:db8::1"), Port: 80}, "2001:db8::1"},
		{&net.UnixAddr{Name: "/tmp/sock", Net: "unix"}, "invalid IP"},
		{nil, "invalid IP"},
		// The unspecified address is no address, as for clientip.RemoteAddr.
		{&net.TCPAddr{IP: net.IPv4zero, Port: 80}, "invalid IP"},
		{&net.TCPAddr{IP: net.IPv6unspecified, Port: 80}, "invalid IP"},
		{&net.TCPAddr{IP: net.ParseIP("::ffff:0.0.0.0"), Port: 80}, "invalid IP"},
	} {
		if got := peerAddr(tc.addr).String(); got != tc.want {
			t.Errorf("peerAddr(%v) = %s, want %s", tc.addr, got, tc.want)
		}
	}
	if got := string(appendAddr(nil, &net.TCPAddr{IP: net.ParseIP("2001:db8::1"), Port: 8080})); got != "[2001:db8::1]:8080" {
		t.Errorf("appendAddr %q", got)
	}
}

func TestHostOnlyAndNames(t *testing.T) {
	for in, want := range map[string]string{
		"example.com:8080": "example.com", "example.com": "example.com", "[::1]:80": "::1", "[::1]": "::1",
		"::1": "::1", "": "", "[bad": "[bad",
	} {
		if got := string(hostOnly([]byte(in))); got != want {
			t.Errorf("hostOnly(%q) = %q, want %q", in, got, want)
		}
	}
	if knownMethod([]byte("GET")) != "GET" || knownMethod([]byte("PROPFIND")) != "" {
		t.Error("knownMethod")
	}
	if knownProtocol([]byte("HTTP/1.0")) != "1.0" || string(trimHTTP([]byte("HTTP/3"))) != "3" {
		t.Error("protocol")
	}
}
