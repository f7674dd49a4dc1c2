package pretty

import (
	"io"
	"sync"
	"time"
)

// DefaultTimeFormat is the layout of the time column when
// Options.TimeFormat is empty: the wall clock to the millisecond, which is
// what tells apart the lines of one run of a program on a terminal.
const DefaultTimeFormat = "15:04:05.000"

// DefaultTraceIDLength is the number of leading hex digits of trace_id
// shown when Options.TraceIDLength is 0: enough to tell the traces of a
// development session apart and to find one in the JSON logs or a tracing
// UI by prefix, short enough to stay out of the way.
const DefaultTraceIDLength = 8

// Options configure a Writer. The zero value (or nil) is usable: colour
// when writing to a terminal, local time to the millisecond, service
// fields left out, trace ids cut to 8 digits.
type Options struct {
	// Color says when lines are coloured with ANSI escape sequences;
	// the zero value is ColorAuto.
	Color ColorMode

	// TimeFormat is the time.Time layout of the time column; empty means
	// DefaultTimeFormat. A line without a time field has no time column.
	TimeFormat string

	// Location is the zone the time is shown in; nil means time.Local.
	// The JSON line holds UTC, which is right for machines; a person at a
	// terminal reads the clock on the wall.
	Location *time.Location

	// ShowService keeps service.name, service.version and
	// deployment.environment.name on the line. They are left out by
	// default: they are the same on every line of a process.
	ShowService bool

	// TraceIDLength is the number of leading hex digits of trace_id shown
	// (as trace=...); 0 means DefaultTraceIDLength, and a negative value,
	// or one at least the id's length, shows the whole id.
	TraceIDLength int
}

// settings are Options resolved by NewWriter.
type settings struct {
	color       bool
	layout      string
	loc         *time.Location
	showService bool
	traceLen    int // < 0: the whole id
}

// Writer turns the JSON lines written to it into human-readable lines on
// another writer. It is safe for concurrent use. Make one with NewWriter;
// the zero Writer has nowhere to write.
type Writer struct {
	mu  sync.Mutex // serialises writes to out
	out io.Writer
	set settings
}

// NewWriter returns a Writer that renders to w. A nil opts is the zero
// Options. Whether lines are coloured is decided here, once (see
// ColorMode), not on every line.
func NewWriter(w io.Writer, opts *Options) *Writer {
	if opts == nil {
		opts = &Options{}
	}
	s := settings{
		color:       opts.Color.enabled(w),
		layout:      opts.TimeFormat,
		loc:         opts.Location,
		showService: opts.ShowService,
		traceLen:    opts.TraceIDLength,
	}
	if s.layout == "" {
		s.layout = DefaultTimeFormat
	}
	if s.loc == nil {
		s.loc = time.Local
	}
	if s.traceLen == 0 {
		s.traceLen = DefaultTraceIDLength
	}
	return &Writer{out: w, set: s}
}

// Write renders p and writes the result to the underlying writer in one
// Write call, so lines from concurrent callers never interleave.
//
// p is rendered as one log entry when it is one JSON object (as a
// logweave handler writes it: one object and a newline); otherwise each
// line of p is rendered on its own, so a batch of JSON lines (from a
// buffering writer in front of this one) works too. A line that is not a
// JSON object is written as text, with control characters escaped. Each
// Write's output ends in a newline. See the package documentation for
// the whole of what is shown.
//
// Write returns len(p) and nil when the underlying writer took the whole
// output, whatever p held: malformed input is shown, not refused.
// Otherwise it returns 0 and the underlying writer's error
// (io.ErrShortWrite for a short write without one).
func (w *Writer) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	r := getRenderer(&w.set)
	defer r.free()
	r.render(p)
	w.mu.Lock()
	n, err := w.out.Write(r.out)
	w.mu.Unlock()
	if err == nil && n < len(r.out) {
		err = io.ErrShortWrite
	}
	if err != nil {
		return 0, err
	}
	return len(p), nil
}

// maxPooled is the largest buffer kept for reuse: a rare huge line does
// not pin its memory for the life of the program (log/slog's rule).
const maxPooled = 64 << 10

var renderers = sync.Pool{New: func() any { return new(renderer) }}

func getRenderer(s *settings) *renderer {
	r := renderers.Get().(*renderer)
	r.set = s
	return r
}

func (r *renderer) free() {
	if cap(r.out) > maxPooled || cap(r.scratch) > maxPooled || cap(r.prefix) > maxPooled ||
		cap(r.blocks) > maxPooled || cap(r.members) > maxPooled/32 {
		return
	}
	r.out, r.scratch, r.prefix, r.blocks = r.out[:0], r.scratch[:0], r.prefix[:0], r.blocks[:0]
	r.members, r.blockRefs = r.members[:0], r.blockRefs[:0]
	r.set = nil
	renderers.Put(r)
}
