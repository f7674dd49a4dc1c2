// Command production is a small HTTP service with logweave's whole
// production pipeline: JSON lines through an async writer into a rotated,
// gzipped log file, the default redaction, sampling that keeps every
// warning and error, access lines from httplog, Prometheus metrics of
// every stage on /metrics, and SIGHUP to reopen the file and reload level,
// sampling and redaction from the configuration file.
//
//	go run ./examples/production -config examples/production/logweave.json
//
// Without -config it writes to ./logs/app.log with the production
// defaults. It serves on -addr until interrupted.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/logweave/logweave"
	lwprom "github.com/logweave/logweave/contrib/prometheus"
	"github.com/logweave/logweave/httplog"
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
	if err := run(ctx, *configPath, *logPath, *addr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "production:", err)
		os.Exit(1)
	}
}

// config returns the configuration: the file's, or the production
// defaults writing to logPath, rotated daily and at 100 MiB, a week kept.
func config(configPath, logPath string) (logweave.Config, error) {
	if configPath != "" {
		return logweave.LoadConfig(configPath)
	}
	c := logweave.ProductionConfig("orders")
	c.Output.Path = logPath
	c.Output.Rotate = &logweave.RotateConfig{
		MaxSize: 100 << 20, At: []string{"00:00"}, MaxAge: logweave.Duration(7 * 24 * time.Hour),
	}
	return c, nil
}

// run serves until ctx is done, then shuts the server down and closes the
// pipeline so that nothing buffered is lost. ready, when not nil, gets the
// address served on.
func run(ctx context.Context, configPath, logPath, addr string, ready chan<- string) error {
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
		p.ReloadOnSIGHUP(configPath, func(err error) {
			p.Logger.Error("configuration not reloaded", "error", err)
		})
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

// routes is the service: orders, a failing payment, and /metrics.
func routes(logger *slog.Logger, reg *prometheus.Registry) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /orders", func(w http.ResponseWriter, r *http.Request) {
		// The customer's contact details are redacted from the line; the
		// trace id of the request is on it.
		logger.InfoContext(r.Context(), "order placed",
			"customer_email", r.FormValue("email"), "card", r.FormValue("card"), "items", 3)
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
