// Command quickstart is logweave's demo: a tiny order service that logs the
// way a production service should. Every line is one JSON object with the
// time in UTC, the service's name, and the trace and request ids of the
// work it belongs to, so the lines of one request can be found together in
// any log store.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/logweave/logweave"
	"github.com/logweave/logweave/tracectx"
	"go.opentelemetry.io/otel/trace"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// run is the demo, writing its log to w.
func run(w io.Writer) error {
	level := new(slog.LevelVar) // INFO, changeable while running
	logger := logweave.New(w, &logweave.Options{
		Service:     "orders",
		Version:     "1.0.0",
		Environment: "demo",
		Level:       level,
	})
	slog.SetDefault(logger) // plain slog calls anywhere in the program go through logweave too

	// 1. A request that arrived with a W3C traceparent from an upstream
	//    service: its ids are kept, so this service's lines join that trace.
	ctx, err := tracectx.WithRemoteHex(context.Background(),
		"4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", trace.FlagsSampled)
	if err != nil {
		return err
	}
	ctx = tracectx.WithRequestID(ctx, "req-7f3a")
	placeOrder(ctx, logger, 1042)

	// 2. Work that starts here (a cron job, a queue message without
	//    headers): a fresh trace, so its lines still belong together.
	job := tracectx.NewRoot(context.Background())
	slog.InfoContext(job, "nightly report started", "orders", 1)

	// 3. A call to another service on behalf of the job: same trace, a new
	//    span id.
	call := tracectx.NewChild(job)
	slog.WarnContext(call, "inventory service slow", "duration", 1250*time.Millisecond, "attempt", 2)

	// 4. Levels change at run time; TRACE and FATAL have names.
	level.Set(logweave.LevelTrace)
	logger.Log(job, logweave.LevelTrace, "cache lookup", "key", "sku:A-1", "hit", false)

	// 5. Bad input never breaks a line: invalid UTF-8, control characters
	//    and a LogValue that panics all end up as valid JSON.
	logger.Info("odd input \xff\x00", "payload", brokenValue{}, "note", "line\nbreak")

	// 6. Secrets and personal data never reach the log in the clear:
	//    sensitive keys are masked whatever they hold, detectors find
	//    emails, card numbers, tokens... in free text (the message too),
	//    and struct fields follow their log tags.
	logger.InfoContext(ctx, "signup by ann@example.com",
		"password", "hunter2",
		"note", "card 4242 4242 4242 4242, call +8613812345678",
		"customer", customer{Name: "Ann", Email: "ann@example.com", IDCard: "11010519491231002X", Plan: "pro"})
	return nil
}

// customer is logged whole with slog.Any: its log tags decide what of it
// appears, the rest is scanned like any other value.
type customer struct {
	Name   string `json:"name"`
	Email  string `json:"email" log:"mask=email"`
	IDCard string `json:"id_card" log:"-"`
	Plan   string `json:"plan"`
}

func placeOrder(ctx context.Context, logger *slog.Logger, id int) {
	log := logger.With("order_id", id) // encoded once, copied into each line
	log.InfoContext(ctx, "order received", slog.Group("cart", "items", 3, "total_cents", 5990))
	if err := charge(); err != nil {
		log.ErrorContext(ctx, "payment failed", "err", err, "retryable", true)
	}
}

func charge() error { return errors.New("card declined: insufficient funds") }

// brokenValue stands for a LogValuer with a bug.
type brokenValue struct{}

// LogValue fails the way a buggy one does.
func (brokenValue) LogValue() slog.Value { panic("nil map in LogValue") }
