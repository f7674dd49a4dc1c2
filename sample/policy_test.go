package sample

import (
	"context"
	"encoding/binary"
	"log/slog"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/logweave/logweave/units"
	"go.opentelemetry.io/otel/trace"
)

// nilCtx is a nil context, which callers may pass by mistake.
var nilCtx context.Context

// t0 is the time of the first record in the tests that count time.
var t0 = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

func rec(level slog.Level, msg string, at time.Time, attrs ...slog.Attr) slog.Record {
	r := slog.NewRecord(at, level, msg, 0)
	r.AddAttrs(attrs...)
	return r
}

func mustNew(t testing.TB, c Config) *Policy {
	t.Helper()
	p, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// dropAllBelowError drops every record below ERROR by level rate.
var dropAllBelowError = map[slog.Level]float64{
	slog.LevelDebug: 0, slog.LevelInfo: 0, slog.LevelWarn: 0,
}

// traceCtx returns a context with a remote span context of trace id tid.
func traceCtx(tid trace.TraceID, sampled bool) context.Context {
	cfg := trace.SpanContextConfig{TraceID: tid, SpanID: trace.SpanID{1, 2, 3, 4, 5, 6, 7, 8}}
	if sampled {
		cfg.TraceFlags = trace.FlagsSampled
	}
	return trace.ContextWithRemoteSpanContext(context.Background(), trace.NewSpanContext(cfg))
}

// traceID makes a trace id whose last 8 bytes are low (the bytes the
// ratio is computed from) and first 8 are high.
func traceID(high, low uint64) trace.TraceID {
	var id trace.TraceID
	binary.BigEndian.PutUint64(id[:8], high)
	binary.BigEndian.PutUint64(id[8:], low)
	return id
}

func TestZeroConfigKeepsEverything(t *testing.T) {
	p := mustNew(t, Config{})
	levels := []slog.Level{slog.LevelDebug - 4, slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError, slog.LevelError + 4}
	for _, l := range levels {
		for range 100 {
			if !p.Keep(context.Background(), rec(l, "m", t0)) {
				t.Fatalf("zero Config dropped a %v record", l)
			}
		}
	}
	if s := p.Stats(); s.Kept != uint64(100*len(levels)) || s.Dropped() != 0 {
		t.Errorf("stats %+v, want %d kept, none dropped", s, 100*len(levels))
	}
}

func TestNilPolicyAndRecord(t *testing.T) {
	var p *Policy
	if !p.Keep(context.Background(), rec(slog.LevelDebug, "m", t0)) {
		t.Error("nil Policy dropped a record")
	}
	if (p.Stats() != Stats{}) || len(p.AppendCounters(nil)) != 4 {
		t.Error("nil Policy: want zero stats and the four counters")
	}
	if err := p.Update(Config{}); err == nil {
		t.Error("Update on a nil Policy: want an error")
	}
	q := mustNew(t, Config{LevelRates: dropAllBelowError})
	if q.Keep(nilCtx, rec(slog.LevelInfo, "m", t0)) {
		t.Error("nil context: want the rules applied as for context.Background")
	}
}

func TestErrorsKeptByDefaultWhateverElseDrops(t *testing.T) {
	first := 1
	cfg := Config{
		LevelRates: map[slog.Level]float64{slog.LevelDebug: 0, slog.LevelInfo: 0, slog.LevelWarn: 0, slog.LevelError: 0},
		Trace:      TraceRule{Rate: 0.5, DropOthers: true},
		Burst:      BurstRule{First: first},
		Overload:   OverloadRule{EnterAbove: 1, KeepLevel: new(slog.LevelError + 8)},
	}
	p := mustNew(t, cfg)
	p.overload.active.Store(true)
	dropped := traceCtx(traceID(1, math.MaxUint64), true)
	for i := range 1000 {
		for _, l := range []slog.Level{slog.LevelError, slog.LevelError + 4} {
			if !p.Keep(dropped, rec(l, "same message", t0.Add(time.Duration(i)))) {
				t.Fatalf("record %d at %v dropped", i, l)
			}
		}
	}
	if p.Keep(dropped, rec(slog.LevelWarn, "same message", t0)) {
		t.Error("WARN kept: the configuration does not drop it as the test means")
	}
}

func TestKeepLevel(t *testing.T) {
	p := mustNew(t, Config{KeepLevel: new(slog.LevelWarn), LevelRates: dropAllBelowError})
	if !p.Keep(context.Background(), rec(slog.LevelWarn, "m", t0)) {
		t.Error("WARN dropped with KeepLevel WARN")
	}
	if p.Keep(context.Background(), rec(slog.LevelInfo, "m", t0)) {
		t.Error("INFO kept with rate 0")
	}
	// Raising KeepLevel lets the rules sample errors too.
	p = mustNew(t, Config{KeepLevel: new(slog.LevelError + 4), LevelRates: map[slog.Level]float64{slog.LevelError: 0}})
	if p.Keep(context.Background(), rec(slog.LevelError, "m", t0)) {
		t.Error("ERROR kept with KeepLevel ERROR+4 and an ERROR rate of 0")
	}
	if !p.Keep(context.Background(), rec(slog.LevelError+4, "m", t0)) {
		t.Error("ERROR+4 dropped with KeepLevel ERROR+4")
	}
}

func TestKeepAttrs(t *testing.T) {
	p := mustNew(t, Config{
		LevelRates: dropAllBelowError,
		KeepAttrs: []Match{
			{Key: "event", Value: "payment_failed"},
			{Key: "status", Value: "503"},
			{Key: "audit"},
			{Key: "ratio", Value: "0.5"},
			{Key: "retry", Value: "true"},
		},
	})
	cases := []struct {
		name string
		attr slog.Attr
		want bool
	}{
		{"string match", slog.String("event", "payment_failed"), true},
		{"string other value", slog.String("event", "payment_ok"), false},
		{"int match", slog.Int("status", 503), true},
		{"uint match", slog.Uint64("status", 503), true},
		{"int other", slog.Int("status", 200), false},
		{"string form of int", slog.String("status", "503"), true},
		{"any value", slog.Bool("audit", false), true},
		{"float", slog.Float64("ratio", 0.5), true},
		{"bool", slog.Bool("retry", true), true},
		{"bool other", slog.Bool("retry", false), false},
		{"other key", slog.String("kind", "payment_failed"), false},
		{"inside a group", slog.Group("g", slog.String("event", "payment_failed")), false},
		{"duration is not compared", slog.Duration("status", 503), false},
	}
	for _, c := range cases {
		r := rec(slog.LevelInfo, "m", t0, slog.String("before", "x"), c.attr, slog.Int("after", 1))
		if got := p.Keep(context.Background(), r); got != c.want {
			t.Errorf("%s: kept %v, want %v", c.name, got, c.want)
		}
	}
}

func TestAlways(t *testing.T) {
	p := mustNew(t, Config{LevelRates: dropAllBelowError, Burst: BurstRule{First: 1}})
	ctx := Always(context.Background())
	if !IsAlways(ctx) || IsAlways(context.Background()) || IsAlways(nilCtx) {
		t.Fatal("IsAlways does not report Always's mark")
	}
	for range 100 {
		if !p.Keep(ctx, rec(slog.LevelDebug, "audit", t0)) {
			t.Fatal("record in an Always context dropped")
		}
	}
	if p.Keep(context.Background(), rec(slog.LevelDebug, "audit", t0)) {
		t.Error("unmarked record kept: the test's rules do not drop it")
	}
	// Derived contexts keep the mark.
	type k struct{}
	if !p.Keep(context.WithValue(ctx, k{}, 1), rec(slog.LevelDebug, "audit", t0)) {
		t.Error("record in a context derived from Always dropped")
	}
	if !IsAlways(Always(nilCtx)) {
		t.Error("Always(nil) is not marked")
	}
}

func TestTraceWholeAndConsistent(t *testing.T) {
	const rate, traces, perTrace = 0.25, 4000, 25
	cfg := Config{Trace: TraceRule{Rate: rate, DropOthers: true}}
	p, other := mustNew(t, cfg), mustNew(t, cfg) // other stands for another process
	keptTraces := 0
	for i := range traces {
		// Ids from a fixed generator, so the test is reproducible.
		tid := traceID(mix(uint64(i)), mix(uint64(i)+1e9))
		ctx := traceCtx(tid, false)
		first := p.Keep(ctx, rec(slog.LevelInfo, "first", t0))
		for j := range perTrace {
			lvl := []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn}[j%3]
			if got := p.Keep(ctx, rec(lvl, "step "+strconv.Itoa(j), t0)); got != first {
				t.Fatalf("trace %v: record %d kept=%v, first kept=%v: a trace split", tid, j, got, first)
			}
		}
		if got := other.Keep(ctx, rec(slog.LevelInfo, "elsewhere", t0)); got != first {
			t.Fatalf("trace %v kept=%v here, %v in another policy", tid, first, got)
		}
		if first {
			keptTraces++
		}
	}
	if got := float64(keptTraces) / traces; math.Abs(got-rate) > 0.03 {
		t.Errorf("kept %.3f of traces, want %.2f±0.03", got, rate)
	}
	s := p.Stats()
	if s.Trace != uint64((traces-keptTraces)*(perTrace+1)) {
		t.Errorf("dropped by trace: %d, want %d", s.Trace, (traces-keptTraces)*(perTrace+1))
	}

	// The bits used are OpenTelemetry's: the low 63 bits of the last 8
	// bytes against rate×2⁶³; the first 8 bytes do not matter.
	for _, c := range []struct {
		tid  trace.TraceID
		want bool
	}{
		{traceID(math.MaxUint64, 0), true},
		{traceID(0, math.MaxUint64), false},
		{traceID(0, 1<<62-1), true},  // (2⁶²-1)>>1 = 2⁶¹-1, below 0.25×2⁶³
		{traceID(0, 1<<62), false},   // 2⁶¹: at the bound
		{traceID(0, 1<<62+1), false}, // the lowest bit is shifted out
	} {
		if got := p.Keep(traceCtx(c.tid, false), rec(slog.LevelInfo, "m", t0)); got != c.want {
			t.Errorf("trace %v: kept %v, want %v", c.tid, got, c.want)
		}
	}
}

func TestTraceSampledFlag(t *testing.T) {
	p := mustNew(t, Config{LevelRates: dropAllBelowError, Trace: TraceRule{KeepSampled: true}})
	unlikely := traceID(7, math.MaxUint64)
	if !p.Keep(traceCtx(unlikely, true), rec(slog.LevelDebug, "m", t0)) {
		t.Error("record of a sampled trace dropped")
	}
	// Without DropOthers the other traces go on to the level rates.
	if p.Keep(traceCtx(unlikely, false), rec(slog.LevelDebug, "m", t0)) {
		t.Error("record of an unsampled trace kept despite a rate of 0")
	}
	if s := p.Stats(); s.LevelRate != 1 || s.Trace != 0 {
		t.Errorf("stats %+v: want the unsampled trace's record dropped by level rate", s)
	}
	// No trace: the rule does not apply.
	if p.Keep(context.Background(), rec(slog.LevelDebug, "m", t0)) {
		t.Error("untraced record kept despite a rate of 0")
	}

	p = mustNew(t, Config{Trace: TraceRule{KeepSampled: true, DropOthers: true}})
	if p.Keep(traceCtx(unlikely, false), rec(slog.LevelWarn, "m", t0)) {
		t.Error("record of an unsampled trace kept with DropOthers")
	}
	if !p.Keep(context.Background(), rec(slog.LevelWarn, "m", t0)) {
		t.Error("untraced record dropped: DropOthers is about traced records")
	}
	if !p.Keep(traceCtx(unlikely, false), rec(slog.LevelError, "m", t0)) {
		t.Error("error of a dropped trace dropped")
	}
	if !p.Keep(Always(traceCtx(unlikely, false)), rec(slog.LevelInfo, "m", t0)) {
		t.Error("Always record of a dropped trace dropped")
	}
	if s := p.Stats(); s.Trace != 1 || s.Kept != 3 {
		t.Errorf("stats %+v, want 1 dropped by trace and 3 kept", s)
	}
}

func TestLevelRates(t *testing.T) {
	p := mustNew(t, Config{LevelRates: map[slog.Level]float64{
		slog.LevelDebug: 0, slog.LevelInfo: 0.1, slog.LevelWarn: 1,
	}})
	const n = 100000
	count := func(l slog.Level) int {
		k := 0
		for range n {
			if p.Keep(context.Background(), rec(l, "m", t0)) {
				k++
			}
		}
		return k
	}
	if k := count(slog.LevelDebug); k != 0 {
		t.Errorf("DEBUG at rate 0: %d kept", k)
	}
	if k := count(slog.LevelDebug - 4); k != 0 {
		t.Errorf("TRACE (DEBUG-4) falls under DEBUG's rate 0: %d kept", k)
	}
	if k := count(slog.LevelWarn); k != n {
		t.Errorf("WARN at rate 1: %d of %d kept", k, n)
	}
	if k := count(slog.LevelInfo + 2); math.Abs(float64(k)/n-0.1) > 0.01 {
		t.Errorf("INFO+2 under INFO's rate 0.1: kept %.4f", float64(k)/n)
	}
	if k := count(slog.LevelInfo); math.Abs(float64(k)/n-0.1) > 0.01 {
		t.Errorf("INFO at rate 0.1: kept %.4f", float64(k)/n)
	}
	s := p.Stats()
	if s.LevelRate+s.Kept != 5*n || s.Dropped() != s.LevelRate {
		t.Errorf("stats %+v: want %d records, all drops by level rate", s, 5*n)
	}
}

func TestBurst(t *testing.T) {
	p := mustNew(t, Config{Burst: BurstRule{First: 3, Interval: units.Duration(time.Second), Slots: 1 << 20}})
	keep := func(msg string, at time.Time) bool { return p.Keep(context.Background(), rec(slog.LevelInfo, msg, at)) }
	var got []int
	for i := 1; i <= 23; i++ {
		if keep("hot", t0.Add(time.Duration(i)*time.Millisecond)) {
			got = append(got, i)
		}
	}
	if want := []int{1, 2, 3}; !slices.Equal(got, want) {
		t.Errorf("kept %v, want %v", got, want)
	}
	if !keep("cold", t0.Add(500*time.Millisecond)) {
		t.Error("another message shares the hot one's count")
	}
	if !p.Keep(context.Background(), rec(slog.LevelWarn, "hot", t0.Add(500*time.Millisecond))) {
		t.Error("the same message at another level shares its count")
	}
	// The interval began with the first record (t0+1ms): at t0+1001ms a
	// new one starts.
	if keep("hot", t0.Add(1000*time.Millisecond)) {
		t.Error("record before the interval's end kept")
	}
	for i := range 3 {
		if !keep("hot", t0.Add(1001*time.Millisecond)) {
			t.Errorf("record %d of a new interval dropped", i+1)
		}
	}
	if keep("hot", t0.Add(1001*time.Millisecond)) {
		t.Error("4th record of the new interval kept")
	}
	// A clock set back by an hour starts a new interval instead of
	// waiting an hour.
	if !keep("hot", t0.Add(-time.Hour)) {
		t.Error("clock set back: the key stays limited")
	}
	if s := p.Stats(); s.Burst != 20+1+1 {
		t.Errorf("dropped by burst: %d, want 22", s.Burst)
	}
}

// TestBurstThereafter: after the first records, one in Thereafter is kept,
// drawn at random.
func TestBurstThereafter(t *testing.T) {
	for _, c := range []struct{ first, thereafter int }{{10, 10}, {0, 4}, {5, 1}, {1, 1000}} {
		p := mustNew(t, Config{Burst: BurstRule{First: c.first, Thereafter: c.thereafter}})
		const n = 100000
		kept := 0
		for i := range n {
			if p.Keep(context.Background(), rec(slog.LevelInfo, "m", t0.Add(time.Duration(i)))) {
				kept++
			}
		}
		want := float64(c.first) + float64(n-c.first)/float64(c.thereafter)
		// Five standard deviations of the binomial draw.
		q := 1 / float64(c.thereafter)
		tolerance := 5 * math.Sqrt(float64(n)*q*(1-q))
		if math.Abs(float64(kept)-want) > tolerance {
			t.Errorf("first %d, thereafter %d: kept %d of %d, want %.0f±%.0f", c.first, c.thereafter, kept, n, want, tolerance)
		}
		if s := p.Stats(); s.Kept != uint64(kept) || s.Burst != uint64(n-kept) {
			t.Errorf("first %d, thereafter %d: stats %+v, want %d kept", c.first, c.thereafter, s, kept)
		}
	}
}

func TestBurstThereafterZeroAndKeyAttr(t *testing.T) {
	p := mustNew(t, Config{Burst: BurstRule{First: 2, Key: "user", Slots: 1 << 20}})
	keep := func(msg string, attrs ...slog.Attr) bool {
		return p.Keep(context.Background(), rec(slog.LevelInfo, msg, t0, attrs...))
	}
	for i := range 10 {
		want := i < 2
		if got := keep("login", slog.String("user", "ann")); got != want {
			t.Errorf("ann's record %d: kept %v, want %v (thereafter 0 drops the rest)", i+1, got, want)
		}
	}
	// The key is the user, not the message.
	if keep("logout", slog.String("user", "ann")) {
		t.Error("ann's other message kept: the key is the user")
	}
	if !keep("login", slog.String("user", "bob")) {
		t.Error("bob limited by ann's count")
	}
	var got []bool
	for _, user := range []int{7, 7, 7, 8} {
		got = append(got, keep("login", slog.Int("user", user)))
	}
	if !slices.Equal(got, []bool{true, true, false, true}) {
		t.Errorf("integer users 7, 7, 7, 8: kept %v, want each its own count", got)
	}
	// Without the attribute the key is the message.
	got = got[:0]
	for range 3 {
		got = append(got, keep("login"))
	}
	if !slices.Equal(got, []bool{true, true, false}) {
		t.Errorf("records without the key attribute: kept %v, want their message's count, first 2 kept", got)
	}
	// A group value has no simple form: the message again.
	if keep("login", slog.Group("user", slog.String("id", "x"))) {
		t.Error("group-valued key: want the message's count, which is spent")
	}
}

func TestBurstTableIsBounded(t *testing.T) {
	p := mustNew(t, Config{Burst: BurstRule{First: 1, Slots: 1000}})
	tab := p.rules.Load().table
	if tab.size() != 1024 {
		t.Fatalf("1000 slots: table of %d, want rounded up to 1024", tab.size())
	}
	n := 1 << 20
	if testing.Short() {
		n = 1 << 16
	}
	for i := range n {
		p.Keep(context.Background(), rec(slog.LevelInfo, "message "+strconv.Itoa(i), t0))
	}
	if got := p.rules.Load().table; got != tab || len(got.slots) != 1024 || cap(got.slots) != 1024 {
		t.Errorf("after %d distinct keys the table is %d slots (cap %d), want the same 1024", n, len(got.slots), cap(got.slots))
	}
	// Collisions are shared counts: with 1024 slots and more keys than
	// that, many distinct keys were dropped on their first record.
	if s := p.Stats(); s.Burst == 0 || s.Kept > 1024 {
		t.Errorf("stats %+v: want at most one kept per slot", s)
	}
}

func TestOverloadHysteresis(t *testing.T) {
	p := mustNew(t, Config{Overload: OverloadRule{EnterAbove: 100, ExitBelow: 50, Window: units.Duration(time.Second)}})
	at := t0
	// window sends n INFO records evenly over one second and reports
	// whether overload mode is on after the first record of the next
	// window, and how many of the window's records were kept.
	window := func(n int) (overloaded bool, keptInfo int) {
		step := time.Second / time.Duration(n)
		for i := range n {
			if p.Keep(context.Background(), rec(slog.LevelInfo, "m", at.Add(time.Duration(i)*step))) {
				keptInfo++
			}
		}
		at = at.Add(time.Second)
		p.Keep(context.Background(), rec(slog.LevelDebug+1, "probe", at)) // ends the window
		at = at.Add(time.Nanosecond)
		return p.Stats().Overloaded, keptInfo
	}
	steps := []struct {
		rate     int
		want     bool
		wantKept int
	}{
		{80, false, 80},  // below the threshold
		{99, false, 99},  // 99 + the probe: 100/s is not above 100
		{150, true, 150}, // enters at the window's end
		{80, true, 0},    // between the thresholds: stays, drops INFO
		{60, true, 0},    // still above exit_below
		{40, false, 0},   // 41/s < 50: leaves
		{80, false, 80},  // between the thresholds: does not re-enter
		{200, true, 200},
	}
	for i, s := range steps {
		got, kept := window(s.rate)
		if got != s.want || kept != s.wantKept {
			t.Fatalf("step %d (%d/s): overloaded %v with %d INFO kept, want %v with %d", i, s.rate, got, kept, s.want, s.wantKept)
		}
	}
	// In overload mode WARN and above are kept.
	if !p.Keep(context.Background(), rec(slog.LevelWarn, "m", at)) {
		t.Error("WARN dropped in overload mode")
	}
	if p.Keep(context.Background(), rec(slog.LevelInfo, "m", at)) {
		t.Error("INFO kept in overload mode")
	}
	if s := p.Stats(); s.Overload != 80+60+40+4+1 { // + the probes ending windows 3, 4, 5 and 8, + the INFO above
		t.Errorf("dropped by overload: %d, want %d", s.Overload, 80+60+40+4+1)
	}

	// Turning the rule off ends overload mode.
	if err := p.Update(Config{}); err != nil {
		t.Fatal(err)
	}
	if p.Stats().Overloaded || !p.Keep(context.Background(), rec(slog.LevelInfo, "m", at)) {
		t.Error("overload mode survives the rule's removal")
	}
}

func TestRuleOrder(t *testing.T) {
	// A DEBUG record that both the level rate and the burst limit would
	// drop is dropped by the level rate, and the burst limit never sees
	// it: lifting the rate later finds the burst budget whole.
	cfg := Config{LevelRates: map[slog.Level]float64{slog.LevelDebug: 0}, Burst: BurstRule{First: 2}}
	p := mustNew(t, cfg)
	for range 10 {
		p.Keep(context.Background(), rec(slog.LevelDebug, "m", t0))
	}
	if s := p.Stats(); s.LevelRate != 10 || s.Burst != 0 {
		t.Fatalf("stats %+v, want 10 drops by level rate, none by burst", s)
	}
	cfg.LevelRates = nil
	if err := p.Update(cfg); err != nil {
		t.Fatal(err)
	}
	got := []bool{}
	for range 3 {
		got = append(got, p.Keep(context.Background(), rec(slog.LevelDebug, "m", t0)))
	}
	if !got[0] || !got[1] || got[2] {
		t.Errorf("after lifting the rate: kept %v, want [true true false]", got)
	}

	// Burst drops come before overload: they do not count as offered.
	p = mustNew(t, Config{Burst: BurstRule{First: 1}, Overload: OverloadRule{EnterAbove: 10}})
	for i := range 100 {
		p.Keep(context.Background(), rec(slog.LevelInfo, "same", t0.Add(time.Duration(i)*time.Millisecond)))
	}
	p.Keep(context.Background(), rec(slog.LevelInfo, "other", t0.Add(2*time.Second)))
	if s := p.Stats(); s.Overloaded || s.Burst != 99 {
		t.Errorf("stats %+v: 100 records of one key, 99 burst drops, must not make 100/s of load", s)
	}

	// Keep rules beat drop rules: the trace keeps a record the level
	// rate would drop; an attribute keeps one the burst would drop.
	p = mustNew(t, Config{
		LevelRates: dropAllBelowError, Trace: TraceRule{Rate: 1},
		KeepAttrs: []Match{{Key: "audit"}},
	})
	if !p.Keep(traceCtx(traceID(1, 1), false), rec(slog.LevelDebug, "m", t0)) {
		t.Error("trace rule (2) lost to level rate (3)")
	}
	if !p.Keep(context.Background(), rec(slog.LevelDebug, "m", t0, slog.Bool("audit", true))) {
		t.Error("keep_attrs (1) lost to level rate (3)")
	}
}

// Tests with several burst keys use 1<<20 slots, so that two of their
// keys share a slot (which the table allows) once in a hundred thousand
// runs rather than once in a few hundred.

// TestCountersExact: under concurrent decisions, kept plus dropped is
// the number of records offered, and kept is the number Keep said yes to.
func TestCountersExact(t *testing.T) {
	p := mustNew(t, Config{
		LevelRates: map[slog.Level]float64{slog.LevelDebug: 0.3, slog.LevelInfo: 0.8},
		Trace:      TraceRule{Rate: 0.5, DropOthers: true},
		Burst:      BurstRule{First: 5, Thereafter: 3},
		Overload:   OverloadRule{EnterAbove: 1000, Window: units.Duration(10 * time.Millisecond)},
	})
	const workers, each = 8, 20000
	// One clock for all workers, so that record times go forward as in
	// a program: 10µs apart, 100000 records a second.
	var clock atomic.Int64
	var wg sync.WaitGroup
	keptBy := make([]int, workers)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				ctx := context.Background()
				if i%4 == 0 {
					ctx = traceCtx(traceID(uint64(w), mix(uint64(i))), false)
				}
				l := []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError}[i%4]
				at := t0.Add(time.Duration(clock.Add(1)) * 10 * time.Microsecond)
				if p.Keep(ctx, rec(l, "m"+strconv.Itoa(i%50), at)) {
					keptBy[w]++
				}
			}
		})
	}
	wg.Wait()
	kept := 0
	for _, k := range keptBy {
		kept += k
	}
	s := p.Stats()
	if s.Kept != uint64(kept) || s.Kept+s.Dropped() != workers*each {
		t.Errorf("stats %+v (dropped %d): want kept %d and kept+dropped = %d", s, s.Dropped(), kept, workers*each)
	}
	for _, n := range []uint64{s.Trace, s.LevelRate, s.Burst, s.Overload} {
		if n == 0 {
			t.Errorf("stats %+v: every rule should have dropped something here", s)
			break
		}
	}
}

func TestUpdateConcurrentWithKeep(t *testing.T) {
	a := Config{LevelRates: dropAllBelowError}
	b := Config{Burst: BurstRule{First: 1 << 30}} // keeps everything
	p := mustNew(t, a)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	offered := make([]int, 4)
	for w := range offered {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				p.Keep(context.Background(), rec(slog.LevelInfo, "m", t0))
				offered[w]++
			}
		})
	}
	for i := range 2000 {
		c := a
		if i%2 == 1 {
			c = b
		}
		if err := p.Update(c); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	total := 0
	for _, n := range offered {
		total += n
	}
	// Each decision saw one rule set whole: drops are only by level rate,
	// and the counts add up.
	s := p.Stats()
	if s.Kept+s.LevelRate != uint64(total) || s.Burst != 0 {
		t.Errorf("stats %+v, want kept+level_rate = %d offered and no burst drop", s, total)
	}
}

func TestUpdateKeepsOrResetsBurstCounts(t *testing.T) {
	cfg := Config{Burst: BurstRule{First: 2}}
	p := mustNew(t, cfg)
	keep := func() bool { return p.Keep(context.Background(), rec(slog.LevelInfo, "m", t0)) }
	keep()
	keep()
	cfg.Burst.Thereafter = 1000 // same table size: the counts stay
	if err := p.Update(cfg); err != nil {
		t.Fatal(err)
	}
	if keep() {
		t.Error("the burst count was reset by an Update that kept the table's size")
	}
	cfg.Burst.Slots = 128 // another size: a new table
	if err := p.Update(cfg); err != nil {
		t.Fatal(err)
	}
	if !keep() {
		t.Error("a resized table kept the old counts")
	}
	if got := p.Config(); got.Burst.Slots != 128 || got.Burst.Thereafter != 1000 {
		t.Errorf("Config() = %+v, want the updated one", got)
	}
}

func TestBadConfigErrors(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		want string
	}{
		{"attr key", Config{KeepAttrs: []Match{{Key: "a"}, {Value: "x"}}}, "sample: keep_attrs[1].key is empty"},
		{"trace rate", Config{Trace: TraceRule{Rate: 1.5}}, "sample: trace.rate 1.5: want a fraction"},
		{"trace rate NaN", Config{Trace: TraceRule{Rate: math.NaN()}}, "sample: trace.rate NaN"},
		{"drop others alone", Config{Trace: TraceRule{DropOthers: true}}, "sample: trace.drop_others without"},
		{"level key", Config{LevelRates: map[slog.Level]float64{slog.LevelInfo + 1: 0.5}}, `sample: level_rates key "INFO+1": want DEBUG, INFO, WARN or ERROR`},
		{"level rate", Config{LevelRates: map[slog.Level]float64{slog.LevelInfo: -0.1}}, "sample: level_rates.INFO -0.1: want a fraction"},
		{"burst first", Config{Burst: BurstRule{First: -1}}, "sample: burst.first -1"},
		{"burst thereafter", Config{Burst: BurstRule{First: 1, Thereafter: -2}}, "sample: burst.thereafter -2"},
		{"burst interval", Config{Burst: BurstRule{First: 1, Interval: units.Duration(-time.Second)}}, "sample: burst.interval -1s"},
		{"burst slots", Config{Burst: BurstRule{First: 1, Slots: 1<<20 + 1}}, "sample: burst.slots 1048577"},
		{"enter", Config{Overload: OverloadRule{EnterAbove: -1}}, "sample: overload.enter_above -1"},
		{"enter inf", Config{Overload: OverloadRule{EnterAbove: math.Inf(1)}}, "sample: overload.enter_above +Inf"},
		{"exit", Config{Overload: OverloadRule{EnterAbove: 10, ExitBelow: 10}}, "sample: overload.exit_below 10: want less than enter_above 10"},
		{"exit negative", Config{Overload: OverloadRule{EnterAbove: 10, ExitBelow: -1}}, "sample: overload.exit_below -1"},
		{"window", Config{Overload: OverloadRule{EnterAbove: 10, Window: units.Duration(-1)}}, "sample: overload.window -1ns"},
	}
	good := Config{LevelRates: dropAllBelowError}
	for _, c := range cases {
		p, err := New(c.cfg)
		if err == nil || p != nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s: New = %v, %v; want an error starting %q", c.name, p, err, c.want)
		}
		if err := c.cfg.Validate(); err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s: Validate = %v, want an error starting %q", c.name, err, c.want)
		}
		q := mustNew(t, good)
		if err := q.Update(c.cfg); err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s: Update = %v, want an error starting %q", c.name, err, c.want)
		}
		if q.Keep(context.Background(), rec(slog.LevelInfo, "m", t0)) {
			t.Errorf("%s: a failed Update changed the policy", c.name)
		}
	}
}

func TestConfigIsCopied(t *testing.T) {
	cfg := Config{LevelRates: map[slog.Level]float64{slog.LevelInfo: 0}, KeepLevel: new(slog.LevelError)}
	p := mustNew(t, cfg)
	cfg.LevelRates[slog.LevelInfo] = 1
	*cfg.KeepLevel = slog.LevelDebug
	if p.Keep(context.Background(), rec(slog.LevelInfo, "m", t0)) {
		t.Error("changing the caller's Config after New changed the policy")
	}
	got := p.Config()
	got.LevelRates[slog.LevelInfo] = 1
	if p.Config().LevelRates[slog.LevelInfo] != 0 {
		t.Error("Config() returns the policy's own map")
	}
}

// TestShardsSpreadGoroutines: goroutines running at once add to
// different counter shards (they would otherwise fight for one cache
// line), which is what lets decisions scale with cores.
func TestShardsSpreadGoroutines(t *testing.T) {
	var c counters
	const rounds = 200
	shared := 0
	for range rounds {
		var wg sync.WaitGroup
		var got [2]*shard
		ready := make(chan struct{})
		for g := range got {
			wg.Go(func() {
				got[g] = c.shardHint()
				<-ready // both alive at once, as two busy loggers are
			})
		}
		close(ready)
		wg.Wait()
		if got[0] == got[1] {
			shared++
		}
	}
	// By chance, two goroutines share one of the 64 shards about once
	// in 64 rounds.
	if shared > rounds/10 {
		t.Errorf("two live goroutines shared a shard in %d of %d rounds", shared, rounds)
	}
}

// TestAlwaysBeforeFirstMark checks the shortcut IsAlways takes until
// Always is first called: the summary lines' context is still known, and
// the first Always turns the full lookup on for contexts derived from it.
func TestAlwaysBeforeFirstMark(t *testing.T) {
	saved := alwaysMarked.Load()
	t.Cleanup(func() { alwaysMarked.Store(saved) })
	alwaysMarked.Store(false)

	p := mustNew(t, Config{LevelRates: dropAllBelowError})
	if !IsAlways(summaryCtx) || !p.Keep(summaryCtx, rec(slog.LevelInfo, "sampled out", t0)) {
		t.Fatal("the summary context is not kept before any Always")
	}
	if IsAlways(context.Background()) || p.Keep(context.Background(), rec(slog.LevelInfo, "m", t0)) {
		t.Fatal("an unmarked context is kept")
	}
	type k struct{}
	derived := context.WithValue(Always(context.Background()), k{}, 1)
	if !alwaysMarked.Load() {
		t.Fatal("Always did not turn the lookup on")
	}
	if !p.Keep(derived, rec(slog.LevelInfo, "m", t0)) {
		t.Error("record in a context derived from the first Always dropped")
	}
}

// TestKeepWith: the logger's With attributes count for KeepAttrs and for
// the burst key as the record's own do.
func TestKeepWith(t *testing.T) {
	p := mustNew(t, Config{
		LevelRates: dropAllBelowError,
		KeepAttrs:  []Match{{Key: "event", Value: "payment_failed"}},
	})
	r := rec(slog.LevelInfo, "m", t0, slog.String("other", "x"))
	if p.Keep(context.Background(), r) {
		t.Fatal("record without the attribute kept: the test's rules do not drop it")
	}
	with := []slog.Attr{slog.String("user", "ann"), slog.String("event", "payment_failed")}
	if !p.KeepWith(context.Background(), r, with) {
		t.Error("record whose logger has event=payment_failed dropped")
	}
	if p.KeepWith(context.Background(), r, []slog.Attr{slog.String("event", "payment_ok")}) {
		t.Error("record whose logger has another event kept")
	}

	// Burst keyed by an attribute given to With: each user gets its own
	// first record, and the record's own attribute wins over the logger's.
	b := mustNew(t, Config{Burst: BurstRule{First: 1, Key: "user"}})
	ann, bob := []slog.Attr{slog.String("user", "ann")}, []slog.Attr{slog.String("user", "bob")}
	if !b.KeepWith(context.Background(), rec(slog.LevelInfo, "login", t0), ann) {
		t.Fatal("first record of ann dropped")
	}
	if !b.KeepWith(context.Background(), rec(slog.LevelInfo, "login", t0), bob) {
		t.Error("first record of bob dropped: the burst key did not read the logger's user")
	}
	if b.KeepWith(context.Background(), rec(slog.LevelInfo, "login", t0), ann) {
		t.Error("second record of ann kept")
	}
	if !b.KeepWith(context.Background(), rec(slog.LevelInfo, "login", t0, slog.String("user", "cy")), ann) {
		t.Error("record with its own user cy, logger of ann, dropped: the record's attribute must win")
	}
}
