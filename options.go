package logweave

import (
	"context"
	"log/slog"
	"time"

	"github.com/logweave/logweave/redact"
)

// Keys of the fields logweave adds to every line, named after the
// OpenTelemetry semantic conventions.
const (
	ServiceNameKey    = "service.name"
	ServiceVersionKey = "service.version"
	EnvironmentKey    = "deployment.environment.name"
	TraceIDKey        = "trace_id"
	SpanIDKey         = "span_id"
	TraceFlagsKey     = "trace_flags"
	RequestIDKey      = "request_id"
)

// Options configure a Handler. The zero value (or nil) is usable: INFO and
// above, no source, service name from the environment.
type Options struct {
	// Level is the minimum level written; nil means slog.LevelInfo.
	// A *slog.LevelVar changes it while the program runs.
	Level slog.Leveler

	// AddSource adds a "source" object (function, file, line) to each
	// line, as slog's handlers do.
	AddSource bool

	// Durations is how time.Duration values are written: integer
	// nanoseconds by default, as slog.JSONHandler writes them, or seconds,
	// milliseconds or a string (see DurationFormat).
	Durations DurationFormat

	// Service is written as service.name on every line. When empty, it
	// is taken from the environment with the OpenTelemetry SDK's
	// precedence: OTEL_SERVICE_NAME, then the service.name pair of
	// OTEL_RESOURCE_ATTRIBUTES, and failing both "unknown_service:" and
	// the executable's name, as the SDK does, so every line names its
	// service.
	Service string

	// Version and Environment are written as service.version and
	// deployment.environment.name. When empty, they are taken from the
	// pairs of those names in OTEL_RESOURCE_ATTRIBUTES (comma-separated
	// key=value, values percent-decoded, as the SDK reads it); a field
	// that neither sets is left out. The environment is read once, when
	// the handler is built.
	Version     string
	Environment string

	// ReplaceAttr has slog.HandlerOptions.ReplaceAttr's meaning: it is
	// called for each non-group attribute, the built-in ones included,
	// with the groups that contain it. The trace fields and request_id are
	// passed to it too (with no groups). The service fields are passed to
	// it once, when the handler is built, since they never change. When
	// ReplaceAttr is nil the handler takes a faster path.
	ReplaceAttr func(groups []string, a slog.Attr) slog.Attr

	// Redact is the redaction stage, applied to the message and to every
	// attribute (keys, string values at any depth, errors' and
	// TextMarshalers' text, structs through their log tags) after
	// ReplaceAttr. nil means redact.Default(): redaction is on unless
	// turned off with NoRedaction. Attributes added by With are redacted
	// once, when With is called, by the policy of that moment. Any
	// redact.Redactor can stand in; see there for what each method must
	// do.
	Redact redact.Redactor

	// Sampler decides, before anything is encoded, whether a record is
	// written; nil writes every enabled record. *sample.Policy is the
	// usual one: it keeps every error by default. A record left out is
	// not counted as written; the sampler counts it.
	Sampler Sampler
}

// NoRedaction, as Options.Redact, turns redaction off.
var NoRedaction redact.Redactor = noRedaction{}

type noRedaction struct{}

func (noRedaction) Key(string) redact.Action       { return redact.Keep }
func (noRedaction) MaskValue(slog.Value) string    { return redact.DefaultMask }
func (noRedaction) String(s string) (string, bool) { return s, false }
func (noRedaction) Any(v any) (any, bool)          { return v, false }

// Sampler is the sampling stage: Keep reports whether r is written. It is
// called for every enabled record, with the record's context, before the
// record is encoded; it must not retain r (see slog.Record.Clone), and
// must be safe for concurrent use. *sample.Policy implements it. The
// record is passed by value, as slog.Handler.Handle takes it, so that any
// Sampler costs the same: no allocation, one copy of the record.
type Sampler interface {
	Keep(ctx context.Context, r slog.Record) bool
}

// WithSampler is a Sampler whose rules look at attributes and that also
// wants to see the attributes a logger was given with With, so that a rule
// matches an attribute whether it came with the record or with the logger.
// The handler calls KeepWith instead of Keep for a record logged through a
// logger that has such attributes; with holds them, outermost first
// (those added under WithGroup by their own keys), and must not be
// retained or changed. *sample.Policy implements it.
type WithSampler interface {
	Sampler
	KeepWith(ctx context.Context, r slog.Record, with []slog.Attr) bool
}

// AttrsHandler is a slog.Handler that also takes a record as its parts,
// for code that logs many attributes it already holds in a slice, such as
// an access-log middleware: a slog.Record keeps five attributes inline and
// copies the rest to the heap, which HandleAttrs skips. *Handler
// implements it. A handler that wraps another can implement it by passing
// the call on, so that it keeps that saving; code that logs this way
// (httplog and the framework adapters) falls back to Handle with a
// slog.Record for any other handler, which costs one allocation per
// record that has more than five attributes.
type AttrsHandler interface {
	slog.Handler
	// HandleAttrs writes the record slog.NewRecord(t, level, msg, 0) with
	// attrs added would be, as Handle does (no source); like Handle, it
	// does not check Enabled: the caller does. attrs must not be retained.
	HandleAttrs(ctx context.Context, t time.Time, level slog.Level, msg string, attrs []slog.Attr) error
}

var _ AttrsHandler = (*Handler)(nil)
