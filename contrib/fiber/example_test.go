package logweavefiber_test

import (
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"

	"github.com/gofiber/fiber/v2"
	"github.com/logweave/logweave"
	logweavefiber "github.com/logweave/logweave/contrib/fiber"
	"github.com/logweave/logweave/httplog"
)

func Example() {
	logger := logweave.New(os.Stdout, &logweave.Options{Service: "api", ReplaceAttr: stable})

	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Use(logweavefiber.Middleware(logger, nil))
	app.Get("/users/:id", func(c *fiber.Ctx) error {
		// Lines logged with the request's context carry its trace and request id.
		logger.InfoContext(c.UserContext(), "loading user", "id", c.Params("id"))
		return c.JSON(fiber.Map{"id": c.Params("id")})
	})
	app.Get("/teapot", func(c *fiber.Ctx) error {
		// The error handler answers; the line has the status it wrote.
		return fiber.NewError(fiber.StatusTeapot, "short and stout")
	})

	req := httptest.NewRequest("GET", "/users/42", nil)
	req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	req.Header.Set("X-Request-ID", "req-1")
	resp, err := app.Test(req)
	if err != nil {
		panic(err)
	}
	fmt.Println("X-Request-ID:", resp.Header.Get("X-Request-ID"))

	req = httptest.NewRequest("GET", "/teapot", nil)
	req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	if _, err := app.Test(req); err != nil {
		panic(err)
	}
	// app.Test serves over an in-memory connection, whose peer address
	// is 0.0.0.0: no address, so the lines have no client.address.

	// Output:
	// {"level":"INFO","msg":"loading user","service.name":"api","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","request_id":"req-1","id":"42"}
	// {"level":"INFO","msg":"http request","service.name":"api","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","request_id":"req-1","http.request.method":"GET","http.route":"/users/:id","url.path":"/users/42","http.response.status_code":200,"http.request.body.size":0,"http.response.body.size":11,"network.protocol.version":"1.1","server.address":"example.com"}
	// X-Request-ID: req-1
	// {"level":"WARN","msg":"http request","service.name":"api","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","request_id":"4bf92f3577b34da6a3ce929d0e0e4736","http.request.method":"GET","http.route":"/teapot","url.path":"/teapot","http.response.status_code":418,"http.request.body.size":0,"http.response.body.size":15,"network.protocol.version":"1.1","server.address":"example.com"}
}

func ExampleLogger() {
	logger := logweave.New(os.Stdout, &logweave.Options{Service: "api", ReplaceAttr: stable, Level: slog.LevelWarn})

	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Use(logweavefiber.Middleware(logger, nil))
	app.Get("/orders/:id", func(c *fiber.Ctx) error {
		log := logweavefiber.Logger(c)
		log.Warn("order is late", "id", c.Params("id")) // no context passed, the trace is there
		return c.SendString("ok")
	})

	req := httptest.NewRequest("GET", "/orders/7", nil)
	req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	if _, err := app.Test(req); err != nil {
		panic(err)
	}
	// Output:
	// {"level":"WARN","msg":"order is late","service.name":"api","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","request_id":"4bf92f3577b34da6a3ce929d0e0e4736","id":"7"}
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
