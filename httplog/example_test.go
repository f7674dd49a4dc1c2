package httplog_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/logweave/logweave"
	"github.com/logweave/logweave/httplog"
)

func ExampleMiddleware() {
	logger := logweave.New(os.Stdout, &logweave.Options{Service: "api", ReplaceAttr: stable})

	mux := http.NewServeMux()
	mux.HandleFunc("GET /users/{id}", func(w http.ResponseWriter, r *http.Request) {
		// Lines logged with the request's context carry its trace and request id.
		logger.InfoContext(r.Context(), "loading user", "id", r.PathValue("id"))
		fmt.Fprintf(w, `{"id":%q}`, r.PathValue("id"))
	})
	handler := httplog.Middleware(logger, nil)(mux)

	req := httptest.NewRequest("GET", "/users/42", nil)
	req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	req.Header.Set("X-Request-ID", "req-1")
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, req)
	fmt.Println("X-Request-ID:", rec.Header().Get("X-Request-ID"))
	// Output:
	// {"level":"INFO","msg":"loading user","service.name":"api","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","request_id":"req-1","id":"42"}
	// {"level":"INFO","msg":"http request","service.name":"api","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","request_id":"req-1","http.request.method":"GET","http.route":"GET /users/{id}","url.path":"/users/42","http.response.status_code":200,"http.request.body.size":0,"http.response.body.size":11,"client.address":"192.0.2.1","network.protocol.version":"1.1","server.address":"example.com"}
	// X-Request-ID: req-1
}

// stable drops the fields that change from run to run (time, the server's
// span id, the duration), so the example's output can be checked.
func stable(groups []string, a slog.Attr) slog.Attr {
	switch a.Key {
	case slog.TimeKey, logweave.SpanIDKey, logweave.TraceFlagsKey, httplog.DurationKey:
		return slog.Attr{}
	}
	return a
}
