package adaptertest

// What the adapters on fasthttp (contrib/fasthttp, fiber, fiberv3) share.

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"testing"

	"github.com/logweave/logweave"
	"github.com/logweave/logweave/httplog"
	"github.com/logweave/logweave/internal/logtest"
)

// FiberCases is the table of requests whose outcome Fiber decides: the
// route it matched, its 404 and 405, the error handler's status, a panic.
// Fiber v2 and v3 answer these alike. contrib/fasthttp tests the rest
// (trace headers, client addresses, options, streams) on fasthttp alone.
//
// Each Fiber module serves them from its own routes, behind the
// middleware: GET /users/:id answers {"id":"<id>"}, POST /users echoes
// the body with 201, GET /teapot returns fiber.NewError(418), GET /fail
// returns a plain error, GET /panic panics with "boom", and GET /empty
// writes nothing.
func FiberCases() []Case {
	return []Case{
		{
			Name: "200", Method: "GET", Path: "/users/42?fields=name&token=secret",
			Status: 200,
			Want: map[string]any{
				"level": "INFO", "http.request.method": "GET", "http.route": "/users/:id", "url.path": "/users/42",
				"url.query": "fields=name&token=" + httplog.Mask, "http.response.status_code": 200,
				"http.response.body.size": 11, "http.request.body.size": 0, "client.address": "127.0.0.1",
				"network.protocol.version": "1.1", "server.address": "127.0.0.1", "error.type": nil,
				"user_agent.original": "Go-http-client/1.1", "service.name": "test",
			},
			RequestID: "trace",
		},
		{
			Name: "POST with body", Method: "POST", Path: "/users", Body: `{"name":"ada"}`,
			Status: 201,
			Want:   map[string]any{"http.route": "/users", "http.request.body.size": 14, "http.response.body.size": 14},
		},
		{
			Name: "404 from the router", Method: "GET", Path: "/nowhere",
			Status: 404,
			Want:   map[string]any{"level": "WARN", "http.route": nil, "url.path": "/nowhere", "http.response.status_code": 404},
		},
		{
			Name: "405 from the router", Method: "DELETE", Path: "/users/42",
			Status: 405,
			Want:   map[string]any{"level": "WARN", "http.route": nil, "http.response.status_code": 405},
		},
		{
			Name: "handler returns a *fiber.Error", Method: "GET", Path: "/teapot",
			Status: 418,
			Want:   map[string]any{"level": "WARN", "http.route": "/teapot", "http.response.status_code": 418, "error.type": nil},
		},
		{
			Name: "handler returns an error", Method: "GET", Path: "/fail",
			Status: 500,
			Want:   map[string]any{"level": "ERROR", "http.route": "/fail", "http.response.status_code": 500, "error.type": "500"},
		},
		{
			Name: "panic", Method: "GET", Path: "/panic",
			Status: 500,
			Want: map[string]any{
				"level": "ERROR", "http.route": "/panic", "http.response.status_code": 500, "error.type": "panic",
				"panic": "boom", "http.response.body.size": len("Internal Server Error"),
			},
		},
		{
			Name: "nothing written", Method: "GET", Path: "/empty",
			Status: 200,
			Want:   map[string]any{"http.response.status_code": 200, "http.response.body.size": 0},
		},
		{
			Name: "HEAD sends no body", Method: "HEAD", Path: "/users/42",
			Status: 200,
			Want:   map[string]any{"http.request.method": "HEAD", "http.route": "/users/:id", "http.response.body.size": 0},
		},
		{
			Name: "incoming X-Request-ID", Method: "GET", Path: "/users/4",
			Header:    map[string]string{"X-Request-ID": "req-7f3a", "traceparent": Traceparent},
			Status:    200,
			Want:      map[string]any{"request_id": "req-7f3a", "trace_id": TraceID},
			RequestID: "req-7f3a",
		},
	}
}

// CheckHandlerLines gets url with client, with Traceparent and the
// X-Request-ID "r-1", waits for the access line in sink, and checks that
// each of msgs names a line, carrying the trace id, the request id and
// the span id: the incoming one, but for the line "child", logged in a
// child span started by the handler, whose span id the handler answered.
// The line "derived", logged at Warn by the handler's Logger with "k" =
// "v" and then a group "g", must hold them and x = 1 in the group.
//
// The fasthttp adapters' handlers log these lines through Logger, which
// must bind the trace also to lines logged without a context or with one
// that does not hold it.
func CheckHandlerLines(t *testing.T, client *http.Client, url string, sink *logtest.Sink, msgs ...string) {
	t.Helper()
	req := NewRequest(t, "GET", url, nil)
	req.Header.Set("traceparent", Traceparent)
	req.Header.Set("X-Request-ID", "r-1")
	_, childSpan := Do(t, client, req)
	sink.Wait(t, httplog.AccessMessage, 1)
	byMsg := map[string]map[string]any{}
	for _, l := range sink.Lines(t) {
		byMsg[l["msg"].(string)] = l
	}
	for _, msg := range msgs {
		l := byMsg[msg]
		if l == nil {
			t.Fatalf("no line %q", msg)
		}
		CheckFields(t, l, map[string]any{"trace_id": TraceID, "request_id": "r-1"})
		wantSpan := SpanID
		if msg == "child" {
			wantSpan = childSpan
		}
		CheckFields(t, l, map[string]any{"span_id": wantSpan})
	}
	CheckFields(t, byMsg["derived"], map[string]any{"k": "v", "level": "WARN"})
	if g, _ := byMsg["derived"]["g"].(map[string]any); g == nil || logtest.Num(g["x"]) != 1 {
		t.Errorf("derived line %v", byMsg["derived"])
	}
}

// HeldEvents returns the body stream writer of a handler of server-sent
// events, for fasthttp's SetBodyStreamWriter and its Fiber forms: it
// writes the events "data: 0" to "data: 2", flushing each, waits after the
// second for release to be closed, and calls done when it has written
// them all. It stops, without calling done, when a flush fails.
func HeldEvents(release <-chan struct{}, done func()) func(w *bufio.Writer) {
	return func(w *bufio.Writer) {
		for i := range 3 {
			fmt.Fprintf(w, "data: %d\n\n", i)
			if err := w.Flush(); err != nil {
				return
			}
			if i == 1 {
				<-release // the client must have seen 0 and 1 by now
			}
		}
		done()
	}
}

// CheckHeldEvents gets url with client, with Traceparent, from a handler
// that streams with HeldEvents(release, ...). The client must get the
// first two events while the stream is open; then, release closed, the
// last one. fasthttp's public API has no hook for the end of a streamed
// response, so the access line is written when the handler returns, before
// the stream is sent: sink must hold it already while the stream is open,
// with the trace, a duration, level INFO, and size 0 (the stream declares
// no length). It returns the line, for the caller's own checks.
func CheckHeldEvents(t *testing.T, client *http.Client, url string, sink *logtest.Sink, release chan<- struct{}) map[string]any {
	t.Helper()
	req := NewRequest(t, "GET", url, nil)
	req.Header.Set("traceparent", Traceparent)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	r := bufio.NewReader(resp.Body)
	for i := range 2 {
		line, err := r.ReadString('\n')
		if err != nil || line != fmt.Sprintf("data: %d\n", i) {
			t.Fatalf("event %d: %q %v", i, line, err)
		}
		r.ReadString('\n')
	}
	// No wait: the line was written before the server sent a byte.
	lines := sink.WithMsg(t, httplog.AccessMessage)
	if len(lines) != 1 {
		t.Fatalf("%d access lines while the stream is open, want 1", len(lines))
	}
	close(release)
	if rest, _ := io.ReadAll(r); string(rest) != "data: 2\n\n" {
		t.Errorf("rest %q", rest)
	}
	line := lines[0]
	CheckFields(t, line, map[string]any{
		"http.response.status_code": 200, "http.response.body.size": 0,
		"trace_id": TraceID, "level": "INFO", "error.type": nil,
	})
	if d, _ := line["http.server.request.duration"].(float64); d <= 0 {
		t.Errorf("duration %v", line["http.server.request.duration"])
	}
	return line
}

// AllocCase is a request whose allocations an adapter on fasthttp
// (contrib/fasthttp, fiber, fiberv3) bounds: logged at Level, with Opts
// and the header fields Header on top of the module's own, it may cost
// at most Max allocations.
type AllocCase struct {
	Name   string
	Level  slog.Level
	Opts   *httplog.Options
	Header map[string]string
	Max    float64
}

// AllocCases is the table of allocation bounds the fasthttp adapters
// share: they take the request the same way, without net/http. Five
// allocations are adapter.Recorder's and slog's, the same under net/http:
// Begin's three (the context holding the span, the span, and the trace id
// as the X-Request-ID answer) and Log's two (client.address as a string,
// and slog's attribute slice past five attributes). The adapter adds one,
// the copy of the access line's strings, and, with a request id from the
// client, its copy (kept in the context, next to tracectx's context value
// for it).
func AllocCases() []AllocCase {
	return []AllocCase{
		{"line written", slog.LevelInfo, nil, nil, 6},
		{"line disabled", slog.LevelError, nil, nil, 3},
		{"request id", slog.LevelInfo, nil, map[string]string{"X-Request-ID": "abc-123"}, 8},
	}
}

// ServeAgain builds, for a logger, options and header fields, a func
// that serves the same request once more, as fasthttp's server does for
// the next request on a connection, and returns the status it answered.
type ServeAgain func(tb testing.TB, logger *slog.Logger, opts *httplog.Options, header map[string]string) func() int

// RunAllocs runs each case as a subtest: it measures the allocations of
// the request setup serves, over 200 runs, and fails when they pass the
// case's bound or the request is not answered 200.
func RunAllocs(t *testing.T, cases []AllocCase, setup ServeAgain) {
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			w := &countingWriter{}
			serve := setup(t, logweave.New(w, &logweave.Options{Level: tc.Level}), tc.Opts, tc.Header)
			var status int
			allocs := testing.AllocsPerRun(200, func() { status = serve() })
			if status != 200 {
				t.Fatalf("status %d", status)
			}
			if allocs > tc.Max {
				t.Errorf("%v allocations per request, want at most %v", allocs, tc.Max)
			}
			t.Logf("%v allocations per request", allocs)
		})
	}
}

// Bench runs the request setup serves, with no options or extra header
// fields, b.N times, and fails unless each wrote a line.
func Bench(b *testing.B, setup ServeAgain) {
	w := &countingWriter{}
	serve := setup(b, logweave.New(w, nil), nil, nil)
	b.ReportAllocs()
	for b.Loop() {
		serve()
	}
	if w.lines != int64(b.N) {
		b.Fatalf("%d lines for %d requests", w.lines, b.N)
	}
}

// countingWriter counts lines and discards them.
type countingWriter struct{ lines int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	for _, c := range p {
		if c == '\n' {
			w.lines++
		}
	}
	return len(p), nil
}
