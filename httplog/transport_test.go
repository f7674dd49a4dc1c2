package httplog_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/logweave/logweave"
	"github.com/logweave/logweave/httplog"
	"github.com/logweave/logweave/internal/logtest"
	"github.com/logweave/logweave/tracectx"
	"go.opentelemetry.io/otel/trace"
)

func TestTransportPropagatesAndLogs(t *testing.T) {
	got := make(chan http.Header, 1)
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Clone()
		if r.URL.Path == "/fail" {
			w.WriteHeader(502)
		}
		io.WriteString(w, "ok")
	}))
	defer backend.Close()

	sink := &logtest.Sink{}
	client := &http.Client{Transport: httplog.Transport(nil, logweave.New(sink, &logweave.Options{Level: slog.LevelDebug}), nil)}
	ctx := tracectx.WithRequestID(tracectx.NewRoot(context.Background()), "req-9")
	parent := trace.SpanContextFromContext(ctx)

	req, _ := http.NewRequestWithContext(ctx, "GET", backend.URL+"/users/7?token=secret", nil)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	h := <-got
	tp := h.Get("traceparent")
	parts := strings.Split(tp, "-")
	if len(parts) != 4 || parts[1] != parent.TraceID().String() || parts[2] == parent.SpanID().String() || len(parts[2]) != 16 {
		t.Fatalf("traceparent %q: want trace %s with a new span id", tp, parent.TraceID())
	}
	if h.Get("X-Request-ID") != "req-9" {
		t.Errorf("X-Request-ID %q", h.Get("X-Request-ID"))
	}
	if req.Header.Get("traceparent") != "" {
		t.Error("the caller's request was modified")
	}
	lines := sink.Lines(t)
	if len(lines) != 1 {
		t.Fatalf("lines %v", lines)
	}
	l := lines[0]
	if l["msg"] != httplog.OutboundMessage || l["level"] != "INFO" || logtest.Num(l["http.response.status_code"]) != 200 ||
		l["url.path"] != "/users/7" || l["server.address"] != "127.0.0.1" || l["trace_id"] != parent.TraceID().String() ||
		l["span_id"] != parts[2] || l["request_id"] != "req-9" {
		t.Fatalf("line %v", l)
	}
	if strings.Contains(sink.String(), "secret") {
		t.Fatal("the query was logged")
	}

	// A 5xx is logged at ERROR.
	req, _ = http.NewRequestWithContext(ctx, "GET", backend.URL+"/fail", nil)
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	<-got
	if l := sink.Lines(t)[1]; l["level"] != "ERROR" || logtest.Num(l["http.response.status_code"]) != 502 {
		t.Fatalf("5xx line %v", l)
	}
}

func TestTransportUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now

	sink := &logtest.Sink{}
	client := &http.Client{Transport: httplog.Transport(nil, logweave.New(sink, nil), nil)}
	resp, err := client.Get("http://" + addr + "/x")
	if err == nil {
		resp.Body.Close()
		t.Fatal("want a connection error")
	}
	l := sink.Lines(t)
	if len(l) != 1 || l[0]["level"] != "ERROR" || !strings.Contains(l[0]["error"].(string), "refused") ||
		l[0]["http.response.status_code"] != nil {
		t.Fatalf("lines %v", l)
	}
	// Without a trace in the context, the call starts one.
	if tid, _ := l[0]["trace_id"].(string); len(tid) != 32 {
		t.Fatalf("trace_id %v", l[0]["trace_id"])
	}
}
