package sample

import (
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// DefaultReportEvery is the summary interval Report uses when given 0 or
// less.
const DefaultReportEvery = 10 * time.Second

// Report starts one goroutine that, every interval in which the policy
// dropped records, writes through h a summary such as
//
//	{"level":"INFO","msg":"sampled out 1234 records in the last 10s","sampled_out":1234,"interval":"10s","dropped":{"burst":1200,"level_rate":34}}
//
// so that nobody mistakes sampling for silence. The line's context is
// marked with Always, so the policy never samples its own summary. It is
// written at INFO, or at WARN if h does not take INFO records; if h
// refuses both, or fails, the counts are carried into the next summary.
//
// stop ends the goroutine, after a last summary of what was dropped since
// the previous one, and returns once it has ended; calling it again does
// nothing. every <= 0 means DefaultReportEvery. A nil h or a nil Policy
// starts nothing.
func (p *Policy) Report(h slog.Handler, every time.Duration) (stop func()) {
	if p == nil || h == nil {
		return func() {}
	}
	if every <= 0 {
		every = DefaultReportEvery
	}
	ticker := time.NewTicker(every)
	return p.report(h, ticker.C, time.Now, ticker.Stop, nil)
}

// report is Report with the ticks and the clock given, so that tests
// drive it without sleeping. release is called when the goroutine ends;
// wrote, if not nil, receives after each tick has been handled.
func (p *Policy) report(h slog.Handler, ticks <-chan time.Time, now func() time.Time, release func(), wrote chan<- struct{}) (stop func()) {
	quit := make(chan struct{})
	done := make(chan struct{})
	s := summarizer{p: p, h: h, last: p.Stats(), since: now()}
	go func() {
		defer close(done)
		defer release()
		for {
			select {
			case t := <-ticks:
				s.write(t)
				if wrote != nil {
					wrote <- struct{}{}
				}
			case <-quit:
				s.write(now())
				return
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() { close(quit) })
		<-done
	}
}

// summarizer writes the summaries of one Report goroutine.
type summarizer struct {
	p     *Policy
	h     slog.Handler
	last  Stats     // the counts at the last summary written
	since time.Time // when it was written
}

// write writes a summary of the drops since the last one, if any, dated t.
func (s *summarizer) write(t time.Time) {
	cur := s.p.Stats()
	total := cur.Dropped() - s.last.Dropped()
	if total == 0 {
		s.last, s.since = cur, t
		return
	}
	ctx := summaryCtx
	level := slog.LevelInfo
	if !s.h.Enabled(ctx, level) {
		level = slog.LevelWarn
		if !s.h.Enabled(ctx, level) {
			return // the counts wait for a handler that takes them
		}
	}
	interval := roundInterval(t.Sub(s.since))
	r := slog.NewRecord(t, level, fmt.Sprintf("sampled out %d records in the last %s", total, interval), 0)
	var by []any
	now, before := cur.byReason(), s.last.byReason()
	for i := reasonTrace; i < numCounters; i++ {
		if d := now[i] - before[i]; d > 0 {
			by = append(by, slog.Uint64(reasonNames[i], d))
		}
	}
	r.AddAttrs(
		slog.Uint64("sampled_out", total),
		slog.String("interval", interval.String()),
		slog.Group("dropped", by...),
	)
	if err := s.h.Handle(ctx, r); err != nil {
		return // not written: the counts go into the next summary
	}
	s.last, s.since = cur, t
}

// roundInterval rounds d for reading: to the second from a second up, to
// the millisecond below.
func roundInterval(d time.Duration) time.Duration {
	switch {
	case d <= 0:
		return 0
	case d >= time.Second:
		return d.Round(time.Second)
	default:
		return d.Round(time.Millisecond)
	}
}
