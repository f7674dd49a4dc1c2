package logweaveechov5_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v5"
	"github.com/labstack/echo/v5/middleware"
	"github.com/logweave/logweave/clientip"
	"github.com/logweave/logweave/contrib/echov5"
	"github.com/logweave/logweave/httplog"
	"github.com/logweave/logweave/internal/adaptertest"
	"github.com/logweave/logweave/internal/logtest"
)

// routes registers the application every test serves.
func routes(e *echo.Echo, started chan<- struct{}) {
	e.GET("/users/:id", func(c *echo.Context) error {
		logweaveechov5.Logger(c).Info("inside", "id", c.Param("id"))
		return c.JSON(http.StatusOK, map[string]string{"id": c.Param("id")})
	})
	e.POST("/users/:id", func(c *echo.Context) error {
		body, _ := io.ReadAll(c.Request().Body)
		return c.String(http.StatusCreated, "created "+string(body))
	})
	e.GET("/healthz", func(c *echo.Context) error { return c.NoContent(http.StatusOK) })
	e.GET("/teapot", func(c *echo.Context) error { return echo.NewHTTPError(http.StatusTeapot, "short and stout") })
	e.GET("/missing/:id", func(c *echo.Context) error { return echo.ErrNotFound })
	e.GET("/fail", func(c *echo.Context) error { return errors.New("database is down") })
	e.GET("/written-then-fail", func(c *echo.Context) error {
		c.String(http.StatusAccepted, "accepted")
		return errors.New("too late to tell the client")
	})
	e.GET("/panic", func(c *echo.Context) error { panic("boom in the handler") })
	e.GET("/slow", func(c *echo.Context) error {
		close(started)
		<-c.Request().Context().Done()
		return c.Request().Context().Err()
	})
}

// TestAccessLines is the table of cases every adapter must get right, on a
// real server on loopback.
func TestAccessLines(t *testing.T) {
	logger, sink := logtest.NewLogger()
	e := echo.New()
	e.Use(logweaveechov5.Middleware(logger, nil))
	started := make(chan struct{})
	routes(e, started)
	url := adaptertest.Serve(t, &http.Server{Handler: e})

	adaptertest.Run(t, nil, url, sink, adaptertest.EchoCases("Not Found"))
	adaptertest.EchoAfterCases(t, url, sink, started)
}

// TestErrorHandlerRunsOnce checks that the status logged is what a custom
// error handler sent, and that it ran once per error.
func TestErrorHandlerRunsOnce(t *testing.T) {
	errGone := errors.New("gone")
	logger, sink := logtest.NewLogger()
	e := echo.New()
	var calls atomic.Int32
	e.HTTPErrorHandler = func(c *echo.Context, err error) {
		calls.Add(1)
		// No Committed check, as many custom handlers have none: a second
		// call would write a second body.
		if errors.Is(err, errGone) {
			c.String(http.StatusGone, "it left")
			return
		}
		c.String(http.StatusServiceUnavailable, "try later")
	}
	outerSaw := errors.New("unset")
	e.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c *echo.Context) error { outerSaw = next(c); return outerSaw }
	})
	e.Use(logweaveechov5.Middleware(logger, nil))
	e.GET("/gone", func(c *echo.Context) error { return errGone })
	e.GET("/panic", func(c *echo.Context) error { panic(errGone) })
	url := adaptertest.Serve(t, &http.Server{Handler: e})

	resp, body := adaptertest.Do(t, nil, adaptertest.NewRequest(t, "GET", url+"/gone", nil))
	if resp.StatusCode != 410 || body != "it left" || calls.Load() != 1 || outerSaw != nil {
		t.Fatalf("client got %d %q, error handler ran %d times, outer middleware saw %v", resp.StatusCode, body, calls.Load(), outerSaw)
	}
	resp, body = adaptertest.Do(t, nil, adaptertest.NewRequest(t, "GET", url+"/panic", nil))
	if resp.StatusCode != 410 || body != "it left" || calls.Load() != 2 {
		t.Fatalf("panic: client got %d %q, error handler ran %d times", resp.StatusCode, body, calls.Load())
	}
	a := sink.Wait(t, httplog.AccessMessage, 2)
	adaptertest.CheckFields(t, a[0], map[string]any{"http.response.status_code": 410, "level": "WARN", "http.response.body.size": len("it left")})
	adaptertest.CheckFields(t, a[1], map[string]any{"http.response.status_code": 410, "level": "ERROR", "error.type": "panic", "panic": "gone"})
}

// TestPanicWithEchoRecover checks that the line is the same whichever side
// of Echo's middleware.Recover the middleware is registered on.
func TestPanicWithEchoRecover(t *testing.T) {
	orders := []struct {
		name      string
		use       func(e *echo.Echo, mw echo.MiddlewareFunc)
		wantPanic bool
	}{
		{"Recover outside", func(e *echo.Echo, mw echo.MiddlewareFunc) { e.Use(middleware.Recover(), mw) }, true},
		// Recover returns the panic as a *middleware.PanicStackError.
		{"Recover inside", func(e *echo.Echo, mw echo.MiddlewareFunc) { e.Use(mw, middleware.Recover()) }, true},
		// Recover returns a plain error: the status and level are right,
		// but the panic is not known.
		{"Recover inside without stack", func(e *echo.Echo, mw echo.MiddlewareFunc) {
			e.Use(mw, middleware.RecoverWithConfig(middleware.RecoverConfig{DisablePrintStack: true}))
		}, false},
	}
	for _, o := range orders {
		t.Run(o.name, func(t *testing.T) {
			logger, sink := logtest.NewLogger()
			e := echo.New()
			var calls atomic.Int32
			defaultHandler := echo.DefaultHTTPErrorHandler(false)
			e.HTTPErrorHandler = func(c *echo.Context, err error) { calls.Add(1); defaultHandler(c, err) }
			o.use(e, logweaveechov5.Middleware(logger, nil))
			e.GET("/panic", func(c *echo.Context) error { panic("boom") })
			url := adaptertest.Serve(t, &http.Server{Handler: e})
			resp, body := adaptertest.Do(t, nil, adaptertest.NewRequest(t, "GET", url+"/panic", nil))
			if resp.StatusCode != 500 || body != `{"message":"Internal Server Error"}`+"\n" || calls.Load() != 1 {
				t.Fatalf("client got %d %q, error handler ran %d times", resp.StatusCode, body, calls.Load())
			}
			l := sink.Wait(t, httplog.AccessMessage, 1)[0]
			adaptertest.CheckFields(t, l, map[string]any{"http.response.status_code": 500, "level": "ERROR", "http.route": "/panic"})
			if o.wantPanic {
				adaptertest.CheckFields(t, l, map[string]any{"error.type": "panic", "panic": "boom", "error.message": nil})
				if stack, _ := l["stack"].(string); !strings.Contains(stack, "middleware_test.go") {
					t.Errorf("stack %q", stack)
				}
			} else {
				adaptertest.CheckFields(t, l, map[string]any{"error.type": "500"})
			}
		})
	}

	t.Run("RePanic to an outer Recover", func(t *testing.T) {
		logger, sink := logtest.NewLogger()
		e := echo.New()
		e.Use(middleware.Recover(), logweaveechov5.Middleware(logger, &httplog.Options{RePanic: true}))
		e.GET("/panic", func(c *echo.Context) error { panic("again") })
		url := adaptertest.Serve(t, &http.Server{Handler: e})
		resp, body := adaptertest.Do(t, nil, adaptertest.NewRequest(t, "GET", url+"/panic", nil))
		if resp.StatusCode != 500 || body != `{"message":"Internal Server Error"}`+"\n" {
			t.Fatalf("client got %d %q", resp.StatusCode, body)
		}
		adaptertest.CheckFields(t, sink.Wait(t, httplog.AccessMessage, 1)[0], map[string]any{"http.response.status_code": 500, "error.type": "panic", "panic": "again"})
	})

	t.Run("ErrAbortHandler", func(t *testing.T) {
		logger, sink := logtest.NewLogger()
		e := echo.New()
		e.Use(logweaveechov5.Middleware(logger, nil))
		e.GET("/abort", func(c *echo.Context) error { panic(http.ErrAbortHandler) })
		url := adaptertest.Serve(t, &http.Server{Handler: e})
		if _, err := http.Get(url + "/abort"); err == nil {
			t.Fatal("the connection should have been dropped")
		}
		adaptertest.CheckFields(t, sink.Wait(t, httplog.AccessMessage, 1)[0], map[string]any{"http.response.status_code": 499, "stack": nil, "panic": nil})
	})

	t.Run("after the header", func(t *testing.T) {
		logger, sink := logtest.NewLogger()
		e := echo.New()
		e.Use(logweaveechov5.Middleware(logger, nil))
		e.GET("/late", func(c *echo.Context) error {
			c.Response().WriteHeader(http.StatusAccepted)
			http.NewResponseController(c.Response()).Flush()
			panic("late")
		})
		url := adaptertest.Serve(t, &http.Server{Handler: e})
		resp, _ := adaptertest.Do(t, nil, adaptertest.NewRequest(t, "GET", url+"/late", nil))
		l := sink.Wait(t, httplog.AccessMessage, 1)[0]
		if resp.StatusCode != 202 {
			t.Fatalf("client got %d", resp.StatusCode)
		}
		adaptertest.CheckFields(t, l, map[string]any{"http.response.status_code": 202, "level": "ERROR", "error.type": "panic"})
	})
}

// TestClientIPStrategy checks that the configured strategy finds the
// client, where Echo's RealIP with the legacy extractor would take the
// spoofable leftmost entry.
func TestClientIPStrategy(t *testing.T) {
	strategy, err := clientip.RightmostNonPrivate("X-Forwarded-For")
	if err != nil {
		t.Fatal(err)
	}
	logger, sink := logtest.NewLogger()
	e := echo.New()
	e.IPExtractor = echo.LegacyIPExtractor()
	e.Use(logweaveechov5.Middleware(logger, &httplog.Options{ClientIP: strategy}))
	var realIP string
	e.GET("/", func(c *echo.Context) error { realIP = c.RealIP(); return nil })
	url := adaptertest.Serve(t, &http.Server{Handler: e})
	req := adaptertest.NewRequest(t, "GET", url+"/", nil)
	req.Header.Set("X-Forwarded-For", "6.6.6.6, 203.0.113.7")
	adaptertest.Do(t, nil, req)
	if realIP != "6.6.6.6" {
		t.Errorf("Echo's RealIP says %q: the premise of this test changed", realIP)
	}
	adaptertest.CheckFields(t, sink.Wait(t, httplog.AccessMessage, 1)[0], map[string]any{"client.address": "203.0.113.7"})
}

func TestServerSentEventsFlushed(t *testing.T) {
	logger, sink := logtest.NewLogger()
	e := echo.New()
	e.Use(logweaveechov5.Middleware(logger, nil))
	next := make(chan struct{})
	e.GET("/events", func(c *echo.Context) error {
		c.Response().Header().Set("Content-Type", "text/event-stream")
		c.Response().WriteHeader(http.StatusOK)
		for i := range 3 {
			io.WriteString(c.Response(), "data: event"+string(rune('0'+i))+"\n\n")
			http.NewResponseController(c.Response()).Flush()
			select {
			case <-next:
			case <-time.After(5 * time.Second):
				return errors.New("client did not receive a flushed event")
			}
		}
		return nil
	})
	url := adaptertest.Serve(t, &http.Server{Handler: e})
	adaptertest.ReadFlushedEvents(t, url+"/events", next)
	adaptertest.CheckFields(t, sink.Wait(t, httplog.AccessMessage, 1)[0], map[string]any{"http.response.status_code": 200,
		"http.response.body.size": 3 * len("data: event0\n\n"), "http.route": "/events"})
}

func TestWebSocketUpgradeHijack(t *testing.T) {
	logger, sink := logtest.NewLogger()
	e := echo.New()
	e.Use(logweaveechov5.Middleware(logger, nil))
	e.GET("/ws", func(c *echo.Context) error {
		if !c.IsWebSocket() {
			return echo.NewHTTPError(http.StatusBadRequest, "want upgrade")
		}
		// What a WebSocket library does with the writer it is given.
		conn, brw, err := http.NewResponseController(c.Response()).Hijack()
		if err != nil {
			return err
		}
		defer conn.Close()
		brw.WriteString(adaptertest.SwitchingProtocols)
		brw.Flush()
		msg, _ := brw.ReadString('\n')
		brw.WriteString("echo " + msg)
		brw.Flush()
		return nil
	})
	url := adaptertest.Serve(t, &http.Server{Handler: e})
	adaptertest.WebSocketPing(t, url)
	adaptertest.CheckFields(t, sink.Wait(t, httplog.AccessMessage, 1)[0], map[string]any{"http.response.status_code": 101, "http.route": "/ws", "level": "INFO"})
}

// TestFailureAfterHijack checks that a handler that took the connection
// over and then returned an error or panicked is logged with the 101 the
// client got, and that the error handler does not write on the hijacked
// connection (net/http would refuse it, and log warnings).
func TestFailureAfterHijack(t *testing.T) {
	cases := []struct {
		name string
		use  func(e *echo.Echo, mw echo.MiddlewareFunc)
		fail func() error
		want map[string]any
	}{
		{"error", func(e *echo.Echo, mw echo.MiddlewareFunc) { e.Use(mw) },
			func() error { return errors.New("peer sent garbage") },
			map[string]any{"level": "INFO", "error.message": "peer sent garbage", "error.type": nil, "panic": nil, "stack": nil}},
		{"panic", func(e *echo.Echo, mw echo.MiddlewareFunc) { e.Use(mw) },
			func() error { panic("boom after the upgrade") },
			map[string]any{"level": "ERROR", "error.type": "panic", "panic": "boom after the upgrade", "error.message": nil}},
		{"panic under Recover", func(e *echo.Echo, mw echo.MiddlewareFunc) {
			e.Use(mw, middleware.Recover()) // returns a *middleware.PanicStackError
		},
			func() error { panic("boom after the upgrade") },
			map[string]any{"level": "ERROR", "error.type": "panic", "panic": "boom after the upgrade", "error.message": nil}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			logger, sink := logtest.NewLogger()
			e := echo.New()
			var calls atomic.Int32
			defaultHandler := echo.DefaultHTTPErrorHandler(false)
			e.HTTPErrorHandler = func(c *echo.Context, err error) { calls.Add(1); defaultHandler(c, err) }
			tc.use(e, logweaveechov5.Middleware(logger, nil))
			e.GET("/ws", func(c *echo.Context) error {
				conn, brw, err := http.NewResponseController(c.Response()).Hijack()
				if err != nil {
					return err
				}
				defer conn.Close()
				brw.WriteString(adaptertest.SwitchingProtocols)
				brw.Flush()
				return tc.fail()
			})
			adaptertest.EchoHijackFailure(t, e, sink, tc.want)
			if n := calls.Load(); n != 0 {
				t.Errorf("error handler ran %d times on the hijacked connection", n)
			}
		})
	}
}

func TestHeadSendsNoBody(t *testing.T) {
	logger, sink := logtest.NewLogger()
	e := echo.New()
	e.Use(logweaveechov5.Middleware(logger, nil))
	e.HEAD("/doc", func(c *echo.Context) error { return c.String(http.StatusOK, "hello") })
	url := adaptertest.Serve(t, &http.Server{Handler: e})
	resp, _ := adaptertest.Do(t, nil, adaptertest.NewRequest(t, "HEAD", url+"/doc", nil))
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	adaptertest.CheckFields(t, sink.Wait(t, httplog.AccessMessage, 1)[0], map[string]any{"http.response.status_code": 200, "http.response.body.size": 0})
}

// TestInnerCanceledContextIsNotAbort checks that a context a handler's
// middleware canceled when done (ContextTimeout) does not read as 499.
func TestInnerCanceledContextIsNotAbort(t *testing.T) {
	logger, sink := logtest.NewLogger()
	e := echo.New()
	e.Use(logweaveechov5.Middleware(logger, nil), middleware.ContextTimeout(time.Minute))
	e.GET("/", func(c *echo.Context) error { return c.String(http.StatusOK, "ok") })
	url := adaptertest.Serve(t, &http.Server{Handler: e})
	adaptertest.Do(t, nil, adaptertest.NewRequest(t, "GET", url+"/", nil))
	adaptertest.CheckFields(t, sink.Wait(t, httplog.AccessMessage, 1)[0], map[string]any{"http.response.status_code": 200})
}

// TestSkipRoutesUseEchoTemplates checks that SkipRoutes match Echo's
// route templates, and not a 404 under a skipped route.
func TestSkipRoutesUseEchoTemplates(t *testing.T) {
	logger, sink := logtest.NewLogger()
	e := echo.New()
	e.Use(logweaveechov5.Middleware(logger, &httplog.Options{SkipRoutes: []string{"/healthz", "/users/:id"}, SkipPaths: []string{"/metrics"}}))
	e.GET("/healthz", func(c *echo.Context) error { return nil })
	e.GET("/users/:id", func(c *echo.Context) error { return nil })
	e.GET("/metrics", func(c *echo.Context) error { return nil })
	url := adaptertest.Serve(t, &http.Server{Handler: e})
	for _, p := range []string{"/healthz", "/users/1", "/metrics"} {
		if resp, _ := adaptertest.Do(t, nil, adaptertest.NewRequest(t, "GET", url+p, nil)); resp.Header.Get("X-Request-ID") == "" {
			t.Errorf("%s: skipped requests still get a request id", p)
		}
	}
	adaptertest.Do(t, nil, adaptertest.NewRequest(t, "GET", url+"/healthz/x", nil))
	a := sink.Wait(t, httplog.AccessMessage, 1)
	adaptertest.CheckFields(t, a[0], map[string]any{"url.path": "/healthz/x", "http.response.status_code": 404, "http.route": nil})
}

// TestRegisteredWithPre checks that the middleware works before routing
// too (e.Pre), where c.Path() is known only after next.
func TestRegisteredWithPre(t *testing.T) {
	logger, sink := logtest.NewLogger()
	e := echo.New()
	e.Pre(logweaveechov5.Middleware(logger, nil))
	e.GET("/users/:id", func(c *echo.Context) error { return c.String(http.StatusOK, "x") })
	url := adaptertest.Serve(t, &http.Server{Handler: e})
	adaptertest.Do(t, nil, adaptertest.NewRequest(t, "GET", url+"/users/1", nil))
	adaptertest.Do(t, nil, adaptertest.NewRequest(t, "GET", url+"/nope", nil))
	a := sink.Wait(t, httplog.AccessMessage, 2)
	adaptertest.CheckFields(t, a[0], map[string]any{"http.route": "/users/:id", "http.response.status_code": 200})
	adaptertest.CheckFields(t, a[1], map[string]any{"http.route": nil, "http.response.status_code": 404})
}

func TestBodyCapture(t *testing.T) {
	logger, sink := logtest.NewLogger()
	e := echo.New()
	e.Use(logweaveechov5.Middleware(logger, &httplog.Options{BodyContentTypes: []string{"application/json"}, MaxBodyBytes: 16}))
	e.POST("/items", func(c *echo.Context) error {
		buf := make([]byte, 5)
		io.ReadFull(c.Request().Body, buf) // reads only part of the body
		return c.JSONBlob(http.StatusOK, []byte(`{"ok":true,"padding":"`+strings.Repeat("x", 100)+`"}`))
	})
	url := adaptertest.Serve(t, &http.Server{Handler: e})
	req := adaptertest.NewRequest(t, "POST", url+"/items", strings.NewReader(`{"name":"a long request body"}`))
	req.Header.Set("Content-Type", "application/json")
	adaptertest.Do(t, nil, req)
	adaptertest.CheckFields(t, sink.Wait(t, httplog.AccessMessage, 1)[0], map[string]any{
		"http.request.body": `{"nam`, "http.request.body.size": 5,
		"http.response.body": `{"ok":true,"padd`, "http.response.body.truncated": true,
	})
}

// ownKey marks a context of the handler's own.
type ownKey struct{}

// TestLoggerKeepsExplicitContext checks Logger's binding: a line without a
// context gets the request's, one with a context of its own keeps it.
func TestLoggerKeepsExplicitContext(t *testing.T) {
	logger, sink := logtest.NewLogger()
	e := echo.New()
	e.Use(logweaveechov5.Middleware(logger, nil))
	e.GET("/", func(c *echo.Context) error {
		l := logweaveechov5.Logger(c).With("component", "api")
		l.Info("bound")
		l.InfoContext(context.Background(), "background")
		l.InfoContext(context.WithValue(context.Background(), ownKey{}, 1), "own")
		return nil
	})
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("traceparent", adaptertest.Traceparent)
	e.ServeHTTP(rec, req)
	got := map[string]any{}
	for _, l := range sink.Lines(t) {
		if l["component"] == "api" {
			got[l["msg"].(string)] = l["trace_id"]
		}
	}
	if got["bound"] != adaptertest.TraceID || got["background"] != adaptertest.TraceID || got["own"] != nil || len(got) != 3 {
		t.Fatalf("trace ids by line: %v", got)
	}

	// Without the middleware: slog.Default, still bound to the request.
	e2 := echo.New()
	var l *slog.Logger
	e2.GET("/", func(c *echo.Context) error { l = logweaveechov5.Logger(c); return nil })
	e2.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	if l == nil || l.Handler() == nil {
		t.Fatal("no logger without the middleware")
	}
}

// plainWriter hides Echo's Response: it has no Unwrap, against Echo's
// advice for writers set with c.SetResponse.
type plainWriter struct{ http.ResponseWriter }

// TestResponseNotUnwrappable checks that a response writer that does not
// lead to Echo's Response is served and logged: the Flight wraps it
// instead.
func TestResponseNotUnwrappable(t *testing.T) {
	logger, sink := logtest.NewLogger()
	e := echo.New()
	e.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c *echo.Context) error {
			c.SetResponse(plainWriter{c.Response()})
			return next(c)
		}
	}, logweaveechov5.Middleware(logger, nil))
	e.GET("/", func(c *echo.Context) error { return c.String(http.StatusOK, "ok") })
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != 200 || rec.Body.String() != "ok" {
		t.Fatalf("client got %d %q", rec.Code, rec.Body.String())
	}
	adaptertest.CheckFields(t, sink.Wait(t, httplog.AccessMessage, 1)[0], map[string]any{"http.response.status_code": 200, "http.route": "/", "http.response.body.size": 2})
}
