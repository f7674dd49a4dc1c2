package logweave_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/logweave/logweave"
	"github.com/logweave/logweave/sample"
	"github.com/logweave/logweave/tracectx"
	"github.com/logweave/logweave/units"
)

// These measure Handle alone, without slog's front end, to find where a
// record's time goes. The comparison with other loggers is in bench/.

type discardCounter struct{ n int }

func (w *discardCounter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }

var benchAttrs = []slog.Attr{
	slog.String("method", "GET"), slog.Int("status", 200), slog.Int64("bytes", 53211),
	slog.Float64("ratio", 0.734), slog.Bool("cached", true), slog.Duration("elapsed", 1234567),
	slog.Time("started", time.Date(2024, 5, 17, 10, 4, 5, 123456789, time.UTC)),
	slog.Uint64("seq", 18446744073709551), slog.String("path", "/api/v1/users/12345/orders"),
	slog.String("user_agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"),
}

func benchHandle(b *testing.B, ctx context.Context, attrs []slog.Attr) {
	benchHandleWith(b, ctx, attrs, &logweave.Options{Service: "bench"})
}

func benchHandleWith(b *testing.B, ctx context.Context, attrs []slog.Attr, opts *logweave.Options) {
	h := logweave.NewHandler(&discardCounter{}, opts)
	r := slog.NewRecord(time.Now(), slog.LevelInfo, "request handled", 0)
	r.AddAttrs(attrs...)
	b.ReportAllocs()
	for b.Loop() {
		_ = h.Handle(ctx, r)
	}
}

func BenchmarkHandleMsg(b *testing.B)     { benchHandle(b, context.Background(), nil) }
func BenchmarkHandleAttrs10(b *testing.B) { benchHandle(b, context.Background(), benchAttrs) }

// BenchmarkHandleAttrs10NoRedaction is BenchmarkHandleAttrs10 (which runs
// the default redaction policy) with redaction off: their difference is
// what redaction adds to a record.
func BenchmarkHandleAttrs10NoRedaction(b *testing.B) {
	benchHandleWith(b, context.Background(), benchAttrs, &logweave.Options{Service: "bench", Redact: logweave.NoRedaction})
}
func BenchmarkHandleTraceMsg(b *testing.B) {
	benchHandle(b, tracectx.NewRoot(context.Background()), nil)
}
func BenchmarkHandleTrace10(b *testing.B) {
	benchHandle(b, tracectx.NewRoot(context.Background()), benchAttrs)
}

// BenchmarkHandleTraceAlternating logs for two requests in turn, so every
// record misses the per-state cache of encoded trace fields: the cost of
// trace ids when many requests interleave on one processor.
func BenchmarkHandleTraceAlternating(b *testing.B) {
	h := logweave.NewHandler(&discardCounter{}, &logweave.Options{Service: "bench"})
	ctxs := []context.Context{tracectx.NewRoot(context.Background()), tracectx.NewRoot(context.Background())}
	r := slog.NewRecord(time.Now(), slog.LevelInfo, "request handled", 0)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		_ = h.Handle(ctxs[i&1], r)
		i++
	}
}

// BenchmarkHandleSampledMsg is BenchmarkHandleMsg through a sampling
// policy that keeps every record: what asking the Sampler costs.
func BenchmarkHandleSampledMsg(b *testing.B) {
	policy, err := sample.New(sample.Config{Burst: sample.BurstRule{First: 1 << 30, Interval: units.Duration(time.Minute)}})
	if err != nil {
		b.Fatal(err)
	}
	benchHandleWith(b, context.Background(), nil, &logweave.Options{Service: "bench", Sampler: policy})
}
