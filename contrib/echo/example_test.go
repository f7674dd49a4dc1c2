package logweaveecho_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/labstack/echo/v4"
	"github.com/logweave/logweave"
	logweaveecho "github.com/logweave/logweave/contrib/echo"
	"github.com/logweave/logweave/httplog"
)

func ExampleMiddleware() {
	logger := logweave.New(os.Stdout, &logweave.Options{Service: "api", ReplaceAttr: stable})

	e := echo.New()
	e.Use(logweaveecho.Middleware(logger, nil))
	e.GET("/users/:id", func(c echo.Context) error {
		// Lines logged through Logger(c) carry the request's trace and request id.
		logweaveecho.Logger(c).Info("loading user", "id", c.Param("id"))
		return c.JSON(http.StatusOK, map[string]string{"id": c.Param("id")})
	})
	e.GET("/teapot", func(c echo.Context) error {
		return echo.NewHTTPError(http.StatusTeapot, "short and stout")
	})

	for _, path := range []string{"/users/42", "/teapot", "/nope"} {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
		req.Header.Set("X-Request-ID", "req-1")
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		fmt.Println(rec.Code, "X-Request-ID:", rec.Header().Get("X-Request-ID"))
	}
	// Output:
	// {"level":"INFO","msg":"loading user","service.name":"api","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","request_id":"req-1","id":"42"}
	// {"level":"INFO","msg":"http request","service.name":"api","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","request_id":"req-1","http.request.method":"GET","http.route":"/users/:id","url.path":"/users/42","http.response.status_code":200,"http.request.body.size":0,"http.response.body.size":12,"client.address":"192.0.2.1","network.protocol.version":"1.1","server.address":"example.com"}
	// 200 X-Request-ID: req-1
	// {"level":"WARN","msg":"http request","service.name":"api","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","request_id":"req-1","http.request.method":"GET","http.route":"/teapot","url.path":"/teapot","http.response.status_code":418,"http.request.body.size":0,"http.response.body.size":30,"client.address":"192.0.2.1","network.protocol.version":"1.1","server.address":"example.com","error.message":"code=418, message=short and stout"}
	// 418 X-Request-ID: req-1
	// {"level":"WARN","msg":"http request","service.name":"api","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","request_id":"req-1","http.request.method":"GET","url.path":"/nope","http.response.status_code":404,"http.request.body.size":0,"http.response.body.size":24,"client.address":"192.0.2.1","network.protocol.version":"1.1","server.address":"example.com","error.message":"code=404, message=Not Found"}
	// 404 X-Request-ID: req-1
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
