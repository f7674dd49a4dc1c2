package logweavefasthttp_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"

	"github.com/logweave/logweave"
	logweavefasthttp "github.com/logweave/logweave/contrib/fasthttp"
	"github.com/logweave/logweave/httplog"
	"github.com/logweave/logweave/tracectx"
	"github.com/valyala/fasthttp"
	"go.opentelemetry.io/otel/propagation"
)

func Example() {
	logger := logweave.New(os.Stdout, &logweave.Options{Service: "api", ReplaceAttr: stable})

	handler := func(fctx *fasthttp.RequestCtx) {
		// Lines logged with the request's context carry its trace and
		// request id.
		logger.InfoContext(logweavefasthttp.Context(fctx), "loading user", "path", string(fctx.Path()))
		fctx.SetContentType("application/json")
		fctx.SetBodyString(`{"id":42}`)
	}
	h := logweavefasthttp.Middleware(logger, nil)(handler)
	// A server runs it with fasthttp.ListenAndServe(":8080", h); here it
	// is called with one request, as the server would.

	var fctx fasthttp.RequestCtx
	var req fasthttp.Request
	req.SetRequestURI("http://api.example.com/users/42")
	req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	req.Header.Set("X-Request-ID", "req-1")
	fctx.Init(&req, &net.TCPAddr{IP: net.IPv4(203, 0, 113, 9), Port: 51234}, nil)
	h(&fctx)
	fmt.Println("X-Request-ID:", string(fctx.Response.Header.Peek("X-Request-ID")))

	// Output:
	// {"level":"INFO","msg":"loading user","service.name":"api","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","request_id":"req-1","path":"/users/42"}
	// {"level":"INFO","msg":"http request","service.name":"api","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","request_id":"req-1","http.request.method":"GET","url.path":"/users/42","http.response.status_code":200,"http.request.body.size":0,"http.response.body.size":9,"client.address":"203.0.113.9","network.protocol.version":"1.1","server.address":"api.example.com"}
	// X-Request-ID: req-1
}

func ExampleLogger() {
	logger := logweave.New(os.Stdout, &logweave.Options{Service: "api", ReplaceAttr: stable, Level: slog.LevelWarn})

	h := logweavefasthttp.Middleware(logger, nil)(func(fctx *fasthttp.RequestCtx) {
		log := logweavefasthttp.Logger(fctx)
		log.Warn("order is late", "id", 7) // no context passed, the trace is there
	})

	var fctx fasthttp.RequestCtx
	var req fasthttp.Request
	req.SetRequestURI("http://api.example.com/orders/7")
	req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	fctx.Init(&req, nil, nil)
	h(&fctx)
	// Output:
	// {"level":"WARN","msg":"order is late","service.name":"api","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","request_id":"4bf92f3577b34da6a3ce929d0e0e4736","id":7}
}

// A framework built on fasthttp runs its handlers between Begin and End,
// and passes the route it matched.
func ExampleRecorder() {
	logger := logweave.New(os.Stdout, &logweave.Options{Service: "api", ReplaceAttr: stable})
	rec := logweavefasthttp.NewRecorder(logger, &httplog.Options{RequestIDHeader: "-"})

	frameworkHandler := func(fctx *fasthttp.RequestCtx) {
		ctx, ex := rec.Begin(context.Background(), fctx)
		// The framework keeps ctx for its handlers, which run now.
		logger.InfoContext(ctx, "handling")
		fctx.SetStatusCode(fasthttp.StatusAccepted)
		if ex != nil { // nil when Options.Skip excludes the request
			ex.End("/jobs/:id")
		}
	}

	var fctx fasthttp.RequestCtx
	var req fasthttp.Request
	req.Header.SetMethod(fasthttp.MethodPost)
	req.SetRequestURI("http://api.example.com/jobs/3")
	req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	fctx.Init(&req, &net.TCPAddr{IP: net.IPv4(203, 0, 113, 9), Port: 51234}, nil)
	frameworkHandler(&fctx)
	// Output:
	// {"level":"INFO","msg":"handling","service.name":"api","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736"}
	// {"level":"INFO","msg":"http request","service.name":"api","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","http.request.method":"POST","http.route":"/jobs/:id","url.path":"/jobs/3","http.response.status_code":202,"http.request.body.size":0,"http.response.body.size":0,"client.address":"203.0.113.9","network.protocol.version":"1.1","server.address":"api.example.com"}
}

// A fasthttp client passes the trace on to the services it calls.
func ExampleRequestHeaderCarrier() {
	// ctx is a request's context, such as Context(fctx) in a handler.
	ctx := tracectx.W3C{}.Extract(context.Background(), propagation.MapCarrier{
		"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
	})
	var req fasthttp.Request
	req.SetRequestURI("http://inventory.internal/items/9")
	tracectx.W3C{}.Inject(ctx, &logweavefasthttp.RequestHeaderCarrier{Header: &req.Header})
	fmt.Println(string(req.Header.Peek("traceparent")))
	// Output:
	// 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01
}

// stable drops the fields that change from run to run (time, span ids,
// the duration), so the examples' output can be checked.
func stable(groups []string, a slog.Attr) slog.Attr {
	switch a.Key {
	case slog.TimeKey, logweave.SpanIDKey, logweave.TraceFlagsKey, httplog.DurationKey:
		return slog.Attr{}
	}
	return a
}
