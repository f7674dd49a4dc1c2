package bench

import (
	"context"
	"io"
	"log/slog"
	"testing"
)

// scenario is one kind of log call, run the same way through every handler.
type scenario struct {
	name string
	// with, if set, derives the logger once before the loop (With10).
	with func(*slog.Logger) *slog.Logger
	// log makes the one call that is measured.
	log func(*slog.Logger)
	// disabled is true when the call is below the handlers' Info level,
	// so no line must be written.
	disabled bool
	// attrs is true when the ten attributes must appear in the output.
	attrs bool
	// traced is true when the call's context holds a span context.
	traced bool
}

// scenarios are the calls compared in BenchmarkCore. Message-only calls use
// LogAttrs too, so that all scenarios enter slog the same way and the trace
// variants only differ from the plain ones by their context.
var scenarios = []scenario{
	{name: "Msg", log: func(l *slog.Logger) {
		l.LogAttrs(context.Background(), slog.LevelInfo, msg)
	}},
	{name: "Attrs10LogAttrs", attrs: true, log: func(l *slog.Logger) {
		l.LogAttrs(context.Background(), slog.LevelInfo, msg, attrs10...)
	}},
	{name: "Attrs10KV", attrs: true, log: func(l *slog.Logger) {
		l.Info(msg, kvs10...)
	}},
	{name: "With10", attrs: true,
		with: func(l *slog.Logger) *slog.Logger { return l.With(kvs10...) },
		log: func(l *slog.Logger) {
			l.LogAttrs(context.Background(), slog.LevelInfo, msg)
		}},
	{name: "Disabled", disabled: true, log: func(l *slog.Logger) {
		l.LogAttrs(context.Background(), slog.LevelDebug, msg, attrs10...)
	}},
	{name: "TraceMsg", traced: true, log: func(l *slog.Logger) {
		l.LogAttrs(traceCtx, slog.LevelInfo, msg)
	}},
	{name: "Trace", traced: true, attrs: true, log: func(l *slog.Logger) {
		l.LogAttrs(traceCtx, slog.LevelInfo, msg, attrs10...)
	}},
	// Attrs10Ctx is Trace's baseline with a request context that carries
	// no span: the two differ only in the trace ids, where Attrs10LogAttrs
	// (context.Background) also spares a handler its context lookups.
	{name: "Attrs10Ctx", attrs: true, log: func(l *slog.Logger) {
		l.LogAttrs(plainCtx, slog.LevelInfo, msg, attrs10...)
	}},
}

// newLogger builds the logger that scenario sc uses with handler hc.
func newLogger(sc scenario, hc handlerCase, w io.Writer) *slog.Logger {
	l := slog.New(hc.new(w))
	if sc.with != nil {
		l = sc.with(l)
	}
	return l
}

// BenchmarkCore runs every scenario through every slog handler. Names are
// scenario=X/handler=Y so that `benchstat -col /handler` puts handlers side
// by side, one row per scenario.
func BenchmarkCore(b *testing.B) {
	for _, sc := range scenarios {
		for _, hc := range handlers {
			b.Run("scenario="+sc.name+"/handler="+hc.name, func(b *testing.B) {
				w := &countingWriter{}
				l := newLogger(sc, hc, w)
				b.ReportAllocs()
				for b.Loop() {
					sc.log(l)
				}
				checkWritten(b, w, hc.writes && !sc.disabled)
			})
		}
	}
}

// checkWritten fails the benchmark unless exactly one line per iteration
// (or none, if want is false) reached the writer, and reports the output
// size per record, which explains part of the differences in time.
func checkWritten(b *testing.B, w *countingWriter, want bool) {
	b.Helper()
	wantLines := int64(0)
	if want {
		wantLines = int64(b.N)
	}
	if w.lines != wantLines {
		b.Fatalf("wrote %d lines in %d iterations, want %d", w.lines, b.N, wantLines)
	}
	b.ReportMetric(float64(w.bytes)/float64(b.N), "out-B/op")
}
