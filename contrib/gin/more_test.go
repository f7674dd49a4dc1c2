package logweavegin_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/logweave/logweave"
	logweavegin "github.com/logweave/logweave/contrib/gin"
	"github.com/logweave/logweave/httplog"
	"github.com/logweave/logweave/internal/adaptertest"
	"github.com/logweave/logweave/internal/logtest"
	"go.opentelemetry.io/otel/trace"
)

// TestPanicValueByOrder pins what each order logs for a panic: the same
// status, level, error.type and stack; the value where this middleware
// recovers it, ErrRecoveredInside where gin.Recovery, inside it, does.
func TestPanicValueByOrder(t *testing.T) {
	want := map[string]string{
		"alone":               "runtime error: index out of range [2] with length 1",
		"after gin.Recovery":  "runtime error: index out of range [2] with length 1",
		"before gin.Recovery": logweavegin.ErrRecoveredInside.Error(),
	}
	for _, order := range orders {
		t.Run(order.name, func(t *testing.T) {
			logger, sink := logtest.NewLogger()
			url, client := serve(t, testEngine(order.use, logger, nil))
			resp, _ := adaptertest.Do(t, client, adaptertest.NewRequest(t, "GET", url+"/panic", nil))
			a := sink.Wait(t, httplog.AccessMessage, 1)[0]
			stack, _ := a["stack"].(string)
			if resp.StatusCode != 500 || logtest.Num(a["http.response.status_code"]) != 500 || a["level"] != "ERROR" ||
				a["error.type"] != "panic" || a["panic"] != want[order.name] || !strings.Contains(stack, "panickingHandler") {
				t.Fatalf("client %d, access line %v", resp.StatusCode, a)
			}
		})
	}
}

// TestPanicAfterHeader checks that a panic once the response started
// keeps the status the client got, at ERROR, in every order.
func TestPanicAfterHeader(t *testing.T) {
	for _, order := range orders {
		t.Run(order.name, func(t *testing.T) {
			logger, sink := logtest.NewLogger()
			r := gin.New()
			order.use(r, logweavegin.Middleware(logger, nil))
			r.GET("/late", func(c *gin.Context) {
				c.Status(http.StatusAccepted)
				c.Writer.WriteString("partial")
				c.Writer.Flush()
				panic("late")
			})
			url, client := serve(t, r)
			resp, err := client.Get(url + "/late")
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			a := sink.Wait(t, httplog.AccessMessage, 1)[0]
			if logtest.Num(a["http.response.status_code"]) != 202 || a["level"] != "ERROR" || a["error.type"] != "panic" {
				t.Fatalf("access line %v", a)
			}
		})
	}
}

// TestRePanic checks that with RePanic the panic reaches an outer
// recoverer once it is logged and answered.
func TestRePanic(t *testing.T) {
	logger, sink := logtest.NewLogger()
	var recovered any
	r := gin.New()
	r.Use(func(c *gin.Context) {
		defer func() { recovered = recover() }()
		c.Next()
	}, logweavegin.Middleware(logger, &httplog.Options{RePanic: true}))
	r.GET("/", func(c *gin.Context) { panic("again") })
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	a := sink.WithMsg(t, httplog.AccessMessage)
	if recovered != "again" || rec.Code != 500 || len(a) != 1 || a[0]["panic"] != "again" {
		t.Fatalf("recovered %v, code %d, lines %v", recovered, rec.Code, a)
	}
}

// TestCustomRecoveryInside checks a recoverer of the user's own, which
// answers with a JSON 500, inside the middleware.
func TestCustomRecoveryInside(t *testing.T) {
	logger, sink := logtest.NewLogger()
	r := gin.New()
	r.Use(logweavegin.Middleware(logger, nil), gin.CustomRecovery(func(c *gin.Context, err any) {
		c.AbortWithStatusJSON(http.StatusInternalServerError, gin.H{"error": "internal"})
	}))
	r.GET("/panic", panickingHandler)
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest("GET", "/panic", nil))
	a := sink.WithMsg(t, httplog.AccessMessage)
	if rec.Code != 500 || len(a) != 1 || a[0]["error.type"] != "panic" || logtest.Num(a[0]["http.response.body.size"]) != rec.Body.Len() ||
		!strings.Contains(fmt.Sprint(a[0]["stack"]), "panickingHandler") {
		t.Fatalf("code %d, lines %v", rec.Code, a)
	}
}

// TestPlain5xxIsNoPanic checks that a handler's own 500 is not taken for a
// recovered panic.
func TestPlain5xxIsNoPanic(t *testing.T) {
	for _, order := range orders {
		t.Run(order.name, func(t *testing.T) {
			logger, sink := logtest.NewLogger()
			r := gin.New()
			order.use(r, logweavegin.Middleware(logger, nil))
			r.GET("/", func(c *gin.Context) { c.String(http.StatusInternalServerError, "failed") })
			r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
			a := sink.WithMsg(t, httplog.AccessMessage)
			if len(a) != 1 || a[0]["error.type"] != "500" || a[0]["stack"] != nil || a[0]["panic"] != nil {
				t.Fatalf("lines %v", a)
			}
		})
	}
}

func TestServerSentEventsFlushed(t *testing.T) {
	logger, sink := logtest.NewLogger()
	next := make(chan struct{})
	r := gin.New()
	r.Use(logweavegin.Middleware(logger, nil), gin.Recovery())
	r.GET("/events", func(c *gin.Context) {
		i := 0
		c.Stream(func(w io.Writer) bool {
			c.SSEvent("tick", fmt.Sprint(i))
			i++
			return i < 3
		})
	})
	r.GET("/manual", func(c *gin.Context) {
		c.Header("Content-Type", "text/event-stream")
		for i := range 3 {
			fmt.Fprintf(c.Writer, "data: event%d\n\n", i)
			c.Writer.Flush()
			select {
			case <-next:
			case <-time.After(5 * time.Second):
				t.Error("client did not receive a flushed event")
				return
			}
		}
	})
	url, client := serve(t, r)

	resp, err := client.Get(url + "/manual")
	if err != nil {
		t.Fatal(err)
	}
	rd := bufio.NewReader(resp.Body)
	for i := range 3 {
		line, err := rd.ReadString('\n')
		if err != nil || line != fmt.Sprintf("data: event%d\n", i) {
			t.Fatalf("event %d: %q %v", i, line, err)
		}
		rd.ReadString('\n')
		next <- struct{}{} // the handler goes on only once we saw the event: it was flushed
	}
	// Read to the end: closing early would be a client gone (499).
	if rest, err := io.ReadAll(rd); err != nil || len(rest) != 0 {
		t.Fatalf("after the events: %q %v", rest, err)
	}
	resp.Body.Close()
	a := sink.Wait(t, httplog.AccessMessage, 1)[0]
	if logtest.Num(a["http.response.status_code"]) != 200 || logtest.Num(a["http.response.body.size"]) != 3*len("data: event0\n\n") {
		t.Fatalf("access line %v", a)
	}

	_, body := adaptertest.Do(t, client, adaptertest.NewRequest(t, "GET", url+"/events", nil))
	if want := "event:tick\ndata:0\n\nevent:tick\ndata:1\n\nevent:tick\ndata:2\n\n"; body != want {
		t.Fatalf("c.Stream body %q, want %q", body, want)
	}
	if a := sink.Wait(t, httplog.AccessMessage, 2)[1]; logtest.Num(a["http.response.body.size"]) != len(body) {
		t.Fatalf("access line %v, want %d bytes", a, len(body))
	}
}

func TestWebSocketUpgradeHijack(t *testing.T) {
	logger, sink := logtest.NewLogger()
	r := gin.New()
	r.Use(gin.Recovery(), logweavegin.Middleware(logger, nil))
	r.GET("/ws", func(c *gin.Context) {
		if c.GetHeader("Upgrade") != "websocket" {
			c.String(http.StatusBadRequest, "want upgrade")
			return
		}
		conn, brw, err := c.Writer.Hijack()
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
	})
	url, _ := serve(t, r)
	adaptertest.WebSocketPing(t, url)
	if a := sink.Wait(t, httplog.AccessMessage, 1)[0]; logtest.Num(a["http.response.status_code"]) != 101 || a["http.route"] != "/ws" {
		t.Fatalf("access line %v, want status 101", a)
	}
}

func TestResponseControllerThroughUnwrap(t *testing.T) {
	logger, _ := logtest.NewLogger()
	r := gin.New()
	r.Use(logweavegin.Middleware(logger, nil))
	r.GET("/", func(c *gin.Context) {
		rc := http.NewResponseController(c.Writer)
		if err := rc.SetWriteDeadline(time.Now().Add(time.Minute)); err != nil {
			t.Errorf("SetWriteDeadline: %v", err)
		}
		if err := rc.Flush(); err != nil {
			t.Errorf("Flush: %v", err)
		}
	})
	url, client := serve(t, r)
	adaptertest.Do(t, client, adaptertest.NewRequest(t, "GET", url+"/", nil))
}

// TestRequestBodyAndCapture checks the request body size (what the
// handler read, through Gin's binding) and body capture, as httplog
// does them.
func TestRequestBodyAndCapture(t *testing.T) {
	logger, sink := logtest.NewLogger()
	r := gin.New()
	r.Use(logweavegin.Middleware(logger, &httplog.Options{BodyContentTypes: []string{"application/json"}, MaxBodyBytes: 16}))
	r.POST("/users", func(c *gin.Context) {
		var in struct{ Name string }
		if err := c.ShouldBindJSON(&in); err != nil {
			c.AbortWithError(http.StatusBadRequest, err)
			return
		}
		c.JSON(http.StatusCreated, gin.H{"name": in.Name, "padding": strings.Repeat("x", 40)})
	})
	url, client := serve(t, r)
	in := `{"name":"a long enough name"}`
	req := adaptertest.NewRequest(t, "POST", url+"/users", strings.NewReader(in))
	req.Header.Set("Content-Type", "application/json")
	resp, body := adaptertest.Do(t, client, req)
	if resp.StatusCode != 201 {
		t.Fatalf("status %d %s", resp.StatusCode, body)
	}
	a := sink.Wait(t, httplog.AccessMessage, 1)[0]
	if logtest.Num(a["http.request.body.size"]) != len(in) || logtest.Num(a["http.response.body.size"]) != len(body) ||
		a["http.request.body"] != in[:16] || a["http.request.body.truncated"] != true ||
		a["http.response.body"] != body[:16] || a["http.response.body.truncated"] != true {
		t.Fatalf("access line %v", a)
	}
}

// TestRequestBodyRestored checks that a middleware outside this one finds
// the request's own body again, and the trace in c.Request.
func TestRequestBodyRestored(t *testing.T) {
	logger, _ := logtest.NewLogger()
	r := gin.New()
	var after io.ReadCloser
	var sc trace.SpanContext
	r.Use(func(c *gin.Context) {
		c.Next()
		after = c.Request.Body
		sc = trace.SpanContextFromContext(c.Request.Context())
	}, logweavegin.Middleware(logger, nil))
	r.POST("/", func(c *gin.Context) { io.ReadAll(c.Request.Body) })
	body := io.NopCloser(strings.NewReader("x"))
	req := httptest.NewRequest("POST", "/", nil)
	req.Body = body
	req.Header.Set("traceparent", traceparent)
	r.ServeHTTP(httptest.NewRecorder(), req)
	if after != body || sc.TraceID().String() != traceID {
		t.Fatalf("body %T, trace %v", after, sc.TraceID())
	}
}

func TestSkipAndSkipRoutes(t *testing.T) {
	logger, sink := logtest.NewLogger()
	r := gin.New()
	r.Use(logweavegin.Middleware(logger, &httplog.Options{
		SkipPaths:    []string{"/metrics"},
		SkipRoutes:   []string{"/healthz/:probe"},
		SampleRoutes: map[string]int{"/ping": 5},
	}))
	r.GET("/metrics", func(c *gin.Context) {})
	r.GET("/healthz/:probe", func(c *gin.Context) {
		if c.Query("fail") != "" {
			c.Status(http.StatusServiceUnavailable)
		}
	})
	r.GET("/ping", func(c *gin.Context) {})
	url, client := serve(t, r)
	for _, p := range []string{"/metrics", "/healthz/live", "/healthz/ready", "/healthz/ready?fail=1"} {
		resp, _ := adaptertest.Do(t, client, adaptertest.NewRequest(t, "GET", url+p, nil))
		if resp.Header.Get("X-Request-ID") == "" {
			t.Errorf("%s: skipped requests still get a request id", p)
		}
	}
	for range 10 {
		adaptertest.Do(t, client, adaptertest.NewRequest(t, "GET", url+"/ping", nil))
	}
	a := sink.Wait(t, httplog.AccessMessage, 3) // the failing health check, and 2 of 10 pings
	if a[0]["url.path"] != "/healthz/ready" || logtest.Num(a[0]["http.response.status_code"]) != 503 ||
		a[1]["http.route"] != "/ping" || a[2]["http.route"] != "/ping" {
		t.Fatalf("lines %v", a)
	}
}

// TestRouteOption checks that Options.Route replaces c.FullPath().
func TestRouteOption(t *testing.T) {
	logger, sink := logtest.NewLogger()
	r := gin.New()
	r.Use(logweavegin.Middleware(logger, &httplog.Options{Route: func(r *http.Request) string { return "custom" }}))
	r.GET("/a/:b", func(c *gin.Context) {})
	r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/a/1", nil))
	if a := sink.WithMsg(t, httplog.AccessMessage); len(a) != 1 || a[0]["http.route"] != "custom" {
		t.Fatalf("lines %v", a)
	}
}

// TestRedirectsRunNoMiddleware documents a limit: Gin answers a
// trailing-slash redirect before any middleware runs.
func TestRedirectsRunNoMiddleware(t *testing.T) {
	logger, sink := logtest.NewLogger()
	r := gin.New()
	r.Use(logweavegin.Middleware(logger, nil))
	r.GET("/users/", func(c *gin.Context) {})
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest("GET", "/users", nil))
	if rec.Code != http.StatusMovedPermanently || len(sink.WithMsg(t, httplog.AccessMessage)) != 0 {
		t.Fatalf("code %d, lines %v", rec.Code, sink.WithMsg(t, httplog.AccessMessage))
	}
}

// TestNoRouteHandler checks a 404 from the user's NoRoute handler, which
// writes its own body.
func TestNoRouteHandler(t *testing.T) {
	logger, sink := logtest.NewLogger()
	r := gin.New()
	r.Use(logweavegin.Middleware(logger, nil))
	r.NoRoute(func(c *gin.Context) { c.JSON(http.StatusNotFound, gin.H{"error": "no such page"}) })
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest("GET", "/x", nil))
	a := sink.WithMsg(t, httplog.AccessMessage)
	if rec.Code != 404 || len(a) != 1 || logtest.Num(a[0]["http.response.status_code"]) != 404 || logtest.Num(a[0]["http.response.body.size"]) != rec.Body.Len() {
		t.Fatalf("code %d body %q, lines %v", rec.Code, rec.Body, a)
	}
}

func TestLogger(t *testing.T) {
	logger, sink := logtest.NewLogger()
	r := gin.New()
	r.ContextWithFallback = true
	r.Use(logweavegin.Middleware(logger, nil))
	r.GET("/", func(c *gin.Context) {
		log := logweavegin.Logger(c)
		log.Info("plain")
		log.InfoContext(c, "gin context")
		log.With("k", "v").WithGroup("g").Warn("derived", "x", 1)
		// A context of the handler's own, with another span: kept.
		other := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
			TraceID: trace.TraceID{1}, SpanID: trace.SpanID{2},
		}))
		log.InfoContext(other, "own span")
		// The base logger with c: ContextWithFallback makes it work.
		logger.InfoContext(c, "fallback")
	})
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("traceparent", traceparent)
	r.ServeHTTP(httptest.NewRecorder(), req)

	for _, msg := range []string{"plain", "gin context", "derived", "fallback"} {
		l := sink.WithMsg(t, msg)
		if len(l) != 1 || l[0]["trace_id"] != traceID {
			t.Errorf("%s: %v", msg, l)
		}
	}
	if l := sink.WithMsg(t, "derived"); len(l) == 1 && (l[0]["k"] != "v" || fmt.Sprint(l[0]["g"]) != "map[x:1]") {
		t.Errorf("derived: %v", l)
	}
	if l := sink.WithMsg(t, "own span"); len(l) != 1 || l[0]["trace_id"] != (trace.TraceID{1}).String() {
		t.Errorf("own span: %v", l)
	}
}

// TestLoggerOutlivesTheRequest checks that a logger handed to a goroutine
// keeps its request's trace after Gin reused c for the next request.
func TestLoggerOutlivesTheRequest(t *testing.T) {
	logger, sink := logtest.NewLogger()
	r := gin.New()
	r.Use(logweavegin.Middleware(logger, nil))
	loggers := make(chan *slog.Logger, 1)
	r.GET("/first", func(c *gin.Context) { loggers <- logweavegin.Logger(c) })
	r.GET("/second", func(c *gin.Context) {})
	first := httptest.NewRequest("GET", "/first", nil)
	first.Header.Set("traceparent", traceparent)
	r.ServeHTTP(httptest.NewRecorder(), first)
	r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/second", nil))
	(<-loggers).Info("later")
	if l := sink.WithMsg(t, "later"); len(l) != 1 || l[0]["trace_id"] != traceID {
		t.Fatalf("later: %v", l)
	}
}

// TestLoggerWithoutMiddleware checks the fallback to slog.Default.
func TestLoggerWithoutMiddleware(t *testing.T) {
	sink := &logtest.Sink{}
	prev := slog.Default()
	slog.SetDefault(logweave.New(sink, nil))
	t.Cleanup(func() { slog.SetDefault(prev) })
	r := gin.New()
	r.GET("/", func(c *gin.Context) { logweavegin.Logger(c).Info("no middleware") })
	r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	if l := sink.WithMsg(t, "no middleware"); len(l) != 1 {
		t.Fatalf("lines %v", sink.Lines(t))
	}
	if logweavegin.Logger(nil) == nil {
		t.Fatal("Logger(nil) is nil")
	}
}

// TestConcurrentRequests runs requests in parallel through one engine, for
// the race detector and the pooled state.
func TestConcurrentRequests(t *testing.T) {
	logger, sink := logtest.NewLogger()
	url, client := serve(t, testEngine(orders[1].use, logger, nil))
	var wg sync.WaitGroup
	paths := []string{"/users/1", "/nowhere", "/items/2", "/panic", "/upstream"}
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := client.Get(url + paths[i%len(paths)])
			if err != nil {
				t.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}()
	}
	wg.Wait()
	want := map[string]int{"/users/1": 200, "/nowhere": 404, "/items/2": 404, "/panic": 500, "/upstream": 503}
	for _, a := range sink.Wait(t, httplog.AccessMessage, 40) {
		if logtest.Num(a["http.response.status_code"]) != want[a["url.path"].(string)] {
			t.Errorf("line %v", a)
		}
	}
}
