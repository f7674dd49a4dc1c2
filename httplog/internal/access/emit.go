package access

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/logweave/logweave"
)

// Line is a buffer for the attributes of one line that lives on the heap
// already: the handler takes the attributes through an interface
// (logweave.AttrsHandler), and the compiler, which cannot see what a
// handler behind an interface does with them, would move a buffer on the
// stack to the heap, one allocation per line. A Flight has a Line of its
// own; other callers take one from a pool with NewLine and give it back
// with Free.
type Line struct {
	buf [16]slog.Attr // the usual access line has 12 to 14; more spill to the heap
}

var lines = sync.Pool{New: func() any { return new(Line) }}

// NewLine returns a Line from the pool.
func NewLine() *Line { return lines.Get().(*Line) }

// Free puts l back in the pool: it must not be used after.
func (l *Line) Free() { lines.Put(l) }

// Attrs returns the empty slice to append the line's attributes to.
func (l *Line) Attrs() []slog.Attr { return l.buf[:0] }

// Emit writes the line of attrs (appended to Attrs), as Logger.LogAttrs
// would at time t (zero: now) but without the caller's program counter:
// the source of an access line would be this package, which tells
// nothing, and runtime.Callers is a fifth of what the line costs. Enabled
// was checked by the caller. l is empty again after.
//
// A handler that implements logweave.AttrsHandler (a *logweave.Handler,
// or one that wraps a handler and passes the call on) takes the
// attributes as they are, which spares a record's copy of those beyond
// its five inline ones; any other gets a slog.Record, which costs that
// allocation.
func (l *Line) Emit(ctx context.Context, logger *slog.Logger, t time.Time, level slog.Level, msg string, attrs []slog.Attr) {
	if t.IsZero() {
		t = time.Now()
	}
	if h, ok := logger.Handler().(logweave.AttrsHandler); ok {
		_ = h.HandleAttrs(ctx, t, level, msg, attrs)
	} else {
		r := slog.NewRecord(t, level, msg, 0)
		r.AddAttrs(attrs...)
		_ = logger.Handler().Handle(ctx, r) // as LogAttrs: a handler's error has nowhere to go
	}
	// The handler keeps none of the attributes (AttrsHandler's contract,
	// and a Record's copy): the buffer lets go of what they hold.
	clear(l.buf[:min(len(attrs), len(l.buf))])
}
