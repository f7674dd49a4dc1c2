package logweavegin_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/gin-gonic/gin"
	"github.com/logweave/logweave"
	logweavegin "github.com/logweave/logweave/contrib/gin"
	"github.com/logweave/logweave/httplog"
)

func ExampleMiddleware() {
	gin.SetMode(gin.ReleaseMode)
	logger := logweave.New(os.Stdout, &logweave.Options{Service: "api", ReplaceAttr: stable})

	r := gin.New()
	r.Use(gin.Recovery(), logweavegin.Middleware(logger, nil))
	r.GET("/users/:id", func(c *gin.Context) {
		// The request's logger: its lines carry the trace and request id.
		logweavegin.Logger(c).Info("loading user", "id", c.Param("id"))
		c.JSON(http.StatusOK, gin.H{"id": c.Param("id")})
	})

	for _, path := range []string{"/users/42", "/nowhere"} {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
		req.Header.Set("X-Request-ID", "req-1")
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		fmt.Println(rec.Code, "X-Request-ID:", rec.Header().Get("X-Request-ID"))
	}
	// Output:
	// {"level":"INFO","msg":"loading user","service.name":"api","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","request_id":"req-1","id":"42"}
	// {"level":"INFO","msg":"http request","service.name":"api","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","request_id":"req-1","http.request.method":"GET","http.route":"/users/:id","url.path":"/users/42","http.response.status_code":200,"http.request.body.size":0,"http.response.body.size":11,"client.address":"192.0.2.1","network.protocol.version":"1.1","server.address":"example.com"}
	// 200 X-Request-ID: req-1
	// {"level":"WARN","msg":"http request","service.name":"api","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","request_id":"req-1","http.request.method":"GET","url.path":"/nowhere","http.response.status_code":404,"http.request.body.size":0,"http.response.body.size":18,"client.address":"192.0.2.1","network.protocol.version":"1.1","server.address":"example.com"}
	// 404 X-Request-ID: req-1
}

// stable drops the fields that change from run to run (time, the span id
// and flags, the duration), so the example's output can be checked.
func stable(groups []string, a slog.Attr) slog.Attr {
	switch a.Key {
	case slog.TimeKey, logweave.SpanIDKey, logweave.TraceFlagsKey, httplog.DurationKey:
		return slog.Attr{}
	}
	return a
}
