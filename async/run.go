package async

import (
	"errors"
	"fmt"
	"io"
	"syscall"
	"time"
)

// run is the writer goroutine: it takes batches in order and writes each
// with one Write call, outside the lock, until Close has it end.
func (w *Writer) run() {
	defer close(w.done)
	var (
		timer    *time.Timer // under FlushInterval: when a partial slab is due
		due      bool        // the partial slab has waited FlushInterval
		report   []byte      // the drop report line(s), reused
		attempts uint64      // drops counted when a report was last tried
		errs     []error     // errors for OnError, handed over outside the lock
	)
	if !w.eager {
		timer = time.NewTimer(w.opts.FlushInterval)
		timer.Stop()
		defer timer.Stop()
	}
	w.mu.Lock()
	for {
		b := w.next(due)
		if b != nil {
			due = false
			w.mu.Unlock()
			err := w.writeBatch(b)
			w.mu.Lock()
			w.settle(b, err)
			if err != nil {
				errs = append(errs, err)
			}
		}
		tried := false
		if total := w.totalDropped(); !w.opts.DisableDropReport && !w.abandoned &&
			w.hasUnreported() && (b != nil || total != attempts) {
			attempts, tried = total, true
			pending := w.unreported
			w.mu.Unlock()
			report = w.formatReport(report[:0], pending)
			err := w.writeOut(report)
			w.mu.Lock()
			if err == nil {
				for r := range pending {
					w.unreported[r] -= pending[r]
				}
				w.reports++
			} else {
				w.writeErrors++
				w.lastErr = err
				errs = append(errs, fmt.Errorf("async: writing the drop report: %w", err))
			}
		}
		if len(errs) > 0 && w.opts.OnError != nil {
			w.mu.Unlock()
			for _, err := range errs {
				w.callOnError(err)
			}
			w.mu.Lock()
		}
		errs = errs[:0]
		// A Sync is served once the records accepted before it are
		// settled, between batches: under a steady load the queue never
		// empties, and Sync must not wait for it to.
		synced := false
		if w.syncDone != w.syncWant && w.settled >= w.syncTarget {
			round := w.syncWant
			w.mu.Unlock()
			err := w.syncOut()
			w.mu.Lock()
			w.syncDone, w.syncErr, synced = round, err, true
			w.broadcast()
		}
		if b != nil || tried || synced {
			continue
		}
		if w.closing {
			// next found nothing: the queue is empty, and so is the slab
			// being filled, which next takes when closing.
			break
		}
		// Nothing to do: sleep until a Write, Flush or Close wakes us,
		// or, under FlushInterval, a partial slab is due.
		w.idle = true
		armed := timer != nil && w.cur != nil && w.cur.n > 0
		w.mu.Unlock()
		if armed {
			timer.Reset(w.opts.FlushInterval)
			select {
			case <-w.wake:
				timer.Stop()
			case <-timer.C:
				due = true
			}
		} else {
			<-w.wake
		}
		w.mu.Lock()
		w.idle = false
	}
	// Closing, and everything was written or dropped.
	var errs2 []error
	if lost := w.dropped[reasonWriteError] - w.closeLost; lost > 0 {
		errs2 = append(errs2, fmt.Errorf("async: close: %d records lost to write errors while flushing (counted as dropped_total{reason=\"write_error\"}): %w", lost, w.lastErr))
	} else if n := w.writeErrors - w.closeErrs; n > 0 {
		errs2 = append(errs2, fmt.Errorf("async: close: %d write errors while flushing: %w", n, w.lastErr))
	}
	w.mu.Unlock()
	if c, ok := w.w.(io.Closer); ok && w.opts.CloseUnderlying {
		if err := closeRecover(c); err != nil {
			errs2 = append(errs2, fmt.Errorf("async: close: closing the underlying writer: %w", err))
		}
	}
	w.closeErr = errors.Join(errs2...)
}

// next returns the batch to write now, or nil: the oldest queued one, or
// the slab being filled if it holds records and is wanted now. Called
// with mu held.
func (w *Writer) next(due bool) *batch {
	if b := w.queue.pop(); b != nil {
		return b
	}
	if c := w.cur; c != nil && c.n > 0 && (w.eager || due || w.flushing > 0 || w.closing) {
		w.cur = nil
		return c
	}
	return nil
}

// settle counts a batch's records as written or lost, frees its slabs and
// wakes whoever waits for room or progress. Called with mu held.
func (w *Writer) settle(b *batch, err error) {
	n := uint64(b.n)
	w.batches++
	if err != nil {
		w.writeErrors++
		w.lastErr = err
		w.dropped[reasonWriteError] += n
		w.unreported[reasonWriteError] += n
	} else {
		w.written += n
		w.bytesWritten += uint64(len(b.buf))
	}
	w.settled += n
	w.release(b)
	w.passRoom()
	w.broadcast()
}

// writeBatch writes one batch, unless Close gave up on it meanwhile.
// The error says how many records were lost.
func (w *Writer) writeBatch(b *batch) error {
	if len(b.buf) == 0 {
		return nil // empty records only: written, trivially
	}
	if err := w.writeOut(b.buf); err != nil {
		return fmt.Errorf("async: %d records (%d bytes) lost: %w", b.n, len(b.buf), err)
	}
	return nil
}

// writeOut writes p to the underlying writer, turning a panic or a short
// write into an error. After a write that stopped inside a line, the next
// write starts with a newline, so that line stays alone and broken rather
// than running into the next.
func (w *Writer) writeOut(p []byte) (err error) {
	if w.brokenLine {
		if err := w.writeOnce([]byte{'\n'}); err != nil {
			return err
		}
		w.brokenLine = false
	}
	return w.writeOnce(p)
}

// writeOnce is one Write call on the underlying writer, with a panic
// recovered.
func (w *Writer) writeOnce(p []byte) (err error) {
	n := 0
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("underlying writer panicked: %v", r)
			n = 0
		}
		if err != nil && n > 0 && n < len(p) && p[n-1] != '\n' {
			w.brokenLine = true
		}
	}()
	n, err = w.w.Write(p)
	if err == nil && n != len(p) {
		err = fmt.Errorf("%w: %d of %d bytes", io.ErrShortWrite, n, len(p))
	}
	return err
}

// syncOut calls the underlying writer's Sync, turning a panic into an
// error. EINVAL, and ENOTSUP or ENOSYS (errors.ErrUnsupported), say that
// the destination (a pipe, a terminal, a socket) cannot be synced: there
// is no storage to commit to, and the records reached it, so that is no
// failure.
func (w *Writer) syncOut() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panicked: %v", r)
		}
	}()
	err = w.syncer.Sync()
	if errors.Is(err, syscall.EINVAL) || errors.Is(err, errors.ErrUnsupported) {
		return nil
	}
	return err
}

// callOnError calls Options.OnError, recovering from a panic in it.
func (w *Writer) callOnError(err error) {
	defer func() { _ = recover() }()
	w.opts.OnError(err)
}

// closeRecover closes c, turning a panic into an error.
func closeRecover(c io.Closer) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panicked: %v", r)
		}
	}()
	return c.Close()
}

// totalDropped sums the drop counters. Called with mu held.
func (w *Writer) totalDropped() uint64 {
	return w.dropped[reasonBufferFull] + w.dropped[reasonWriteError] + w.dropped[reasonClosed]
}

// hasUnreported says whether drops wait for a report. Called with mu held.
func (w *Writer) hasUnreported() bool {
	return w.unreported[reasonBufferFull]+w.unreported[reasonWriteError]+w.unreported[reasonClosed] > 0
}
