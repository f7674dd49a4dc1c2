// Command example serves an Echo v5 application logged by logweaveechov5 on
// a loopback port, sends it a few requests (a trace that arrives, a
// returned error, a 404, a panic), prints what the client got, and exits.
// The access lines and the handler's own lines go to stdout as JSON.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/labstack/echo/v5"
	"github.com/logweave/logweave"
	"github.com/logweave/logweave/contrib/echov5"
)

func main() {
	if err := run(os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// run is the demo, writing its log and what the client got to out.
func run(out io.Writer) error {
	logger := logweave.New(out, &logweave.Options{Service: "example-echov5"})

	e := echo.New()
	e.Use(logweaveechov5.Middleware(logger, nil))
	e.GET("/users/:id", func(c *echo.Context) error {
		logweaveechov5.Logger(c).Info("loading user", "id", c.Param("id"))
		return c.JSON(http.StatusOK, map[string]string{"id": c.Param("id"), "name": "Ada"})
	})
	e.GET("/orders/:id", func(c *echo.Context) error {
		return echo.NewHTTPError(http.StatusNotFound, "no such order")
	})
	e.GET("/panic", func(c *echo.Context) error { panic("something went badly wrong") })

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: e, ReadHeaderTimeout: 5 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	base := "http://" + ln.Addr().String()
	for _, path := range []string{"/users/42", "/orders/7", "/nowhere", "/panic"} {
		req, err := http.NewRequest("GET", base+path, nil)
		if err != nil {
			return err
		}
		req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Fprintf(out, "GET %s -> %d X-Request-ID=%s %s", path, resp.StatusCode, resp.Header.Get("X-Request-ID"), body)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		return err
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
