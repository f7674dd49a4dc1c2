package logweave

import (
	"log/slog"
	"sync/atomic"

	"github.com/logweave/logweave/stats"
)

// counters are what a handler, and every handler derived from it, wrote:
// records and bytes by level, and failed writes. They are updated under
// the handler's write lock, so the atomics cost no contention of their
// own; they are atomics so that AppendCounters can read them at any time.
type counters struct {
	byLevel     [len(levelBuckets)]struct{ records, bytes atomic.Uint64 }
	writeErrors atomic.Uint64
}

// levelBuckets are the level labels counters use, each covering the levels
// from its own up to the next one's: a custom level between WARN and ERROR
// counts as WARN.
var levelBuckets = [...]struct {
	from slog.Level
	name string
}{
	{LevelTrace, "TRACE"}, {slog.LevelDebug, "DEBUG"}, {slog.LevelInfo, "INFO"},
	{slog.LevelWarn, "WARN"}, {slog.LevelError, "ERROR"}, {LevelFatal, "FATAL"},
}

// bucket returns the index of level's bucket; levels below TRACE count as
// TRACE.
func bucket(level slog.Level) int {
	i := len(levelBuckets) - 1
	for i > 0 && level < levelBuckets[i].from {
		i--
	}
	return i
}

func (c *counters) wrote(level slog.Level, n int) {
	b := &c.byLevel[bucket(level)]
	b.records.Add(1)
	b.bytes.Add(uint64(n))
}

// AppendCounters implements stats.Source: records_total and bytes_total
// by level, and write_errors_total, for this handler and every handler
// derived from it with WithAttrs or WithGroup. A record whose write failed
// is counted as a write error (and as dropped, reason write_error), not
// as written.
func (h *Handler) AppendCounters(dst []stats.Counter) []stats.Counter {
	c := h.counters
	for i := range c.byLevel {
		name := levelBuckets[i].name
		dst = append(dst,
			stats.Counter{Name: stats.RecordsTotal, Label: stats.LabelLevel, Value: name, Count: c.byLevel[i].records.Load()},
			stats.Counter{Name: stats.BytesTotal, Label: stats.LabelLevel, Value: name, Count: c.byLevel[i].bytes.Load()},
		)
	}
	errs := c.writeErrors.Load()
	return append(dst,
		stats.Counter{Name: stats.WriteErrorsTotal, Count: errs},
		stats.Counter{Name: stats.DroppedTotal, Label: stats.LabelReason, Value: stats.ReasonWriteError, Count: errs},
	)
}
