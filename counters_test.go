package logweave_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"testing"

	"github.com/logweave/logweave"
	"github.com/logweave/logweave/stats"
)

// switchWriter fails every write while fail is set.
type switchWriter struct {
	bytes.Buffer
	fail bool
}

func (w *switchWriter) Write(p []byte) (int, error) {
	if w.fail {
		return 0, errors.New("disk full")
	}
	return w.Buffer.Write(p)
}

func counterOf(cs []stats.Counter, name, value string) uint64 {
	for _, c := range cs {
		if c.Name == name && c.Value == value {
			return c.Count
		}
	}
	return 1 << 63 // absent: no count could match
}

func TestHandlerCountsRecordsBytesAndErrors(t *testing.T) {
	w := &switchWriter{}
	h := logweave.NewHandler(w, &logweave.Options{Level: logweave.LevelTrace - 8, Service: "t"})
	derived := slog.New(h.WithAttrs([]slog.Attr{slog.String("a", "b")}).WithGroup("g"))
	logger := slog.New(h)

	logger.Info("one")
	derived.Info("two", "k", 1) // counted with its parent's
	logger.Warn("three")
	logger.Log(context.Background(), slog.LevelWarn+2, "between WARN and ERROR")
	logger.Log(context.Background(), logweave.LevelTrace-4, "below TRACE")
	logger.Log(context.Background(), logweave.LevelFatal+1, "above FATAL")
	written := uint64(w.Len())
	w.fail = true
	logger.Error("lost")
	logger.Error("lost too")

	cs := h.AppendCounters(nil)
	for _, want := range []struct {
		name, level string
		n           uint64
	}{
		{stats.RecordsTotal, "INFO", 2}, {stats.RecordsTotal, "WARN", 2}, {stats.RecordsTotal, "TRACE", 1},
		{stats.RecordsTotal, "FATAL", 1}, {stats.RecordsTotal, "ERROR", 0}, {stats.RecordsTotal, "DEBUG", 0},
	} {
		if got := counterOf(cs, want.name, want.level); got != want.n {
			t.Errorf("%s{level=%s} = %d, want %d", want.name, want.level, got, want.n)
		}
	}
	var bytesTotal uint64
	for _, c := range cs {
		if c.Name == stats.BytesTotal {
			bytesTotal += c.Count
		}
	}
	if bytesTotal != written {
		t.Errorf("bytes_total sums to %d, the writer got %d", bytesTotal, written)
	}
	if got := counterOf(cs, stats.WriteErrorsTotal, ""); got != 2 {
		t.Errorf("write_errors_total = %d, want 2", got)
	}
	if got := counterOf(cs, stats.DroppedTotal, stats.ReasonWriteError); got != 2 {
		t.Errorf("dropped_total{reason=write_error} = %d, want 2", got)
	}
}
