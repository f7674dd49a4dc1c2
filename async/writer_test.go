package async_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/logweave/logweave/async"
	"github.com/logweave/logweave/internal/logtest"
	"github.com/logweave/logweave/stats"
)

// The small geometry of most tests: four slabs of 256 bytes, so four
// 64-byte records fill a slab and the buffer holds 16 records.
const (
	recSize   = 64
	perSlab   = 4
	testBatch = recSize * perSlab
	testBuf   = 4 * testBatch
)

func smallOpts(policy async.FullPolicy) async.Options {
	return async.Options{BufferSize: testBuf, BatchSize: testBatch, OnFull: policy, BlockTimeout: 10 * time.Second}
}

func TestOptionsErrors(t *testing.T) {
	for _, tc := range []struct {
		opts async.Options
		want string
	}{
		{async.Options{BufferSize: -1}, "BufferSize -1: want a size in bytes > 0"},
		{async.Options{BufferSize: 1 << 40}, "BufferSize 1099511627776: want at most 1073741824 (1 GiB)"},
		{async.Options{BatchSize: -5}, "BatchSize -5: want a size in bytes > 0"},
		{async.Options{BufferSize: 1}, "BufferSize 1: want at least 2 bytes"},
		{async.Options{BufferSize: 1000, BatchSize: 600}, "BufferSize 1000 with BatchSize 600: want BufferSize >= 2*BatchSize"},
		{async.Options{BatchSize: 1 << 20}, "BufferSize 1048576 with BatchSize 1048576"},
		{async.Options{OnFull: 7}, "OnFull FullPolicy(7): want DropNewest, DropOldest or Block"},
		{async.Options{BlockTimeout: -time.Second}, "BlockTimeout -1s: want a duration > 0"},
		{async.Options{FlushInterval: -time.Second}, "FlushInterval -1s: want a duration > 0"},
		{async.Options{CloseTimeout: -time.Second}, "CloseTimeout -1s: want a duration > 0"},
		{async.Options{DropReportFields: `"service.name":`}, "DropReportFields"},
		{async.Options{DropReportFields: `"a":1,`}, "want JSON object members"},
		{async.Options{DropReportFields: `{"a":1}`}, "want JSON object members"},
	} {
		w, err := async.NewWriter(io.Discard, tc.opts)
		if err == nil {
			w.Close()
			t.Errorf("%+v: no error, want %q", tc.opts, tc.want)
			continue
		}
		if !strings.HasPrefix(err.Error(), "async: ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %q, want it to contain %q", tc.opts, err, tc.want)
		}
	}
	if _, err := async.NewWriter(nil, async.Options{}); err == nil || !strings.Contains(err.Error(), "nil io.Writer") {
		t.Errorf("nil writer: error %v, want one naming the nil io.Writer", err)
	}
}

func TestPolicyString(t *testing.T) {
	for p, want := range map[async.FullPolicy]string{async.DropNewest: "DropNewest", async.DropOldest: "DropOldest", async.Block: "Block", 9: "FullPolicy(9)"} {
		if got := p.String(); got != want {
			t.Errorf("%d: got %q, want %q", int(p), got, want)
		}
	}
}

// TestWritesInOrder: records come out whole, in order, and all counted,
// with the defaults and with small slabs that fill and rotate.
func TestWritesInOrder(t *testing.T) {
	for name, opts := range map[string]async.Options{"defaults": {}, "small": smallOpts(async.Block)} {
		t.Run(name, func(t *testing.T) {
			s := &sink{}
			w := mustNew(t, s, opts)
			for i := range 1000 {
				if n, err := w.Write(record(i, recSize)); n != recSize || err != nil {
					t.Fatalf("Write: %d, %v", n, err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			got, reports := output(t, s)
			if !slices.Equal(got, seq(0, 999)) || len(reports) != 0 {
				t.Fatalf("got %d records %v..., reports %q", len(got), got[:min(len(got), 10)], reports)
			}
			st := w.Stats()
			if st.Offered != 1000 || st.Written != 1000 || st.BytesWritten != 1000*recSize || st.Dropped() != 0 || st.Buffered != 0 {
				t.Fatalf("stats %+v", st)
			}
			if name == "small" && st.Batches < 1000/perSlab {
				t.Fatalf("%d batches for 1000 records in slabs of %d: want at least %d", st.Batches, perSlab, 1000/perSlab)
			}
		})
	}
}

// fillStuck starts a writer on a sink that holds every Write, has the
// goroutine take record 0 (so it is stuck writing it) and writes records
// 1..n, returning the errors of those Writes.
func fillStuck(t *testing.T, opts async.Options, n int) (*async.Writer, *sink, []error) {
	t.Helper()
	s := newGatedSink()
	w := mustNew(t, s, opts)
	if _, err := w.Write(record(0, recSize)); err != nil {
		t.Fatal(err)
	}
	s.waitEntered(t)
	errs := make([]error, n+1)
	for i := 1; i <= n; i++ {
		_, errs[i] = w.Write(record(i, recSize))
	}
	return w, s, errs
}

// TestDropNewest: with the destination stuck, the buffer takes what fits
// (three free slabs of four records) and drops the rest, newest first;
// every drop is counted, returned as ErrFull and reported in the stream.
func TestDropNewest(t *testing.T) {
	w, s, errs := fillStuck(t, smallOpts(async.DropNewest), 20)
	for i := 1; i <= 20; i++ {
		if wantOK := i <= 12; (errs[i] == nil) != wantOK {
			t.Fatalf("record %d: error %v, want error: %v", i, errs[i], !wantOK)
		}
		if errs[i] != nil && !errors.Is(errs[i], async.ErrFull) {
			t.Fatalf("record %d: error %v, want ErrFull", i, errs[i])
		}
	}
	st := w.Stats()
	checkAccounting(t, st)
	if st.Buffered != 13 || st.DroppedBufferFull != 8 {
		t.Fatalf("while stuck: %+v, want 13 buffered, 8 dropped", st)
	}
	s.release()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, reports := output(t, s)
	if !slices.Equal(got, seq(0, 12)) {
		t.Fatalf("written %v, want 0..12", got)
	}
	checkReports(t, reports, map[string]uint64{stats.ReasonBufferFull: 8})
	st = w.Stats()
	checkAccounting(t, st)
	if st.Written != 13 || st.DroppedBufferFull != 8 || st.Reports != 1 {
		t.Fatalf("after Close: %+v", st)
	}
}

// TestDropOldest: the buffer keeps the newest records, discarding the
// oldest waiting batch whole; the batch being written is not taken back.
func TestDropOldest(t *testing.T) {
	w, s, errs := fillStuck(t, smallOpts(async.DropOldest), 20)
	for i, err := range errs {
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
	}
	s.release()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, reports := output(t, s)
	// 0 was being written; 1..8 were the two oldest waiting batches.
	if want := append([]int{0}, seq(9, 20)...); !slices.Equal(got, want) {
		t.Fatalf("written %v, want %v", got, want)
	}
	checkReports(t, reports, map[string]uint64{stats.ReasonBufferFull: 8})
	st := w.Stats()
	checkAccounting(t, st)
	if st.Written != 13 || st.DroppedBufferFull != 8 {
		t.Fatalf("%+v", st)
	}
}

// TestDropOldestNothingToDiscard: when everything buffered is being
// written (here a record that takes every slab), DropOldest has nothing
// to discard and drops the new record.
func TestDropOldestNothingToDiscard(t *testing.T) {
	s := newGatedSink()
	w := mustNew(t, s, async.Options{BufferSize: 2 * testBatch, BatchSize: testBatch, OnFull: async.DropOldest})
	if _, err := w.Write(record(0, 2*testBatch)); err != nil {
		t.Fatal(err)
	}
	s.waitEntered(t)
	if _, err := w.Write(record(1, recSize)); !errors.Is(err, async.ErrFull) {
		t.Fatalf("Write with every slab being written: %v, want ErrFull", err)
	}
	s.release()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, reports := output(t, s)
	if !slices.Equal(got, []int{0}) {
		t.Fatalf("written %v", got)
	}
	checkReports(t, reports, map[string]uint64{stats.ReasonBufferFull: 1})
	checkAccounting(t, w.Stats())
}

// TestBlock: under Block, a Write waits for room and gets it when the
// destination catches up; with no room within BlockTimeout it drops the
// record, counted, after waiting that long.
func TestBlock(t *testing.T) {
	opts := smallOpts(async.Block)
	opts.BlockTimeout = 50 * time.Millisecond
	w, s, errs := fillStuck(t, opts, 12) // exactly full
	for i, err := range errs {
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
	}
	start := time.Now()
	_, err := w.Write(record(13, recSize))
	if waited := time.Since(start); !errors.Is(err, async.ErrFull) || waited < opts.BlockTimeout {
		t.Fatalf("full buffer: Write returned %v after %v, want ErrFull after %v", err, waited, opts.BlockTimeout)
	}
	if !strings.Contains(err.Error(), "BlockTimeout") {
		t.Errorf("error %q does not name BlockTimeout", err)
	}

	// A Write that gets room before its timeout.
	w2, s2, _ := fillStuck(t, smallOpts(async.Block), 12)
	done := make(chan error, 1)
	go func() {
		_, err := w2.Write(record(13, recSize))
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("Write on a full buffer returned at once (%v), want it to wait", err)
	case <-time.After(50 * time.Millisecond):
	}
	s2.release()
	if err := <-done; err != nil {
		t.Fatalf("Write after room was made: %v", err)
	}
	if err := w2.Close(); err != nil {
		t.Fatal(err)
	}
	if got, _ := output(t, s2); !slices.Equal(got, seq(0, 13)) {
		t.Fatalf("written %v, want 0..13", got)
	}
	checkAccounting(t, w2.Stats())

	s.release()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, reports := output(t, s)
	if !slices.Equal(got, seq(0, 12)) {
		t.Fatalf("written %v, want 0..12", got)
	}
	checkReports(t, reports, map[string]uint64{stats.ReasonBufferFull: 1})
	checkAccounting(t, w.Stats())
}

// TestBlockedWriterReleasedByClose: Close wakes a Write blocked on a full
// buffer, which then returns ErrClosed, counted.
func TestBlockedWriterReleasedByClose(t *testing.T) {
	w, s, _ := fillStuck(t, smallOpts(async.Block), 12)
	done := make(chan error, 1)
	go func() {
		_, err := w.Write(record(13, recSize))
		done <- err
	}()
	time.Sleep(20 * time.Millisecond) // let it block (it may also find Close already begun)
	closed := make(chan error, 1)
	go func() { closed <- w.Close() }()
	select {
	case err := <-done:
		if !errors.Is(err, async.ErrClosed) {
			t.Fatalf("blocked Write returned %v, want ErrClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not wake the blocked Write")
	}
	s.release()
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	st := w.Stats()
	checkAccounting(t, st)
	if st.Written != 13 || st.DroppedClosed != 1 {
		t.Fatalf("%+v", st)
	}
}

// TestStatsWhileBlocked: the books balance in every snapshot, also while
// Block writers wait for room (issue 13): a waiting record is counted in
// Waiting until it is buffered or dropped, so that a dashboard reading
// live stats never sees records missing.
func TestStatsWhileBlocked(t *testing.T) {
	const blocked = 6
	opts := smallOpts(async.Block)
	opts.BlockTimeout = time.Minute // they wait for the test, not for a timer
	w, s, errs := fillStuck(t, opts, 12)
	for i, err := range errs {
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
	}
	done := make(chan error, blocked)
	for i := range blocked {
		go func() {
			_, err := w.Write(record(13+i, recSize))
			done <- err
		}()
	}
	// A writer holds the lock from counting its record as offered until
	// it waits, and there is no room: once Stats sees all of them
	// offered, all of them wait.
	st := w.Stats()
	for deadline := time.Now().Add(5 * time.Second); st.Offered < 13+blocked; st = w.Stats() {
		if time.Now().After(deadline) {
			t.Fatalf("the writers never called Write: %+v", st)
		}
		runtime.Gosched()
	}
	checkAccounting(t, st)
	if st.Waiting != blocked || st.Buffered != 13 || st.Written != 0 || st.Dropped() != 0 {
		t.Fatalf("all blocked: %+v", st)
	}
	// The exported counters are the drop counters of the same books.
	for _, c := range w.AppendCounters(nil) {
		if c.Count != 0 {
			t.Fatalf("counter %+v while nothing was dropped", c)
		}
	}

	// The destination takes one batch at a time (one gate token per
	// Write call), and a snapshot after each step still balances, while
	// another goroutine checks snapshots as the writers move.
	stop := make(chan struct{})
	checked := make(chan struct{})
	go func() {
		defer close(checked)
		for {
			select {
			case <-stop:
				return
			default:
			}
			if st := w.Stats(); st.Offered != st.Written+st.Dropped()+st.Buffered+st.Waiting {
				t.Errorf("snapshot out of balance: %+v", st)
				return
			}
		}
	}()
	for range 2 {
		s.gate <- struct{}{}
		checkAccounting(t, w.Stats())
	}
	s.release()
	for range blocked {
		if err := <-done; err != nil {
			t.Fatalf("blocked Write: %v", err)
		}
	}
	close(stop)
	<-checked
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	st = w.Stats()
	checkAccounting(t, st)
	if st.Written != 13+blocked || st.Waiting != 0 {
		t.Fatalf("after Close: %+v", st)
	}
}

func TestFlush(t *testing.T) {
	s := newGatedSink()
	w := mustNew(t, s, smallOpts(async.DropNewest))
	for i := range 4 {
		if _, err := w.Write(record(i, recSize)); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	err := w.Flush(ctx)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "4 records still buffered") {
		t.Fatalf("Flush on a stuck destination: %v, want DeadlineExceeded and 4 records still buffered", err)
	}
	s.release()
	if err := w.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Everything is out before Close.
	if got, _ := output(t, s); !slices.Equal(got, seq(0, 3)) {
		t.Fatalf("after Flush: %v", got)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(context.Background()); err != nil {
		t.Fatalf("Flush after Close: %v", err)
	}
}

// TestFlushInterval: under FlushInterval a partial batch waits for the
// interval (here, forever) unless Flush or Close asks for it; with a
// short interval it goes out by itself.
func TestFlushInterval(t *testing.T) {
	s := &sink{}
	w := mustNew(t, s, async.Options{FlushInterval: time.Hour})
	w.Write(record(1, recSize))
	time.Sleep(30 * time.Millisecond)
	if out := s.String(); out != "" {
		t.Fatalf("a partial batch was written before the interval: %q", out)
	}
	if err := w.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got, _ := output(t, s); !slices.Equal(got, []int{1}) {
		t.Fatalf("after Flush: %v", got)
	}
	w.Write(record(2, recSize))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got, _ := output(t, s); !slices.Equal(got, []int{1, 2}) {
		t.Fatalf("after Close: %v", got)
	}

	s2 := &sink{}
	w2 := mustNew(t, s2, async.Options{FlushInterval: 5 * time.Millisecond})
	w2.Write(record(1, recSize))
	w2.Write(record(2, recSize))
	deadline := time.Now().Add(5 * time.Second)
	for s2.String() == "" && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if got, _ := output(t, s2); !slices.Equal(got, []int{1, 2}) {
		t.Fatalf("after the interval: %v", got)
	}
	if st := w2.Stats(); st.Batches != 1 {
		t.Fatalf("two records within the interval took %d batches, want 1", st.Batches)
	}
}

// TestCloseDeadline: when the destination is stuck past Close's deadline,
// the buffered records are counted as dropped (closed), Close says so,
// and a later Close waits for the goroutine to end.
func TestCloseDeadline(t *testing.T) {
	w, s, _ := fillStuck(t, smallOpts(async.DropNewest), 5)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	err := w.CloseContext(ctx)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "5 buffered records dropped") ||
		!strings.Contains(err.Error(), "1 still being written") {
		t.Fatalf("CloseContext past its deadline: %v", err)
	}
	if _, err := w.Write(record(6, recSize)); !errors.Is(err, async.ErrClosed) {
		t.Fatalf("Write after Close: %v", err)
	}
	s.release()
	if err := w.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	got, reports := output(t, s)
	if !slices.Equal(got, []int{0}) || len(reports) != 0 {
		t.Fatalf("written %v, reports %q; want only record 0", got, reports)
	}
	st := w.Stats()
	checkAccounting(t, st)
	if st.Written != 1 || st.DroppedClosed != 6 || st.Buffered != 0 {
		t.Fatalf("%+v", st)
	}
}

// TestWriteAfterClose: a Write after Close returns an error naming what
// happened, is counted, and Close can be called again.
func TestWriteAfterClose(t *testing.T) {
	s := &sink{}
	w := mustNew(t, s, async.Options{})
	w.Write(record(1, recSize))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	n, err := w.Write(record(2, recSize))
	if n != 0 || !errors.Is(err, async.ErrClosed) || !strings.Contains(err.Error(), `reason="closed"`) {
		t.Fatalf("Write after Close: %d, %v", n, err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := w.CloseContext(context.Background()); err != nil {
		t.Fatalf("third Close: %v", err)
	}
	st := w.Stats()
	checkAccounting(t, st)
	if st.Written != 1 || st.DroppedClosed != 1 {
		t.Fatalf("%+v", st)
	}
	if got, _ := output(t, s); !slices.Equal(got, []int{1}) {
		t.Fatalf("written %v", got)
	}
}

// TestConcurrentClose: writers racing with Close each get either success
// or ErrClosed, and every record is accounted for exactly once.
func TestConcurrentClose(t *testing.T) {
	s := &sink{}
	w := mustNew(t, s, smallOpts(async.Block))
	var wg sync.WaitGroup
	var mu sync.Mutex
	accepted := map[int]bool{}
	for g := range 4 {
		wg.Go(func() {
			for i := range 500 {
				id := g*1000 + i
				_, err := w.Write(record(id, recSize))
				if err != nil && !errors.Is(err, async.ErrClosed) {
					t.Errorf("Write: %v", err)
				}
				mu.Lock()
				accepted[id] = err == nil
				mu.Unlock()
			}
		})
	}
	time.Sleep(time.Millisecond)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	got, _ := output(t, s)
	seen := map[int]bool{}
	for _, id := range got {
		if seen[id] || !accepted[id] {
			t.Fatalf("record %d written twice or though refused", id)
		}
		seen[id] = true
	}
	st := w.Stats()
	checkAccounting(t, st)
	var ok int
	for _, a := range accepted {
		if a {
			ok++
		}
	}
	if len(seen) != ok || st.Written != uint64(ok) || st.Offered != 2000 || st.DroppedClosed != uint64(2000-ok) {
		t.Fatalf("%d accepted, %d written, stats %+v", ok, len(seen), st)
	}
}

// failingSink returns a sink whose Write call number bad behaves as
// misbehave says.
func failingSink(bad int, misbehave func(p []byte, into *bytes.Buffer) (int, error)) *sink {
	return &sink{fail: func(call int, p []byte, into *bytes.Buffer) (int, error, bool) {
		if call != bad {
			return 0, nil, false
		}
		n, err := misbehave(p, into)
		return n, err, true
	}}
}

// TestUnderlyingFailures: an underlying writer that fails, panics or
// writes short loses the records of that batch, counted and reported
// (OnError and a report line), and the writer goes on with the next.
func TestUnderlyingFailures(t *testing.T) {
	for _, tc := range []struct {
		name      string
		misbehave func(p []byte, into *bytes.Buffer) (int, error)
		wantErr   string
	}{
		{"error", func([]byte, *bytes.Buffer) (int, error) { return 0, errors.New("disk full") }, "disk full"},
		{"panic", func([]byte, *bytes.Buffer) (int, error) { panic("boom") }, "underlying writer panicked: boom"},
		{"short", func(p []byte, into *bytes.Buffer) (int, error) {
			into.Write(p[:10])
			return 10, nil
		}, "short write: 10 of 64 bytes"},
		{"short with error", func(p []byte, into *bytes.Buffer) (int, error) {
			into.Write(p[:10])
			return 10, errors.New("EIO")
		}, "EIO"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := failingSink(2, tc.misbehave)
			var mu sync.Mutex
			var reported []error
			opts := async.Options{OnError: func(err error) {
				mu.Lock()
				reported = append(reported, err)
				mu.Unlock()
			}}
			w := mustNew(t, s, opts)
			// One record per batch: Flush after each.
			for i := range 3 {
				w.Write(record(i, recSize))
				err := w.Flush(context.Background())
				if (err != nil) != (i == 1) {
					t.Fatalf("Flush after record %d: %v", i, err)
				}
				if err != nil && (!strings.Contains(err.Error(), "1 records lost") || !strings.Contains(err.Error(), tc.wantErr)) {
					t.Fatalf("Flush error %q, want it to say 1 record lost and %q", err, tc.wantErr)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			// A partial line stays alone on its line: the next one parses.
			lines := strings.Split(strings.TrimSuffix(s.String(), "\n"), "\n")
			var records []int
			var reports []string
			for _, l := range lines {
				if i, ok := parseRecord(l); ok {
					records = append(records, i)
				} else if strings.Contains(l, `"msg":"async: dropped`) {
					reports = append(reports, l)
				} else if !strings.HasPrefix(tc.name, "short") || l != string(record(1, recSize)[:10]) {
					t.Fatalf("unexpected line %q in %q", l, s.String())
				}
			}
			if !slices.Equal(records, []int{0, 2}) {
				t.Fatalf("records %v, want 0 and 2", records)
			}
			checkReports(t, reports, map[string]uint64{stats.ReasonWriteError: 1})
			st := w.Stats()
			checkAccounting(t, st)
			if st.Written != 2 || st.DroppedWriteError != 1 || st.WriteErrors != 1 || st.Batches != 3 {
				t.Fatalf("%+v", st)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(reported) != 1 || !strings.Contains(reported[0].Error(), tc.wantErr) || !strings.Contains(reported[0].Error(), "1 records (64 bytes) lost") {
				t.Fatalf("OnError got %v", reported)
			}
		})
	}
}

// TestFailingReport: a drop report that can't be written is counted as a
// write error and tried again, with the counts added up, after the next
// batch; a panicking OnError is survived.
func TestFailingReport(t *testing.T) {
	s := &sink{fail: func(call int, p []byte, into *bytes.Buffer) (int, error, bool) {
		if call <= 2 { // the record's batch, then the report
			return 0, errors.New("down"), true
		}
		return 0, nil, false
	}}
	w := mustNew(t, s, async.Options{OnError: func(error) { panic("hook") }})
	w.Write(record(0, recSize))
	w.Flush(context.Background())
	w.Write(record(1, recSize))
	w.Flush(context.Background())
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, reports := output(t, s)
	if !slices.Equal(got, []int{1}) {
		t.Fatalf("records %v", got)
	}
	checkReports(t, reports, map[string]uint64{stats.ReasonWriteError: 1})
	if st := w.Stats(); st.WriteErrors != 2 || st.Reports != 1 || st.DroppedWriteError != 1 {
		t.Fatalf("%+v", st)
	}
}

// TestCloseReportsLoss: write errors while Close flushes make Close fail.
func TestCloseReportsLoss(t *testing.T) {
	s := failingSink(1, func([]byte, *bytes.Buffer) (int, error) { return 0, errors.New("gone") })
	w := mustNew(t, s, async.Options{FlushInterval: time.Hour})
	w.Write(record(0, recSize))
	err := w.Close()
	if err == nil || !strings.Contains(err.Error(), "1 records lost to write errors while flushing") || !strings.Contains(err.Error(), "gone") {
		t.Fatalf("Close: %v", err)
	}
	if err2 := w.Close(); err2 == nil || err2.Error() != err.Error() {
		t.Fatalf("second Close: %v, want the same result %v", err2, err)
	}
}

// TestConcurrentWriters: records from many goroutines, of many sizes
// (some larger than a batch), each arrive whole, exactly once, in each
// goroutine's order (under Block with time to wait), or are dropped and
// counted (DropNewest, DropOldest) with a slow destination.
func TestConcurrentWriters(t *testing.T) {
	const goroutines, each = 8, 1500
	for _, policy := range []async.FullPolicy{async.Block, async.DropNewest, async.DropOldest} {
		t.Run(policy.String(), func(t *testing.T) {
			s := &sink{fail: func(call int, p []byte, into *bytes.Buffer) (int, error, bool) {
				if call%8 == 0 {
					time.Sleep(100 * time.Microsecond) // a slow destination
				}
				return 0, nil, false
			}}
			opts := async.Options{BufferSize: 8 << 10, BatchSize: 1 << 10, OnFull: policy, BlockTimeout: time.Minute}
			w := mustNew(t, s, opts)
			refused := make([][]bool, goroutines)
			var wg sync.WaitGroup
			for g := range goroutines {
				refused[g] = make([]bool, each)
				wg.Go(func() {
					for i := range each {
						size := 16 + (i*37+g*101)%300
						if i%200 == 7 {
							size = 3000 // larger than a batch
						}
						_, err := w.Write(record(g*each+i, size))
						if err != nil && !errors.Is(err, async.ErrFull) {
							t.Errorf("Write: %v", err)
						}
						refused[g][i] = err != nil
					}
				})
			}
			wg.Wait()
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			got, reports := output(t, s) // fails on any broken line
			last := make([]int, goroutines)
			for g := range last {
				last[g] = -1
			}
			seen := make(map[int]bool, len(got))
			for _, id := range got {
				g, i := id/each, id%each
				if seen[id] {
					t.Fatalf("record %d written twice", id)
				}
				if refused[g][i] {
					t.Fatalf("record %d written though Write returned an error", id)
				}
				if i <= last[g] {
					t.Fatalf("goroutine %d: record %d after %d", g, i, last[g])
				}
				seen[id], last[g] = true, i
			}
			st := w.Stats()
			checkAccounting(t, st)
			if st.Offered != goroutines*each || st.Written != uint64(len(got)) || st.Buffered != 0 {
				t.Fatalf("%d records written, stats %+v", len(got), st)
			}
			var nRefused uint64
			for g := range refused {
				for _, r := range refused[g] {
					if r {
						nRefused++
					}
				}
			}
			switch policy {
			case async.Block:
				if st.Dropped() != 0 {
					t.Fatalf("Block with a minute to wait dropped records: %+v", st)
				}
			case async.DropNewest:
				if nRefused != st.DroppedBufferFull {
					t.Fatalf("%d Writes refused, %d counted dropped", nRefused, st.DroppedBufferFull)
				}
			}
			var reported uint64
			for _, r := range reports {
				var m struct{ Dropped uint64 }
				json.Unmarshal([]byte(r), &m)
				reported += m.Dropped
			}
			if reported != st.Dropped() {
				t.Fatalf("reports add up to %d dropped, counters say %d", reported, st.Dropped())
			}
			t.Logf("%+v", st)
		})
	}
}

// TestLargeRecords: a record larger than a batch but not than the buffer
// goes out whole and in order; one larger than the buffer is dropped,
// counted, returned as ErrTooLarge and reported.
func TestLargeRecords(t *testing.T) {
	for _, policy := range []async.FullPolicy{async.DropNewest, async.DropOldest, async.Block} {
		t.Run(policy.String(), func(t *testing.T) {
			s := &sink{}
			w := mustNew(t, s, smallOpts(policy))
			sizes := []int{recSize, 600, recSize, testBuf, recSize, testBuf + 1, recSize}
			var want []int
			for i, size := range sizes {
				_, err := w.Write(record(i, size))
				if size > testBuf {
					if !errors.Is(err, async.ErrTooLarge) || !strings.Contains(err.Error(), fmt.Sprintf("a %d-byte record with Options.BufferSize %d", size, testBuf)) {
						t.Fatalf("record of %d bytes: %v, want ErrTooLarge", size, err)
					}
					continue
				}
				if err != nil {
					if policy == async.Block {
						t.Fatalf("record %d (%d bytes): %v", i, size, err)
					}
					continue // a drop policy may find the buffer full
				}
				want = append(want, i)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			got, reports := output(t, s)
			// DropOldest may discard accepted records later; the others
			// write every record they accepted.
			if policy == async.DropOldest && !isSubsequence(got, want) || policy != async.DropOldest && !slices.Equal(got, want) {
				t.Fatalf("written %v, accepted %v", got, want)
			}
			st := w.Stats()
			checkAccounting(t, st)
			if st.DroppedBufferFull < 1 || len(reports) == 0 {
				t.Fatalf("the record larger than the buffer was not counted or reported: %+v %q", st, reports)
			}
		})
	}
}

// TestLargeRecordAfterStuckBatch: an oversized record waits its turn
// behind the batch being written and the records queued before it.
func TestLargeRecordAfterStuckBatch(t *testing.T) {
	w, s, _ := fillStuck(t, smallOpts(async.Block), 2)
	done := make(chan error, 1)
	go func() {
		_, err := w.Write(record(3, testBuf)) // needs every slab
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	s.release()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	w.Write(record(4, recSize))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got, _ := output(t, s); !slices.Equal(got, seq(0, 4)) {
		t.Fatalf("written %v", got)
	}
}

// isSubsequence reports whether sub is s with some elements left out.
func isSubsequence(sub, s []int) bool {
	for _, x := range sub {
		i := slices.Index(s, x)
		if i < 0 {
			return false
		}
		s = s[i+1:]
	}
	return true
}

func TestEmptyWrite(t *testing.T) {
	s := &sink{}
	w := mustNew(t, s, async.Options{})
	if n, err := w.Write(nil); n != 0 || err != nil {
		t.Fatalf("Write(nil): %d, %v", n, err)
	}
	w.Close()
	if st := w.Stats(); st.Offered != 1 || st.Written != 1 || st.BytesWritten != 0 || s.calls != 0 {
		t.Fatalf("stats %+v, %d Write calls", st, s.calls)
	}
}

// checkReports checks that the drop reports are valid JSON lines in the
// documented format and add up to want per reason.
func checkReports(t *testing.T, reports []string, want map[string]uint64) {
	t.Helper()
	got := map[string]uint64{}
	for _, r := range reports {
		var m map[string]any
		if err := json.Unmarshal([]byte(r), &m); err != nil {
			t.Fatalf("report %q: %v", r, err)
		}
		ts, _ := m["time"].(string)
		if _, err := time.Parse("2006-01-02T15:04:05.000Z", ts); err != nil {
			t.Errorf("report time %q: %v", ts, err)
		}
		reason, _ := m["reason"].(string)
		n, _ := m["dropped"].(float64)
		if m["level"] != "WARN" || m["msg"] != fmt.Sprintf("async: dropped %d record%s", int(n), map[bool]string{true: "", false: "s"}[n == 1]) {
			t.Errorf("report %q", r)
		}
		got[reason] += uint64(n)
	}
	if !maps.Equal(got, want) {
		t.Fatalf("reports %q add up to %v, want %v", reports, got, want)
	}
}

func TestDropReportOptions(t *testing.T) {
	// Disabled: counted, not written.
	w, s, _ := fillStuck(t, async.Options{BufferSize: testBuf, BatchSize: testBatch, DisableDropReport: true}, 20)
	s.release()
	w.Close()
	if _, reports := output(t, s); len(reports) != 0 || w.Stats().DroppedBufferFull != 8 {
		t.Fatalf("reports %q with DisableDropReport, stats %+v", reports, w.Stats())
	}
	// Custom format.
	custom := func(dst []byte, r async.DropReport) []byte {
		return fmt.Appendf(dst, "DROPPED %s %d\n", r.Reason, r.Dropped)
	}
	w, s, _ = fillStuck(t, async.Options{BufferSize: testBuf, BatchSize: testBatch, AppendDropReport: custom}, 20)
	s.release()
	w.Close()
	if !strings.Contains(s.String(), "\nDROPPED buffer_full 8\n") {
		t.Fatalf("custom report missing: %q", s.String())
	}
	// A panicking format falls back to the default.
	w, s, _ = fillStuck(t, async.Options{BufferSize: testBuf, BatchSize: testBatch,
		AppendDropReport: func([]byte, async.DropReport) []byte { panic("x") }}, 20)
	s.release()
	w.Close()
	_, reports := output(t, s)
	checkReports(t, reports, map[string]uint64{stats.ReasonBufferFull: 8})
}

func TestAppendDropReport(t *testing.T) {
	at := time.Date(2026, 11, 21, 11, 22, 33, 123456789, time.FixedZone("CET", 3600))
	got := string(async.AppendDropReport([]byte("x"), async.DropReport{Time: at, Reason: stats.ReasonBufferFull, Dropped: 12}))
	want := `x{"time":"2026-11-21T10:22:33.123Z","level":"WARN","msg":"async: dropped 12 records","reason":"buffer_full","dropped":12}` + "\n"
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	got = string(async.AppendDropReport(nil, async.DropReport{Time: at, Reason: stats.ReasonClosed, Dropped: 1, Fields: `"service.name":"svc","env":"prod"`}))
	want = `{"time":"2026-11-21T10:22:33.123Z","level":"WARN","msg":"async: dropped 1 record","service.name":"svc","env":"prod","reason":"closed","dropped":1}` + "\n"
	if got != want {
		t.Fatalf("with fields:\ngot  %s\nwant %s", got, want)
	}
}

func TestAppendCounters(t *testing.T) {
	w, s, _ := fillStuck(t, smallOpts(async.DropNewest), 20)
	s.release()
	w.Close()
	w.Write(nil) // after Close
	var src stats.Source = w
	got := src.AppendCounters(nil)
	want := []stats.Counter{
		{Name: stats.DroppedTotal, Label: stats.LabelReason, Value: stats.ReasonBufferFull, Count: 8},
		{Name: stats.DroppedTotal, Label: stats.LabelReason, Value: stats.ReasonWriteError, Count: 0},
		{Name: stats.DroppedTotal, Label: stats.LabelReason, Value: stats.ReasonClosed, Count: 1},
		{Name: stats.WriteErrorsTotal, Count: 0},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
}

func TestCloseUnderlying(t *testing.T) {
	for _, on := range []bool{false, true} {
		s := &sink{}
		w := mustNew(t, s, async.Options{CloseUnderlying: on})
		w.Write(record(1, recSize))
		w.Close()
		w.Close()
		if want := map[bool]int{false: 0, true: 1}[on]; s.closed != want {
			t.Errorf("CloseUnderlying %v: underlying closed %d times, want %d", on, s.closed, want)
		}
		if got, _ := output(t, s); !slices.Equal(got, []int{1}) {
			t.Errorf("written %v", got)
		}
	}
}

// TestNoGoroutineAfterClose: Close returns only once the goroutine ended.
func TestNoGoroutineAfterClose(t *testing.T) {
	for range 20 {
		w, err := async.NewWriter(io.Discard, async.Options{})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(record(1, recSize))
		w.Close()
	}
	// A goroutine takes a moment to vanish after it has ended, hence the
	// wait; a goroutine still waiting for work would show.
	if leaked := logtest.Leaked(time.Second, "async.(*Writer).run"); len(leaked) > 0 {
		t.Fatalf("goroutines left after Close:\n%s", strings.Join(leaked, "\n\n"))
	}
}
