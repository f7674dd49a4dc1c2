package logweavefiber_test

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
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/logweave/logweave/clientip"
	logweavefiber "github.com/logweave/logweave/contrib/fiber"
	"github.com/logweave/logweave/httplog"
	"github.com/logweave/logweave/tracectx"
	"go.opentelemetry.io/otel/trace"
)

const (
	traceID     = "4bf92f3577b34da6a3ce929d0e0e4736"
	spanID      = "00f067aa0ba902b7"
	traceparent = "00-" + traceID + "-" + spanID + "-01"
)

// apiRoutes registers the routes the table of cases runs against.
func apiRoutes(app *fiber.App, logger *slog.Logger) {
	app.Get("/users/:id", func(c *fiber.Ctx) error {
		logger.InfoContext(c.UserContext(), "loading user", "id", c.Params("id"))
		return c.SendString(`{"id":"` + c.Params("id") + `"}`)
	})
	app.Post("/users", func(c *fiber.Ctx) error {
		return c.Status(fiber.StatusCreated).Send(c.Body())
	})
	app.Get("/teapot", func(c *fiber.Ctx) error {
		return fiber.NewError(fiber.StatusTeapot, "short and stout")
	})
	app.Get("/fail", func(c *fiber.Ctx) error {
		return errors.New("database is down")
	})
	app.Get("/panic", func(c *fiber.Ctx) error {
		panic("boom")
	})
	app.Get("/empty", func(c *fiber.Ctx) error { return nil })
}

// TestCases is the table of requests every adapter must get right,
// against a real server on loopback.
func TestCases(t *testing.T) {
	srv := serveWith(t, nil, apiRoutes)
	cases := []struct {
		name         string
		method, path string
		header       map[string]string
		body         string
		status       int
		want         map[string]any
		requestID    string // the X-Request-ID the response must carry; "trace" for the line's trace id
	}{
		{
			name: "200", method: "GET", path: "/users/42?fields=name&token=secret",
			status: 200,
			want: map[string]any{
				"level": "INFO", "http.request.method": "GET", "http.route": "/users/:id", "url.path": "/users/42",
				"url.query": "fields=name&token=" + httplog.Mask, "http.response.status_code": 200,
				"http.response.body.size": 11, "http.request.body.size": 0, "client.address": "127.0.0.1",
				"network.protocol.version": "1.1", "server.address": "127.0.0.1", "error.type": nil,
				"user_agent.original": "Go-http-client/1.1", "service.name": "fiber-test",
			},
			requestID: "trace",
		},
		{
			name: "POST with body", method: "POST", path: "/users", body: `{"name":"ada"}`,
			status: 201,
			want:   map[string]any{"http.route": "/users", "http.request.body.size": 14, "http.response.body.size": 14},
		},
		{
			name: "404 from the router", method: "GET", path: "/nowhere",
			status: 404,
			want:   map[string]any{"level": "WARN", "http.route": nil, "url.path": "/nowhere", "http.response.status_code": 404},
		},
		{
			name: "405 from the router", method: "DELETE", path: "/users/42",
			status: 405,
			want:   map[string]any{"level": "WARN", "http.route": nil, "http.response.status_code": 405},
		},
		{
			name: "handler returns a *fiber.Error", method: "GET", path: "/teapot",
			status: 418,
			want:   map[string]any{"level": "WARN", "http.route": "/teapot", "http.response.status_code": 418, "error.type": nil},
		},
		{
			name: "handler returns an error", method: "GET", path: "/fail",
			status: 500,
			want:   map[string]any{"level": "ERROR", "http.route": "/fail", "http.response.status_code": 500, "error.type": "500"},
		},
		{
			name: "panic", method: "GET", path: "/panic",
			status: 500,
			want: map[string]any{
				"level": "ERROR", "http.route": "/panic", "http.response.status_code": 500, "error.type": "panic",
				"panic": "boom", "http.response.body.size": len("Internal Server Error"),
			},
		},
		{
			name: "nothing written", method: "GET", path: "/empty",
			status: 200,
			want:   map[string]any{"http.response.status_code": 200, "http.response.body.size": 0},
		},
		{
			name: "HEAD sends no body", method: "HEAD", path: "/users/42",
			status: 200,
			want:   map[string]any{"http.request.method": "HEAD", "http.route": "/users/:id", "http.response.body.size": 0},
		},
		{
			name: "spoofed X-Forwarded-For is not the client", method: "GET", path: "/users/1",
			header: map[string]string{"X-Forwarded-For": "203.0.113.66", "X-Real-IP": "203.0.113.67"},
			status: 200,
			want:   map[string]any{"client.address": "127.0.0.1"},
		},
		{
			name: "incoming traceparent", method: "GET", path: "/users/2",
			header: map[string]string{"traceparent": traceparent},
			status: 200,
			want:   map[string]any{"trace_id": traceID, "span_id": spanID, "request_id": nil},
			// Without a request id from the client, the trace id is one.
			requestID: traceID,
		},
		{
			name: "incoming B3", method: "GET", path: "/users/3",
			header:    map[string]string{"b3": "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1"},
			status:    200,
			want:      map[string]any{"trace_id": "80f198ee56343ba864fe8b2a57d3eff7", "span_id": "e457b5a2e4d86bd1"},
			requestID: "80f198ee56343ba864fe8b2a57d3eff7",
		},
		{
			name: "incoming X-Request-ID", method: "GET", path: "/users/4",
			header:    map[string]string{"X-Request-ID": "req-7f3a", "traceparent": traceparent},
			status:    200,
			want:      map[string]any{"request_id": "req-7f3a", "trace_id": traceID},
			requestID: "req-7f3a",
		},
		{
			name: "malformed traceparent starts a trace", method: "GET", path: "/users/5",
			header:    map[string]string{"traceparent": "00-zzzz-00f067aa0ba902b7-01"},
			status:    200,
			want:      map[string]any{"http.response.status_code": 200},
			requestID: "trace",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv.sink.reset()
			var body io.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			}
			resp, _ := srv.do(t, tc.method, tc.path, tc.header, body)
			if resp.StatusCode != tc.status {
				t.Fatalf("client got %d, want %d", resp.StatusCode, tc.status)
			}
			line := srv.sink.waitAccess(t, 1)[0]
			check(t, line, tc.want)
			id, _ := line["trace_id"].(string)
			if len(id) != 32 {
				t.Errorf("trace_id %q", id)
			}
			switch tc.requestID {
			case "":
			case "trace":
				if got := resp.Header.Get("X-Request-ID"); got != id {
					t.Errorf("X-Request-ID %q, want the trace id %q", got, id)
				}
			default:
				if got := resp.Header.Get("X-Request-ID"); got != tc.requestID {
					t.Errorf("X-Request-ID %q, want %q", got, tc.requestID)
				}
			}
			if got := num(line["http.response.status_code"]); got != resp.StatusCode {
				t.Errorf("logged %d, client got %d", got, resp.StatusCode)
			}
		})
	}
}

// TestHandlerLinesCarryTrace checks that the trace lands in
// c.UserContext(), and that Logger binds it to lines logged without a
// context.
func TestHandlerLinesCarryTrace(t *testing.T) {
	srv := serveWith(t, nil, func(app *fiber.App, logger *slog.Logger) {
		app.Get("/a", func(c *fiber.Ctx) error {
			logger.InfoContext(c.UserContext(), "with context")
			log := logweavefiber.Logger(c)
			log.Info("bound")
			log.InfoContext(c.Context(), "with the fasthttp context") // a context.Context without the trace
			log.With("k", "v").WithGroup("g").Warn("derived", "x", 1)
			// A child span started in the handler is honoured.
			child := tracectx.NewChild(c.UserContext())
			log.InfoContext(child, "child")
			return c.SendString(trace.SpanContextFromContext(child).SpanID().String())
		})
	})
	_, childSpan := srv.do(t, "GET", "/a", map[string]string{"traceparent": traceparent, "X-Request-ID": "r-1"}, nil)
	srv.sink.waitAccess(t, 1)
	byMsg := map[string]map[string]any{}
	for _, l := range srv.sink.lines(t) {
		byMsg[l["msg"].(string)] = l
	}
	for _, msg := range []string{"with context", "bound", "with the fasthttp context", "derived", "child", httplog.AccessMessage} {
		l := byMsg[msg]
		if l == nil {
			t.Fatalf("no line %q", msg)
		}
		check(t, l, map[string]any{"trace_id": traceID, "request_id": "r-1"})
		wantSpan := spanID
		if msg == "child" {
			wantSpan = childSpan
		}
		check(t, l, map[string]any{"span_id": wantSpan})
	}
	check(t, byMsg["derived"], map[string]any{"k": "v", "level": "WARN"})
	if g, _ := byMsg["derived"]["g"].(map[string]any); g == nil || num(g["x"]) != 1 {
		t.Errorf("derived line %v", byMsg["derived"])
	}
}

// TestLoggerWithoutMiddleware binds slog.Default and Background.
func TestLoggerWithoutMiddleware(t *testing.T) {
	if logweavefiber.Logger(nil) == nil {
		t.Fatal("nil logger")
	}
	app := fiber.New()
	app.Get("/", func(c *fiber.Ctx) error {
		if logweavefiber.Logger(c).Handler() == nil {
			t.Error("no handler")
		}
		return nil
	})
	resp, err := app.Test(httptestRequest("GET", "/"))
	if err != nil || resp.StatusCode != 200 {
		t.Fatal(resp, err)
	}
}

func httptestRequest(method, target string) *http.Request {
	req, _ := http.NewRequest(method, "http://example.com"+target, nil)
	return req
}

// TestErrorHandlerRunsOnce checks that a custom error handler's status is
// the one logged, and that Fiber does not run it a second time.
func TestErrorHandlerRunsOnce(t *testing.T) {
	var calls atomic.Int32
	errConflict := errors.New("version conflict")
	cfg := fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error {
		calls.Add(1)
		switch {
		case errors.Is(err, errConflict):
			return c.Status(fiber.StatusConflict).JSON(fiber.Map{"error": "conflict"})
		case isNotFound(err):
			return c.Status(fiber.StatusNotFound).SendString("no such page")
		}
		return fiber.DefaultErrorHandler(c, err)
	}}
	srv := serve(t, cfg, func(app *fiber.App, logger *slog.Logger) {
		app.Use(logweavefiber.Middleware(logger, nil))
		app.Put("/doc", func(c *fiber.Ctx) error { return errConflict })
		app.Get("/panic", func(c *fiber.Ctx) error { panic(errors.New("nil map")) })
	})
	for _, tc := range []struct {
		method, path string
		status       int
		body         string
	}{
		{"PUT", "/doc", 409, `{"error":"conflict"}`},
		{"GET", "/nowhere", 404, "no such page"},
		{"GET", "/panic", 500, "Internal Server Error"},
	} {
		srv.sink.reset()
		calls.Store(0)
		resp, body := srv.do(t, tc.method, tc.path, nil, nil)
		line := srv.sink.waitAccess(t, 1)[0]
		if resp.StatusCode != tc.status || body != tc.body || num(line["http.response.status_code"]) != tc.status {
			t.Errorf("%s %s: client %d %q, logged %v", tc.method, tc.path, resp.StatusCode, body, line["http.response.status_code"])
		}
		if n := calls.Load(); n != 1 {
			t.Errorf("%s %s: error handler ran %d times", tc.method, tc.path, n)
		}
	}
}

func isNotFound(err error) bool {
	var e *fiber.Error
	return errors.As(err, &e) && e.Code == fiber.StatusNotFound
}

// TestErrorHandlerFails: when the error handler returns an error, the
// client gets 500, as Fiber answers then.
func TestErrorHandlerFails(t *testing.T) {
	cfg := fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error { return err }}
	srv := serve(t, cfg, func(app *fiber.App, logger *slog.Logger) {
		app.Use(logweavefiber.Middleware(logger, nil))
		app.Get("/x", func(c *fiber.Ctx) error { return fiber.ErrBadRequest })
	})
	resp, _ := srv.do(t, "GET", "/x", nil, nil)
	line := srv.sink.waitAccess(t, 1)[0]
	if resp.StatusCode != 500 || num(line["http.response.status_code"]) != 500 {
		t.Errorf("client %d, logged %v", resp.StatusCode, line["http.response.status_code"])
	}
}

// TestMountedErrorHandler: a mounted application's error handler answers
// for its routes, and its route template is the full path.
func TestMountedErrorHandler(t *testing.T) {
	srv := serve(t, fiber.Config{}, func(app *fiber.App, logger *slog.Logger) {
		app.Use(logweavefiber.Middleware(logger, nil))
		api := fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error {
			return c.Status(fiber.StatusUnprocessableEntity).SendString("api: " + err.Error())
		}})
		api.Get("/items/:id", func(c *fiber.Ctx) error { return errors.New("bad item") })
		app.Mount("/api", api)
	})
	resp, body := srv.do(t, "GET", "/api/items/9", nil, nil)
	line := srv.sink.waitAccess(t, 1)[0]
	if resp.StatusCode != 422 || body != "api: bad item" {
		t.Errorf("client %d %q", resp.StatusCode, body)
	}
	check(t, line, map[string]any{"http.response.status_code": 422, "http.route": "/api/items/:id"})
}

// TestRecoverMiddlewareEitherOrder runs a panicking handler with Fiber's
// recover middleware registered before and after this one: the client
// and the line get 500 either way.
func TestRecoverMiddlewareEitherOrder(t *testing.T) {
	for _, order := range []string{"recover outside", "recover inside", "recover outside, RePanic"} {
		t.Run(order, func(t *testing.T) {
			var errorHandlerCalls atomic.Int32
			cfg := fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error {
				errorHandlerCalls.Add(1)
				return fiber.DefaultErrorHandler(c, err)
			}}
			srv := serve(t, cfg, func(app *fiber.App, logger *slog.Logger) {
				mw := logweavefiber.Middleware(logger, &httplog.Options{RePanic: strings.HasSuffix(order, "RePanic")})
				if order == "recover inside" {
					app.Use(mw, recover.New())
				} else {
					app.Use(recover.New(), mw)
				}
				app.Get("/panic", func(c *fiber.Ctx) error { panic("boom") })
			})
			resp, _ := srv.do(t, "GET", "/panic", nil, nil)
			line := srv.sink.waitAccess(t, 1)[0]
			if resp.StatusCode != 500 {
				t.Errorf("client got %d", resp.StatusCode)
			}
			check(t, line, map[string]any{"http.response.status_code": 500, "level": "ERROR", "http.route": "/panic"})
			if order == "recover inside" {
				// Recover turned the panic into an error before this
				// middleware saw it.
				check(t, line, map[string]any{"error.type": "500", "panic": nil})
			} else {
				check(t, line, map[string]any{"error.type": "panic", "panic": "boom"})
				if s, _ := line["stack"].(string); !strings.Contains(s, "middleware_test.go") {
					t.Errorf("stack %q", s)
				}
			}
			if n := errorHandlerCalls.Load(); n != 1 {
				t.Errorf("error handler ran %d times", n)
			}
		})
	}
}

// TestServerSentEvents streams events with flushes: the client gets each
// one while the stream is open, and the line, written when the stream
// ends, has every byte.
func TestServerSentEvents(t *testing.T) {
	release := make(chan struct{})
	srv := serveWith(t, nil, func(app *fiber.App, logger *slog.Logger) {
		app.Get("/events", func(c *fiber.Ctx) error {
			c.Set("Content-Type", "text/event-stream")
			ctx := c.UserContext()
			c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
				for i := range 3 {
					fmt.Fprintf(w, "data: %d\n\n", i)
					if err := w.Flush(); err != nil {
						return
					}
					if i == 1 {
						<-release // the client must have seen 0 and 1 by now
					}
				}
				logger.InfoContext(ctx, "stream done")
			})
			return nil
		})
	})
	req, _ := http.NewRequest("GET", srv.url+"/events", nil)
	req.Header.Set("traceparent", traceparent)
	resp, err := srv.client.Do(req)
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
	if n := len(srv.sink.access(t)); n != 0 {
		t.Errorf("%d access lines while the stream is open", n)
	}
	close(release)
	rest, _ := io.ReadAll(r)
	if string(rest) != "data: 2\n\n" {
		t.Errorf("rest %q", rest)
	}
	line := srv.sink.waitAccess(t, 1)[0]
	check(t, line, map[string]any{
		"http.response.status_code": 200, "http.response.body.size": 3 * len("data: 0\n\n"),
		"http.route": "/events", "trace_id": traceID, "level": "INFO",
	})
	if d, _ := line["http.server.request.duration"].(float64); d <= 0 {
		t.Errorf("duration %v", line["http.server.request.duration"])
	}
}

// TestClientAbortDuringStream: a client that goes away while events are
// streamed is logged as 499 once the server's write fails.
func TestClientAbortDuringStream(t *testing.T) {
	stopped := make(chan int, 1)
	srv := serveWith(t, nil, func(app *fiber.App, logger *slog.Logger) {
		app.Get("/events", func(c *fiber.Ctx) error {
			c.Set("Content-Type", "text/event-stream")
			c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
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
			return nil
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
	line := srv.sink.waitAccess(t, 1)[0]
	check(t, line, map[string]any{"http.response.status_code": 499, "level": "WARN", "error.type": "client_closed_request"})
	if n := num(line["http.response.body.size"]); n < 3*len("data: 0\n\n") {
		t.Errorf("body size %d", n)
	}
}

// TestClientAbortDuringBufferedResponse documents what fasthttp cannot
// show: a client gone while the handler runs is not noticed, and the line
// has the status the handler answered.
func TestClientAbortDuringBufferedResponse(t *testing.T) {
	entered := make(chan struct{})
	proceed := make(chan struct{})
	srv := serveWith(t, nil, func(app *fiber.App, logger *slog.Logger) {
		app.Get("/slow", func(c *fiber.Ctx) error {
			close(entered)
			<-proceed
			return c.SendString("late")
		})
	})
	conn, _ := srv.rawConn(t)
	fmt.Fprintf(conn, "GET /slow HTTP/1.1\r\nHost: test\r\n\r\n")
	<-entered
	conn.Close()
	close(proceed)
	line := srv.sink.waitAccess(t, 1)[0]
	check(t, line, map[string]any{"http.response.status_code": 200})
}

// TestStreamedBodies covers the other streamed responses: a reader of
// known size, a HEAD request, and a file.
func TestStreamedBodies(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789abcdef"), 4096) // 64 KiB
	srv := serveWith(t, nil, func(app *fiber.App, logger *slog.Logger) {
		app.Get("/sized", func(c *fiber.Ctx) error {
			return c.SendStream(bytes.NewReader(big), len(big))
		})
		app.Get("/unsized", func(c *fiber.Ctx) error {
			return c.SendStream(io.NopCloser(bytes.NewReader(big)))
		})
		app.Get("/limited", func(c *fiber.Ctx) error {
			return c.SendStream(&io.LimitedReader{R: bytes.NewReader(big), N: 1000})
		})
		app.Get("/file", func(c *fiber.Ctx) error {
			return c.SendFile("middleware_test.go")
		})
	})
	for _, tc := range []struct {
		method, path string
		size         int
	}{
		{"GET", "/sized", len(big)},
		{"GET", "/unsized", len(big)},
		{"GET", "/limited", 1000},
		{"HEAD", "/sized", 0},
		{"GET", "/file", -1},
	} {
		srv.sink.reset()
		resp, body := srv.do(t, tc.method, tc.path, nil, nil)
		line := srv.sink.waitAccess(t, 1)[0]
		want := tc.size
		if want < 0 {
			want = len(body)
		}
		if resp.StatusCode != 200 || (tc.method == "GET" && len(body) != want) {
			t.Errorf("%s %s: client got %d, %d bytes", tc.method, tc.path, resp.StatusCode, len(body))
		}
		check(t, line, map[string]any{"http.response.status_code": 200, "http.response.body.size": want, "error.type": nil})
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
			srv := serveWith(t, &httplog.Options{ClientIP: tc.strategy}, apiRoutes)
			srv.do(t, "GET", "/users/1", tc.header, nil)
			check(t, srv.sink.waitAccess(t, 1)[0], map[string]any{"client.address": tc.want})
		})
	}
}

// TestOptions checks the httplog options the adapter applies itself.
func TestOptions(t *testing.T) {
	opts := &httplog.Options{
		SkipPaths:       []string{"/healthz"},
		SkipRoutes:      []string{"/users/:id"},
		Skip:            func(r *http.Request) bool { return r.Header.Get("X-Synthetic") == "1" && r.URL.Path == "/echo" },
		RequestHeaders:  []string{"authorization", "X-Tenant"},
		ResponseHeaders: []string{"Content-Type", "Set-Cookie"},
		RequestIDHeader: "X-Correlation-ID",
		// traceparent on the response too
		ResponseTraceparent: true,
		BodyContentTypes:    []string{"application/json"},
		MaxBodyBytes:        8,
	}
	srv := serveWith(t, opts, func(app *fiber.App, logger *slog.Logger) {
		apiRoutes(app, logger)
		app.Get("/healthz", func(c *fiber.Ctx) error { return c.SendString("ok") })
		app.Post("/echo", func(c *fiber.Ctx) error {
			c.Cookie(&fiber.Cookie{Name: "session", Value: "s3cr3t"})
			c.Set("Content-Type", "application/json")
			return c.Send(c.Body())
		})
		app.Get("/echo", func(c *fiber.Ctx) error { return c.SendString("synthetic") })
	})
	srv.do(t, "GET", "/healthz", nil, nil)
	srv.do(t, "GET", "/users/1", nil, nil)                                // skipped by route
	srv.do(t, "GET", "/echo", map[string]string{"X-Synthetic": "1"}, nil) // skipped by Skip
	resp, _ := srv.do(t, "POST", "/echo", map[string]string{
		"Authorization": "Bearer abc", "X-Tenant": "acme", "Content-Type": "application/json", "traceparent": traceparent,
	}, strings.NewReader(`{"name":"a long name"}`))
	line := srv.sink.waitAccess(t, 1)[0]
	check(t, line, map[string]any{
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
	if got := resp.Header.Get("X-Correlation-ID"); got != traceID {
		t.Errorf("X-Correlation-ID %q", got)
	}
	if got := resp.Header.Get("traceparent"); !strings.Contains(got, traceID) {
		t.Errorf("traceparent %q", got)
	}
	if resp.Header.Get("X-Request-ID") != "" {
		t.Error("X-Request-ID set although RequestIDHeader names another")
	}
}

// TestLevelsAndSampling: Options.Level and SampleRoutes go through the
// Recorder.
func TestLevelsAndSampling(t *testing.T) {
	srv := serveWith(t, &httplog.Options{
		Level:        func(status int, _ time.Duration) slog.Level { return slog.LevelDebug + slog.Level(status/100) },
		SampleRoutes: map[string]int{"/users/:id": 3},
	}, apiRoutes)
	for i := range 6 {
		srv.do(t, "GET", "/users/"+strconv.Itoa(i), nil, nil)
	}
	lines := srv.sink.waitAccess(t, 2)
	check(t, lines[0], map[string]any{"level": "DEBUG+2"})
}

// TestCopiesOutliveTheRequest sends requests on one keep-alive connection
// (fasthttp reuses the same buffers for them) and checks that what the
// first one left behind, its request id in a context kept by a goroutine
// and a record kept by a slog handler, is not overwritten by the next.
func TestCopiesOutliveTheRequest(t *testing.T) {
	keep := &keepingHandler{}
	kept := make(chan context.Context, 4)
	srv := serve(t, fiber.Config{}, func(app *fiber.App, _ *slog.Logger) {
		app.Use(logweavefiber.Middleware(slog.New(keep), nil))
		app.Get("/users/:id", func(c *fiber.Ctx) error {
			kept <- c.UserContext()
			return c.SendString("ok")
		})
	})
	conn, r := srv.rawConn(t)
	for _, id := range []string{"first-request-id", "2nd-request-idxx"} {
		fmt.Fprintf(conn, "GET /users/%s?q=%s HTTP/1.1\r\nHost: test\r\nUser-Agent: agent-%s\r\nX-Request-ID: %s\r\ntraceparent: %s\r\n\r\n", id, id, id, id, traceparent)
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

// TestCompressedStream: Fiber's compress middleware, inside or outside
// this one, compresses a streamed body; the line is written once the
// stream is sent either way, with the size this middleware saw.
func TestCompressedStream(t *testing.T) {
	text := strings.Repeat("compressible text ", 4096)
	for _, order := range []string{"compress inside", "compress outside"} {
		t.Run(order, func(t *testing.T) {
			srv := serve(t, fiber.Config{}, func(app *fiber.App, logger *slog.Logger) {
				mw := logweavefiber.Middleware(logger, nil)
				if order == "compress inside" {
					app.Use(mw, compress.New())
				} else {
					app.Use(compress.New(), mw)
				}
				app.Get("/text", func(c *fiber.Ctx) error {
					c.Set("Content-Type", "text/plain")
					return c.SendStream(io.NopCloser(strings.NewReader(text)))
				})
			})
			resp, body := srv.do(t, "GET", "/text", nil, nil) // the client asks for gzip and decompresses
			if body != text || !resp.Uncompressed {
				t.Fatalf("got %d bytes, uncompressed by the client: %v", len(body), resp.Uncompressed)
			}
			line := srv.sink.waitAccess(t, 1)[0]
			size := num(line["http.response.body.size"])
			if order == "compress inside" && (size == 0 || size >= len(text)) {
				t.Errorf("size %d: want the compressed size sent", size)
			}
			if order == "compress outside" && size != len(text) {
				t.Errorf("size %d: want the handler's %d", size, len(text))
			}
			check(t, line, map[string]any{"http.response.status_code": 200, "error.type": nil})
		})
	}
}
