package logweave

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/logweave/logweave/internal/jsonenc"
	"github.com/logweave/logweave/redact"
	"github.com/logweave/logweave/tracectx"
	"go.opentelemetry.io/otel/trace"
)

// Handler is a slog.Handler that writes JSON lines. It is safe for
// concurrent use; handlers derived with WithAttrs and WithGroup share its
// writer and its lock, so their lines never interleave.
type Handler struct {
	w         io.Writer
	mu        *sync.Mutex // shared by every handler derived from the same NewHandler
	counters  *counters   // shared likewise
	level     slog.Leveler
	addSource bool
	durations DurationFormat
	replace   func(groups []string, a slog.Attr) slog.Attr
	redact    redact.Redactor // nil when off
	sampler   Sampler
	// withSampler is sampler when it is a WithSampler, and with the
	// attributes given to WithAttrs, kept for it alone (nil otherwise).
	withSampler WithSampler
	with        []slog.Attr

	// static holds the service fields, encoded once. Like pre, it starts
	// with a comma.
	static []byte
	// pre holds the attributes added by WithAttrs, encoded, each preceded
	// by a comma (or following the '{' of a group it opened).
	pre []byte
	// groups are all the groups opened by WithGroup; the first nOpen of
	// them are already opened in pre.
	groups []string
	nOpen  int
}

// NewHandler returns a Handler that writes to w, one Write call per
// record. A nil opts is the zero Options.
func NewHandler(w io.Writer, opts *Options) *Handler {
	if opts == nil {
		opts = &Options{}
	}
	h := &Handler{
		w:         w,
		mu:        new(sync.Mutex),
		counters:  new(counters),
		level:     opts.Level,
		addSource: opts.AddSource,
		durations: opts.Durations,
		replace:   opts.ReplaceAttr,
		sampler:   opts.Sampler,
	}
	h.withSampler, _ = opts.Sampler.(WithSampler)
	s := &state{h: h}
	svc := ResolveService(opts)
	s.appendAttr(slog.String(ServiceNameKey, svc.Name))
	if svc.Version != "" {
		s.appendAttr(slog.String(ServiceVersionKey, svc.Version))
	}
	if svc.Environment != "" {
		s.appendAttr(slog.String(EnvironmentKey, svc.Environment))
	}
	h.static = s.buf
	// After the service fields: they are the operator's, not data.
	switch opts.Redact {
	case nil:
		h.redact = redact.Default()
	case NoRedaction:
	default:
		h.redact = opts.Redact
	}
	return h
}

// New returns a *slog.Logger that writes through a new Handler.
func New(w io.Writer, opts *Options) *slog.Logger {
	return slog.New(NewHandler(w, opts))
}

// Enabled reports whether level is at or above the handler's minimum level.
func (h *Handler) Enabled(_ context.Context, level slog.Level) bool {
	minLevel := slog.LevelInfo
	if h.level != nil {
		minLevel = h.level.Level()
	}
	return level >= minLevel
}

// WithAttrs returns a handler whose lines carry attrs after the record's
// own fixed fields. The attributes are encoded now, once.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return h
	}
	h2 := h.clone()
	s := &state{h: h2, buf: slices.Clip(h.pre)}
	if h.replace != nil {
		s.groups = slices.Clone(h.groups[:h.nOpen])
	}
	for _, g := range h.groups[h.nOpen:] {
		s.openGroup(g)
	}
	wrote := false
	for _, a := range attrs {
		if s.appendAttr(a) {
			wrote = true
		}
	}
	if !wrote {
		// Only empty attributes: a group holding nothing is not written.
		return h
	}
	h2.pre = s.buf[:len(s.buf):len(s.buf)]
	h2.nOpen = len(h2.groups)
	if h.withSampler != nil {
		h2.with = append(slices.Clip(h.with), attrs...)
	}
	return h2
}

// WithGroup returns a handler that nests the attributes added after it
// (by WithAttrs or in a record) in an object named name. An empty name
// returns h, as slog requires.
func (h *Handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	h2 := h.clone()
	h2.groups = append(slices.Clip(h.groups), name)
	return h2
}

func (h *Handler) clone() *Handler {
	h2 := *h
	return &h2
}

// Handle writes r as one JSON line. It returns the writer's error, if any,
// wrapped; the handler stays usable for the next record.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	if h.sampler != nil && !h.keep(ctx, r) {
		return nil
	}
	return h.handle(ctx, r.Time, r.Level, r.PC, r.Message, &r, nil)
}

// keep asks the sampler about r, with the logger's With attributes when
// the sampler wants them. The record goes by value, as slog.Handler.Handle
// takes it: a pointer passed through an interface escapes, and would cost
// every record an allocation, sampled or not.
func (h *Handler) keep(ctx context.Context, r slog.Record) bool {
	if h.with != nil {
		return h.withSampler.KeepWith(ctx, r, h.with)
	}
	return h.sampler.Keep(ctx, r)
}

// HandleAttrs is Handle for a record given as its parts, for code that
// logs many attributes it already holds in a slice, such as an access-log
// middleware: a slog.Record keeps five attributes inline and copies the
// rest to the heap, which this skips. The line is the one Handle writes for
// slog.NewRecord(t, level, msg, 0) with attrs added: no source. Like
// Handle, it does not check Enabled; the caller does.
func (h *Handler) HandleAttrs(ctx context.Context, t time.Time, level slog.Level, msg string, attrs []slog.Attr) error {
	if h.sampler != nil {
		r := slog.NewRecord(t, level, msg, 0)
		r.AddAttrs(attrs...)
		if !h.keep(ctx, r) {
			return nil
		}
	}
	return h.handle(ctx, t, level, 0, msg, nil, attrs)
}

// handle writes one record whose attributes are either r's, when r is not
// nil, or attrs.
func (h *Handler) handle(ctx context.Context, t time.Time, level slog.Level, pc uintptr, msg string,
	r *slog.Record, attrs []slog.Attr) error {
	nAttrs := len(attrs)
	if r != nil {
		nAttrs = r.NumAttrs()
	}
	s := getState(h)
	s.buf = append(s.buf, '{')
	if h.replace == nil {
		s.appendBuiltins(ctx, t, level, pc, msg)
	} else {
		s.appendBuiltinsReplaced(ctx, t, level, pc, msg)
	}
	s.appendFragment(h.pre)

	// The record's attributes go inside the groups of WithGroup; those not
	// yet opened in pre are opened here, and only if something is in them.
	nOpen := h.nOpen
	if nAttrs > 0 {
		if h.replace != nil {
			s.groups = append(s.groups[:0], h.groups[:h.nOpen]...)
		}
		pos := len(s.buf)
		for _, g := range h.groups[h.nOpen:] {
			s.openGroup(g)
		}
		wrote := false
		if r != nil {
			r.Attrs(func(a slog.Attr) bool {
				if s.appendAttr(a) {
					wrote = true
				}
				return true
			})
		} else {
			for _, a := range attrs {
				if s.appendAttr(a) {
					wrote = true
				}
			}
		}
		if wrote {
			nOpen = len(h.groups)
		} else {
			s.buf = s.buf[:pos]
		}
	}
	for range nOpen {
		s.buf = append(s.buf, '}')
	}
	s.buf = append(s.buf, '}', '\n')
	err := h.write(s.buf, level)
	s.free()
	return err
}

// write sends one line to the writer under the shared lock. A writer that
// panics must not take the program down nor leave the lock held, so the
// panic is returned as an error.
func (h *Handler) write(line []byte, level slog.Level) (err error) {
	h.mu.Lock()
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("logweave: writer panicked: %v", p)
			h.counters.writeErrors.Add(1)
		}
		h.mu.Unlock()
	}()
	if _, err = h.w.Write(line); err != nil {
		h.counters.writeErrors.Add(1)
		return fmt.Errorf("logweave: write: %w", err)
	}
	h.counters.wrote(level, len(line))
	return nil
}

// appendBuiltins writes time, level, source, msg, the service fields and
// the context's trace fields, the fast way: no Attr values are built.
func (s *state) appendBuiltins(ctx context.Context, t time.Time, level slog.Level, pc uintptr, msg string) {
	if !t.IsZero() {
		s.buf = append(s.buf, `"time":"`...)
		s.buf = jsonenc.AppendTimeMillis(s.buf, t)
		s.buf = append(s.buf, `",`...)
	}
	s.buf = append(s.buf, `"level":`...)
	s.buf = appendLevel(s.buf, level)
	if s.h.addSource {
		s.buf = appendSource(s.buf, pc)
	}
	s.buf = append(s.buf, `,"msg":`...)
	if r := s.h.redact; r != nil {
		msg, _ = r.String(msg)
	}
	s.buf = jsonenc.AppendString(s.buf, msg)
	s.buf = append(s.buf, s.h.static...)

	if !mayCarryIDs(ctx) {
		return
	}
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		s.appendTraceFields(&sc)
	}
	if id := tracectx.RequestID(ctx); id != "" {
		s.buf = append(s.buf, `,"request_id":`...)
		s.buf = jsonenc.AppendString(s.buf, id)
	}
}

// mayCarryIDs is false for the contexts that hold no values: nil, and
// context.Background(), which slog's Logger methods without a Context pass.
// Skipping the two lookups for them makes the most common call cheaper.
func mayCarryIDs(ctx context.Context) bool {
	return ctx != nil && ctx != context.Background()
}

// appendBuiltinsReplaced writes the same fields as appendBuiltins, each
// passed through ReplaceAttr first (with no groups, as slog does).
func (s *state) appendBuiltinsReplaced(ctx context.Context, t time.Time, level slog.Level, pc uintptr, msg string) {
	s.builtin = true
	defer func() { s.builtin = false }()
	if !t.IsZero() {
		a := s.h.replace(nil, slog.Time(slog.TimeKey, t.Round(0)))
		a.Value = a.Value.Resolve()
		if a.Value.Kind() == slog.KindTime {
			// Still a time: keep the line's time format.
			s.appendKey(a.Key)
			s.buf = append(s.buf, '"')
			s.buf = jsonenc.AppendTimeMillis(s.buf, a.Value.Time())
			s.buf = append(s.buf, '"')
		} else {
			s.appendResolved(a, a.Value.Kind())
		}
	}
	s.appendAttr(slog.Any(slog.LevelKey, level))
	if s.h.addSource {
		src := &slog.Source{}
		if pc != 0 {
			src = sourceOf(pc)
		}
		s.appendAttr(slog.Any(slog.SourceKey, src))
	}
	if r := s.h.redact; r != nil {
		msg, _ = r.String(msg) // before ReplaceAttr, which sees builtins unredacted otherwise
	}
	s.appendAttr(slog.String(slog.MessageKey, msg))
	s.appendFragment(s.h.static)
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		s.appendAttr(slog.String(TraceIDKey, sc.TraceID().String()))
		s.appendAttr(slog.String(SpanIDKey, sc.SpanID().String()))
		s.appendAttr(slog.String(TraceFlagsKey, sc.TraceFlags().String()))
	}
	if id := tracectx.RequestID(ctx); id != "" {
		s.appendAttr(slog.String(RequestIDKey, id))
	}
}
