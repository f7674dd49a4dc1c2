// Command example serves a small Fiber v3 API with logweave's middleware
// on loopback, sends it a few requests, prints the log lines and exits:
// a user lookup that logs with the request's context, a 404, a handler
// error, a panic and a stream of server-sent events.
//
//	go run ./examples/fiberv3
package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/logweave/logweave"
	logweavefiberv3 "github.com/logweave/logweave/contrib/fiberv3"
)

// newApp returns the demo's API with the middleware registered first.
func newApp(logger *slog.Logger) *fiber.App {
	app := fiber.New()
	app.Use(logweavefiberv3.Middleware(logger, nil))
	app.Get("/users/:id", func(c fiber.Ctx) error {
		logger.InfoContext(c.Context(), "loading user", "id", c.Params("id"))
		return c.JSON(fiber.Map{"id": c.Params("id")})
	})
	app.Get("/orders/:id", func(c fiber.Ctx) error {
		return fiber.NewError(fiber.StatusConflict, "order "+c.Params("id")+" is locked")
	})
	app.Get("/panic", func(c fiber.Ctx) error {
		panic("inventory is not configured") // the middleware recovers; the client gets 500
	})
	app.Get("/events", func(c fiber.Ctx) error {
		c.Set("Content-Type", "text/event-stream")
		log := logweavefiberv3.Logger(c)
		return c.SendStreamWriter(func(w *bufio.Writer) {
			for i := range 3 {
				fmt.Fprintf(w, "data: tick %d\n\n", i)
				if err := w.Flush(); err != nil {
					log.Warn("client went away", "err", err)
					return
				}
				time.Sleep(10 * time.Millisecond)
			}
		})
	})
	return app
}

// run serves the API on loopback, requests it and shuts it down.
func run(out io.Writer) error {
	logger := logweave.New(out, &logweave.Options{Service: "fiber-demo"})
	app := newApp(logger)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	served := make(chan error, 1)
	go func() { served <- app.Listener(ln, fiber.ListenConfig{DisableStartupMessage: true}) }()

	transport := &http.Transport{}
	client := &http.Client{Transport: transport, Timeout: 5 * time.Second}
	base := "http://" + ln.Addr().String()
	var errs []error
	for _, path := range []string{"/users/42", "/nowhere", "/orders/7", "/panic", "/events"} {
		req, err := http.NewRequest("GET", base+path, nil)
		if err != nil {
			return err
		}
		req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
		resp, err := client.Do(req)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	transport.CloseIdleConnections()
	errs = append(errs, app.ShutdownWithTimeout(5*time.Second), <-served)
	return errors.Join(errs...)
}

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
