package pretty_test

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/logweave/logweave"
	"github.com/logweave/logweave/pretty"
	"github.com/logweave/logweave/tracectx"
	"go.opentelemetry.io/otel/trace"
)

// A Writer renders the JSON line logweave's handler writes; here one such
// line, written by hand.
func ExampleNewWriter() {
	w := pretty.NewWriter(os.Stdout, &pretty.Options{Color: pretty.ColorNever, Location: time.UTC})
	w.Write([]byte(`{"time":"2026-11-21T10:22:33.123Z","level":"INFO","msg":"order placed",` +
		`"service.name":"checkout","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7",` +
		`"trace_flags":"01","request_id":"req-42","order_id":1042,"user":"Ada Lovelace","cart":{"items":3,"total":59.9}}` + "\n"))
	// Output:
	// 10:22:33.123 INFO  order placed  request_id=req-42 order_id=1042 user="Ada Lovelace" cart.items=3 cart.total=59.9 trace=4bf92f35
}

// In development, the Writer goes between the handler and the terminal;
// everything else, redaction included, stays as in production. (The
// ReplaceAttr that fixes the time is only there to make the output the
// same on every run; ColorNever, likewise, because the output is checked.)
func ExampleNewWriter_logger() {
	fixedTime := func(groups []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey && len(groups) == 0 {
			return slog.Time(slog.TimeKey, time.Date(2026, 11, 21, 10, 22, 33, 123e6, time.UTC))
		}
		return a
	}
	out := pretty.NewWriter(os.Stdout, &pretty.Options{Color: pretty.ColorNever, Location: time.UTC})
	logger := logweave.New(out, &logweave.Options{Service: "checkout", Level: slog.LevelDebug, ReplaceAttr: fixedTime})

	ctx, err := tracectx.WithRemoteHex(context.Background(),
		"4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", trace.FlagsSampled)
	if err != nil {
		panic(err)
	}
	logger.DebugContext(ctx, "card checked", "last4", "4242", "password", "hunter2")
	logger.WarnContext(ctx, "slow upstream", slog.Group("http", "status", 200, "duration_ms", 1250))
	// Output:
	// 10:22:33.123 DEBUG card checked  last4=4242 password=[REDACTED] trace=4bf92f35
	// 10:22:33.123 WARN  slow upstream  http.status=200 http.duration_ms=1250 trace=4bf92f35
}
