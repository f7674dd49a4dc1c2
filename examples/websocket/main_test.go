package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/logweave/logweave"
	"github.com/logweave/logweave/internal/logtest"
)

// TestWebSocketThroughMiddleware runs a real WebSocket client against the
// echo server on loopback: the upgrade works through the middleware, the
// messages' lines carry the caller's trace, and the access line says 101.
func TestWebSocketThroughMiddleware(t *testing.T) {
	sink := &logtest.Sink{}
	srv := httptest.NewServer(newServer(logweave.New(sink, nil)))
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	hdr := http.Header{"Traceparent": {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}}
	conn, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/ws", &websocket.DialOptions{HTTPHeader: hdr})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Header.Get("X-Request-ID") == "" {
		t.Error("the upgrade response lacks X-Request-ID")
	}
	for _, m := range []string{"one", "two"} {
		if err := conn.Write(ctx, websocket.MessageText, []byte(m)); err != nil {
			t.Fatal(err)
		}
		_, reply, err := conn.Read(ctx)
		if err != nil || string(reply) != "echo: "+m {
			t.Fatalf("reply %q %v", reply, err)
		}
	}
	conn.Close(websocket.StatusNormalClosure, "done")

	deadline := time.Now().Add(5 * time.Second)
	for {
		var access map[string]any
		messages := 0
		for _, l := range sink.Lines(t) {
			switch l["msg"] {
			case "http request":
				access = l
			case "websocket message":
				messages++
				if l["trace_id"] != "4bf92f3577b34da6a3ce929d0e0e4736" {
					t.Fatalf("message line without the caller's trace: %v", l)
				}
			}
		}
		if access != nil {
			if access["http.response.status_code"] != float64(101) || messages != 2 || access["trace_id"] != "4bf92f3577b34da6a3ce929d0e0e4736" {
				t.Fatalf("access %v, %d message lines", access, messages)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("no access line after the connection closed")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
