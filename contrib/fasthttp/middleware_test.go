package logweavefasthttp_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/logweave/logweave"
	"github.com/logweave/logweave/clientip"
	logweavefasthttp "github.com/logweave/logweave/contrib/fasthttp"
	"github.com/logweave/logweave/httplog"
	"github.com/logweave/logweave/internal/adaptertest"
	"github.com/logweave/logweave/internal/logtest"
	"github.com/logweave/logweave/tracectx"
	"github.com/valyala/fasthttp"
	"go.opentelemetry.io/otel/trace"
)

// api is the application the table of cases runs against: a handler for
// each outcome, and a 404 for any other path.
func api(fctx *fasthttp.RequestCtx) {
	path := string(fctx.Path())
	switch {
	case strings.HasPrefix(path, "/users/"):
		id := strings.TrimPrefix(path, "/users/")
		logweavefasthttp.Logger(fctx).Info("loading user", "id", id)
		fctx.SetContentType("application/json")
		fctx.SetBodyString(`{"id":"` + id + `"}`)
	case path == "/users" && fctx.IsPost():
		fctx.SetStatusCode(fasthttp.StatusCreated)
		fctx.SetBody(fctx.PostBody())
	case path == "/fail":
		fctx.Error("database is down", fasthttp.StatusInternalServerError)
	case path == "/panic":
		panic("boom")
	case path == "/empty":
	default:
		fctx.Error("no such page", fasthttp.StatusNotFound)
	}
}

// apiOptions route api's requests as a router would.
var apiOptions = &httplog.Options{Route: apiRoute}

func apiRoute(r *http.Request) string {
	switch p := r.URL.Path; {
	case strings.HasPrefix(p, "/users/"):
		return "/users/{id}"
	case p == "/users", p == "/fail", p == "/panic", p == "/empty":
		return p
	}
	return ""
}

// TestCases is the table of requests the middleware must get right,
// against a real server on loopback.
func TestCases(t *testing.T) {
	srv := serve(t, apiOptions, api)
	adaptertest.Run(t, srv.client, srv.url, srv.sink, []adaptertest.Case{
		{
			Name: "200", Method: "GET", Path: "/users/42?fields=name&token=secret",
			Status: 200,
			Want: map[string]any{
				"level": "INFO", "http.request.method": "GET", "http.route": "/users/{id}", "url.path": "/users/42",
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
			Name: "404", Method: "GET", Path: "/nowhere",
			Status: 404,
			Want:   map[string]any{"level": "WARN", "http.route": nil, "url.path": "/nowhere", "http.response.status_code": 404},
		},
		{
			Name: "500", Method: "GET", Path: "/fail",
			Status: 500,
			Want:   map[string]any{"level": "ERROR", "http.route": "/fail", "http.response.status_code": 500, "error.type": "500"},
		},
		{
			Name: "panic", Method: "GET", Path: "/panic",
			Status: 500,
			Want: map[string]any{
				"level": "ERROR", "http.route": "/panic", "http.response.status_code": 500, "error.type": "panic",
				"panic": "boom", "http.response.body.size": len("Internal Server Error\n"),
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
			Want:   map[string]any{"http.request.method": "HEAD", "http.route": "/users/{id}", "http.response.body.size": 0},
		},
		{
			Name: "unknown method", Method: "PROPFIND", Path: "/users/42",
			Status: 200,
			Want:   map[string]any{"http.request.method": "PROPFIND"},
		},
		{
			Name: "spoofed X-Forwarded-For is not the client", Method: "GET", Path: "/users/1",
			Header: map[string]string{"X-Forwarded-For": "203.0.113.66", "X-Real-IP": "203.0.113.67"},
			Status: 200,
			Want:   map[string]any{"client.address": "127.0.0.1"},
		},
		{
			Name: "incoming traceparent", Method: "GET", Path: "/users/2",
			Header: map[string]string{"traceparent": adaptertest.Traceparent},
			Status: 200,
			// Without a request id from the client, the trace id is one,
			// answered and on the lines.
			Want:      map[string]any{"trace_id": adaptertest.TraceID, "span_id": adaptertest.SpanID, "request_id": adaptertest.TraceID},
			RequestID: adaptertest.TraceID,
		},
		{
			Name: "incoming B3", Method: "GET", Path: "/users/3",
			Header:    map[string]string{"b3": adaptertest.B3TraceID + "-" + adaptertest.B3SpanID + "-1"},
			Status:    200,
			Want:      map[string]any{"trace_id": adaptertest.B3TraceID, "span_id": adaptertest.B3SpanID},
			RequestID: adaptertest.B3TraceID,
		},
		{
			Name: "incoming X-Request-ID", Method: "GET", Path: "/users/4",
			Header:    map[string]string{"X-Request-ID": "req-7f3a", "traceparent": adaptertest.Traceparent},
			Status:    200,
			Want:      map[string]any{"request_id": "req-7f3a", "trace_id": adaptertest.TraceID},
			RequestID: "req-7f3a",
		},
		{
			Name: "malformed traceparent starts a trace", Method: "GET", Path: "/users/5",
			Header:    map[string]string{"traceparent": "00-zzzz-00f067aa0ba902b7-01"},
			Status:    200,
			Want:      map[string]any{"http.response.status_code": 200},
			RequestID: "trace",
		},
	})
}

// TestContextAndLogger checks that Context holds the trace, and that
// Logger binds it to lines logged without a context.
func TestContextAndLogger(t *testing.T) {
	logger, sink := logtest.NewLogger()
	srv := serveLogger(t, logger, sink, nil, func(fctx *fasthttp.RequestCtx) {
		ctx := logweavefasthttp.Context(fctx)
		logger.InfoContext(ctx, "with context")
		log := logweavefasthttp.Logger(fctx)
		log.Info("bound")
		log.InfoContext(fctx, "with the fasthttp context") // a context.Context without the trace
		log.With("k", "v").WithGroup("g").Warn("derived", "x", 1)
		// A child span started in the handler is honoured.
		child := tracectx.NewChild(ctx)
		log.InfoContext(child, "child")
		fctx.SetBodyString(trace.SpanContextFromContext(child).SpanID().String())
	})
	adaptertest.CheckHandlerLines(t, srv.client, srv.url+"/a", srv.sink,
		"with context", "bound", "with the fasthttp context", "derived", "child", httplog.AccessMessage)
}

// TestWithoutMiddleware: Context is Background and Logger binds
// slog.Default.
func TestWithoutMiddleware(t *testing.T) {
	if logweavefasthttp.Logger(nil) == nil || logweavefasthttp.Context(nil) != context.Background() {
		t.Fatal("nil request")
	}
	fctx := new(fasthttp.RequestCtx)
	if logweavefasthttp.Context(fctx) != context.Background() {
		t.Error("context")
	}
	if logweavefasthttp.LoggerContext(fctx, nil).Handler() == nil {
		t.Error("no handler")
	}
}

// TestPanic: the client gets a 500 of the middleware's, whatever the
// handler had set, and the line the panic and where it happened.
func TestPanic(t *testing.T) {
	stream := &closeRecorder{Reader: strings.NewReader("never sent")}
	srv := serve(t, nil, func(fctx *fasthttp.RequestCtx) {
		fctx.SetContentType("application/json")
		fctx.Response.Header.Set("X-Kept", "1")
		fctx.SetBodyStream(stream, -1)
		panic(errors.New("nil map"))
	})
	resp, body := srv.do(t, "GET", "/x", map[string]string{"X-Request-ID": "r-9"}, nil)
	if resp.StatusCode != 500 || body != "Internal Server Error\n" ||
		resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" || resp.Header.Get("X-Request-ID") != "r-9" ||
		resp.Header.Get("X-Kept") != "1" {
		t.Errorf("client got %d %q %v", resp.StatusCode, body, resp.Header)
	}
	line := srv.access(t, 1)[0]
	adaptertest.CheckFields(t, line, map[string]any{"level": "ERROR", "http.response.status_code": 500, "panic": "nil map", "request_id": "r-9"})
	if s, _ := line["stack"].(string); !strings.Contains(s, "middleware_test.go") {
		t.Errorf("stack %q", s)
	}
	if !stream.closed() {
		t.Error("the handler's stream was not closed")
	}
}

type closeRecorder struct {
	io.Reader
	mu   sync.Mutex
	done bool
}

func (c *closeRecorder) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.done = true
	return nil
}

func (c *closeRecorder) closed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.done
}

// TestRePanic: with Options.RePanic the panic goes on once logged, with
// the 500 in place for whatever recovers it (not a server here: fasthttp
// does not recover, and the test would end).
func TestRePanic(t *testing.T) {
	logger, sink := logtest.NewLogger()
	h := logweavefasthttp.Middleware(logger, &httplog.Options{RePanic: true})(func(*fasthttp.RequestCtx) { panic("boom") })
	fctx := new(fasthttp.RequestCtx)
	func() {
		defer func() {
			if p := recover(); p != "boom" {
				t.Errorf("recovered %v", p)
			}
		}()
		h(fctx)
	}()
	if fctx.Response.StatusCode() != 500 {
		t.Errorf("status %d", fctx.Response.StatusCode())
	}
	adaptertest.CheckFields(t, sink.Wait(t, httplog.AccessMessage, 1)[0], map[string]any{"http.response.status_code": 500, "panic": "boom"})
}

// TestSkippedRequestKeepsTrace: a skipped request gets no access line,
// but its trace is read and answered as any other's.
func TestSkippedRequestKeepsTrace(t *testing.T) {
	logger, sink := logtest.NewLogger()
	srv := serveLogger(t, logger, sink, &httplog.Options{SkipPaths: []string{"/healthz"}}, func(fctx *fasthttp.RequestCtx) {
		logger.InfoContext(logweavefasthttp.Context(fctx), "probed")
	})
	resp, _ := srv.do(t, "GET", "/healthz", map[string]string{"traceparent": adaptertest.Traceparent}, nil)
	if got := resp.Header.Get("X-Request-ID"); got != adaptertest.TraceID {
		t.Errorf("X-Request-ID %q", got)
	}
	adaptertest.CheckFields(t, sink.Wait(t, "probed", 1)[0], map[string]any{"trace_id": adaptertest.TraceID})
	if n := len(sink.WithMsg(t, httplog.AccessMessage)); n != 0 {
		t.Errorf("%d access lines", n)
	}
}

// TestServerSentEvents streams events with flushes: the client gets each
// one while the stream is open. The access line is written when the
// handler returns, before the server sends the stream: it is there while
// the stream is open, with the trace and the size of a stream of unknown
// length, 0.
func TestServerSentEvents(t *testing.T) {
	release := make(chan struct{})
	logger, sink := logtest.NewLogger()
	srv := serveLogger(t, logger, sink, nil, func(fctx *fasthttp.RequestCtx) {
		fctx.SetContentType("text/event-stream")
		ctx := logweavefasthttp.Context(fctx)
		fctx.SetBodyStreamWriter(adaptertest.HeldEvents(release, func() { logger.InfoContext(ctx, "stream done") }))
	})
	adaptertest.CheckHeldEvents(t, srv.client, srv.url+"/events", sink, release)
	adaptertest.CheckFields(t, sink.Wait(t, "stream done", 1)[0], map[string]any{"trace_id": adaptertest.TraceID})
}

// TestClientAbortDuringStream documents what fasthttp's public API cannot
// show: a client that goes away while events are streamed stops the
// stream (the server's write fails), but the line, written when the
// handler returned, has the status the handler answered.
func TestClientAbortDuringStream(t *testing.T) {
	stopped := make(chan int, 1)
	srv := serve(t, nil, func(fctx *fasthttp.RequestCtx) {
		fctx.SetContentType("text/event-stream")
		fctx.SetBodyStreamWriter(func(w *bufio.Writer) {
			i := 0
			defer func() { stopped <- i }()
			for ; i < 500; i++ { // bounded: 5 s at most
				fmt.Fprintf(w, "data: %d\n\n", i)
				if err := w.Flush(); err != nil {
					return
				}
				time.Sleep(10 * time.Millisecond)
			}
		})
	})
	conn, r := srv.rawConn(t)
	fmt.Fprintf(conn, "GET /events HTTP/1.1\r\nHost: test\r\n\r\n")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(line, "data: 2") {
			break
		}
	}
	conn.Close()
	select {
	case i := <-stopped:
		if i == 500 {
			t.Fatal("the stream never saw the client leave")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("stream still running")
	}
	adaptertest.CheckFields(t, srv.access(t, 1)[0], map[string]any{
		"http.response.status_code": 200, "level": "INFO", "error.type": nil, "http.response.body.size": 0,
	})
}

// TestClientAbortDuringBufferedResponse documents what fasthttp cannot
// show: a client gone while the handler runs is not noticed, and the line
// has the status the handler answered.
func TestClientAbortDuringBufferedResponse(t *testing.T) {
	entered := make(chan struct{})
	proceed := make(chan struct{})
	srv := serve(t, nil, func(fctx *fasthttp.RequestCtx) {
		close(entered)
		<-proceed
		fctx.SetBodyString("late")
	})
	conn, _ := srv.rawConn(t)
	fmt.Fprintf(conn, "GET /slow HTTP/1.1\r\nHost: test\r\n\r\n")
	<-entered
	conn.Close()
	close(proceed)
	adaptertest.CheckFields(t, srv.access(t, 1)[0], map[string]any{"http.response.status_code": 200})
}

// TestStreamedBodies covers the other streamed responses: a reader of
// known size, of unknown size, an *io.LimitedReader (whose size fasthttp
// takes as the Content-Length), a HEAD request, and a file. Their lines
// have the declared size, 0 when none is.
func TestStreamedBodies(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789abcdef"), 4096) // 64 KiB
	// A file of its own in a temporary directory: fasthttp's SendFile
	// leaves a compressed copy (name.fasthttp.gz) beside the file it sends.
	file := filepath.Join(t.TempDir(), "page.txt")
	if err := os.WriteFile(file, bytes.Repeat([]byte("a fairly compressible line of text\n"), 2000), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := serve(t, nil, func(fctx *fasthttp.RequestCtx) {
		switch string(fctx.Path()) {
		case "/sized":
			fctx.SetBodyStream(bytes.NewReader(big), len(big))
		case "/unsized":
			fctx.SetBodyStream(io.NopCloser(bytes.NewReader(big)), -1)
		case "/limited":
			fctx.SetBodyStream(&io.LimitedReader{R: bytes.NewReader(big), N: 1000}, -1)
		case "/file":
			fctx.SendFile(file)
		}
	})
	identity := map[string]string{"Accept-Encoding": "identity"}
	for _, tc := range []struct {
		method, path string
		header       map[string]string
		sent, logged int // -1: the body's size as the client got it
	}{
		{"GET", "/sized", nil, len(big), len(big)},
		{"GET", "/unsized", nil, len(big), 0}, // chunked: no size declared
		{"GET", "/limited", nil, 1000, 1000},
		{"HEAD", "/sized", nil, 0, 0},
		{"GET", "/file", identity, -1, -1},
	} {
		srv.sink.Reset()
		resp, body := srv.do(t, tc.method, tc.path, tc.header, nil)
		line := srv.access(t, 1)[0]
		sent, logged := tc.sent, tc.logged
		if sent < 0 {
			sent, logged = len(body), len(body)
		}
		if resp.StatusCode != 200 || (tc.method == "GET" && len(body) != sent) {
			t.Errorf("%s %s: client got %d, %d bytes", tc.method, tc.path, resp.StatusCode, len(body))
		}
		adaptertest.CheckFields(t, line, map[string]any{"http.response.status_code": 200, "http.response.body.size": logged, "error.type": nil})
	}

	// fasthttp's SendFile compresses for a client that accepts gzip (Go's
	// does, and decompresses), and declares the compressed size, which is
	// what is logged.
	srv.sink.Reset()
	resp, body := srv.do(t, "GET", "/file", nil, nil)
	size := logtest.Num(srv.access(t, 1)[0]["http.response.body.size"])
	if !resp.Uncompressed || size <= 0 || size >= len(body) {
		t.Errorf("compressed file: %d bytes logged, %d uncompressed (%v)", size, len(body), resp.Uncompressed)
	}
}

// TestClientIPStrategy: behind a proxy, the configured strategy reads the
// header the proxy writes, not the client's leftmost claim.
func TestClientIPStrategy(t *testing.T) {
	lb, err := clientip.RightmostTrustedRange("X-Forwarded-For", []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")})
	if err != nil {
		t.Fatal(err)
	}
	realIP, err := clientip.SingleHeader("X-Real-IP")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		strategy clientip.Strategy
		header   map[string]string
		want     any
	}{
		{"rightmost untrusted", lb, map[string]string{"X-Forwarded-For": "198.51.100.1, 203.0.113.9, 127.0.0.5"}, "203.0.113.9"},
		{"no header", lb, nil, nil},
		{"single header", realIP, map[string]string{"X-Real-IP": "203.0.113.7"}, "203.0.113.7"},
		{"chain falls back to the peer", clientip.Chain(realIP, clientip.RemoteAddr()), nil, "127.0.0.1"},
		{"RemoteAddr given explicitly", clientip.RemoteAddr(), map[string]string{"X-Real-IP": "203.0.113.7"}, "127.0.0.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := serve(t, &httplog.Options{ClientIP: tc.strategy}, api)
			srv.do(t, "GET", "/users/1", tc.header, nil)
			adaptertest.CheckFields(t, srv.access(t, 1)[0], map[string]any{"client.address": tc.want})
		})
	}
}

// TestOptions checks the httplog options the middleware applies itself.
func TestOptions(t *testing.T) {
	opts := &httplog.Options{
		Route:           apiRoute,
		SkipPaths:       []string{"/healthz"},
		SkipRoutes:      []string{"/users/{id}"},
		Skip:            func(r *http.Request) bool { return r.Header.Get("X-Synthetic") == "1" && r.URL.Path == "/echo" },
		RequestHeaders:  []string{"authorization", "X-Tenant"},
		ResponseHeaders: []string{"Content-Type", "Set-Cookie"},
		RequestIDHeader: "X-Correlation-ID",
		// traceparent on the response too
		ResponseTraceparent: true,
		BodyContentTypes:    []string{"application/json"},
		MaxBodyBytes:        8,
	}
	srv := serve(t, opts, func(fctx *fasthttp.RequestCtx) {
		switch string(fctx.Path()) {
		case "/echo":
			var c fasthttp.Cookie
			c.SetKey("session")
			c.SetValue("s3cr3t")
			fctx.Response.Header.SetCookie(&c)
			fctx.SetContentType("application/json")
			fctx.SetBody(fctx.PostBody())
		case "/stream":
			fctx.SetContentType("application/json")
			fctx.SetBodyStream(strings.NewReader(`{"stream":"of json"}`), 20)
		default:
			api(fctx)
		}
	})
	srv.do(t, "GET", "/healthz", nil, nil)
	srv.do(t, "GET", "/users/1", nil, nil)                                // skipped by route
	srv.do(t, "GET", "/echo", map[string]string{"X-Synthetic": "1"}, nil) // skipped by Skip
	resp, _ := srv.do(t, "POST", "/echo", map[string]string{
		"Authorization": "Bearer abc", "X-Tenant": "acme", "Content-Type": "application/json", "traceparent": adaptertest.Traceparent,
	}, strings.NewReader(`{"name":"a long name"}`))
	line := srv.access(t, 1)[0]
	adaptertest.CheckFields(t, line, map[string]any{
		"url.path":                              "/echo",
		"http.request.header.authorization":     httplog.Mask,
		"http.request.header.x-tenant":          "acme",
		"http.response.header.content-type":     "application/json",
		"http.response.header.set-cookie":       httplog.Mask,
		"http.request.body":                     `{"name":`,
		"http.request.body.truncated":           true,
		"http.response.body":                    `{"name":`,
		"http.response.body.truncated":          true,
		"http.request.body.size":                22,
		"http.response.body.size":               22,
		"http.request.header.x-synthetic":       nil,
		"http.response.header.x-correlation-id": nil,
	})
	if got := resp.Header.Get("X-Correlation-ID"); got != adaptertest.TraceID {
		t.Errorf("X-Correlation-ID %q", got)
	}
	if got := resp.Header.Get("traceparent"); !strings.Contains(got, adaptertest.TraceID) {
		t.Errorf("traceparent %q", got)
	}
	if resp.Header.Get("X-Request-ID") != "" {
		t.Error("X-Request-ID set although RequestIDHeader names another")
	}

	// A streamed body is not captured: the line is written before the
	// server sends it. Its size is the declared one.
	srv.sink.Reset()
	_, body := srv.do(t, "GET", "/stream", nil, nil)
	if body != `{"stream":"of json"}` {
		t.Errorf("client got %q", body)
	}
	adaptertest.CheckFields(t, srv.access(t, 1)[0], map[string]any{
		"http.response.body": nil, "http.response.body.truncated": nil, "http.response.body.size": 20,
	})
}

// TestLevelsAndSampling: Options.Level and SampleRoutes go through the
// Recorder, with the route Options.Route names.
func TestLevelsAndSampling(t *testing.T) {
	srv := serve(t, &httplog.Options{
		Route:        apiRoute,
		Level:        func(status int, _ time.Duration) slog.Level { return slog.LevelDebug + slog.Level(status/100) },
		SampleRoutes: map[string]int{"/users/{id}": 3},
	}, api)
	for i := range 6 {
		srv.do(t, "GET", "/users/"+strconv.Itoa(i), nil, nil)
	}
	lines := srv.access(t, 2)
	adaptertest.CheckFields(t, lines[0], map[string]any{"level": "DEBUG+2", "http.route": "/users/{id}"})
}

// TestCopiesOutliveTheRequest sends requests on one keep-alive connection
// (fasthttp reuses the same buffers for them) and checks that what the
// first one left behind, its request id in a context kept by a goroutine
// and a record kept by a slog handler, is not overwritten by the next.
func TestCopiesOutliveTheRequest(t *testing.T) {
	keep := &keepingHandler{}
	kept := make(chan context.Context, 4)
	srv := serveLogger(t, slog.New(keep), nil, nil, func(fctx *fasthttp.RequestCtx) {
		kept <- logweavefasthttp.Context(fctx)
		fctx.SetBodyString("ok")
	})
	conn, r := srv.rawConn(t)
	for _, id := range []string{"first-request-id", "2nd-request-idxx"} {
		fmt.Fprintf(conn, "GET /users/%s?q=%s HTTP/1.1\r\nHost: test\r\nUser-Agent: agent-%s\r\nX-Request-ID: %s\r\ntraceparent: %s\r\n\r\n", id, id, id, id, adaptertest.Traceparent)
		resp, err := http.ReadResponse(r, nil)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	first := <-kept
	if got := tracectx.RequestID(first); got != "first-request-id" {
		t.Errorf("request id kept from the first request: %q", got)
	}
	recs := keep.records()
	if len(recs) != 2 {
		t.Fatalf("%d records", len(recs))
	}
	attrs := map[string]string{}
	recs[0].Attrs(func(a slog.Attr) bool { attrs[a.Key] = a.Value.String(); return true })
	for k, v := range map[string]string{"url.path": "/users/first-request-id", "url.query": "q=first-request-id", "user_agent.original": "agent-first-request-id", "server.address": "test"} {
		if attrs[k] != v {
			t.Errorf("kept record: %s = %q, want %q", k, attrs[k], v)
		}
	}
}

// keepingHandler keeps every record, as a batching exporter does.
type keepingHandler struct {
	mu   sync.Mutex
	recs []slog.Record
}

func (h *keepingHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *keepingHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.recs = append(h.recs, r.Clone())
	return nil
}

func (h *keepingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *keepingHandler) WithGroup(string) slog.Handler      { return h }

func (h *keepingHandler) records() []slog.Record {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]slog.Record(nil), h.recs...)
}

// TestRecorderEndStatus: an adapter that passes a panic on ends the
// record with the status the outer recover will answer, without reading
// the response.
func TestRecorderEndStatus(t *testing.T) {
	logger, sink := logtest.NewLogger()
	rec := logweavefasthttp.NewRecorder(logger, nil)
	fctx := new(fasthttp.RequestCtx)
	fctx.SetBodyString("half a response")
	_, ex := rec.Begin(context.Background(), fctx)
	func() {
		defer func() {
			ex.Panicked(recover())
			ex.EndStatus("/route", 500)
		}()
		panic("boom")
	}()
	adaptertest.CheckFields(t, sink.Wait(t, httplog.AccessMessage, 1)[0], map[string]any{
		"http.response.status_code": 500, "http.route": "/route", "panic": "boom", "http.response.body.size": 0,
	})
}

// TestCapturedFormBodiesMasked: a captured form or multipart body has its
// sensitive fields masked by httplog, by the Content-Type the exchange
// hands over (its header map holds only the logged headers, none here).
// The logger does not redact, so the masking seen is the middleware's.
func TestCapturedFormBodiesMasked(t *testing.T) {
	logger, sink := logtest.NewLoggerWith(&logweave.Options{Service: "test", Redact: logweave.NoRedaction})
	opts := &httplog.Options{
		BodyContentTypes: []string{"application/x-www-form-urlencoded", "multipart/form-data"},
		MaxBodyBytes:     1 << 10,
	}
	srv := serveLogger(t, logger, sink, opts, func(fctx *fasthttp.RequestCtx) { fctx.SetStatusCode(204) })

	srv.do(t, "POST", "/login", map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
		strings.NewReader("user%5Bpassword%5D=hunter2&code=abc123&name=ann"))
	line := srv.access(t, 1)[0]
	adaptertest.CheckFields(t, line, map[string]any{
		"http.request.body": "user%5Bpassword%5D=" + httplog.Mask + "&code=" + httplog.Mask + "&name=ann",
	})

	sink.Reset()
	body := "--b\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\nhunter2\r\n" +
		"--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nann\r\n--b--\r\n"
	srv.do(t, "POST", "/login", map[string]string{"Content-Type": "multipart/form-data; boundary=b"}, strings.NewReader(body))
	got, _ := srv.access(t, 1)[0]["http.request.body"].(string)
	if strings.Contains(got, "hunter2") || !strings.Contains(got, "ann") {
		t.Errorf("multipart body logged as %q: want the password masked, the name kept", got)
	}
}
