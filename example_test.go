package logweave_test

import (
	"context"
	"log/slog"
	"os"

	"github.com/logweave/logweave"
	"github.com/logweave/logweave/tracectx"
	"go.opentelemetry.io/otel/trace"
)

// dropTime removes the time so the examples' output is the same each run.
func dropTime(groups []string, a slog.Attr) slog.Attr {
	if a.Key == slog.TimeKey && len(groups) == 0 {
		return slog.Attr{}
	}
	return a
}

func ExampleNew() {
	logger := logweave.New(os.Stdout, &logweave.Options{
		Service:     "checkout",
		Version:     "1.4.2",
		Environment: "prod",
		ReplaceAttr: dropTime,
	})
	logger.Info("order placed", "order_id", 1042, slog.Group("cart", "items", 3, "total", 59.90))
	// Output:
	// {"level":"INFO","msg":"order placed","service.name":"checkout","service.version":"1.4.2","deployment.environment.name":"prod","order_id":1042,"cart":{"items":3,"total":59.9}}
}

func ExampleNew_traceContext() {
	logger := logweave.New(os.Stdout, &logweave.Options{Service: "checkout", ReplaceAttr: dropTime})

	// A request arrived with W3C trace ids (or an OpenTelemetry SDK started
	// a span): every line logged with its context carries them.
	ctx, err := tracectx.WithRemoteHex(context.Background(),
		"4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", trace.FlagsSampled)
	if err != nil {
		panic(err)
	}
	ctx = tracectx.WithRequestID(ctx, "req-42")
	logger.InfoContext(ctx, "payment authorised", "amount_cents", 5990)
	// Output:
	// {"level":"INFO","msg":"payment authorised","service.name":"checkout","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","trace_flags":"01","request_id":"req-42","amount_cents":5990}
}

func ExampleOptions_levelVar() {
	level := new(slog.LevelVar) // INFO
	logger := logweave.New(os.Stdout, &logweave.Options{Level: level, Service: "worker", ReplaceAttr: dropTime})

	logger.Debug("not written")
	level.Set(logweave.LevelTrace) // e.g. from an admin endpoint, while running
	logger.Log(context.Background(), logweave.LevelTrace, "now written")
	// Output:
	// {"level":"TRACE","msg":"now written","service.name":"worker"}
}

func ExampleHandler_WithGroup() {
	logger := logweave.New(os.Stdout, &logweave.Options{Service: "api", ReplaceAttr: dropTime})
	reqLogger := logger.With("route", "/users/{id}").WithGroup("http")
	reqLogger.Warn("slow request", "status", 200, "duration_ms", 1250)
	// Output:
	// {"level":"WARN","msg":"slow request","service.name":"api","route":"/users/{id}","http":{"status":200,"duration_ms":1250}}
}
