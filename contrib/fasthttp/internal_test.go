package logweavefasthttp

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
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

// begin starts an Exchange for an empty request, logging with logger.
func begin(t *testing.T, logger *slog.Logger) *Exchange {
	t.Helper()
	_, ex := NewRecorder(logger, nil).Begin(context.Background(), new(fasthttp.RequestCtx))
	if ex == nil {
		t.Fatal("no exchange")
	}
	return ex
}

// TestBodyStreamSwap fails when a fasthttp release no longer has the
// field swapBodyStream writes: streamed responses would then be logged
// when the handler returns, without their size as sent or client aborts.
func TestBodyStreamSwap(t *testing.T) {
	if !canSwapBodyStream {
		t.Fatal("fasthttp.Response has no bodyStream io.Reader field any more: update bodystream.go")
	}
	var resp fasthttp.Response
	inner := &closeCounter{Reader: strings.NewReader("hello")}
	resp.SetBodyStream(inner, 5)
	ex := begin(t, slog.New(slog.DiscardHandler))
	if !watchStream(&resp, ex) {
		t.Fatal("not watched")
	}
	s, ok := resp.BodyStream().(*stream)
	if !ok || s.r != inner {
		t.Fatalf("body stream %T", resp.BodyStream())
	}
	if inner.closed != 0 {
		t.Fatal("the handler's stream was closed by the swap")
	}
	if got := string(resp.Body()); got != "hello" { // reads and closes the stream
		t.Fatalf("body %q", got)
	}
	if !s.done || s.n != 5 || inner.closed != 1 {
		t.Fatalf("stream done %v, %d bytes, inner closed %d times", s.done, s.n, inner.closed)
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
// httplog's Begin boxes nothing: Begin's own allocations are the trace
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

// TestStreamCountsAndAborts drives the stream as fasthttp does, and reads
// the line it writes when closed.
func TestStreamCountsAndAborts(t *testing.T) {
	for _, tc := range []struct {
		name       string
		size       int64
		read       int // bytes the server reads before closing; -1 to the end
		head       bool
		writeTo    bool
		wantStatus int
		wantSize   int
	}{
		{"chunked to the end", -1, -1, false, false, 200, 10},
		{"sized to its length", 10, 10, false, false, 200, 10},
		{"chunked, stopped early", -1, 4, false, false, 499, 4},
		{"sized, stopped early", 10, 4, false, false, 499, 4},
		{"HEAD reads nothing", 10, 0, true, false, 200, 0},
		{"WriteTo to the end", 10, -1, false, true, 200, 10},
		{"WriteTo fails", 10, -1, false, true, 499, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out strings.Builder
			ex := begin(t, logweave.New(&out, nil))
			ex.status, ex.skipBody = 200, tc.head
			s := &stream{r: io.NopCloser(strings.NewReader("0123456789")), ex: ex, size: tc.size}
			switch {
			case tc.writeTo && tc.wantStatus == 499:
				s.WriteTo(failingWriter{})
			case tc.writeTo:
				var b strings.Builder
				if _, err := s.WriteTo(&b); err != nil || b.String() != "0123456789" {
					t.Fatal(b.String(), err)
				}
			case tc.read < 0:
				io.Copy(io.Discard, struct{ io.Reader }{s})
			default:
				io.CopyN(io.Discard, struct{ io.Reader }{s}, int64(tc.read))
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if err := s.CloseWithError(nil); err != nil { // newer fasthttp calls both
				t.Fatal(err)
			}
			var line map[string]any
			if err := json.Unmarshal([]byte(out.String()), &line); err != nil {
				t.Fatalf("one line, got %q: %v", out.String(), err)
			}
			if st := line[httplog.StatusKey]; st != float64(tc.wantStatus) {
				t.Errorf("status %v, want %d", st, tc.wantStatus)
			}
			if n := line[httplog.ResponseBodyKey]; n != float64(tc.wantSize) {
				t.Errorf("size %v, want %d", n, tc.wantSize)
			}
		})
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, net.ErrClosed }
