package adapter_test

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"

	"github.com/logweave/logweave"
	"github.com/logweave/logweave/httplog"
	"github.com/logweave/logweave/httplog/adapter"
	"github.com/logweave/logweave/internal/logtest"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// TestRecorderAsAnAdapterUsesIt drives Recorder the way a framework adapter
// does, and checks the line has Middleware's fields and masking.
func TestRecorderAsAnAdapterUsesIt(t *testing.T) {
	sink := &logtest.Sink{}
	rec := adapter.NewRecorder(logweave.New(sink, nil), &httplog.Options{
		RequestHeaders: []string{"Authorization"}, ResponseTraceparent: true,
	})
	req := httptest.NewRequest("GET", "/items/7?token=x", nil)
	req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	req.Header.Set("Authorization", "Bearer secret")
	resp := http.Header{}
	ctx := rec.Begin(context.Background(), propagation.HeaderCarrier(req.Header), propagation.HeaderCarrier(resp))
	if resp.Get("X-Request-ID") != "4bf92f3577b34da6a3ce929d0e0e4736" || resp.Get("traceparent") == "" {
		t.Fatalf("response headers %v", resp)
	}
	if rec.Skips(req) {
		t.Fatal("nothing is skipped by default")
	}
	if got := rec.Level(404, time.Millisecond, false); got.String() != "WARN" {
		t.Fatalf("level for 404: %v", got)
	}
	rec.Log(ctx, &adapter.Exchange{
		Method: "GET", Route: "/items/:id", Path: "/items/7", RawQuery: "token=x", Status: 404,
		Duration: 3 * time.Millisecond, ClientIP: netip.MustParseAddr("203.0.113.5"), Protocol: "1.1",
		RequestHeader: req.Header, ResponseHeader: resp,
	})
	a := sink.WithMsg(t, httplog.AccessMessage)
	if len(a) != 1 {
		t.Fatalf("lines %v", sink.Lines(t))
	}
	l := a[0]
	for k, v := range map[string]any{
		"http.route": "/items/:id", "url.query": "token=" + httplog.Mask, "client.address": "203.0.113.5",
		"level": "WARN", "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "http.request.header.authorization": httplog.Mask,
	} {
		if l[k] != v {
			t.Errorf("%s = %v, want %v", k, l[k], v)
		}
	}
}

// TestFlightForAdapters drives Start and End as a net/http-based framework
// adapter does: the status the handler wrote, the route the framework
// matched, the error it returned, and a panic it recovered.
func TestFlightForAdapters(t *testing.T) {
	sink := &logtest.Sink{}
	rec := adapter.NewRecorder(logweave.New(sink, nil), nil)

	w := httptest.NewRecorder()
	f := rec.Start(w, httptest.NewRequest("GET", "/items/7", nil))
	if !trace.SpanContextFromContext(f.Request().Context()).IsValid() {
		t.Fatal("the flight's request carries no trace")
	}
	f.ResponseWriter().WriteHeader(http.StatusNotFound)
	if f.Status() != http.StatusNotFound {
		t.Fatalf("Status() = %d", f.Status())
	}
	f.End("/items/:id", errors.New("no such item"), nil)
	if w.Header().Get("X-Request-ID") == "" {
		t.Error("no X-Request-ID on the response")
	}

	w = httptest.NewRecorder()
	f = rec.Start(w, httptest.NewRequest("POST", "/items", nil))
	f.End("/items", nil, "handler blew up")
	if w.Code != http.StatusInternalServerError {
		t.Errorf("a recovered panic before any header: client got %d, want 500", w.Code)
	}

	a := sink.WithMsg(t, httplog.AccessMessage)
	if len(a) != 2 {
		t.Fatalf("lines %v", a)
	}
	if a[0]["http.route"] != "/items/:id" || logtest.Num(a[0]["http.response.status_code"]) != 404 ||
		a[0]["error.message"] != "no such item" || a[0]["level"] != "WARN" {
		t.Errorf("error line %v", a[0])
	}
	if logtest.Num(a[1]["http.response.status_code"]) != 500 || a[1]["panic"] != "handler blew up" || a[1]["level"] != "ERROR" {
		t.Errorf("panic line %v", a[1])
	}
}

// TestFlightNoRouteAndPanicStack: a framework that matched no route says
// so with an empty route, and the line has none, even though a router the
// request went through first set r.Pattern.
func TestFlightNoRouteAndPanicStack(t *testing.T) {
	sink := &logtest.Sink{}
	rec := adapter.NewRecorder(logweave.New(sink, nil), nil)
	r := httptest.NewRequest("GET", "/x", nil)
	r.Pattern = "GET /x" // a router set it, but the framework says nothing matched
	f := rec.Start(httptest.NewRecorder(), r)
	f.SetPanicStack("stack from the framework's recovery")
	f.AddResponseBytes(18) // a body the framework sends after End
	f.End("", nil, "boom")
	l := sink.WithMsg(t, httplog.AccessMessage)[0]
	if l["http.route"] != nil || l["stack"] != "stack from the framework's recovery" ||
		logtest.Num(l["http.response.body.size"]) != 18+len("Internal Server Error\n") {
		t.Fatalf("line %v", l)
	}
}

// hijackRecorder is a ResponseWriter that can be hijacked, standing for
// net/http's: after Hijack, its writes fail as net/http's do.
type hijackRecorder struct {
	*httptest.ResponseRecorder
	hijacked bool
}

func (h *hijackRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h.hijacked = true
	c1, c2 := net.Pipe()
	c2.Close()
	return c1, bufio.NewReadWriter(bufio.NewReader(c1), bufio.NewWriter(c1)), nil
}

func (h *hijackRecorder) Write(p []byte) (int, error) {
	if h.hijacked {
		return 0, http.ErrHijacked
	}
	return h.ResponseRecorder.Write(p)
}

// TestFlightAfterHijack checks that what a handler (or an error handler)
// writes after hijacking the connection does not become the logged status.
func TestFlightAfterHijack(t *testing.T) {
	sink := &logtest.Sink{}
	rec := adapter.NewRecorder(logweave.New(sink, nil), nil)
	w := &hijackRecorder{ResponseRecorder: httptest.NewRecorder()}
	f := rec.Start(w, httptest.NewRequest("GET", "/ws", nil))
	conn, _, err := f.ResponseWriter().(http.Hijacker).Hijack()
	if err != nil {
		t.Fatal(err)
	}
	conn.Close()
	f.ResponseWriter().WriteHeader(http.StatusInternalServerError)
	f.ResponseWriter().Write([]byte("too late"))
	if !f.Hijacked() || f.Status() != 0 {
		t.Fatalf("Hijacked %v, Status %d", f.Hijacked(), f.Status())
	}
	f.End("/ws", errors.New("handler error after the upgrade"), nil)
	l := sink.WithMsg(t, httplog.AccessMessage)[0]
	if logtest.Num(l["http.response.status_code"]) != http.StatusSwitchingProtocols || logtest.Num(l["http.response.body.size"]) != 0 {
		t.Fatalf("line %v", l)
	}
}

// TestRecorderMasksBodyByItsContentType: an adapter whose header maps hold
// only the logged headers tells the body's Content-Type in the Exchange.
func TestRecorderMasksBodyByItsContentType(t *testing.T) {
	sink := &logtest.Sink{}
	rec := adapter.NewRecorder(logweave.New(sink, nil), &httplog.Options{
		BodyContentTypes: []string{"application/x-www-form-urlencoded"}, MaxBodyBytes: 100,
	})
	body := []byte("user=bob&user%5Bpassword%5D=Qj7")
	resp := []byte("user=bob&next=%2Fa%3Fcode%3DQj8")
	rec.Log(t.Context(), &adapter.Exchange{
		Method: "POST", Path: "/login", Status: 200, RequestBodySize: int64(len(body)),
		RequestBody: body, RequestBodyCaptured: true, RequestContentType: "application/x-www-form-urlencoded",
		ResponseBody: resp, ResponseBodyCaptured: true, ResponseContentType: "application/x-www-form-urlencoded",
		ResponseBodySize: int64(len(resp)),
	})
	a := sink.WithMsg(t, httplog.AccessMessage)[0]
	if a["http.request.body"] != "user=bob&user%5Bpassword%5D="+httplog.Mask || a["http.response.body"] != "user=bob&next="+httplog.Mask {
		t.Fatalf("request body %v, response body %v", a["http.request.body"], a["http.response.body"])
	}
}
