// Command production is a small HTTP service with logweave's whole
// production pipeline: JSON lines through an async writer into a rotated,
// gzipped log file, the default redaction, sampling that keeps every
// warning and error, access lines from httplog, Prometheus metrics of
// every stage on /metrics, and SIGHUP to reopen the file and reload level,
// sampling and redaction from the configuration file (the reload is
// logged, with what changed and what takes a restart).
//
//	go run ./examples/production -config examples/production/logweave.json
//	curl -d email=ann@example.com -d card=4242424242424242 localhost:8080/orders
//	curl -H 'Content-Type: application/json' -d '{"email":"ann@example.com"}' localhost:8080/orders
//	kill -HUP <pid>
//
// Without -config it writes to ./logs/app.log with the production
// defaults (logs/ is in .gitignore). It prints its address, routes and log
// file on standard output, and serves on -addr until interrupted.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	lwprom "github.com/logweave/logweave/contrib/prometheus"
	"github.com/logweave/logweave/httplog"
	"github.com/logweave/logweave/pipeline"
	"github.com/logweave/logweave/rotate"
	"github.com/logweave/logweave/units"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

func main() {
	configPath := flag.String("config", "", "logweave configuration file (JSON); empty: production defaults")
	logPath := flag.String("log", "logs/app.log", "log file, when the configuration names none")
	addr := flag.String("addr", "127.0.0.1:8080", "address to serve on")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *configPath, *logPath, *addr, os.Stdout, nil); err != nil {
		fmt.Fprintln(os.Stderr, "production:", err)
		os.Exit(1)
	}
}

// config returns the configuration: the file's, or the production
// defaults writing to logPath, rotated daily and at 100 MiB, a week kept.
func config(configPath, logPath string) (pipeline.Config, error) {
	if configPath != "" {
		return pipeline.Load(configPath)
	}
	c := pipeline.ProductionConfig("orders")
	c.Output.Path = logPath
	c.Output.Rotate = &rotate.Config{
		MaxSize: 100 << 20, At: []string{"00:00"}, MaxAge: units.Duration(7 * 24 * time.Hour),
	}
	return c, nil
}

// run serves until ctx is done, then shuts the server down and closes the
// pipeline so that nothing buffered is lost. ready, when not nil, gets the
// address served on. What a person starting it needs to know (where to
// send requests, where the lines go) is printed on stdout, since the lines
// themselves go to the file.
func run(ctx context.Context, configPath, logPath, addr string, stdout io.Writer, ready chan<- string) error {
	c, err := config(configPath, logPath)
	if err != nil {
		return err
	}
	p, err := c.Build()
	if err != nil {
		return err
	}
	defer p.Close(context.Background())
	if configPath != "" {
		// nil: each reload is logged by the pipeline ("configuration
		// reloaded", applied=[level], restart_required=[output.path]).
		p.ReloadOnSIGHUP(configPath, nil)
	}
	slog.SetDefault(p.Logger) // code that logs with slog's functions gets the pipeline too

	metrics := lwprom.NewCollector()
	for stage, src := range p.Sources() {
		if err := metrics.Add(stage, src); err != nil {
			return err
		}
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(metrics)

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: routes(p.Logger, reg), ReadHeaderTimeout: 5 * time.Second}
	p.Logger.Info("serving", "addr", ln.Addr().String())
	fmt.Fprintf(stdout, "orders: serving on http://%s\n%s  logs: %s\n", ln.Addr(), routeList, c.Output.Path)
	if configPath != "" {
		fmt.Fprintf(stdout, "  kill -HUP %d reloads %s\n", os.Getpid(), configPath)
	}
	if ready != nil {
		ready <- ln.Addr().String()
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	p.Logger.Info("stopped")
	return p.Close(shutdown)
}

// routeList is what run prints of the routes.
const routeList = `  POST /orders    {"email": ..., "card": ...} as a form or JSON
  POST /payments  always fails (402), logged at ERROR
  GET  /metrics   Prometheus counters of every stage
  GET  /healthz
`

// order is the body of POST /orders, as a form or as JSON.
type order struct {
	Email string `json:"email"`
	Card  string `json:"card"`
}

// readOrder reads the order from a JSON body (Content-Type
// application/json) or a form.
func readOrder(r *http.Request) (order, error) {
	var o order
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/json" {
		dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 64<<10))
		if err := dec.Decode(&o); err != nil {
			return o, fmt.Errorf("JSON body: %w", err)
		}
		return o, nil
	}
	return order{Email: r.FormValue("email"), Card: r.FormValue("card")}, nil
}

// routes is the service: orders, a failing payment, and /metrics.
func routes(logger *slog.Logger, reg *prometheus.Registry) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /orders", func(w http.ResponseWriter, r *http.Request) {
		o, err := readOrder(r)
		if err != nil {
			logger.WarnContext(r.Context(), "order refused", "error", err)
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		// The customer's contact details are redacted from the line; the
		// trace id of the request is on it.
		logger.InfoContext(r.Context(), "order placed",
			"customer_email", o.Email, "card", o.Card, "items", 3)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintln(w, `{"order":"o-1001"}`)
	})
	mux.HandleFunc("POST /payments", func(w http.ResponseWriter, r *http.Request) {
		logger.ErrorContext(r.Context(), "payment failed", "event", "payment_failed",
			"error", errors.New("card declined for 4242 4242 4242 4242"))
		http.Error(w, "payment failed", http.StatusPaymentRequired)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	return httplog.Middleware(logger, &httplog.Options{SkipPaths: []string{"/healthz", "/metrics"}})(mux)
}
