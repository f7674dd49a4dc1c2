//go:build !race

// The race detector allocates on its own account, so these checks run only
// without it (CI runs the suite both ways: `go test` for this file, and
// `go test -race` for everything else).

package logweave_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/logweave/logweave"
	"github.com/logweave/logweave/redact"
	"github.com/logweave/logweave/sample"
	"github.com/logweave/logweave/tracectx"
	"github.com/logweave/logweave/units"
)

// TestHandleDoesNotAllocate guards the hot path: a record with up to ten
// typed attributes, trace ids and a request id, through a handler with
// With attributes and groups, is written without a single allocation.
// (Speed is measured by benchmarks in bench/; an allocation count is not
// a timing and is exact, so it can be a test.)
func TestHandleDoesNotAllocate(t *testing.T) {
	ctx := tracectx.WithRequestID(tracectx.NewRoot(context.Background()), "req-1")
	base := logweave.NewHandler(&discardCounter{}, &logweave.Options{Service: "allocs", Version: "1"})
	// A sampler that keeps what these records are, and drops by burst the
	// rest (the decision is made for every record, kept or not).
	policy, err := sample.New(sample.Config{Burst: sample.BurstRule{First: 1 << 30, Interval: units.Duration(time.Minute)}})
	if err != nil {
		t.Fatal(err)
	}
	sampled := logweave.NewHandler(&discardCounter{}, &logweave.Options{Service: "allocs", Sampler: policy})
	// A Sampler and a Redactor of the user's own, each wrapping logweave's:
	// the interfaces give them the same path, without an allocation.
	wrapped := logweave.NewHandler(&discardCounter{}, &logweave.Options{
		Service: "allocs", Sampler: countingSampler{policy}, Redact: wrappingRedactor{redact.Default()},
	})
	handlers := map[string]slog.Handler{
		"plain":            base,
		"with":             base.WithAttrs(benchAttrs),
		"with groups":      base.WithGroup("a").WithAttrs(benchAttrs[:3]).WithGroup("b"),
		"sampled":          sampled,
		"sampled with":     sampled.WithAttrs(benchAttrs[:2]),
		"own stages":       wrapped,
		"own stages, with": wrapped.WithAttrs(benchAttrs[:2]),
	}
	for name, h := range handlers {
		for _, n := range []int{0, 1, 5, 10} {
			r := slog.NewRecord(time.Now(), slog.LevelInfo, "request handled", 0)
			r.AddAttrs(benchAttrs[:n]...)
			r.AddAttrs() // keep the record as slog's front end would hand it over
			got := testing.AllocsPerRun(100, func() {
				if err := h.Handle(ctx, r); err != nil {
					t.Fatal(err)
				}
			})
			if got != 0 {
				t.Errorf("%s, %d attrs: %v allocations per record, want 0", name, n, got)
			}
		}
	}
	// The disabled path is cheaper still.
	if got := testing.AllocsPerRun(100, func() { _ = base.Enabled(ctx, slog.LevelDebug) }); got != 0 {
		t.Errorf("Enabled allocates %v", got)
	}
}

// countingSampler is a Sampler of a user's own that wraps another.
type countingSampler struct{ next logweave.Sampler }

func (s countingSampler) Keep(ctx context.Context, r slog.Record) bool { return s.next.Keep(ctx, r) }

// wrappingRedactor is a Redactor of a user's own that wraps a Policy; it
// is not a JSONRedactor.
type wrappingRedactor struct{ p *redact.Policy }

func (w wrappingRedactor) Key(k string) redact.Action     { return w.p.Key(k) }
func (w wrappingRedactor) MaskValue(v slog.Value) string  { return w.p.MaskValue(v) }
func (w wrappingRedactor) String(s string) (string, bool) { return w.p.String(s) }
func (w wrappingRedactor) Any(v any) (any, bool)          { return w.p.Any(v) }
