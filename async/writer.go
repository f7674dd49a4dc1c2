// Package async provides Writer, an io.WriteCloser that takes log records
// off the caller's path: Write copies the record into a bounded buffer and
// returns, and one goroutine writes the records to the underlying writer in
// batches, many records per Write call.
//
// Nothing is lost silently. Every record given to Write ends up counted
// exactly once, as written or as dropped with a reason:
//
//   - buffer_full: the buffer had no room (see Options.OnFull), or the
//     record is larger than the whole buffer;
//   - write_error: the underlying writer failed, wrote short or panicked
//     on the batch holding it;
//   - closed: it was written after Close, or was still buffered when
//     Close's deadline passed.
//
// A record is counted as offered when Write is called, and until Write
// returns it is buffered, dropped or, under Block, waiting for room (see
// Stats.Waiting). So Stats().Offered == Written + Dropped() + Buffered +
// Waiting in every snapshot, taken while writers wait or not. Drops
// are also reported in the stream itself: after a batch, if records were
// dropped since the last report, the writer goroutine writes one line per
// reason (see DropReport for the format; Options.DisableDropReport turns it
// off). Writer implements stats.Source for exporters.
//
// Records are written whole, in the order Write accepted them, and never
// split across Write calls on the underlying writer, which therefore must
// accept a stream of lines (a file, a pipe, a socket), as batches hold many
// records.
//
// A failed Write on the underlying writer loses its whole batch (counted
// as write_error, even if part of it reached the destination); if it
// stopped inside a line, the next write starts with a newline, so that
// the broken line does not swallow the next one. The goroutine goes on
// with the next batch.
//
// The buffer is BufferSize bytes in slabs of BatchSize bytes, allocated
// once: Write takes a lock, copies the record into the slab being filled
// and wakes the goroutine if it sleeps; a full slab is queued, and the
// goroutine writes each queued slab with one Write call, outside the lock.
// A record costs its caller a copy and no allocation. By default the
// goroutine writes as soon as records arrive, so batches are as large as
// the backlog (see Options.FlushInterval).
//
// Close (or CloseContext) writes out what is buffered and stops the
// goroutine; a program must call it before it exits or lose the buffered
// records. Close leaves the underlying writer open unless
// Options.CloseUnderlying is set. Flush writes out what is buffered
// without closing; Sync does that and syncs the underlying writer, which
// makes a Writer a zapcore.WriteSyncer.
package async

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// Errors returned by Write, matched with errors.Is; the errors returned
// wrap them with what happened to the record and what to do.
var (
	// ErrFull: the buffer was full and the record was dropped.
	ErrFull = errors.New("async: buffer full")
	// ErrTooLarge: the record is larger than the whole buffer and was
	// dropped.
	ErrTooLarge = errors.New("async: record larger than the buffer")
	// ErrClosed: the Writer was closed and the record was dropped.
	ErrClosed = errors.New("async: writer closed")
)

// The errors Write returns on its drop paths are made once, so dropping a
// record allocates nothing either.
var (
	errDroppedFull = fmt.Errorf(`%w: record dropped (counted as dropped_total{reason="buffer_full"}); `+
		`the destination is slower than the logging: raise Options.BufferSize, or use Block to wait`, ErrFull)
	errDroppedTimeout = fmt.Errorf(`%w: no room within Options.BlockTimeout, record dropped (counted as dropped_total{reason="buffer_full"}); `+
		`the destination is slower than the logging: raise BufferSize or BlockTimeout`, ErrFull)
	errDroppedClosed = fmt.Errorf(`%w: record dropped (counted as dropped_total{reason="closed"}); `+
		`write before Close, or make a new Writer`, ErrClosed)
)

// reason indexes the drop counters.
type reason int

const (
	reasonBufferFull reason = iota
	reasonWriteError
	reasonClosed
	numReasons
)

// batch is one slab of records, or one oversized record.
type batch struct {
	buf []byte // the records, back to back
	n   int    // how many records buf holds
	// borrowed, for an oversized record held in a buffer of its own, are
	// the slabs it displaces until it is written.
	borrowed []*batch
}

// Writer is an asynchronous, batching io.WriteCloser; see the package
// documentation. Its methods are safe for concurrent use.
type Writer struct {
	mu sync.Mutex
	// cur is the slab being filled; nil when none was taken yet.
	cur *batch
	// queue holds full slabs (and oversized records) in order.
	queue queue
	// free holds empty slabs.
	free []*batch
	// idle is true while the goroutine sleeps waiting for work.
	idle bool
	// closing is set by Close: Write refuses new records, the goroutine
	// writes what is left and ends.
	closing bool
	// abandoned is set when Close's deadline passed: what was still
	// buffered was counted as dropped and is not written.
	abandoned bool
	// flushing counts Flush calls waiting, which have the goroutine write
	// a partial slab even under FlushInterval.
	flushing int
	// waiters counts Flush calls waiting on changed, which is closed and
	// replaced when the goroutine made progress, if someone waits.
	waiters int
	changed chan struct{}
	// blocked counts Block writers waiting for room (see waitRoom). Their
	// records are offered but neither accepted nor dropped, and they are
	// the only such records whenever mu is free (a Write holds mu from
	// counting its record to taking or dropping it, but for waitRoom), so
	// Stats reports blocked as Waiting to balance the books.
	blocked int
	room    chan struct{}

	// Counters, under mu.
	offered, accepted, settled    uint64 // records given, taken into the buffer, out of it
	written, bytesWritten         uint64
	dropped, unreported           [numReasons]uint64
	writeErrors, batches, reports uint64
	lastErr                       error

	// Sync requests, served by the goroutine (see Sync): syncWant counts
	// the requests, syncDone those served; syncTarget is accepted at the
	// latest request, and syncErr the result of the latest underlying Sync.
	syncWant, syncDone, syncTarget uint64
	syncErr                        error

	// Set at closing time, for Close's result.
	closeErrs, closeLost uint64

	// Fixed by NewWriter.
	w io.Writer
	// syncer is w if it has a Sync method (an *os.File, a *rotate.File).
	syncer interface{ Sync() error }
	opts   settings
	eager  bool          // FlushInterval == 0: wake the goroutine on every record
	wake   chan struct{} // capacity 1: a token for the sleeping goroutine
	done   chan struct{} // closed when the goroutine has ended
	// closed is closed by the first Close, waking blocked writers.
	closed chan struct{}
	// closeErr is the result of every Close, set before done is closed.
	closeErr error
	// brokenLine is set by the goroutine (and only read by it) when a
	// write stopped inside a line.
	brokenLine bool
}

// A *Writer is a zapcore.WriteSyncer (the zap bridge writes through one),
// which this assertion checks without importing zap.
var _ interface {
	io.Writer
	Sync() error
} = (*Writer)(nil)

// NewWriter returns a Writer that writes to w, and starts its goroutine;
// Close stops it. It returns an error naming the option at fault if opts
// is invalid, or if w is nil.
func NewWriter(w io.Writer, opts Options) (*Writer, error) {
	if w == nil {
		return nil, errors.New("async: NewWriter: nil io.Writer: want the destination, e.g. os.Stdout or a *rotate.File")
	}
	s, err := opts.check()
	if err != nil {
		return nil, err
	}
	aw := &Writer{
		free:    make([]*batch, 0, s.nslabs),
		queue:   queue{items: make([]*batch, s.nslabs)},
		changed: make(chan struct{}),
		w:       w,
		opts:    s,
		eager:   s.FlushInterval == 0,
		room:    make(chan struct{}, 1),
		wake:    make(chan struct{}, 1),
		done:    make(chan struct{}),
		closed:  make(chan struct{}),
	}
	aw.syncer, _ = w.(interface{ Sync() error })
	// One allocation for all slabs keeps them together in memory.
	mem := make([]byte, s.nslabs*s.BatchSize)
	for i := range s.nslabs {
		aw.free = append(aw.free, &batch{buf: mem[i*s.BatchSize : i*s.BatchSize : (i+1)*s.BatchSize]})
	}
	go aw.run()
	return aw, nil
}

// Write copies p into the buffer and returns len(p), nil; the writer
// goroutine writes it later. p is not retained. If the record is dropped
// (buffer full, larger than the buffer, or written after Close), Write
// returns 0 and an error matching ErrFull, ErrTooLarge or ErrClosed, and
// the drop is counted.
//
// Each Write is one record: records are never split or interleaved.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.offered++
	if c := w.cur; c != nil && !w.closing && len(p) <= cap(c.buf)-len(c.buf) {
		c.buf = append(c.buf, p...)
		c.n++
		w.accepted++
		wake := w.idle && (w.eager || c.n == 1)
		if wake {
			w.idle = false
		}
		w.mu.Unlock()
		if wake {
			w.signal()
		}
		return len(p), nil
	}
	return w.writeSlow(p) // unlocks
}

// signal wakes the goroutine if it sleeps; a token already there is
// enough.
func (w *Writer) signal() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// writeSlow is Write when the slab being filled has no room: it takes a
// new slab, or applies OnFull. It is called with mu held and unlocks it.
func (w *Writer) writeSlow(p []byte) (int, error) {
	if w.closing {
		w.drop(reasonClosed, 1)
		w.mu.Unlock()
		return 0, errDroppedClosed
	}
	if len(p) > w.opts.BatchSize {
		return w.writeLarge(p)
	}
	var timer *time.Timer
	for {
		if w.cur != nil && w.cur.n > 0 {
			w.seal()
		}
		if w.cur == nil && len(w.free) > 0 {
			w.cur = w.free[len(w.free)-1]
			w.free = w.free[:len(w.free)-1]
		}
		if c := w.cur; c != nil && len(p) <= cap(c.buf)-len(c.buf) {
			c.buf = append(c.buf, p...)
			c.n++
			w.accepted++
			wake := w.idle && (w.eager || c.n == 1)
			if wake {
				w.idle = false
			}
			w.passRoom()
			w.mu.Unlock()
			if wake {
				w.signal()
			}
			putTimer(timer)
			return len(p), nil
		}
		if retry, err := w.noRoom(&timer); !retry {
			w.mu.Unlock()
			putTimer(timer)
			return 0, err
		}
	}
}

// noRoom applies OnFull when a record finds no room. It reports whether
// to try again; if not, it counted the record as dropped and returns the
// error for Write. *timer is the Block timeout, started on first use.
// Called with mu held; holds it again on return.
func (w *Writer) noRoom(timer **time.Timer) (retry bool, err error) {
	switch w.opts.OnFull {
	case DropOldest:
		if w.dropOldest() {
			return true, nil
		}
	case Block:
		if *timer == nil {
			*timer = getTimer(w.opts.BlockTimeout)
		}
		timedOut := w.waitRoom(*timer)
		if w.closing {
			w.drop(reasonClosed, 1)
			return false, errDroppedClosed
		}
		if !timedOut {
			return true, nil
		}
		w.drop(reasonBufferFull, 1)
		return false, errDroppedTimeout
	}
	w.drop(reasonBufferFull, 1)
	return false, errDroppedFull
}

// writeLarge buffers a record larger than a slab in a buffer of its own,
// in order, taking as many free slabs out of use as it needs so the
// buffered bytes stay within BufferSize. Called with mu held; unlocks it.
func (w *Writer) writeLarge(p []byte) (int, error) {
	need := (len(p) + w.opts.BatchSize - 1) / w.opts.BatchSize
	if need > w.opts.nslabs {
		w.drop(reasonBufferFull, 1)
		w.mu.Unlock()
		return 0, fmt.Errorf(`%w: a %d-byte record with Options.BufferSize %d: record dropped (counted as dropped_total{reason="buffer_full"}); raise BufferSize above the largest record`,
			ErrTooLarge, len(p), w.opts.nslabs*w.opts.BatchSize)
	}
	// What was written before this record goes before it.
	if w.cur != nil {
		if w.cur.n > 0 {
			w.seal()
		} else {
			w.free = append(w.free, w.cur)
			w.cur = nil
		}
	}
	var timer *time.Timer
	for len(w.free) < need {
		if retry, err := w.noRoom(&timer); !retry {
			w.mu.Unlock()
			putTimer(timer)
			return 0, err
		}
	}
	putTimer(timer)
	b := &batch{buf: append([]byte(nil), p...), n: 1, borrowed: make([]*batch, need)}
	copy(b.borrowed, w.free[len(w.free)-need:])
	w.free = w.free[:len(w.free)-need]
	w.accepted++
	w.queue.push(b)
	w.passRoom()
	wake := w.idle
	w.idle = false
	w.mu.Unlock()
	if wake {
		w.signal()
	}
	return len(p), nil
}

// seal queues the slab being filled. Called with mu held.
func (w *Writer) seal() {
	w.queue.push(w.cur)
	w.cur = nil
	if w.idle {
		w.idle = false
		w.signal()
	}
}

// dropOldest discards the oldest queued batch, counting its records, and
// reports whether there was one. Called with mu held.
func (w *Writer) dropOldest() bool {
	b := w.queue.pop()
	if b == nil {
		return false
	}
	w.drop(reasonBufferFull, uint64(b.n))
	w.settled += uint64(b.n)
	w.release(b)
	return true
}

// drop counts n records dropped for r, and makes sure the goroutine will
// report them. Called with mu held.
func (w *Writer) drop(r reason, n uint64) {
	w.dropped[r] += n
	w.unreported[r] += n
	if w.idle && !w.opts.DisableDropReport {
		w.idle = false
		w.signal()
	}
}

// release returns a written or discarded batch's slabs to the free list.
// Called with mu held.
func (w *Writer) release(b *batch) {
	if b.borrowed != nil {
		w.free = append(w.free, b.borrowed...)
		return
	}
	b.buf = b.buf[:0]
	b.n = 0
	w.free = append(w.free, b)
}

// waitRoom releases mu until the goroutine frees a slab, Close is called
// or t fires, and takes mu again. It reports whether t fired.
//
// Blocked writers take turns on room, a channel with room for one token:
// the goroutine puts a token there when it frees slabs and someone
// waits, and a writer that got room passes the token on if room is left
// (passRoom). Waiting thus costs no allocation.
func (w *Writer) waitRoom(t *time.Timer) (timedOut bool) {
	w.blocked++
	w.mu.Unlock()
	select {
	case <-w.room:
	case <-w.closed:
	case <-t.C:
		timedOut = true
	}
	w.mu.Lock()
	w.blocked--
	return timedOut
}

// passRoom wakes a blocked writer if there is room for it. Called with mu
// held.
func (w *Writer) passRoom() {
	if w.blocked > 0 && len(w.free) > 0 {
		select {
		case w.room <- struct{}{}:
		default:
		}
	}
}

// timers are reused by blocked writers, so Block costs no allocation.
var timers sync.Pool

// getTimer returns a running timer that fires after d.
func getTimer(d time.Duration) *time.Timer {
	if t, ok := timers.Get().(*time.Timer); ok {
		t.Reset(d)
		return t
	}
	return time.NewTimer(d)
}

// putTimer stops t, if not nil, and keeps it for reuse: since Go 1.23 a
// stopped timer holds no stale tick, so the next getTimer can Reset it.
func putTimer(t *time.Timer) {
	if t == nil {
		return
	}
	t.Stop()
	timers.Put(t)
}

// broadcast wakes every Flush waiting in waitCtx. Called with mu held.
func (w *Writer) broadcast() {
	if w.waiters > 0 {
		close(w.changed)
		w.changed = make(chan struct{})
	}
}

// Flush waits until every record accepted before the call has been
// written (or dropped), having the goroutine write a partial batch at
// once. It returns nil if all of them reached the underlying writer; an
// error wrapping the last write error if some were lost to it; and, if
// ctx ends first, an error wrapping ctx.Err() that says how many records
// remain buffered (they stay buffered and will be written). After Close,
// nothing is buffered and Flush returns nil.
func (w *Writer) Flush(ctx context.Context) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.flushLocked(ctx, false, 0)
}

// Sync makes *Writer a zapcore.WriteSyncer, with the meaning zap gives
// it: what was logged before the call is out of the process. It writes
// out every record accepted before the call, like Flush, and then, if the
// underlying writer has a Sync method (an *os.File, a *rotate.File), has
// the goroutine call it, so that the underlying writer is never used by
// two goroutines at once. An error from that Sync, or a panic in it, is
// returned, except EINVAL and errors.ErrUnsupported (ENOTSUP), which mean
// the destination (a pipe, a terminal, a socket) has no storage to commit
// to: the records reached it, and Sync returns nil where os.Stdout.Sync
// would fail.
//
// Sync waits at most Options.CloseTimeout, so that a stuck destination
// can't hold up a program that syncs before it exits (zap syncs before a
// Fatal exits); if that passes, it returns an error wrapping
// context.DeadlineExceeded, and the records stay buffered. Records lost
// to write errors on the way are reported as by Flush, joined with the
// underlying Sync's error.
//
// Sync after Close (or during it) does nothing and returns an error
// matching ErrClosed: Close has written out everything, and the
// underlying writer may be closed (Options.CloseUnderlying). Sync before
// Close, as in "defer w.Close()" placed before "defer logger.Sync()".
func (w *Writer) Sync() error {
	ctx, cancel := context.WithTimeout(context.Background(), w.opts.CloseTimeout)
	defer cancel()
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closing {
		return errSyncClosed
	}
	var ticket uint64
	if w.syncer != nil {
		w.syncWant++
		ticket = w.syncWant
		w.syncTarget = w.accepted
	}
	err := w.flushLocked(ctx, true, ticket)
	if ticket != 0 && w.syncDone >= ticket && w.syncErr != nil {
		// The latest round's result: it ran after this call's records
		// were written, so it speaks for them too.
		err = errors.Join(err, fmt.Errorf("async: sync: the underlying writer's Sync: %w", w.syncErr))
	}
	return err
}

// errSyncClosed is Sync's result after Close.
var errSyncClosed = fmt.Errorf("async: sync: %w: Close has already written out everything buffered, "+
	"and the underlying writer may be closed; call Sync before Close", ErrClosed)

// flushLocked is Flush (syncing false) or Sync (syncing true): it waits until
// the records accepted so far are settled and, if ticket is not 0, until
// the goroutine served Sync request ticket. Called with mu held; holds it
// again on return.
func (w *Writer) flushLocked(ctx context.Context, syncing bool, ticket uint64) error {
	target := w.accepted
	lostBefore := w.dropped[reasonWriteError]
	w.flushing++
	if w.idle {
		w.idle = false
		w.signal()
	}
	var err error
	for w.settled < target || w.syncDone < ticket {
		if err = w.waitCtx(ctx); err != nil {
			break
		}
	}
	w.flushing--
	if w.settled >= target && w.syncDone >= ticket {
		err = nil // ctx ended just as the work got done: it is done
	}
	switch {
	case err != nil && !syncing:
		return fmt.Errorf("async: flush: %w: %d records still buffered (they will be written later; Close writes them before it returns)", err, target-w.settled)
	case err != nil && w.settled < target:
		return fmt.Errorf("async: sync: %w after Options.CloseTimeout (%v): %d records still buffered, the underlying writer not synced; "+
			"the destination is too slow or stuck (the records stay buffered and will be written)", err, w.opts.CloseTimeout, target-w.settled)
	case err != nil:
		return fmt.Errorf("async: sync: %w after Options.CloseTimeout (%v): the records left the buffer, but the underlying writer was not synced in time (a Write or Sync on it is stuck)", err, w.opts.CloseTimeout)
	}
	if lost := w.dropped[reasonWriteError] - lostBefore; lost > 0 {
		op := "flush"
		if syncing {
			op = "sync"
		}
		return fmt.Errorf("async: %s: %d records lost to write errors (counted as dropped_total{reason=\"write_error\"}): %w", op, lost, w.lastErr)
	}
	return nil
}

// waitCtx is wait with a context: it returns ctx.Err() when ctx ended.
// Called with mu held; holds it again on return.
func (w *Writer) waitCtx(ctx context.Context) error {
	ch := w.changed
	w.waiters++
	w.mu.Unlock()
	var err error
	select {
	case <-ch:
	case <-ctx.Done():
		err = ctx.Err()
	}
	w.mu.Lock()
	w.waiters--
	return err
}

// Close is CloseContext with Options.CloseTimeout (default 5s), so the
// Writer is an io.WriteCloser.
func (w *Writer) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), w.opts.CloseTimeout)
	defer cancel()
	return w.CloseContext(ctx)
}

// CloseContext stops accepting records (a later Write returns an error
// matching ErrClosed and is counted), writes everything buffered, stops
// the goroutine and returns once it has ended. With Options.CloseUnderlying
// it then closes the underlying writer if that is an io.Closer. It returns
// an error if records were lost to write errors while closing, or the
// underlying Close failed. Every call returns the same result once the
// goroutine has ended.
//
// If ctx ends first, the records still queued are counted as dropped
// (reason closed) and not written, and CloseContext returns an error
// wrapping ctx.Err() that says how many. The goroutine then ends as soon
// as the underlying Write in progress, if any, returns; a later
// CloseContext waits for that.
func (w *Writer) CloseContext(ctx context.Context) error {
	w.mu.Lock()
	if !w.closing {
		w.closing = true
		w.closeErrs = w.writeErrors
		w.closeLost = w.dropped[reasonWriteError]
		close(w.closed) // Block writers give up
		if w.idle {
			w.idle = false
			w.signal()
		}
	}
	w.mu.Unlock()
	select {
	case <-w.done:
		return w.closeErr
	case <-ctx.Done():
	}
	select {
	case <-w.done: // ended at the same time: prefer the full result
		return w.closeErr
	default:
	}
	w.mu.Lock()
	w.abandoned = true
	var abandoned uint64
	if w.cur != nil && w.cur.n > 0 {
		w.queue.push(w.cur)
		w.cur = nil
	}
	for b := w.queue.pop(); b != nil; b = w.queue.pop() {
		abandoned += uint64(b.n)
		w.settled += uint64(b.n)
		w.release(b)
	}
	w.dropped[reasonClosed] += abandoned
	w.unreported[reasonClosed] += abandoned
	inFlight := w.accepted - w.settled
	w.broadcast()
	w.mu.Unlock()
	return fmt.Errorf("async: close: %w before everything was written: %d buffered records dropped (counted as dropped_total{reason=\"closed\"}), %d still being written; "+
		"the destination is too slow or stuck: give Close more time (Options.CloseTimeout)", ctx.Err(), abandoned, inFlight)
}

// queue is a FIFO of batches with room for every slab.
type queue struct {
	items      []*batch
	head, size int
}

func (q *queue) push(b *batch) {
	q.items[(q.head+q.size)%len(q.items)] = b
	q.size++
}

// pop returns the oldest batch, or nil if the queue is empty.
func (q *queue) pop() *batch {
	if q.size == 0 {
		return nil
	}
	b := q.items[q.head]
	q.items[q.head] = nil
	q.head = (q.head + 1) % len(q.items)
	q.size--
	return b
}
