package logweavefiberv3_test

import (
	"bytes"
	"errors"
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
	"github.com/logweave/logweave/internal/adaptertest"
	"github.com/logweave/logweave/internal/logtest"
	"github.com/logweave/logweave/tracectx"
	"go.opentelemetry.io/otel/trace"
)

// apiRoutes registers the routes adaptertest.FiberCases runs against.
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

// TestCases runs the table of requests whose outcome Fiber decides (see
// adaptertest.FiberCases) against apiRoutes.
func TestCases(t *testing.T) {
	srv := serveWith(t, nil, apiRoutes)
	adaptertest.Run(t, srv.client, srv.url, srv.sink, adaptertest.FiberCases())
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
	adaptertest.CheckHandlerLines(t, srv.client, srv.url+"/a", srv.sink,
		"with context", "bound", "with the fasthttp context", "with the fiber context", "derived", "child", httplog.AccessMessage)
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
	adaptertest.CheckFields(t, line, map[string]any{"http.response.status_code": 422, "http.route": "/api/items/:id"})
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
			adaptertest.CheckFields(t, line, map[string]any{"http.response.status_code": 500, "level": "ERROR", "http.route": "/panic"})
			if order == "recover inside" {
				// Recover turned the panic into an error before this
				// middleware saw it.
				adaptertest.CheckFields(t, line, map[string]any{"error.type": "500", "panic": nil})
			} else {
				adaptertest.CheckFields(t, line, map[string]any{"error.type": "panic", "panic": "boom"})
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
// one while the stream is open, and the line, written when the handler
// returned, is there before the stream ends (see CheckHeldEvents).
func TestServerSentEvents(t *testing.T) {
	release := make(chan struct{})
	srv := serveWith(t, nil, func(app *fiber.App, logger *slog.Logger) {
		app.Get("/events", func(c fiber.Ctx) error {
			c.Set("Content-Type", "text/event-stream")
			ctx := c.Context()
			c.SendStreamWriter(adaptertest.HeldEvents(release, func() { logger.InfoContext(ctx, "stream done") }))
			return nil
		})
	})
	line := adaptertest.CheckHeldEvents(t, srv.client, srv.url+"/events", srv.sink, release)
	adaptertest.CheckFields(t, line, map[string]any{"http.route": "/events"})
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
	// The line is written when the handler returns, before the stream is
	// sent (fasthttp's public API has no hook for its end), with the size
	// the response declares.
	for _, tc := range []struct {
		method, path string
		size         int // -1: the file's
		logged       int // -1: size
	}{
		{"GET", "/sized", len(big), -1},
		{"GET", "/unsized", len(big), 0}, // no declared length: unknown when the line is written
		{"GET", "/limited", 1000, -1},
		{"HEAD", "/sized", 0, -1},
		{"GET", "/file", -1, -1},
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
		logged := tc.logged
		if logged < 0 {
			logged = want
		}
		adaptertest.CheckFields(t, line, map[string]any{"http.response.status_code": 200, "http.response.body.size": logged, "error.type": nil})
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
	adaptertest.CheckFields(t, lines[0], map[string]any{"level": "DEBUG+2", "http.route": "/users/:id"})
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
		adaptertest.CheckFields(t, line, map[string]any{"http.route": tc.route, "http.response.status_code": resp.StatusCode})
	}
}

// TestCompressedStream: Fiber's compress middleware, inside or outside
// this one, compresses a streamed body. The line is written when the
// handler returns: compressing inside, Fiber v3's compress middleware has
// compressed the body by then, and the line has the compressed size;
// outside, the stream is still unsized, and the line says 0.
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
			if order == "compress outside" && size != 0 {
				t.Errorf("size %d: want 0, the unsized stream's", size)
			}
			adaptertest.CheckFields(t, line, map[string]any{"http.response.status_code": 200, "error.type": nil})
		})
	}
}
