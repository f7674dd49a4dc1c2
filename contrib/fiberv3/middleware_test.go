package logweavefiberv3_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/gofiber/fiber/v3/middleware/compress"
	"github.com/gofiber/fiber/v3/middleware/recover"
	"github.com/gofiber/fiber/v3/middleware/static"
	logweavefiberv3 "github.com/logweave/logweave/contrib/fiberv3"
	"github.com/logweave/logweave/httplog"
	"github.com/logweave/logweave/internal/logtest"
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
	app.Get("/users/:id", func(c fiber.Ctx) error {
		logger.InfoContext(c.Context(), "loading user", "id", c.Params("id"))
		return c.SendString(`{"id":"` + c.Params("id") + `"}`)
	})
	app.Post("/users", func(c fiber.Ctx) error {
		return c.Status(fiber.StatusCreated).Send(c.Body())
	})
	app.Get("/teapot", func(c fiber.Ctx) error {
		return fiber.NewError(fiber.StatusTeapot, "short and stout")
	})
	app.Get("/fail", func(c fiber.Ctx) error {
		return errors.New("database is down")
	})
	app.Get("/panic", func(c fiber.Ctx) error {
		panic("boom")
	})
	app.Get("/empty", func(c fiber.Ctx) error { return nil })
}

// TestCases is the table of requests whose outcome Fiber decides: the
// route it matched, its 404 and 405, the error handler's status, a panic.
// contrib/fasthttp tests the rest (trace headers, client addresses,
// options, streams) on fasthttp alone.
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
				"user_agent.original": "Go-http-client/1.1", "service.name": "test",
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
			name: "incoming X-Request-ID", method: "GET", path: "/users/4",
			header:    map[string]string{"X-Request-ID": "req-7f3a", "traceparent": traceparent},
			status:    200,
			want:      map[string]any{"request_id": "req-7f3a", "trace_id": traceID},
			requestID: "req-7f3a",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv.sink.Reset()
			var body io.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			}
			resp, _ := srv.do(t, tc.method, tc.path, tc.header, body)
			if resp.StatusCode != tc.status {
				t.Fatalf("client got %d, want %d", resp.StatusCode, tc.status)
			}
			line := srv.access(t, 1)[0]
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
			if got := logtest.Num(line["http.response.status_code"]); got != resp.StatusCode {
				t.Errorf("logged %d, client got %d", got, resp.StatusCode)
			}
		})
	}
}

// TestHandlerLinesCarryTrace checks that the trace lands in
// c.Context(), and that Logger binds it to lines logged without a
// context.
func TestHandlerLinesCarryTrace(t *testing.T) {
	srv := serveWith(t, nil, func(app *fiber.App, logger *slog.Logger) {
		app.Get("/a", func(c fiber.Ctx) error {
			logger.InfoContext(c.Context(), "with context")
			log := logweavefiberv3.Logger(c)
			log.Info("bound")
			log.InfoContext(c.RequestCtx(), "with the fasthttp context") // a context.Context without the trace
			log.InfoContext(c, "with the fiber context")                 // one too
			log.With("k", "v").WithGroup("g").Warn("derived", "x", 1)
			// A child span started in the handler is honoured.
			child := tracectx.NewChild(c.Context())
			log.InfoContext(child, "child")
			return c.SendString(trace.SpanContextFromContext(child).SpanID().String())
		})
	})
	_, childSpan := srv.do(t, "GET", "/a", map[string]string{"traceparent": traceparent, "X-Request-ID": "r-1"}, nil)
	srv.access(t, 1)
	byMsg := map[string]map[string]any{}
	for _, l := range srv.sink.Lines(t) {
		byMsg[l["msg"].(string)] = l
	}
	for _, msg := range []string{"with context", "bound", "with the fasthttp context", "with the fiber context", "derived", "child", httplog.AccessMessage} {
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
	if g, _ := byMsg["derived"]["g"].(map[string]any); g == nil || logtest.Num(g["x"]) != 1 {
		t.Errorf("derived line %v", byMsg["derived"])
	}
}

// TestLoggerWithoutMiddleware binds slog.Default and Background.
func TestLoggerWithoutMiddleware(t *testing.T) {
	if logweavefiberv3.Logger(nil) == nil {
		t.Fatal("nil logger")
	}
	app := fiber.New()
	app.Get("/", func(c fiber.Ctx) error {
		if logweavefiberv3.Logger(c).Handler() == nil {
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
	cfg := fiber.Config{ErrorHandler: func(c fiber.Ctx, err error) error {
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
		app.Use(logweavefiberv3.Middleware(logger, nil))
		app.Put("/doc", func(c fiber.Ctx) error { return errConflict })
		app.Get("/panic", func(c fiber.Ctx) error { panic(errors.New("nil map")) })
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
		srv.sink.Reset()
		calls.Store(0)
		resp, body := srv.do(t, tc.method, tc.path, nil, nil)
		line := srv.access(t, 1)[0]
		if resp.StatusCode != tc.status || body != tc.body || logtest.Num(line["http.response.status_code"]) != tc.status {
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
	cfg := fiber.Config{ErrorHandler: func(c fiber.Ctx, err error) error { return err }}
	srv := serve(t, cfg, func(app *fiber.App, logger *slog.Logger) {
		app.Use(logweavefiberv3.Middleware(logger, nil))
		app.Get("/x", func(c fiber.Ctx) error { return fiber.ErrBadRequest })
	})
	resp, _ := srv.do(t, "GET", "/x", nil, nil)
	line := srv.access(t, 1)[0]
	if resp.StatusCode != 500 || logtest.Num(line["http.response.status_code"]) != 500 {
		t.Errorf("client %d, logged %v", resp.StatusCode, line["http.response.status_code"])
	}
}

// TestMountedErrorHandler: a mounted application's error handler answers
// for its routes, and its route template is the full path.
func TestMountedErrorHandler(t *testing.T) {
	srv := serve(t, fiber.Config{}, func(app *fiber.App, logger *slog.Logger) {
		app.Use(logweavefiberv3.Middleware(logger, nil))
		api := fiber.New(fiber.Config{ErrorHandler: func(c fiber.Ctx, err error) error {
			return c.Status(fiber.StatusUnprocessableEntity).SendString("api: " + err.Error())
		}})
		api.Get("/items/:id", func(c fiber.Ctx) error { return errors.New("bad item") })
		app.Use("/api", api)
	})
	resp, body := srv.do(t, "GET", "/api/items/9", nil, nil)
	line := srv.access(t, 1)[0]
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
			cfg := fiber.Config{ErrorHandler: func(c fiber.Ctx, err error) error {
				errorHandlerCalls.Add(1)
				return fiber.DefaultErrorHandler(c, err)
			}}
			srv := serve(t, cfg, func(app *fiber.App, logger *slog.Logger) {
				mw := logweavefiberv3.Middleware(logger, &httplog.Options{RePanic: strings.HasSuffix(order, "RePanic")})
				if order == "recover inside" {
					app.Use(mw, recover.New())
				} else {
					app.Use(recover.New(), mw)
				}
				app.Get("/panic", func(c fiber.Ctx) error { panic("boom") })
			})
			resp, _ := srv.do(t, "GET", "/panic", nil, nil)
			line := srv.access(t, 1)[0]
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
		app.Get("/events", func(c fiber.Ctx) error {
			c.Set("Content-Type", "text/event-stream")
			ctx := c.Context()
			c.SendStreamWriter(func(w *bufio.Writer) {
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
	if n := len(srv.sink.WithMsg(t, httplog.AccessMessage)); n != 0 {
		t.Errorf("%d access lines while the stream is open", n)
	}
	close(release)
	rest, _ := io.ReadAll(r)
	if string(rest) != "data: 2\n\n" {
		t.Errorf("rest %q", rest)
	}
	line := srv.access(t, 1)[0]
	check(t, line, map[string]any{
		"http.response.status_code": 200, "http.response.body.size": 3 * len("data: 0\n\n"),
		"http.route": "/events", "trace_id": traceID, "level": "INFO",
	})
	if d, _ := line["http.server.request.duration"].(float64); d <= 0 {
		t.Errorf("duration %v", line["http.server.request.duration"])
	}
}

// TestStreamedBodies covers the other streamed responses: a reader of
// known size, a HEAD request, and a file.
func TestStreamedBodies(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789abcdef"), 4096) // 64 KiB
	srv := serveWith(t, nil, func(app *fiber.App, logger *slog.Logger) {
		app.Get("/sized", func(c fiber.Ctx) error {
			return c.SendStream(bytes.NewReader(big), len(big))
		})
		app.Get("/unsized", func(c fiber.Ctx) error {
			return c.SendStream(io.NopCloser(bytes.NewReader(big)))
		})
		app.Get("/limited", func(c fiber.Ctx) error {
			return c.SendStream(&io.LimitedReader{R: bytes.NewReader(big), N: 1000})
		})
		app.Get("/file", func(c fiber.Ctx) error {
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
		srv.sink.Reset()
		resp, body := srv.do(t, tc.method, tc.path, nil, nil)
		line := srv.access(t, 1)[0]
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

// TestRouteOptions: SkipRoutes and SampleRoutes name Fiber's route
// templates, and Options.Level goes through the Recorder.
func TestRouteOptions(t *testing.T) {
	srv := serveWith(t, &httplog.Options{
		Level:        func(status int, _ time.Duration) slog.Level { return slog.LevelDebug + slog.Level(status/100) },
		SkipRoutes:   []string{"/empty"},
		SampleRoutes: map[string]int{"/users/:id": 3},
	}, apiRoutes)
	srv.do(t, "GET", "/empty", nil, nil)
	for i := range 6 {
		srv.do(t, "GET", "/users/"+strconv.Itoa(i), nil, nil)
	}
	lines := srv.access(t, 2)
	check(t, lines[0], map[string]any{"level": "DEBUG+2", "http.route": "/users/:id"})
}

// TestRoutes: http.route is the template of the route Fiber matched, and
// absent when only middleware answered, whatever its prefix.
func TestRoutes(t *testing.T) {
	srv := serveWith(t, nil, func(app *fiber.App, logger *slog.Logger) {
		app.Use("/mw", func(c fiber.Ctx) error { return c.SendString("middleware") })
		app.Use("/static", static.New("."))
		v1 := app.Group("/v1", func(c fiber.Ctx) error { return c.Next() })
		v1.Get("/items/:id", func(c fiber.Ctx) error { return c.SendString("item") })
	})
	for _, tc := range []struct {
		path  string
		route any
	}{
		{"/mw", nil},
		{"/mw/deeper", nil},
		{"/static/doc.go", nil},
		{"/v1/items/7", "/v1/items/:id"},
		{"/v1/nothing", nil},
	} {
		srv.sink.Reset()
		resp, _ := srv.do(t, "GET", tc.path, nil, nil)
		line := srv.access(t, 1)[0]
		check(t, line, map[string]any{"http.route": tc.route, "http.response.status_code": resp.StatusCode})
	}
}

// TestCompressedStream: Fiber's compress middleware, inside or outside
// this one, compresses a streamed body; the line is written once the
// stream is sent either way, with the size this middleware saw.
func TestCompressedStream(t *testing.T) {
	text := strings.Repeat("compressible text ", 4096)
	for _, order := range []string{"compress inside", "compress outside"} {
		t.Run(order, func(t *testing.T) {
			srv := serve(t, fiber.Config{}, func(app *fiber.App, logger *slog.Logger) {
				mw := logweavefiberv3.Middleware(logger, nil)
				if order == "compress inside" {
					app.Use(mw, compress.New())
				} else {
					app.Use(compress.New(), mw)
				}
				app.Get("/text", func(c fiber.Ctx) error {
					c.Set("Content-Type", "text/plain")
					return c.SendStream(io.NopCloser(strings.NewReader(text)))
				})
			})
			resp, body := srv.do(t, "GET", "/text", nil, nil) // the client asks for gzip and decompresses
			if body != text || !resp.Uncompressed {
				t.Fatalf("got %d bytes, uncompressed by the client: %v", len(body), resp.Uncompressed)
			}
			line := srv.access(t, 1)[0]
			size := logtest.Num(line["http.response.body.size"])
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
