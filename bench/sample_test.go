package bench

import (
	"context"
	"log/slog"
	"math"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/logweave/logweave/sample"
	"github.com/rs/zerolog"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap/zapcore"
)

// The sampling benchmarks measure one decision: is this record written?
// Every sampler runs the same limit, the first 100 records of a key per
// second and every 100th after them, on INFO records with the same time:
//
//   - logweave: sample.Policy.Keep with that burst rule (key = level and
//     message; after the first 100, one in 100 drawn at random);
//   - zap: the sampler core (zapcore.NewSamplerWithOptions) around a core
//     that takes every entry, asked through Check (key = level and
//     message, as logweave);
//   - zerolog-burst: zerolog.BurstSampler{Burst: 100, NextSampler:
//     BasicSampler{N: 100}}, one count for all records, whatever their
//     message (zerolog has no key), reading its clock on each call;
//   - zerolog-basic: zerolog.BasicSampler{N: 100}, every 100th record, the
//     cheapest sampler there is (one atomic add).
//
// kept/op reports the fraction kept, so that a sampler that does less
// work by keeping or dropping everything would show.

// sampleBurst is the limit every sampler applies.
const (
	sampleFirst      = 100
	sampleThereafter = 100
)

// sampleMsgs are distinct messages, for the cases with many keys.
var sampleMsgs = func() []string {
	m := make([]string, 1024)
	for i := range m {
		m[i] = "request completed on route " + strconv.Itoa(i)
	}
	return m
}()

// sampleTime is the time of every record: the decision reads no clock in
// logweave and zap (they use the record's time, which slog or zap read
// before), so a fixed time only spares the benchmark the reset branch.
var sampleTime = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

// sampleDecider makes one decision for a record with message
// sampleMsgs[i]; it is safe to use from many goroutines. The records (and
// zap's entries) are built once beforehand, as the logger would have
// built them before asking: only the decision is measured.
type sampleDecider func(i int) bool

type samplerCase struct {
	name string
	// keyed is true if the sampler counts by message, so that the kept
	// count can be checked in the serial case: exactly, or within five
	// standard deviations if random is set (logweave draws the records
	// it keeps after the first ones).
	keyed, random bool
	new           func(b *testing.B) sampleDecider
}

func newBurstPolicy(b *testing.B) *sample.Policy {
	p, err := sample.New(sample.Config{Burst: sample.BurstRule{First: sampleFirst, Thereafter: sampleThereafter}})
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// zapKeepCore is a zap core that takes every entry and writes nothing. Its
// Check returns a shared CheckedEntry as "kept", which is never written,
// so no pooled entry is taken or lost.
type zapKeepCore struct{}

var zapKeptEntry = &zapcore.CheckedEntry{}

func (zapKeepCore) Enabled(zapcore.Level) bool          { return true }
func (c zapKeepCore) With([]zapcore.Field) zapcore.Core { return c }
func (zapKeepCore) Check(zapcore.Entry, *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	return zapKeptEntry
}
func (zapKeepCore) Write(zapcore.Entry, []zapcore.Field) error { return nil }
func (zapKeepCore) Sync() error                                { return nil }

var sampleCases = []samplerCase{
	{name: "logweave", keyed: true, random: true, new: func(b *testing.B) sampleDecider {
		p := newBurstPolicy(b)
		ctx := context.Background()
		recs := make([]slog.Record, len(sampleMsgs))
		for i, m := range sampleMsgs {
			recs[i] = slog.NewRecord(sampleTime, slog.LevelInfo, m, 0)
		}
		return func(i int) bool { return p.Keep(ctx, recs[i]) }
	}},
	{name: "zap", keyed: true, new: func(b *testing.B) sampleDecider {
		core := zapcore.NewSamplerWithOptions(zapKeepCore{}, time.Second, sampleFirst, sampleThereafter)
		ents := make([]zapcore.Entry, len(sampleMsgs))
		for i, m := range sampleMsgs {
			ents[i] = zapcore.Entry{Level: zapcore.InfoLevel, Time: sampleTime, Message: m}
		}
		return func(i int) bool { return core.Check(ents[i], nil) != nil }
	}},
	{name: "zerolog-burst", new: func(b *testing.B) sampleDecider {
		s := &zerolog.BurstSampler{Burst: sampleFirst, Period: time.Second, NextSampler: &zerolog.BasicSampler{N: sampleThereafter}}
		return func(int) bool { return s.Sample(zerolog.InfoLevel) }
	}},
	{name: "zerolog-basic", new: func(b *testing.B) sampleDecider {
		s := &zerolog.BasicSampler{N: sampleThereafter}
		return func(int) bool { return s.Sample(zerolog.InfoLevel) }
	}},
}

// checkKept fails b unless a keyed sampler kept as many of n records of
// one key in one interval as the limit says: the first ones, then one in
// sampleThereafter (counted exactly, or drawn at random).
func checkKept(b *testing.B, kept, n int, random bool) {
	b.Helper()
	first := min(n, sampleFirst)
	rest := float64(n-first) / sampleThereafter
	tolerance := 0.0
	if random {
		q := 1.0 / sampleThereafter
		tolerance = 5*math.Sqrt(float64(n-first)*q*(1-q)) + 1
	} else {
		rest = math.Floor(rest)
	}
	if want := float64(first) + rest; math.Abs(float64(kept)-want) > tolerance {
		b.Fatalf("kept %d of %d, want %.0f±%.0f", kept, n, want, tolerance)
	}
}

// BenchmarkSample: one goroutine. OneKey logs one message over and over
// (after the first 100, 99 of 100 are dropped); Keys1024 cycles through
// 1024 messages (each kept for its first 100, then sampled).
// Names are scenario=X/sampler=Y for `benchstat -col /sampler`.
func BenchmarkSample(b *testing.B) {
	for _, sc := range []struct {
		name string
		keys int
	}{{"OneKey", 1}, {"Keys1024", len(sampleMsgs)}} {
		for _, s := range sampleCases {
			b.Run("scenario="+sc.name+"/sampler="+s.name, func(b *testing.B) {
				decide := s.new(b)
				kept, i := 0, 0
				b.ReportAllocs()
				for b.Loop() {
					if decide(i % sc.keys) {
						kept++
					}
					i++
				}
				if s.keyed && sc.keys == 1 {
					checkKept(b, kept, i, s.random)
				}
				if kept == 0 {
					b.Fatal("kept nothing")
				}
				b.ReportMetric(float64(kept)/float64(i), "kept/op")
			})
		}
	}
}

// BenchmarkSampleParallel: the decision from GOMAXPROCS goroutines, to be
// run with -cpu 1,2,...: if ns/op falls as cores are added, the sampler
// scales; if it stays or rises, the goroutines queue on shared state.
// SharedKey has every goroutine log the same message (the same counter,
// in every sampler); KeyPerG gives each goroutine its own message, as
// different request handlers would log different lines.
func BenchmarkSampleParallel(b *testing.B) {
	for _, sc := range []struct {
		name   string
		shared bool
	}{{"SharedKey", true}, {"KeyPerG", false}} {
		for _, s := range sampleCases {
			b.Run("scenario="+sc.name+"/sampler="+s.name, func(b *testing.B) {
				decide := s.new(b)
				var kept, n, g atomic.Int64
				b.ReportAllocs()
				b.RunParallel(func(pb *testing.PB) {
					m := 0
					if !sc.shared {
						m = int(g.Add(1)) % len(sampleMsgs)
					}
					k, i := int64(0), int64(0)
					for pb.Next() {
						if decide(m) {
							k++
						}
						i++
					}
					kept.Add(k)
					n.Add(i)
				})
				if kept.Load() == 0 {
					b.Fatal("kept nothing")
				}
				b.ReportMetric(float64(kept.Load())/float64(n.Load()), "kept/op")
			})
		}
	}
}

// BenchmarkSamplePolicy is logweave's decision with more rules on, which
// no peer has, for a record with five attributes in a traced context:
//
//   - policy=Production: a DEBUG rate of 1%, the burst limit, the overload
//     meter;
//   - policy=Full: the same, plus keep_attrs (not matching) and the trace
//     rule (not sampled, a 10% rate by trace id, not chosen). These keep
//     rules are looked at only for records a drop rule would leave out,
//     so they cost nothing on the Kept path and most on the dropped ones.
//
// Scenarios: Kept (INFO, burst not spent: every rule runs and keeps),
// Burst (INFO, one key, spent: dropped by the burst limit), DebugRate
// (dropped by the DEBUG rate), Error (kept by level, the first check).
func BenchmarkSamplePolicy(b *testing.B) {
	production := func(first int) sample.Config {
		return sample.Config{
			LevelRates: map[slog.Level]float64{slog.LevelDebug: 0.01},
			Burst:      sample.BurstRule{First: first, Thereafter: sampleThereafter},
			Overload:   sample.OverloadRule{EnterAbove: 1e12},
		}
	}
	full := func(first int) sample.Config {
		c := production(first)
		c.KeepAttrs = []sample.Match{{Key: "event", Value: "payment_failed"}}
		c.Trace = sample.TraceRule{KeepSampled: true, Rate: 0.1}
		return c
	}
	// The trace id's last 8 bytes are high: not in the 10%.
	tid := trace.TraceID{0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36}
	ctx := trace.ContextWithRemoteSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: tid, SpanID: trace.SpanID{0, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7},
	}))
	const neverSpent = 1 << 40
	for _, pc := range []struct {
		name string
		cfg  func(first int) sample.Config
	}{{"Production", production}, {"Full", full}} {
		for _, sc := range []struct {
			name     string
			level    slog.Level
			first    int
			wantKept bool // most of the time
		}{
			{"Kept", slog.LevelInfo, neverSpent, true},
			{"Burst", slog.LevelInfo, sampleFirst, false},
			{"DebugRate", slog.LevelDebug, neverSpent, false},
			{"Error", slog.LevelError, sampleFirst, true},
		} {
			b.Run("policy="+pc.name+"/scenario="+sc.name+"/sampler=logweave", func(b *testing.B) {
				p, err := sample.New(pc.cfg(sc.first))
				if err != nil {
					b.Fatal(err)
				}
				r := slog.NewRecord(sampleTime, sc.level, sampleMsgs[0], 0)
				r.AddAttrs(slog.String("method", "GET"), slog.Int("status", 200), slog.String("path", "/api/v1/users"),
					slog.Duration("elapsed", time.Millisecond), slog.String("event", "checkout"))
				kept, n := 0, 0
				b.ReportAllocs()
				for b.Loop() {
					if p.Keep(ctx, r) {
						kept++
					}
					n++
				}
				if ratio := float64(kept) / float64(n); (ratio > 0.5) != sc.wantKept && n > 10*sampleFirst {
					b.Fatalf("kept %d of %d: the scenario does not take the path it names", kept, n)
				}
				b.ReportMetric(float64(kept)/float64(n), "kept/op")
			})
		}
	}
}
