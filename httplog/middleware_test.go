package httplog_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/logweave/logweave"
	"github.com/logweave/logweave/clientip"
	"github.com/logweave/logweave/httplog"
	"github.com/logweave/logweave/internal/adaptertest"
	"github.com/logweave/logweave/internal/logtest"
	"go.opentelemetry.io/otel/trace"
)

// server starts a real HTTP server on loopback with the middleware around h.
func server(t *testing.T, h http.Handler, opts *httplog.Options) (*httptest.Server, *logtest.Sink) {
	t.Helper()
	return serverLogging(t, func(*slog.Logger) http.Handler { return h }, opts)
}

// serverLogging is server for handlers that log through the same logger.
func serverLogging(t *testing.T, build func(*slog.Logger) http.Handler, opts *httplog.Options) (*httptest.Server, *logtest.Sink) {
	t.Helper()
	sink := &logtest.Sink{}
	logger := logweave.New(sink, &logweave.Options{Service: "httplog-test", Level: slog.LevelDebug})
	srv := httptest.NewServer(httplog.Middleware(logger, opts)(build(logger)))
	t.Cleanup(srv.Close)
	return srv, sink
}

func get(t *testing.T, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

func newRequest(t *testing.T, method, url string, body io.Reader) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestAccessLineAndContext(t *testing.T) {
	srv, sink := serverLogging(t, func(logger *slog.Logger) http.Handler {
		mux := http.NewServeMux()
		mux.HandleFunc("POST /users/{id}", func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			logger.InfoContext(r.Context(), "inside", "len", len(body))
			w.WriteHeader(http.StatusCreated)
			io.WriteString(w, "created "+r.PathValue("id"))
		})
		return mux
	}, nil)
	req := newRequest(t, "POST", srv.URL+"/users/42?sort=asc&token=s3cret", strings.NewReader("hello body"))
	req.Header.Set("User-Agent", "test-agent/1.0")
	req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	req.Header.Set("X-Request-ID", "req-abc")
	resp, body := get(t, req)
	if resp.StatusCode != 201 || body != "created 42" {
		t.Fatalf("response %d %q", resp.StatusCode, body)
	}
	if got := resp.Header.Get("X-Request-ID"); got != "req-abc" {
		t.Errorf("response X-Request-ID = %q, want the incoming one", got)
	}
	a := sink.Wait(t, httplog.AccessMessage, 1)[0]
	want := map[string]any{
		"http.request.method": "POST", "http.route": "POST /users/{id}", "url.path": "/users/42",
		"url.query": "sort=asc&token=" + httplog.Mask, "user_agent.original": "test-agent/1.0",
		"client.address": "127.0.0.1", "network.protocol.version": "1.1", "server.address": "127.0.0.1",
		"trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "request_id": "req-abc", "level": "INFO",
	}
	for k, v := range want {
		if a[k] != v {
			t.Errorf("%s = %v, want %v", k, a[k], v)
		}
	}
	if logtest.Num(a["http.response.status_code"]) != 201 || logtest.Num(a["http.response.body.size"]) != len("created 42") ||
		logtest.Num(a["http.request.body.size"]) != len("hello body") {
		t.Errorf("status/sizes wrong: %v", a)
	}
	if d, ok := a["http.server.request.duration"].(float64); !ok || d <= 0 || d > 5 {
		t.Errorf("duration %v", a["http.server.request.duration"])
	}
	if a["span_id"] != "00f067aa0ba902b7" {
		t.Errorf("span_id %v: the lines carry the caller's span", a["span_id"])
	}
	// The handler's own line carries the same trace and request id.
	inside := 0
	for _, l := range sink.Lines(t) {
		if l["msg"] == "inside" {
			inside++
		}
		if l["msg"] == "inside" && (l["trace_id"] != a["trace_id"] || l["request_id"] != "req-abc") {
			t.Errorf("handler line %v lacks the request's ids", l)
		}
	}
	if inside != 1 {
		t.Errorf("want the handler's line once, got %d", inside)
	}
}

func TestTraceStartedWhenNoneOrInvalid(t *testing.T) {
	srv, sink := server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}), nil)
	answered := map[string]bool{}
	for _, tp := range []string{"", "garbage", "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
		"00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01", strings.Repeat("0", 10000)} {
		req := newRequest(t, "GET", srv.URL+"/x", nil)
		if tp != "" {
			req.Header.Set("traceparent", tp)
		}
		req.Header.Set("tracestate", "a=b")
		resp, _ := get(t, req)
		if resp.StatusCode != 200 {
			t.Fatalf("traceparent %.30q: status %d", tp, resp.StatusCode)
		}
		if rid := resp.Header.Get("X-Request-ID"); len(rid) != 32 {
			t.Errorf("request id %q: want the new trace id", rid)
		} else {
			answered[rid] = true
		}
	}
	seen := map[any]bool{}
	for _, a := range sink.Wait(t, httplog.AccessMessage, 5) {
		// None arrived: the trace id is the request id, on the line as in
		// the answer, so the X-Request-ID a customer quotes finds it.
		if rid, _ := a["request_id"].(string); rid != a["trace_id"] || !answered[rid] {
			t.Errorf("request_id %v: want the trace id %v, as answered in X-Request-ID", a["request_id"], a["trace_id"])
		}
		tid, _ := a["trace_id"].(string)
		if len(tid) != 32 || tid == "4bf92f3577b34da6a3ce929d0e0e4736" || seen[tid] {
			t.Errorf("want a fresh trace per request, got %v", tid)
		}
		seen[tid] = true
	}
}

func TestExistingSpanKept(t *testing.T) {
	sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.TraceID{1, 2, 3}, SpanID: trace.SpanID{4, 5}, TraceFlags: 1})
	sink := &logtest.Sink{}
	logger := logweave.New(sink, nil)
	var inner trace.SpanContext
	h := httplog.Middleware(logger, nil)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		inner = trace.SpanContextFromContext(r.Context())
	}))
	// What otelhttp does before us: a span in the request's context.
	outer := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(trace.ContextWithSpanContext(r.Context(), sc)))
	})
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	outer.ServeHTTP(httptest.NewRecorder(), req)
	if inner.TraceID() != sc.TraceID() || inner.SpanID() != sc.SpanID() {
		t.Fatalf("the existing span was replaced: %v", inner)
	}
}

func TestStatusAndBytes(t *testing.T) {
	cases := []struct {
		name       string
		method     string
		h          http.HandlerFunc
		wantStatus int
		wantBytes  int
		wantLevel  string
	}{
		{"writes nothing", "GET", func(w http.ResponseWriter, r *http.Request) {}, 200, 0, "INFO"},
		{"WriteHeader twice", "GET", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(404)
			w.WriteHeader(500)
			io.WriteString(w, "nf")
		}, 404, 2, "WARN"},
		{"early hints", "GET", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Link", "</style.css>; rel=preload")
			w.WriteHeader(http.StatusEarlyHints)
			w.Write([]byte("ok"))
		}, 200, 2, "INFO"},
		{"HEAD", "HEAD", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "5")
			io.WriteString(w, "hello")
		}, 200, 0, "INFO"},
		{"server error", "GET", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "boom", http.StatusServiceUnavailable)
		}, http.StatusServiceUnavailable, len("boom\n"), "ERROR"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv, sink := server(t, c.h, nil)
			resp, _ := get(t, newRequest(t, c.method, srv.URL+"/", nil))
			a := sink.Wait(t, httplog.AccessMessage, 1)[0]
			if resp.StatusCode != c.wantStatus || logtest.Num(a["http.response.status_code"]) != c.wantStatus {
				t.Errorf("client got %d, logged %v, want %d", resp.StatusCode, a["http.response.status_code"], c.wantStatus)
			}
			if logtest.Num(a["http.response.body.size"]) != c.wantBytes || a["level"] != c.wantLevel {
				t.Errorf("logged %v bytes at %v, want %d at %s", a["http.response.body.size"], a["level"], c.wantBytes, c.wantLevel)
			}
		})
	}
}

func TestLargeFileThroughReadFrom(t *testing.T) {
	dir := t.TempDir()
	data := bytes.Repeat([]byte("0123456789abcdef"), 1<<18) // 4 MiB
	path := filepath.Join(dir, "big.bin")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	srv, sink := server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, err := os.Open(path)
		if err != nil {
			t.Error(err)
			return
		}
		defer f.Close()
		if _, ok := w.(io.ReaderFrom); !ok {
			t.Error("the wrapped writer lost io.ReaderFrom")
		}
		io.Copy(w, f)
	}), nil)
	_, body := get(t, newRequest(t, "GET", srv.URL+"/big", nil))
	if body != string(data) {
		t.Fatalf("body differs (%d bytes)", len(body))
	}
	if a := sink.Wait(t, httplog.AccessMessage, 1)[0]; logtest.Num(a["http.response.body.size"]) != len(data) {
		t.Fatalf("logged %v bytes, want %d", a["http.response.body.size"], len(data))
	}
}

// readFromRecorder is a ResponseWriter that records whether ReadFrom was
// used, standing for the server's sendfile path.
type readFromRecorder struct {
	*httptest.ResponseRecorder
	readFrom bool
}

func (r *readFromRecorder) ReadFrom(src io.Reader) (int64, error) {
	r.readFrom = true
	return io.Copy(r.ResponseRecorder, src)
}

func TestReadFromDelegated(t *testing.T) {
	rec := &readFromRecorder{ResponseRecorder: httptest.NewRecorder()}
	h := httplog.Middleware(logweave.New(io.Discard, nil), nil)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A plain reader: strings.Reader's WriteTo would bypass ReadFrom.
		io.Copy(w, struct{ io.Reader }{strings.NewReader("via sendfile")})
	}))
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if !rec.readFrom || rec.Body.String() != "via sendfile" {
		t.Fatalf("ReadFrom not delegated (%v), body %q", rec.readFrom, rec.Body.String())
	}
}

func TestServerSentEventsFlushed(t *testing.T) {
	next := make(chan struct{})
	srv, sink := server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		for i := range 3 {
			io.WriteString(w, "data: event"+string(rune('0'+i))+"\n\n")
			w.(http.Flusher).Flush()
			select {
			case <-next:
			case <-time.After(5 * time.Second):
				t.Error("client did not receive a flushed event")
				return
			}
		}
	}), nil)
	adaptertest.ReadFlushedEvents(t, srv.URL+"/events", next)
	a := sink.Wait(t, httplog.AccessMessage, 1)[0]
	if logtest.Num(a["http.response.status_code"]) != 200 || logtest.Num(a["http.response.body.size"]) != 3*len("data: event0\n\n") {
		t.Fatalf("access line %v", a)
	}
}

func TestWebSocketUpgradeHijack(t *testing.T) {
	srv, sink := server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != "websocket" {
			http.Error(w, "want upgrade", 400)
			return
		}
		conn, brw, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		brw.WriteString(adaptertest.SwitchingProtocols)
		brw.Flush()
		msg, _ := brw.ReadString('\n')
		brw.WriteString("echo " + msg)
		brw.Flush()
	}), nil)
	adaptertest.WebSocketPing(t, srv.URL)
	if a := sink.Wait(t, httplog.AccessMessage, 1)[0]; logtest.Num(a["http.response.status_code"]) != 101 {
		t.Fatalf("logged status %v, want 101", a["http.response.status_code"])
	}
}

func TestResponseControllerThroughUnwrap(t *testing.T) {
	srv, _ := server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		if err := rc.SetWriteDeadline(time.Now().Add(time.Minute)); err != nil {
			t.Errorf("SetWriteDeadline: %v", err)
		}
		if err := rc.EnableFullDuplex(); err != nil {
			t.Errorf("EnableFullDuplex: %v", err)
		}
		if err := rc.Flush(); err != nil {
			t.Errorf("Flush: %v", err)
		}
	}), nil)
	get(t, newRequest(t, "GET", srv.URL+"/", nil))
}

func TestPushDelegatedOrNotSupported(t *testing.T) {
	h := httplog.Middleware(logweave.New(io.Discard, nil), nil)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := w.(http.Pusher)
		if !ok {
			t.Error("the wrapped writer is not a Pusher")
			return
		}
		if err := p.Push("/style.css", nil); !errors.Is(err, http.ErrNotSupported) {
			t.Errorf("Push on a writer without push: %v, want ErrNotSupported", err)
		}
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
}

func TestPanics(t *testing.T) {
	t.Run("before the header", func(t *testing.T) {
		srv, sink := server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			panic(errors.New("boom in the handler"))
		}), nil)
		resp, _ := get(t, newRequest(t, "GET", srv.URL+"/p", nil))
		if resp.StatusCode != 500 {
			t.Fatalf("client got %d, want 500", resp.StatusCode)
		}
		a := sink.Wait(t, httplog.AccessMessage, 1)[0]
		stack, _ := a["stack"].(string)
		if logtest.Num(a["http.response.status_code"]) != 500 || a["level"] != "ERROR" || a["error.type"] != "panic" ||
			!strings.Contains(a["panic"].(string), "boom in the handler") || !strings.Contains(stack, "TestPanics") || len(stack) > 8<<10+64 {
			t.Fatalf("access line %v", a)
		}
	})
	t.Run("after the header", func(t *testing.T) {
		srv, sink := server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(202)
			w.(http.Flusher).Flush()
			panic("late")
		}), nil)
		resp, _ := get(t, newRequest(t, "GET", srv.URL+"/p", nil))
		if a := sink.Wait(t, httplog.AccessMessage, 1)[0]; resp.StatusCode != 202 || logtest.Num(a["http.response.status_code"]) != 202 || a["level"] != "ERROR" {
			t.Fatalf("client %d, access line %v", resp.StatusCode, a)
		}
	})
	t.Run("ErrAbortHandler", func(t *testing.T) {
		srv, sink := server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			panic(http.ErrAbortHandler)
		}), nil)
		if _, err := http.Get(srv.URL + "/abort"); err == nil {
			t.Fatal("the connection should have been dropped")
		}
		a := sink.Wait(t, httplog.AccessMessage, 1)[0]
		if logtest.Num(a["http.response.status_code"]) != httplog.StatusClientClosedRequest || a["stack"] != nil {
			t.Fatalf("access line %v", a)
		}
	})
	t.Run("RePanic", func(t *testing.T) {
		var recovered any
		sink := &logtest.Sink{}
		h := httplog.Middleware(logweave.New(sink, nil), &httplog.Options{RePanic: true})(
			http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic("again") }))
		outer := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() { recovered = recover() }()
			h.ServeHTTP(w, r)
		})
		rec := httptest.NewRecorder()
		outer.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
		if recovered != "again" || rec.Code != 500 || len(sink.WithMsg(t, httplog.AccessMessage)) != 1 {
			t.Fatalf("recovered %v, code %d, lines %d", recovered, rec.Code, len(sink.WithMsg(t, httplog.AccessMessage)))
		}
	})
}

func TestClientAbortIs499(t *testing.T) {
	started := make(chan struct{})
	srv, sink := server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-r.Context().Done()
	}), nil)
	ctx, cancel := context.WithCancel(context.Background())
	req := newRequest(t, "GET", srv.URL+"/slow", nil).WithContext(ctx)
	go func() { <-started; cancel() }()
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Fatal("want the canceled request to fail")
	}
	a := sink.Wait(t, httplog.AccessMessage, 1)[0]
	if logtest.Num(a["http.response.status_code"]) != 499 || a["level"] != "WARN" || a["error.type"] != "client_closed_request" {
		t.Fatalf("access line %v", a)
	}
}

func TestSpoofedForwardingHeadersIgnoredByDefault(t *testing.T) {
	srv, sink := server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}), nil)
	req := newRequest(t, "GET", srv.URL+"/", nil)
	req.Header.Set("X-Forwarded-For", "6.6.6.6")
	req.Header.Set("X-Real-IP", "6.6.6.6")
	req.Header.Set("Forwarded", "for=6.6.6.6")
	get(t, req)
	if a := sink.Wait(t, httplog.AccessMessage, 1)[0]; a["client.address"] != "127.0.0.1" {
		t.Fatalf("client.address %v, want the socket peer", a["client.address"])
	}
}

func TestHeadersLoggedOnlyFromAllowlistAndMasked(t *testing.T) {
	srv, sink := server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Set-Cookie", "session=abc")
		w.Header().Set("Content-Type", "text/plain")
	}), &httplog.Options{
		RequestHeaders:  []string{"Authorization", "Accept", "cookie"},
		ResponseHeaders: []string{"Set-Cookie", "Content-Type"},
	})
	req := newRequest(t, "GET", srv.URL+"/", nil)
	req.Header.Set("Authorization", "Bearer secret-token")
	req.Header.Set("Cookie", "session=abc")
	req.Header.Set("Accept", "text/plain")
	req.Header.Set("X-Other", "not logged")
	get(t, req)
	a := sink.Wait(t, httplog.AccessMessage, 1)[0]
	want := map[string]any{
		"http.request.header.authorization": httplog.Mask, "http.request.header.cookie": httplog.Mask,
		"http.request.header.accept": "text/plain", "http.response.header.set-cookie": httplog.Mask,
		"http.response.header.content-type": "text/plain",
	}
	for k, v := range want {
		if a[k] != v {
			t.Errorf("%s = %v, want %v", k, a[k], v)
		}
	}
	line, _ := json.Marshal(a)
	if strings.Contains(string(line), "secret-token") || strings.Contains(string(line), "not logged") ||
		strings.Contains(string(line), "session=abc") {
		t.Fatalf("leaked: %s", line)
	}
}

func TestSkipAndLevels(t *testing.T) {
	srv, sink := server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			time.Sleep(30 * time.Millisecond)
		}
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
		}
	}), &httplog.Options{SkipPaths: []string{"/healthz"}, SkipPrefixes: []string{"/metrics/"}, SlowThreshold: 20 * time.Millisecond})
	for _, p := range []string{"/healthz", "/metrics/x", "/slow", "/missing", "/ok"} {
		resp, _ := get(t, newRequest(t, "GET", srv.URL+p, nil))
		if resp.Header.Get("X-Request-ID") == "" {
			t.Errorf("%s: skipped requests still get a request id", p)
		}
	}
	got := map[string]any{}
	for _, a := range sink.Wait(t, httplog.AccessMessage, 3) {
		got[a["url.path"].(string)] = a["level"]
	}
	if got["/slow"] != "WARN" || got["/missing"] != "WARN" || got["/ok"] != "INFO" || len(got) != 3 {
		t.Fatalf("levels %v", got)
	}
}

func TestBodyCapture(t *testing.T) {
	srv, sink := server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		buf := make([]byte, 5)
		io.ReadFull(r.Body, buf) // reads only part of the body
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/copy" {
			io.Copy(w, struct{ io.Reader }{strings.NewReader(`{"copied":"` + strings.Repeat("y", 50) + `"}`)})
			return
		}
		io.WriteString(w, `{"ok":true,"padding":"`+strings.Repeat("x", 100)+`"}`)
	}), &httplog.Options{BodyContentTypes: []string{"application/json"}, MaxBodyBytes: 16})
	for _, path := range []string{"/write", "/copy"} {
		req := newRequest(t, "POST", srv.URL+path, strings.NewReader(`{"name":"a long request body"}`))
		req.Header.Set("Content-Type", "application/json")
		resp, body := get(t, req)
		if resp.StatusCode != 200 || !strings.HasPrefix(body, `{"`) {
			t.Fatalf("%s: response %d %q", path, resp.StatusCode, body)
		}
	}
	// Not captured: a content type not listed.
	req := newRequest(t, "POST", srv.URL+"/write", strings.NewReader("plain text"))
	req.Header.Set("Content-Type", "text/plain")
	get(t, req)

	a := sink.Wait(t, httplog.AccessMessage, 3)
	if a[0]["http.request.body"] != `{"nam` || a[0]["http.request.body.truncated"] != nil {
		t.Errorf("request body: only what the handler read: %v", a[0]["http.request.body"])
	}
	if a[0]["http.response.body"] != `{"ok":true,"padd` || a[0]["http.response.body.truncated"] != true {
		t.Errorf("response body capped at 16 bytes: %v %v", a[0]["http.response.body"], a[0]["http.response.body.truncated"])
	}
	if a[1]["http.response.body"] != `{"copied":"yyyyy` || logtest.Num(a[1]["http.response.body.size"]) != len(`{"copied":"`)+50+2 {
		t.Errorf("io.Copy response captured %v, size %v", a[1]["http.response.body"], a[1]["http.response.body.size"])
	}
	if a[2]["http.request.body"] != nil {
		t.Errorf("text/plain request body captured: %v", a[2]["http.request.body"])
	}
}

func TestSkipRoutesAndSampling(t *testing.T) {
	srv, sink := serverLogging(t, func(*slog.Logger) http.Handler {
		mux := http.NewServeMux()
		mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("fail") != "" {
				w.WriteHeader(http.StatusServiceUnavailable)
			}
		})
		mux.HandleFunc("GET /ping", func(w http.ResponseWriter, r *http.Request) {})
		return mux
	}, &httplog.Options{SkipRoutes: []string{"GET /healthz"}, SampleRoutes: map[string]int{"GET /ping": 5}})
	for range 3 {
		get(t, newRequest(t, "GET", srv.URL+"/healthz", nil))
	}
	get(t, newRequest(t, "GET", srv.URL+"/healthz?fail=1", nil))
	for range 10 {
		get(t, newRequest(t, "GET", srv.URL+"/ping", nil))
	}
	a := sink.Wait(t, httplog.AccessMessage, 3) // the failing health check, and 2 of 10 pings
	if a[0]["url.path"] != "/healthz" || logtest.Num(a[0]["http.response.status_code"]) != 503 {
		t.Errorf("failing health check must be logged: %v", a[0])
	}
	if a[1]["url.path"] != "/ping" || a[2]["url.path"] != "/ping" {
		t.Errorf("sampled pings: %v", a[1:])
	}
}

// TestResponseRequestIDIsTheTraceID: without a request id from the client,
// the response hands back the trace id, the caller's when it sent one
// (whatever case its traceparent came in: an invalid one starts a new
// trace, and the new trace's id is handed back).
func TestResponseRequestIDIsTheTraceID(t *testing.T) {
	const tid = "4bf92f3577b34da6a3ce929d0e0e4736"
	srv, sink := server(t, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}), nil)
	for _, tc := range []struct {
		traceparent string
		continued   bool
	}{
		{"00-" + tid + "-00f067aa0ba902b7-01", true},
		{"00-" + strings.ToUpper(tid) + "-00f067aa0ba902b7-01", false}, // invalid: uppercase
		{"", false},
	} {
		sink.Reset()
		req, _ := http.NewRequest("GET", srv.URL+"/x", nil)
		if tc.traceparent != "" {
			req.Header.Set("traceparent", tc.traceparent)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		line := sink.Wait(t, httplog.AccessMessage, 1)[0]
		got := resp.Header.Get("X-Request-ID")
		if got != line["trace_id"] {
			t.Errorf("traceparent %q: X-Request-ID %q, trace_id %v", tc.traceparent, got, line["trace_id"])
		}
		if (got == tid) != tc.continued {
			t.Errorf("traceparent %q: X-Request-ID %q, continued = %v", tc.traceparent, got, tc.continued)
		}
	}
}

// TestAccessLineHasNoSource: with AddSource, an access line would point
// into this package, which tells nothing; it has no source.
func TestAccessLineHasNoSource(t *testing.T) {
	sink := &logtest.Sink{}
	logger := logweave.New(sink, &logweave.Options{Service: "t", AddSource: true})
	h := httplog.Middleware(logger, nil)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		logger.InfoContext(r.Context(), "inside")
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/x", nil))
	if line := sink.WithMsg(t, httplog.AccessMessage); len(line) != 1 || line[0]["source"] != nil {
		t.Errorf("access line %v: want one, without source", line)
	}
	if line := sink.WithMsg(t, "inside"); len(line) != 1 || line[0]["source"] == nil {
		t.Errorf("handler's line %v: want one, with source", line)
	}
}

// TestClientAddressText checks client.address for each way the address
// is found: a peer whose RemoteAddr holds the canonical text (taken as it
// is), an IPv6 peer written in another form, a port-less RemoteAddr, and
// an address from a header that differs from the peer.
func TestClientAddressText(t *testing.T) {
	xff, err := clientip.RightmostNonPrivate("X-Forwarded-For")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, remote, xff string
		strategy          clientip.Strategy
		want              string
	}{
		{"IPv4 peer", "203.0.113.9:51234", "", nil, "203.0.113.9"},
		{"IPv4 peer without port", "203.0.113.9", "", nil, "203.0.113.9"},
		{"IPv6 peer", "[2001:db8::1]:443", "", nil, "2001:db8::1"},
		{"IPv6 peer, upper case", "[2001:DB8:0:0::1]:443", "", nil, "2001:db8::1"},
		{"IPv4-mapped IPv6 peer", "[::ffff:192.0.2.7]:443", "", nil, "192.0.2.7"},
		{"from a header", "10.0.0.1:80", "198.51.100.4", xff, "198.51.100.4"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			logger, sink := logtest.NewLogger()
			ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") })
			h := httplog.Middleware(logger, &httplog.Options{ClientIP: c.strategy})(ok)
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = c.remote
			if c.xff != "" {
				r.Header.Set("X-Forwarded-For", c.xff)
			}
			h.ServeHTTP(httptest.NewRecorder(), r)
			if got := sink.Wait(t, httplog.AccessMessage, 1)[0]["client.address"]; got != c.want {
				t.Fatalf("client.address %v, want %q", got, c.want)
			}
		})
	}
}
