package bench

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/logweave/logweave"
	plog "github.com/phuslu/log"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap"
	"go.uber.org/zap/exp/zapslog"
	"go.uber.org/zap/zapcore"
)

// countingWriter counts what it is given instead of discarding it silently,
// so a benchmark can check that every iteration really wrote one line and
// report how many bytes each handler produces per record.
type countingWriter struct {
	bytes int64
	lines int64
}

// Write counts p; it never fails, so no handler takes an error path.
func (w *countingWriter) Write(p []byte) (int, error) {
	w.bytes += int64(len(p))
	w.lines += int64(bytes.Count(p, []byte{'\n'}))
	return len(p), nil
}

// msg is the message of every record.
const msg = "request completed"

// vals holds the ten field values that every scenario and every logger
// writes, so all of them format exactly the same data. They are variables,
// not constants, as they would be at a real call site.
var vals = struct {
	method    string
	status    int
	bytes     int64
	ratio     float64
	cached    bool
	elapsed   time.Duration
	started   time.Time
	seq       uint64
	path      string
	userAgent string
}{
	method:    "GET",
	status:    200,
	bytes:     53211,
	ratio:     0.734,
	cached:    true,
	elapsed:   1234567 * time.Nanosecond,
	started:   time.Date(2024, 5, 17, 10, 4, 5, 123456789, time.UTC),
	seq:       18446744073709551,
	path:      "/api/v1/users/12345/orders",
	userAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
}

// attrKeys lists the keys of vals in order; the output test checks that
// each of them made it into a line.
var attrKeys = []string{"method", "status", "bytes", "ratio", "cached", "elapsed", "started", "seq", "path", "user_agent"}

// attrs10 is vals as typed slog attributes. It is built once: building
// attributes at the call site costs the same for every handler, so keeping
// it out of the loop leaves the handler (and slog's front end) in focus.
var attrs10 = []slog.Attr{
	slog.String(attrKeys[0], vals.method),
	slog.Int(attrKeys[1], vals.status),
	slog.Int64(attrKeys[2], vals.bytes),
	slog.Float64(attrKeys[3], vals.ratio),
	slog.Bool(attrKeys[4], vals.cached),
	slog.Duration(attrKeys[5], vals.elapsed),
	slog.Time(attrKeys[6], vals.started),
	slog.Uint64(attrKeys[7], vals.seq),
	slog.String(attrKeys[8], vals.path),
	slog.String(attrKeys[9], vals.userAgent),
}

// kvs10 is the same data as alternating key/value arguments, the way most
// slog calls are written (logger.Info(msg, "k", v, ...)). slog turns the
// values back into attributes of the same kinds as attrs10.
var kvs10 = func() []any {
	kvs := make([]any, 0, 2*len(attrs10))
	for _, a := range attrs10 {
		kvs = append(kvs, a.Key, a.Value.Any())
	}
	return kvs
}()

// zapFields10 is vals as typed zap fields for zap's native API, built once
// for the same reason as attrs10.
var zapFields10 = []zap.Field{
	zap.String(attrKeys[0], vals.method),
	zap.Int(attrKeys[1], vals.status),
	zap.Int64(attrKeys[2], vals.bytes),
	zap.Float64(attrKeys[3], vals.ratio),
	zap.Bool(attrKeys[4], vals.cached),
	zap.Duration(attrKeys[5], vals.elapsed),
	zap.Time(attrKeys[6], vals.started),
	zap.Uint64(attrKeys[7], vals.seq),
	zap.String(attrKeys[8], vals.path),
	zap.String(attrKeys[9], vals.userAgent),
}

// phusluFields adds vals to a phuslu/log entry. A function rather than a
// prebuilt value because phuslu's API is a chain of calls; it serves both
// per-record entries and the logger context built with log.NewContext.
func phusluFields(e *plog.Entry) *plog.Entry {
	return e.Str(attrKeys[0], vals.method).
		Int(attrKeys[1], vals.status).
		Int64(attrKeys[2], vals.bytes).
		Float64(attrKeys[3], vals.ratio).
		Bool(attrKeys[4], vals.cached).
		Dur(attrKeys[5], vals.elapsed).
		Time(attrKeys[6], vals.started).
		Uint64(attrKeys[7], vals.seq).
		Str(attrKeys[8], vals.path).
		Str(attrKeys[9], vals.userAgent)
}

// Trace and span ids of the span context in traceCtx (the W3C traceparent
// example), spelled in hex as they must appear in the output.
const (
	traceIDHex = "4bf92f3577b34da6a3ce929d0e0e4736"
	spanIDHex  = "00f067aa0ba902b7"
)

// plainCtx is a request context with a value but no span, as a service
// without tracing would pass.
var plainCtx = context.WithValue(context.Background(), plainCtxKey{}, "request-scoped")

type plainCtxKey struct{}

// traceCtx carries a valid, sampled span context, as a request handled
// under OpenTelemetry would.
var traceCtx = func() context.Context {
	tid, err := trace.TraceIDFromHex(traceIDHex)
	if err != nil {
		panic(err)
	}
	sid, err := trace.SpanIDFromHex(spanIDHex)
	if err != nil {
		panic(err)
	}
	sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled})
	return trace.ContextWithSpanContext(context.Background(), sc)
}()

// handlerCase is one slog handler under test.
type handlerCase struct {
	name string
	new  func(w io.Writer) slog.Handler
	// writes is false for the noop handler, which never produces output.
	writes bool
	// traces is true for handlers that copy trace ids from the context.
	traces bool
}

// handlers are the slog handlers compared in BenchmarkCore. All of them are
// at their default minimum level, Info.
//
// logweave is measured twice: "logweave" with redaction off, like for like
// with the peers, none of which redacts; "logweave-redact" as it comes, with
// the default redaction policy (issue 5's bar is the difference).
var handlers = []handlerCase{
	{name: "logweave", writes: true, traces: true, new: func(w io.Writer) slog.Handler {
		return logweave.NewHandler(w, &logweave.Options{Service: "bench", Redact: logweave.NoRedaction})
	}},
	{name: "logweave-redact", writes: true, traces: true, new: func(w io.Writer) slog.Handler {
		return logweave.NewHandler(w, &logweave.Options{Service: "bench"})
	}},
	{name: "slog-json", writes: true, new: func(w io.Writer) slog.Handler {
		return slog.NewJSONHandler(w, nil)
	}},
	{name: "slog-json-trace", writes: true, traces: true, new: func(w io.Writer) slog.Handler {
		return traceHandler{slog.NewJSONHandler(w, nil)}
	}},
	{name: "phuslu-slog", writes: true, new: func(w io.Writer) slog.Handler {
		return plog.SlogNewJSONHandler(w, nil)
	}},
	{name: "zapslog", writes: true, new: func(w io.Writer) slog.Handler {
		return zapslog.NewHandler(newZapCore(w))
	}},
	{name: "noop", new: func(io.Writer) slog.Handler { return noopHandler{} }},
}

// newZapCore is zap's JSON core with the production encoder config and no
// sampling, so every record is written like with the other handlers.
func newZapCore(w io.Writer) zapcore.Core {
	return zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), zapcore.AddSync(w), zapcore.InfoLevel)
}

// traceHandler is the small wrapper people commonly write to get trace ids
// into slog.JSONHandler's output; it is the baseline logweave's built-in
// trace support should beat.
type traceHandler struct{ slog.Handler }

// Handle adds the ids as plain attributes, as the usual wrapper does, which
// costs two hex strings and a copy of the record's attributes per record.
func (h traceHandler) Handle(ctx context.Context, r slog.Record) error {
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		r.AddAttrs(slog.String("trace_id", sc.TraceID().String()), slog.String("span_id", sc.SpanID().String()))
	}
	return h.Handler.Handle(ctx, r)
}

// WithAttrs keeps the wrapper around derived handlers, or With would lose
// the trace ids.
func (h traceHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return traceHandler{h.Handler.WithAttrs(as)}
}

// WithGroup keeps the wrapper for the same reason as WithAttrs.
func (h traceHandler) WithGroup(name string) slog.Handler {
	return traceHandler{h.Handler.WithGroup(name)}
}

// noopHandler accepts every record and does nothing with it, so its numbers
// are what slog's own front end (Logger methods, Record building) costs
// before any real handler runs. Enabled is always true, so in the Disabled
// scenario it shows the cost the other handlers avoid by saying no.
type noopHandler struct{}

// Enabled says yes to every level, so slog always builds the record.
func (noopHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelInfo }

// Handle drops the record: only slog's work before it is measured.
func (noopHandler) Handle(context.Context, slog.Record) error { return nil }

// WithAttrs drops the attributes; a noop handler has no state to derive.
func (h noopHandler) WithAttrs([]slog.Attr) slog.Handler { return h }

// WithGroup ignores the group for the same reason.
func (h noopHandler) WithGroup(string) slog.Handler { return h }

// loggerLevels are the two ways the middleware benchmarks run: "on"
// writes the access line; "off" sets the level above it, which shows what
// a middleware costs without it.
var loggerLevels = []struct {
	name  string
	level slog.Level
}{{"on", slog.LevelInfo}, {"off", slog.LevelError + 4}}

// newBenchLogger returns the logweave logger every middleware benchmark
// logs through, at level, writing to a new counting writer.
func newBenchLogger(level slog.Level) (*slog.Logger, *countingWriter) {
	w := &countingWriter{}
	return newMiddlewareLogger(w, level), w
}

// newMiddlewareLogger is the handler the middleware benchmarks share:
// redaction off, as neither zap nor the peers' own handlers have it, so
// that the rows differ only by their middleware. What redaction adds to a
// record is BenchmarkCore's logweave-redact.
func newMiddlewareLogger(w io.Writer, level slog.Level) *slog.Logger {
	return logweave.New(w, &logweave.Options{Service: "bench", Level: level, Redact: logweave.NoRedaction})
}
