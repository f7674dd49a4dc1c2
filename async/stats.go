package async

import "github.com/logweave/logweave/stats"

// Stats is a snapshot of a Writer's counters, all counted since NewWriter.
// Every snapshot balances: Offered == Written + Dropped() + Buffered +
// Waiting, each record given to Write being in exactly one of these.
type Stats struct {
	// Offered counts records given to Write, from the moment Write is
	// called (so a record waiting for room under Block is offered, and
	// counted in Waiting).
	Offered uint64
	// Written counts records that reached the underlying writer, and
	// BytesWritten their bytes (drop reports not included).
	Written, BytesWritten uint64
	// Buffered is how many records wait to be written, or are being
	// written, now.
	Buffered uint64
	// Waiting is how many records are not in the buffer yet: one per
	// Write call waiting for room under Block. It is 0 under the other
	// policies. A Waiting that stays above 0 means
	// the callers are held up by a destination slower than the logging.
	Waiting uint64
	// DroppedBufferFull, DroppedWriteError and DroppedClosed count the
	// records dropped, by reason (see the package documentation).
	DroppedBufferFull, DroppedWriteError, DroppedClosed uint64
	// WriteErrors counts Write calls on the underlying writer that failed,
	// wrote short or panicked (drop reports included).
	WriteErrors uint64
	// Batches counts Write calls on the underlying writer carrying
	// records, failed ones included.
	Batches uint64
	// Reports counts drop report writes that succeeded.
	Reports uint64
}

// Dropped is the number of records dropped for any reason.
func (s Stats) Dropped() uint64 {
	return s.DroppedBufferFull + s.DroppedWriteError + s.DroppedClosed
}

// Stats returns a snapshot of the counters, consistent with each other.
func (w *Writer) Stats() Stats {
	w.mu.Lock()
	defer w.mu.Unlock()
	return Stats{
		Offered:           w.offered,
		Written:           w.written,
		BytesWritten:      w.bytesWritten,
		Buffered:          w.accepted - w.settled,
		Waiting:           uint64(w.blocked),
		DroppedBufferFull: w.dropped[reasonBufferFull],
		DroppedWriteError: w.dropped[reasonWriteError],
		DroppedClosed:     w.dropped[reasonClosed],
		WriteErrors:       w.writeErrors,
		Batches:           w.batches,
		Reports:           w.reports,
	}
}

// AppendCounters implements stats.Source: dropped_total by reason
// (buffer_full, write_error, closed) and write_errors_total.
func (w *Writer) AppendCounters(dst []stats.Counter) []stats.Counter {
	s := w.Stats()
	return append(dst,
		stats.Counter{Name: stats.DroppedTotal, Label: stats.LabelReason, Value: stats.ReasonBufferFull, Count: s.DroppedBufferFull},
		stats.Counter{Name: stats.DroppedTotal, Label: stats.LabelReason, Value: stats.ReasonWriteError, Count: s.DroppedWriteError},
		stats.Counter{Name: stats.DroppedTotal, Label: stats.LabelReason, Value: stats.ReasonClosed, Count: s.DroppedClosed},
		stats.Counter{Name: stats.WriteErrorsTotal, Count: s.WriteErrors},
	)
}

var _ stats.Source = (*Writer)(nil)
