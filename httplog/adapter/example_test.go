package adapter_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"time"

	"github.com/logweave/logweave"
	"github.com/logweave/logweave/httplog"
	"github.com/logweave/logweave/httplog/adapter"
	"go.opentelemetry.io/otel/propagation"
)

// varying are the fields that change from run to run (the time, the
// server's span id, the duration), left out so that the output can be
// checked.
var varying = map[string]bool{
	slog.TimeKey: true, logweave.SpanIDKey: true, logweave.TraceFlagsKey: true, httplog.DurationKey: true,
}

func stable(_ []string, a slog.Attr) slog.Attr {
	if varying[a.Key] {
		return slog.Attr{}
	}
	return a
}

// An adapter for a framework that runs on net/http starts a Flight for
// each request, runs the framework's handlers with the Flight's request
// and writer, and ends it with the route the framework matched: "" when
// it matched none.
func Example() {
	logger := logweave.New(os.Stdout, &logweave.Options{Service: "api", ReplaceAttr: stable})
	rec := adapter.NewRecorder(logger, nil)

	// serve stands for the adapter's middleware around a framework with
	// one route, "/users/:id".
	serve := func(w http.ResponseWriter, r *http.Request) {
		f := rec.Start(w, r)
		route := ""
		if strings.HasPrefix(r.URL.Path, "/users/") {
			route = "/users/:id"
			logger.InfoContext(f.Request().Context(), "loading user")
			io.WriteString(f.ResponseWriter(), `{"id":42}`)
		} else {
			http.NotFound(f.ResponseWriter(), f.Request())
		}
		f.End(route, nil, nil)
	}

	for _, path := range []string{"/users/42", "/nowhere"} {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
		serve(httptest.NewRecorder(), req)
	}
	// Output:
	// {"level":"INFO","msg":"loading user","service.name":"api","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","request_id":"4bf92f3577b34da6a3ce929d0e0e4736"}
	// {"level":"INFO","msg":"http request","service.name":"api","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","request_id":"4bf92f3577b34da6a3ce929d0e0e4736","http.request.method":"GET","http.route":"/users/:id","url.path":"/users/42","http.response.status_code":200,"http.request.body.size":0,"http.response.body.size":9,"client.address":"192.0.2.1","network.protocol.version":"1.1","server.address":"example.com"}
	// {"level":"WARN","msg":"http request","service.name":"api","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","request_id":"4bf92f3577b34da6a3ce929d0e0e4736","http.request.method":"GET","url.path":"/nowhere","http.response.status_code":404,"http.request.body.size":0,"http.response.body.size":19,"client.address":"192.0.2.1","network.protocol.version":"1.1","server.address":"example.com"}
}

// An adapter for a framework with a request type of its own reads the
// trace context through carriers over that type's headers (here an
// http.Header stands for them), and tells Log what the line says.
func ExampleRecorder_Log() {
	logger := logweave.New(os.Stdout, &logweave.Options{Service: "shop", ReplaceAttr: stable})
	rec := adapter.NewRecorder(logger, nil)

	in := http.Header{"Traceparent": {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}}
	out := http.Header{}
	ctx := rec.Begin(context.Background(), propagation.HeaderCarrier(in), propagation.HeaderCarrier(out))
	// ... the framework runs its handlers with ctx ...
	rec.Log(ctx, &adapter.Exchange{
		Method: "POST", Route: "/orders", Path: "/orders", Status: http.StatusCreated,
		RequestBodySize: 120, ResponseBodySize: 37, Duration: 4 * time.Millisecond, Protocol: "1.1",
	})
	fmt.Println("X-Request-ID:", out.Get("X-Request-ID"))
	// Output:
	// {"level":"INFO","msg":"http request","service.name":"shop","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","request_id":"4bf92f3577b34da6a3ce929d0e0e4736","http.request.method":"POST","http.route":"/orders","url.path":"/orders","http.response.status_code":201,"http.request.body.size":120,"http.response.body.size":37,"network.protocol.version":"1.1"}
	// X-Request-ID: 4bf92f3577b34da6a3ce929d0e0e4736
}
