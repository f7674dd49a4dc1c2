package logweavegin_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/logweave/logweave/clientip"
	logweavegin "github.com/logweave/logweave/contrib/gin"
	"github.com/logweave/logweave/httplog"
	"github.com/logweave/logweave/internal/adaptertest"
	"github.com/logweave/logweave/internal/logtest"
)

// Where the middleware sits relative to gin.Recovery: the access line
// must not depend on it.
var orders = []struct {
	name string
	use  func(r *gin.Engine, mw gin.HandlerFunc)
}{
	{"alone", func(r *gin.Engine, mw gin.HandlerFunc) { r.Use(mw) }},
	{"before gin.Recovery", func(r *gin.Engine, mw gin.HandlerFunc) { r.Use(mw, gin.Recovery()) }},
	{"after gin.Recovery", func(r *gin.Engine, mw gin.HandlerFunc) { r.Use(gin.Recovery(), mw) }},
}

// panickingHandler is a named function, so that the stack can be checked
// for it.
func panickingHandler(c *gin.Context) {
	// A runtime error, as real panics mostly are: the query has no third
	// id.
	ids := strings.Split(c.Query("ids"), ",")
	c.String(http.StatusOK, ids[2])
}

// testEngine is the API the table runs against.
func testEngine(use func(*gin.Engine, gin.HandlerFunc), logger *slog.Logger, opts *httplog.Options) *gin.Engine {
	r := gin.New()
	r.HandleMethodNotAllowed = true
	use(r, logweavegin.Middleware(logger, opts))
	r.Match([]string{"GET", "HEAD"}, "/users/:id", func(c *gin.Context) {
		logger.InfoContext(c.Request.Context(), "inside")
		logweavegin.Logger(c).Info("bound")
		c.String(http.StatusOK, "user %s", c.Param("id"))
	})
	r.GET("/items/:id", func(c *gin.Context) {
		c.Error(fmt.Errorf("item %s not found", c.Param("id")))
		c.String(http.StatusNotFound, "no such item")
	})
	r.GET("/upstream", func(c *gin.Context) {
		c.Error(errors.New("upstream timed out"))
		c.Error(errors.New("cache cold"))
		c.AbortWithStatus(http.StatusServiceUnavailable)
	})
	r.GET("/panic", panickingHandler)
	r.GET("/slow", func(c *gin.Context) {
		<-c.Request.Context().Done()
	})
	return r
}

const (
	traceparent = adaptertest.Traceparent
	traceID     = adaptertest.TraceID
	b3TraceID   = adaptertest.B3TraceID
)

// errBrokenPipe is what writing to a connection the client closed fails
// with.
var errBrokenPipe error = syscall.EPIPE

var hex32 = regexp.MustCompile(`^[0-9a-f]{32}$`)

func TestAccessLineCases(t *testing.T) {
	cases := []struct {
		name       string
		method     string
		path       string
		header     map[string]string
		wantStatus int    // what the client got
		wantBody   string // what the client got, when checked
		want       map[string]any
		absent     []string // keys the line must not have
		check      func(t *testing.T, line map[string]any, resp *http.Response)
	}{
		{
			name: "200 with traceparent and request id", method: "GET", path: "/users/42?sort=asc&token=s3cret",
			header:     map[string]string{"traceparent": traceparent, "X-Request-ID": "req-abc", "User-Agent": "test/1.0"},
			wantStatus: 200, wantBody: "user 42",
			want: map[string]any{
				"http.request.method": "GET", "http.route": "/users/:id", "url.path": "/users/42",
				"url.query": "sort=asc&token=" + httplog.Mask, "http.response.status_code": 200.0,
				"http.response.body.size": 7.0, "http.request.body.size": 0.0, "level": "INFO",
				"client.address": "127.0.0.1", "user_agent.original": "test/1.0", "network.protocol.version": "1.1",
				"server.address": "127.0.0.1", "trace_id": traceID, "span_id": "00f067aa0ba902b7", "request_id": "req-abc",
				"service.name": "test",
			},
			absent: []string{"error.type", "error.message", "panic"},
			check: func(t *testing.T, line map[string]any, resp *http.Response) {
				if got := resp.Header.Get("X-Request-ID"); got != "req-abc" {
					t.Errorf("response X-Request-ID %q, want the incoming one", got)
				}
			},
		},
		{
			name: "404 from the router", method: "GET", path: "/nowhere",
			wantStatus: 404, wantBody: "404 page not found",
			want:   map[string]any{"http.response.status_code": 404.0, "http.response.body.size": 18.0, "level": "WARN", "url.path": "/nowhere"},
			absent: []string{"http.route", "error.type"},
			check: func(t *testing.T, line map[string]any, resp *http.Response) {
				if id := resp.Header.Get("X-Request-ID"); id != line["trace_id"] || !hex32.MatchString(id) {
					t.Errorf("response X-Request-ID %q, want the new trace id %v", id, line["trace_id"])
				}
			},
		},
		{
			name: "405 from the router", method: "POST", path: "/users/42",
			wantStatus: 405, wantBody: "405 method not allowed",
			want:   map[string]any{"http.response.status_code": 405.0, "http.response.body.size": 22.0, "level": "WARN", "http.request.method": "POST"},
			absent: []string{"http.route"},
			check: func(t *testing.T, line map[string]any, resp *http.Response) {
				if resp.Header.Get("Allow") != "GET, HEAD" {
					t.Errorf("Allow %q", resp.Header.Get("Allow"))
				}
			},
		},
		{
			name: "handler error with its own status", method: "GET", path: "/items/7",
			wantStatus: 404, wantBody: "no such item",
			want: map[string]any{
				"http.route": "/items/:id", "http.response.status_code": 404.0, "level": "WARN",
				"error.message": "item 7 not found", "http.response.body.size": 12.0,
			},
			absent: []string{"error.type"},
		},
		{
			name: "handler errors with a 503", method: "GET", path: "/upstream",
			wantStatus: 503, wantBody: "",
			want: map[string]any{
				"http.response.status_code": 503.0, "level": "ERROR", "error.type": "503",
				"error.message": "upstream timed out; cache cold", "http.response.body.size": 0.0,
			},
		},
		{
			name: "panic", method: "GET", path: "/panic",
			wantStatus: 500, wantBody: "",
			want: map[string]any{
				"http.route": "/panic", "http.response.status_code": 500.0, "level": "ERROR", "error.type": "panic",
				"http.response.body.size": 0.0,
			},
			check: func(t *testing.T, line map[string]any, resp *http.Response) {
				stack, _ := line["stack"].(string)
				if !strings.Contains(stack, "panickingHandler") || len(stack) > 8<<10+64 {
					t.Errorf("stack does not show the panic site: %.300s", stack)
				}
				if p, _ := line["panic"].(string); p != logweavegin.ErrRecoveredInside.Error() && !strings.Contains(p, "index out of range") {
					t.Errorf("panic %q", p)
				}
			},
		},
		{
			name: "spoofed forwarding headers", method: "GET", path: "/users/1",
			header:     map[string]string{"X-Forwarded-For": "6.6.6.6", "X-Real-IP": "6.6.6.6", "Forwarded": "for=6.6.6.6"},
			wantStatus: 200,
			want:       map[string]any{"client.address": "127.0.0.1"},
		},
		{
			name: "B3", method: "GET", path: "/users/1",
			header:     map[string]string{"b3": b3TraceID + "-e457b5a2e4d86bd1-1"},
			wantStatus: 200,
			// No request id arrived: the trace id is one, on the line too.
			want: map[string]any{"trace_id": b3TraceID, "span_id": "e457b5a2e4d86bd1", "request_id": b3TraceID},
			check: func(t *testing.T, line map[string]any, resp *http.Response) {
				if got := resp.Header.Get("X-Request-ID"); got != b3TraceID {
					t.Errorf("response X-Request-ID %q, want the trace id", got)
				}
			},
		},
		{
			name: "X-Request-ID alone", method: "GET", path: "/users/1",
			header:     map[string]string{"X-Request-ID": "only-an-id"},
			wantStatus: 200,
			want:       map[string]any{"request_id": "only-an-id"},
			check: func(t *testing.T, line map[string]any, resp *http.Response) {
				if !hex32.MatchString(fmt.Sprint(line["trace_id"])) || resp.Header.Get("X-Request-ID") != "only-an-id" {
					t.Errorf("trace_id %v, response X-Request-ID %q", line["trace_id"], resp.Header.Get("X-Request-ID"))
				}
			},
		},
		{
			name: "HEAD", method: "HEAD", path: "/users/1",
			wantStatus: 200,
			want:       map[string]any{"http.response.body.size": 0.0, "http.request.method": "HEAD"},
		},
	}
	for _, order := range orders {
		t.Run(order.name, func(t *testing.T) {
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					logger, sink := logtest.NewLogger()
					url, client := serve(t, testEngine(order.use, logger, nil))
					req := adaptertest.NewRequest(t, tc.method, url+tc.path, nil)
					for k, v := range tc.header {
						req.Header.Set(k, v)
					}
					resp, body := adaptertest.Do(t, client, req)
					if resp.StatusCode != tc.wantStatus || (tc.wantBody != "" && body != tc.wantBody) {
						t.Errorf("client got %d %q, want %d %q", resp.StatusCode, body, tc.wantStatus, tc.wantBody)
					}
					line := sink.Wait(t, httplog.AccessMessage, 1)[0]
					if logtest.Num(line["http.response.status_code"]) != resp.StatusCode {
						t.Errorf("logged status %v, the client got %d", line["http.response.status_code"], resp.StatusCode)
					}
					for k, v := range tc.want {
						if line[k] != v {
							t.Errorf("%s = %v, want %v", k, line[k], v)
						}
					}
					for _, k := range tc.absent {
						if v, ok := line[k]; ok {
							t.Errorf("%s = %v, want none", k, v)
						}
					}
					if d, ok := line["http.server.request.duration"].(float64); !ok || d < 0 || d > 5 {
						t.Errorf("duration %v", line["http.server.request.duration"])
					}
					if tc.check != nil {
						tc.check(t, line, resp)
					}
				})
			}
		})
	}
}

// TestHandlerLinesCarryTheTrace checks that the handler's own lines, via
// c.Request.Context() and via Logger, carry the request's trace and id.
func TestHandlerLinesCarryTheTrace(t *testing.T) {
	logger, sink := logtest.NewLogger()
	url, client := serve(t, testEngine(orders[0].use, logger, nil))
	req := adaptertest.NewRequest(t, "GET", url+"/users/42", nil)
	req.Header.Set("traceparent", traceparent)
	req.Header.Set("X-Request-ID", "req-1")
	adaptertest.Do(t, client, req)
	sink.Wait(t, httplog.AccessMessage, 1)
	for _, msg := range []string{"inside", "bound"} {
		l := sink.WithMsg(t, msg)
		if len(l) != 1 || l[0]["trace_id"] != traceID || l[0]["span_id"] != "00f067aa0ba902b7" || l[0]["request_id"] != "req-1" {
			t.Errorf("%s: %v", msg, l)
		}
	}
}

func TestClientAbortIs499(t *testing.T) {
	for _, order := range orders {
		t.Run(order.name, func(t *testing.T) {
			logger, sink := logtest.NewLogger()
			r := gin.New()
			order.use(r, logweavegin.Middleware(logger, nil))
			started := make(chan struct{})
			r.GET("/slow", func(c *gin.Context) {
				close(started)
				<-c.Request.Context().Done()
			})
			url, client := serve(t, r)
			ctx, cancel := context.WithCancel(context.Background())
			req := adaptertest.NewRequest(t, "GET", url+"/slow", nil).WithContext(ctx)
			go func() { <-started; cancel() }()
			if resp, err := client.Do(req); err == nil {
				resp.Body.Close()
				t.Fatal("want the canceled request to fail")
			}
			a := sink.Wait(t, httplog.AccessMessage, 1)[0]
			if logtest.Num(a["http.response.status_code"]) != 499 || a["level"] != "WARN" || a["error.type"] != "client_closed_request" || a["http.route"] != "/slow" {
				t.Fatalf("access line %v", a)
			}
		})
	}
}

// TestBrokenPipePanic checks that a panic of a client gone (what
// writing to a closed connection panics with in some renderers) is a 499,
// not a 500 with a stack, whichever recoverer sees it first: gin.Recovery
// takes it so.
func TestBrokenPipePanic(t *testing.T) {
	for _, order := range orders {
		t.Run(order.name, func(t *testing.T) {
			logger, sink := logtest.NewLogger()
			r := gin.New()
			order.use(r, logweavegin.Middleware(logger, nil))
			r.GET("/pipe", func(c *gin.Context) {
				panic(fmt.Errorf("write tcp: %w", errBrokenPipe))
			})
			url, client := serve(t, r)
			resp, err := client.Get(url + "/pipe")
			if err == nil {
				resp.Body.Close()
			}
			a := sink.Wait(t, httplog.AccessMessage, 1)[0]
			if logtest.Num(a["http.response.status_code"]) != 499 || a["stack"] != nil || a["error.type"] != "client_closed_request" {
				t.Fatalf("access line %v", a)
			}
		})
	}
}

// TestErrAbortHandler checks that http.ErrAbortHandler drops the
// connection (it reaches net/http) and is logged as 499.
func TestErrAbortHandler(t *testing.T) {
	logger, sink := logtest.NewLogger()
	r := gin.New()
	r.Use(logweavegin.Middleware(logger, nil))
	r.GET("/abort", func(c *gin.Context) { panic(http.ErrAbortHandler) })
	url, client := serve(t, r)
	if resp, err := client.Get(url + "/abort"); err == nil {
		resp.Body.Close()
		t.Fatal("the connection should have been dropped")
	}
	a := sink.Wait(t, httplog.AccessMessage, 1)[0]
	if logtest.Num(a["http.response.status_code"]) != 499 || a["stack"] != nil {
		t.Fatalf("access line %v", a)
	}
}

func TestClientIPStrategy(t *testing.T) {
	logger, sink := logtest.NewLogger()
	strategy, err := clientip.RightmostNonPrivate("X-Forwarded-For")
	if err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	r.Use(logweavegin.Middleware(logger, &httplog.Options{ClientIP: strategy}))
	r.GET("/", func(c *gin.Context) {})
	url, client := serve(t, r)
	req := adaptertest.NewRequest(t, "GET", url+"/", nil)
	// The client wrote the first entry; the proxy appended the second.
	req.Header.Set("X-Forwarded-For", "6.6.6.6, 203.0.113.7, 10.0.0.2")
	adaptertest.Do(t, client, req)
	if a := sink.Wait(t, httplog.AccessMessage, 1)[0]; a["client.address"] != "203.0.113.7" {
		t.Fatalf("client.address %v, want the address the proxy saw", a["client.address"])
	}
}
