package sample

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"sync"
	"testing"
	"time"

	"github.com/logweave/logweave/stats"
)

// recorder is a slog.Handler that keeps the records it is given, with
// whether their context was marked Always.
type recorder struct {
	mu      sync.Mutex
	minimum slog.Level
	fail    bool
	got     []slog.Record
	always  []bool
}

func (h *recorder) Enabled(_ context.Context, l slog.Level) bool { return l >= h.minimum }

func (h *recorder) Handle(ctx context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.fail {
		return errors.New("disk full")
	}
	h.got = append(h.got, r.Clone())
	h.always = append(h.always, IsAlways(ctx))
	return nil
}

func (h *recorder) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *recorder) WithGroup(string) slog.Handler      { return h }

func (h *recorder) records() []slog.Record {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]slog.Record(nil), h.got...)
}

// attrs flattens a record's attributes, groups as "group.key".
func attrs(r slog.Record) map[string]string {
	m := map[string]string{}
	var add func(prefix string, a slog.Attr)
	add = func(prefix string, a slog.Attr) {
		if a.Value.Kind() == slog.KindGroup {
			for _, g := range a.Value.Group() {
				add(prefix+a.Key+".", g)
			}
			return
		}
		m[prefix+a.Key] = a.Value.String()
	}
	r.Attrs(func(a slog.Attr) bool { add("", a); return true })
	return m
}

// reportHarness runs report with ticks the test sends and a clock it sets.
type reportHarness struct {
	ticks chan time.Time
	wrote chan struct{}
	now   time.Time
	stop  func()
}

func startReport(p *Policy, h slog.Handler) *reportHarness {
	rh := &reportHarness{ticks: make(chan time.Time), wrote: make(chan struct{}), now: t0}
	rh.stop = p.report(h, rh.ticks, func() time.Time { return rh.now }, func() {}, rh.wrote)
	return rh
}

// tick advances the clock by d, delivers a tick and waits until the
// goroutine has handled it.
func (rh *reportHarness) tick(d time.Duration) {
	rh.now = rh.now.Add(d)
	rh.ticks <- rh.now
	<-rh.wrote
}

func dropSome(p *Policy, n int, level slog.Level) {
	for range n {
		p.Keep(context.Background(), rec(level, "m", t0))
	}
}

func TestReportSummaries(t *testing.T) {
	p := mustNew(t, Config{LevelRates: map[slog.Level]float64{slog.LevelDebug: 0}, Burst: BurstRule{First: 1}})
	h := &recorder{minimum: slog.LevelInfo}
	rh := startReport(p, h)
	defer rh.stop()

	rh.tick(10 * time.Second)
	if got := h.records(); len(got) != 0 {
		t.Fatalf("summary written though nothing was dropped: %v", got)
	}

	dropSome(p, 1000, slog.LevelDebug) // 1000 by level rate
	dropSome(p, 235, slog.LevelInfo)   // 1 kept, 234 by burst
	rh.tick(10 * time.Second)
	got := h.records()
	if len(got) != 1 {
		t.Fatalf("%d summaries, want 1", len(got))
	}
	r := got[0]
	if r.Message != "sampled out 1234 records in the last 10s" || r.Level != slog.LevelInfo || !r.Time.Equal(t0.Add(20*time.Second)) {
		t.Errorf("summary %q at %v, %v", r.Message, r.Level, r.Time)
	}
	want := map[string]string{"sampled_out": "1234", "interval": "10s", "dropped.level_rate": "1000", "dropped.burst": "234"}
	if a := attrs(r); !maps.Equal(a, want) {
		t.Errorf("summary attributes %v, want %v", a, want)
	}
	if !h.always[0] {
		t.Error("summary written without the Always context: the policy could sample it")
	}

	// Only what was dropped since the last summary.
	dropSome(p, 5, slog.LevelDebug)
	rh.tick(10 * time.Second)
	if got := h.records(); len(got) != 2 || got[1].Message != "sampled out 5 records in the last 10s" {
		t.Fatalf("second summary: %v", got)
	}

	// stop writes what the last interval dropped, with its real length.
	dropSome(p, 7, slog.LevelDebug)
	rh.now = rh.now.Add(2400 * time.Millisecond)
	rh.stop()
	rh.stop() // again: nothing happens
	got = h.records()
	if len(got) != 3 || got[2].Message != "sampled out 7 records in the last 2s" {
		t.Fatalf("final summary: %v", got)
	}
}

func TestReportWhenHandlerRefusesOrFails(t *testing.T) {
	p := mustNew(t, Config{LevelRates: map[slog.Level]float64{slog.LevelDebug: 0}})

	// A handler above INFO gets the summary at WARN.
	h := &recorder{minimum: slog.LevelWarn}
	rh := startReport(p, h)
	dropSome(p, 3, slog.LevelDebug)
	rh.tick(time.Second)
	rh.stop()
	if got := h.records(); len(got) != 1 || got[0].Level != slog.LevelWarn {
		t.Fatalf("handler at WARN: %v, want one WARN summary", got)
	}

	// A handler that fails, or takes neither INFO nor WARN, gets the
	// counts later: nothing is lost between summaries.
	h = &recorder{minimum: slog.LevelError}
	rh = startReport(p, h)
	dropSome(p, 4, slog.LevelDebug)
	rh.tick(10 * time.Second)
	h.mu.Lock()
	h.minimum, h.fail = slog.LevelInfo, true
	h.mu.Unlock()
	dropSome(p, 5, slog.LevelDebug)
	rh.tick(10 * time.Second)
	h.mu.Lock()
	h.fail = false
	h.mu.Unlock()
	rh.tick(10 * time.Second)
	rh.stop()
	got := h.records()
	if len(got) != 1 || got[0].Message != "sampled out 9 records in the last 30s" {
		t.Fatalf("after a refusing and a failing handler: %v, want one summary of 9 records over 30s", got)
	}
}

func TestReportNilAndDefaults(t *testing.T) {
	var p *Policy
	p.Report(&recorder{}, time.Second)() // a no-op stop
	q := mustNew(t, Config{})
	q.Report(nil, time.Second)()
	stop := q.Report(&recorder{}, 0) // DefaultReportEvery; stops at once
	stop()
}

func TestRoundInterval(t *testing.T) {
	for _, c := range []struct{ in, want time.Duration }{
		{-time.Second, 0}, {0, 0}, {1234567 * time.Nanosecond, time.Millisecond},
		{1500 * time.Millisecond, 2 * time.Second}, {10*time.Second + 3*time.Millisecond, 10 * time.Second},
	} {
		if got := roundInterval(c.in); got != c.want {
			t.Errorf("roundInterval(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestAppendCounters(t *testing.T) {
	p := mustNew(t, Config{
		LevelRates: map[slog.Level]float64{slog.LevelDebug: 0},
		Burst:      BurstRule{First: 1},
	})
	prefix := []stats.Counter{{Name: "other"}}
	got := p.AppendCounters(prefix)
	if len(got) != 5 || got[0].Name != "other" {
		t.Fatalf("AppendCounters: %v, want the four sampling counters after dst's", got)
	}
	for _, c := range got[1:] {
		if c.Name != stats.DroppedTotal || c.Label != stats.LabelReason || c.Count != 0 {
			t.Errorf("counter %+v: want dropped_total{reason=...} 0 before any drop", c)
		}
	}
	dropSome(p, 3, slog.LevelDebug)
	dropSome(p, 5, slog.LevelInfo)
	want := map[string]uint64{"sampled_trace": 0, "sampled_level_rate": 3, "sampled_burst": 4, "sampled_overload": 0}
	var src stats.Source = p
	for _, c := range src.AppendCounters(nil) {
		w, ok := want[c.Value]
		if !ok || c.Count != w {
			t.Errorf("%s{%s=%q} = %d, want %d", c.Name, c.Label, c.Value, c.Count, w)
		}
		delete(want, c.Value)
	}
	if len(want) != 0 {
		t.Errorf("missing counters %v", want)
	}
}
