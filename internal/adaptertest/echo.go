package adaptertest

import (
	"bytes"
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/logweave/logweave/httplog"
	"github.com/logweave/logweave/internal/logtest"
)

// EchoCases is the table of requests for the Echo adapters
// (contrib/echo and contrib/echov5), sent to the routes both register
// alike. Echo v4 and v5 answer these requests alike; the 404's error text
// is the one difference, so the router's 404 wants notFoundMessage as its
// error.message.
//
// The "panic" case wants the stack to name middleware_test.go, the file
// of each module's handlers.
func EchoCases(notFoundMessage string) []Case {
	return []Case{
		{
			Name: "200 with traceparent", Method: "GET", Path: "/users/42?token=s3cret&sort=asc",
			Header: map[string]string{"traceparent": Traceparent, "User-Agent": "test-agent/1.0"},
			Status: 200, WantBody: `{"id":"42"}` + "\n", RequestID: TraceID,
			Want: map[string]any{
				"level": "INFO", "http.request.method": "GET", "http.route": "/users/:id", "url.path": "/users/42",
				"url.query": "token=" + httplog.Mask + "&sort=asc", "http.response.status_code": 200,
				"http.response.body.size": len(`{"id":"42"}` + "\n"), "trace_id": TraceID, "span_id": SpanID,
				"client.address": "127.0.0.1", "server.address": "127.0.0.1", "network.protocol.version": "1.1",
				"user_agent.original": "test-agent/1.0", "request_id": SameAs("trace_id"), "service.name": "test", "error.message": nil,
			},
		},
		{
			Name: "B3", Method: "GET", Path: "/users/7",
			Header: map[string]string{"b3": B3TraceID + "-" + B3SpanID + "-1"},
			Status: 200, RequestID: B3TraceID,
			Want: map[string]any{"trace_id": B3TraceID, "span_id": B3SpanID, "http.route": "/users/:id"},
		},
		{
			Name: "X-Request-ID", Method: "GET", Path: "/users/7",
			Header: map[string]string{"X-Request-ID": "req-abc", "traceparent": Traceparent},
			Status: 200, RequestID: "req-abc",
			Want: map[string]any{"request_id": "req-abc", "trace_id": TraceID},
		},
		{
			Name: "no trace arrives", Method: "GET", Path: "/users/7",
			Status: 200, RequestID: "trace",
			Want: map[string]any{"request_id": SameAs("trace_id")},
		},
		{
			Name: "request body", Method: "POST", Path: "/users/7", Body: "hello",
			Status: 201, WantBody: "created hello", RequestID: "trace",
			Want: map[string]any{"http.route": "/users/:id", "http.request.body.size": 5, "http.response.body.size": len("created hello")},
		},
		{
			Name: "404 from the router", Method: "GET", Path: "/nope",
			Status: 404, WantBody: `{"message":"Not Found"}` + "\n", RequestID: "trace",
			Want: map[string]any{"level": "WARN", "http.route": nil, "http.response.status_code": 404, "error.message": notFoundMessage},
		},
		{
			Name: "404 that resembles a route", Method: "GET", Path: "/healthz/x",
			Status: 404, RequestID: "trace",
			Want: map[string]any{"level": "WARN", "http.route": nil},
		},
		{
			Name: "405 from the router", Method: "DELETE", Path: "/users/7",
			Status: 405, RequestID: "trace",
			Want: map[string]any{"level": "WARN", "http.route": nil, "http.response.status_code": 405},
		},
		{
			Name: "404 returned by a handler keeps its route", Method: "GET", Path: "/missing/3",
			Status: 404, RequestID: "trace",
			Want: map[string]any{"level": "WARN", "http.route": "/missing/:id"},
		},
		{
			Name: "HTTPError", Method: "GET", Path: "/teapot",
			Status: 418, WantBody: `{"message":"short and stout"}` + "\n", RequestID: "trace",
			Want: map[string]any{"level": "WARN", "http.route": "/teapot", "http.response.status_code": 418, "error.type": nil,
				"error.message": "code=418, message=short and stout"},
		},
		{
			Name: "plain error", Method: "GET", Path: "/fail",
			Status: 500, WantBody: `{"message":"Internal Server Error"}` + "\n", RequestID: "trace",
			Want: map[string]any{"level": "ERROR", "http.response.status_code": 500, "error.type": "500", "error.message": "database is down"},
		},
		{
			Name: "error after the response was sent", Method: "GET", Path: "/written-then-fail",
			Status: 202, WantBody: "accepted", RequestID: "trace",
			Want: map[string]any{"level": "INFO", "http.response.status_code": 202, "http.response.body.size": len("accepted"),
				"error.message": "too late to tell the client"},
		},
		{
			Name: "panic", Method: "GET", Path: "/panic",
			Status: 500, WantBody: `{"message":"Internal Server Error"}` + "\n", RequestID: "trace",
			StackHas: "middleware_test.go",
			Want: map[string]any{"level": "ERROR", "http.route": "/panic", "http.response.status_code": 500,
				"error.type": "panic", "panic": "boom in the handler", "error.message": nil},
		},
		{
			Name: "spoofed X-Forwarded-For", Method: "GET", Path: "/healthz",
			Header: map[string]string{"X-Forwarded-For": "6.6.6.6", "X-Real-IP": "6.6.6.6"},
			Status: 200, RequestID: "trace",
			Want: map[string]any{"client.address": "127.0.0.1"},
		},
	}
}

// EchoAfterCases finishes an Echo adapter's TestAccessLines once Run has
// sent EchoCases to url: a client that gives up on /slow, whose handler
// closes started when it begins and then waits for the request's context
// to end, must be logged as 499; and the handler of /users/:id, which
// logs "inside" with Logger(c).Info, that is without a context, must have
// had its four lines carry the ids of the cases' requests.
func EchoAfterCases(t *testing.T, url string, sink *logtest.Sink, started <-chan struct{}) {
	t.Helper()
	t.Run("client abort", func(t *testing.T) {
		n := len(sink.WithMsg(t, httplog.AccessMessage))
		ctx, cancel := context.WithCancel(context.Background())
		req := NewRequest(t, "GET", url+"/slow", nil).WithContext(ctx)
		go func() { <-started; cancel() }()
		if _, err := http.DefaultClient.Do(req); err == nil {
			t.Fatal("want the canceled request to fail")
		}
		l := sink.Wait(t, httplog.AccessMessage, n+1)[n]
		CheckFields(t, l, map[string]any{"http.response.status_code": 499, "level": "WARN",
			"error.type": "client_closed_request", "http.route": "/slow"})
	})

	var inside []map[string]any
	for _, l := range sink.Lines(t) {
		if l["msg"] == "inside" {
			inside = append(inside, l)
		}
	}
	if len(inside) != 4 || inside[0]["trace_id"] != TraceID || inside[0]["span_id"] != SpanID || inside[0]["id"] != "42" ||
		inside[1]["trace_id"] != B3TraceID || inside[2]["request_id"] != "req-abc" || len(inside[3]["trace_id"].(string)) != 32 {
		t.Errorf("handler lines %v", inside)
	}
}

// EchoHijackFailure serves h, whose /ws handler takes the connection
// over, writes SwitchingProtocols and then fails, and sends it an upgrade.
// The client must get the 101 alone: an error handler that wrote after
// it would reach the client, or make net/http log a warning, which the
// server's ErrorLog catches here. The access line must have the 101 the
// client got, the fields of want, and, when want has a panic, a stack
// through middleware_test.go, the file of the handler.
func EchoHijackFailure(t *testing.T, h http.Handler, sink *logtest.Sink, want map[string]any) {
	t.Helper()
	var serverLog lockedBuffer
	url := Serve(t, &http.Server{Handler: h, ErrorLog: log.New(&serverLog, "", 0)})
	conn, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if got, err := io.ReadAll(conn); string(got) != SwitchingProtocols || err != nil {
		t.Fatalf("client got %q, %v; want the upgrade alone", got, err)
	}
	l := sink.Wait(t, httplog.AccessMessage, 1)[0]
	CheckFields(t, l, map[string]any{"http.response.status_code": 101, "http.route": "/ws", "http.response.body.size": 0})
	CheckFields(t, l, want)
	if want["panic"] != nil {
		if stack, _ := l["stack"].(string); !strings.Contains(stack, "middleware_test.go") {
			t.Errorf("stack %q", stack)
		}
	}
	if s := serverLog.String(); s != "" {
		t.Errorf("server logged %q", s)
	}
}

// lockedBuffer is a bytes.Buffer that a server's ErrorLog writes to while
// the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
