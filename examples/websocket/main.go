// Command websocket serves a WebSocket echo endpoint through logweave's
// HTTP middleware: the upgrade passes through the middleware's writer
// (http.Hijacker), every message handled is logged with the trace of the
// request that opened the connection, and the access line is written when
// the connection ends, with status 101.
//
//	go run ./examples/websocket
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"

	"github.com/coder/websocket"
	"github.com/logweave/logweave"
	"github.com/logweave/logweave/httplog"
)

// echo upgrades the request and echoes each text message back, logging it
// with the request's context.
func echo(logger *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		conn, err := websocket.Accept(w, r, nil)
		if err != nil {
			logger.WarnContext(r.Context(), "websocket upgrade failed", "err", err)
			return
		}
		defer conn.CloseNow()
		ctx := r.Context()
		for {
			typ, msg, err := conn.Read(ctx)
			if err != nil {
				if websocket.CloseStatus(err) != websocket.StatusNormalClosure && !errors.Is(err, context.Canceled) {
					logger.WarnContext(ctx, "websocket read", "err", err)
				}
				return
			}
			logger.InfoContext(ctx, "websocket message", "bytes", len(msg))
			if err := conn.Write(ctx, typ, append([]byte("echo: "), msg...)); err != nil {
				return
			}
		}
	}
}

// newServer returns the demo's handler: the echo endpoint behind the middleware.
func newServer(logger *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /ws", echo(logger))
	return httplog.Middleware(logger, nil)(mux)
}

func main() {
	logger := logweave.New(os.Stdout, &logweave.Options{Service: "ws-demo"})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	srv := &http.Server{Handler: newServer(logger)}
	go srv.Serve(ln)
	defer srv.Close()

	// One client session, so the demo shows its own log lines and ends.
	ctx := context.Background()
	conn, _, err := websocket.Dial(ctx, "ws://"+ln.Addr().String()+"/ws", nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	conn.Write(ctx, websocket.MessageText, []byte("hello"))
	_, reply, _ := conn.Read(ctx)
	fmt.Fprintln(os.Stderr, "client got:", string(reply))
	conn.Close(websocket.StatusNormalClosure, "bye")
}
