//go:build !race

// The race detector allocates on its own account, so these checks run only
// without it (CI runs the suite both ways: `go test` for this file, and
// `go test -race` for everything else).

package sample_test

import (
	"context"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/logweave/logweave/sample"
	"go.opentelemetry.io/otel/trace"
)

// TestKeepDoesNotAllocate: a decision through every rule, kept or dropped,
// for a key seen before or new, allocates nothing. (Its speed is measured
// in bench/sample_test.go.)
func TestKeepDoesNotAllocate(t *testing.T) {
	p, err := sample.New(sample.Config{
		KeepAttrs:  []sample.Match{{Key: "event", Value: "payment_failed"}, {Key: "status", Value: "503"}},
		Trace:      sample.TraceRule{KeepSampled: true, Rate: 0.5},
		LevelRates: map[slog.Level]float64{slog.LevelDebug: 0.1, slog.LevelInfo: 0.5},
		Burst:      sample.BurstRule{First: 10, Thereafter: 10},
		Overload:   sample.OverloadRule{EnterAbove: 1e6},
	})
	if err != nil {
		t.Fatal(err)
	}
	byUser, err := sample.New(sample.Config{Burst: sample.BurstRule{First: 10, Key: "user"}})
	if err != nil {
		t.Fatal(err)
	}
	sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.TraceID{1, 2, 3}, SpanID: trace.SpanID{4}})
	contexts := map[string]context.Context{
		"background": context.Background(),
		"traced":     trace.ContextWithRemoteSpanContext(context.Background(), sc),
		"always":     sample.Always(context.Background()),
	}
	msgs := make([]string, 1000) // distinct keys: the table does not grow
	for i := range msgs {
		msgs[i] = "message " + strconv.Itoa(i)
	}
	now := time.Now()
	for name, ctx := range contexts {
		for _, l := range []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError} {
			r := slog.NewRecord(now, l, "request handled", 0)
			r.AddAttrs(slog.String("event", "checkout"), slog.Int("status", 200), slog.String("user", "ann"))
			i := 0
			got := testing.AllocsPerRun(1000, func() {
				r.Message = msgs[i%len(msgs)]
				i++
				p.Keep(ctx, r)
				byUser.Keep(ctx, r)
			})
			if got != 0 {
				t.Errorf("%s, %v: %v allocations per decision, want 0", name, l, got)
			}
		}
	}
	if s := p.Stats(); s.Kept == 0 || s.Dropped() == 0 {
		t.Errorf("stats %+v: the records should have been both kept and dropped", s)
	}
}
