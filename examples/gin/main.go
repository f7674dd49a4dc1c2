// Command example shows logweave's Gin middleware: it starts a Gin server
// on a loopback port, sends it a few requests (a user, a handler error, a
// panic, a 404 and a 405 from Gin's router) and exits. The access lines
// and the handler's own lines go to standard output as JSON.
//
//	go run ./examples/gin
package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/logweave/logweave"
	logweavegin "github.com/logweave/logweave/contrib/gin"
)

// newEngine returns the demo's API.
func newEngine(logger *slog.Logger) *gin.Engine {
	r := gin.New()
	r.HandleMethodNotAllowed = true
	// Inside gin.Recovery, the middleware recovers a handler's panic first
	// and logs its value; gin.Recovery is left with panics of the
	// middleware registered before it.
	r.Use(gin.Recovery(), logweavegin.Middleware(logger, nil))
	r.GET("/users/:id", func(c *gin.Context) {
		log := logweavegin.Logger(c)
		log.Info("loading user", "id", c.Param("id"))
		c.JSON(http.StatusOK, gin.H{"id": c.Param("id")})
	})
	r.GET("/orders/:id", func(c *gin.Context) {
		c.Error(errors.New("order service: no order " + c.Param("id")))
		c.JSON(http.StatusNotFound, gin.H{"error": "no such order"})
	})
	r.GET("/report", func(c *gin.Context) {
		// A bug: the range has no second part, and the handler panics.
		parts := strings.Split(c.DefaultQuery("range", "2024"), "..")
		c.String(http.StatusOK, "from %s to %s", parts[0], parts[1])
	})
	return r
}

func main() {
	gin.SetMode(gin.ReleaseMode)
	gin.DefaultErrorWriter = io.Discard // the access line has the panic
	logger := logweave.New(os.Stdout, &logweave.Options{Service: "gin-demo"})

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	srv := &http.Server{Handler: newEngine(logger), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()

	client := &http.Client{Timeout: 5 * time.Second}
	base := "http://" + ln.Addr().String()
	for _, r := range []struct{ method, path string }{
		{"GET", "/users/42"}, {"GET", "/orders/7"}, {"GET", "/report"}, {"GET", "/nowhere"}, {"DELETE", "/users/42"},
	} {
		req, _ := http.NewRequest(r.method, base+r.path, nil)
		req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
		resp, err := client.Do(req)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		fmt.Fprintf(os.Stderr, "%s %s -> %d, X-Request-ID %s\n", r.method, r.path, resp.StatusCode, resp.Header.Get("X-Request-ID"))
	}
}
