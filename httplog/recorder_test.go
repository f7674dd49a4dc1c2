package httplog_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"

	"github.com/logweave/logweave"
	"github.com/logweave/logweave/httplog"
	"go.opentelemetry.io/otel/propagation"
)

// TestRecorderAsAnAdapterUsesIt drives Recorder the way a framework adapter
// does, and checks the line has Middleware's fields and masking.
func TestRecorderAsAnAdapterUsesIt(t *testing.T) {
	sink := &logSink{}
	rec := httplog.NewRecorder(logweave.New(sink, nil), &httplog.Options{
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
	rec.Log(ctx, &httplog.Exchange{
		Method: "GET", Route: "/items/:id", Path: "/items/7", RawQuery: "token=x", Status: 404,
		Duration: 3 * time.Millisecond, ClientIP: netip.MustParseAddr("203.0.113.5"), Protocol: "1.1",
		RequestHeader: req.Header, ResponseHeader: resp,
	})
	a := sink.access(t)
	if len(a) != 1 {
		t.Fatalf("lines %v", sink.lines(t))
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
