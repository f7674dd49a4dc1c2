package sample

import (
	"context"
	"encoding/binary"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/trace"
)

// Policy decides which records are written. Its methods are safe for
// concurrent use; Keep takes no lock and does not allocate.
//
// A nil *Policy keeps every record, so a handler may hold one
// unconditionally.
type Policy struct {
	// rules is read by every decision and written only by Update.
	rules atomic.Pointer[rules]

	// overload is the state of overload mode; it survives Update.
	overload *overloadState

	// counters are the kept and dropped counts; they survive Update, so
	// the stats.Source counters only ever grow.
	counters *counters

	// now reads the clock for records without a time.
	now func() time.Time

	// update serialises Update (not Keep), so that two reloads do not
	// both build a table from the same old one.
	update sync.Mutex
}

// overloadState is kept apart from the read-mostly rules pointer; it is
// written once per window at most.
type overloadState struct {
	windowStart atomic.Int64 // unix ns at which the current window began
	active      atomic.Bool
	_           [128 - 16]byte
}

// rules is a compiled Config: what Keep reads, never changed once built.
type rules struct {
	cfg Config

	keepLevel    slog.Level
	matches      []matcher
	matchKeyLens uint64 // bit len(key)%64 set for each of matches

	traceOn, traceKeepSampled, traceDropOthers, traceAll bool
	traceBound                                           uint64

	levelRatesOn bool
	levelAll     [4]bool
	levelBound   [4]uint64

	burstOn                     bool
	burstFirst, burstThereafter uint64
	burstBound                  uint64 // a draw below it keeps: 1 in burstThereafter
	burstInterval               int64
	burstKey                    string
	table                       *table

	overloadOn            bool
	enterAbove, exitBelow float64 // records per second
	window                int64   // ns
	overloadKeep          slog.Level
}

// New compiles c into a Policy, or returns an error naming the first
// field that is wrong.
func New(c Config) (*Policy, error) {
	r, err := compile(c, nil, true)
	if err != nil {
		return nil, fmt.Errorf("sample: %w", err)
	}
	p := &Policy{overload: &overloadState{}, counters: &counters{}, now: time.Now}
	p.rules.Store(r)
	return p, nil
}

// Update replaces the policy's rules with c, atomically: each decision
// sees either the old rules or the new ones, never a mix. If c is wrong
// the old rules stay and the error says why.
//
// What survives: the counters (Stats, AppendCounters) always; the burst
// counts when the burst table keeps its size (with new limits they apply
// from the next record; counts of a key whose definition changed simply
// run out with their interval); overload mode and its current window,
// unless the overload rule is turned off, which ends overload mode.
func (p *Policy) Update(c Config) error {
	if p == nil {
		return fmt.Errorf("sample: Update on a nil Policy: make one with New")
	}
	p.update.Lock()
	defer p.update.Unlock()
	r, err := compile(c, p.rules.Load(), true)
	if err != nil {
		return fmt.Errorf("sample: %w", err)
	}
	if !r.overloadOn {
		p.overload.active.Store(false)
	}
	p.rules.Store(r)
	return nil
}

// Config returns the configuration the policy runs with now (a copy);
// a nil Policy's is the zero Config.
func (p *Policy) Config() Config {
	if p == nil {
		return Config{}
	}
	return p.rules.Load().cfg.clone()
}

// alwaysKey marks a context whose records are always kept.
type alwaysKey struct{}

// alwaysMarked is set by the first call to Always. Until then no context
// can carry the mark, and IsAlways answers without walking the context's
// chain, a walk every dropped record would otherwise pay, and the longer
// the chain (a request's context holds many values) the more.
var alwaysMarked atomic.Bool

// summaryContext is the context of the policy's own summary lines: marked,
// but without setting alwaysMarked, so that a program that only reports
// its drops keeps the fast answer. IsAlways knows it by its type, which
// costs one comparison; a handler between the summary and the policy must
// pass the context on as it got it (slog's handlers do).
type summaryContext struct{ context.Context }

// Value reports the Always mark; a summary context holds nothing else.
func (summaryContext) Value(key any) any {
	if key == (alwaysKey{}) {
		return true
	}
	return nil
}

var summaryCtx context.Context = summaryContext{context.Background()}

// Always returns a context whose records every Policy keeps, whatever its
// rules: for audit records, and for the policy's own summary lines.
func Always(ctx context.Context) context.Context {
	if ctx == nil {
		ctx = context.Background()
	}
	if !alwaysMarked.Load() { // a store only once: Always may be called on every request
		alwaysMarked.Store(true)
	}
	return context.WithValue(ctx, alwaysKey{}, true)
}

// IsAlways reports whether ctx was marked with Always.
func IsAlways(ctx context.Context) bool {
	if _, ok := ctx.(summaryContext); ok {
		return true
	}
	return alwaysMarked.Load() && ctx != nil && ctx.Value(alwaysKey{}) != nil
}

// Keep reports whether the record r, logged with ctx, is to be written.
// A handler calls it before encoding anything. It counts the decision:
// kept, or dropped with its reason.
//
// The rules take precedence in Config's order. To keep the common path
// cheap, the keep rules that need the context or the attributes (Always,
// KeepAttrs, and the trace rule unless Trace.DropOthers makes it drop
// too) are looked at only for a record that a drop rule would leave out.
// Such a record has been counted by the drop rules it reached (its key's
// burst count, the overload rate), as every record they let through is:
// these rules measure what is written.
//
// A nil Policy keeps; a nil ctx is taken as
// context.Background().
func (p *Policy) Keep(ctx context.Context, r slog.Record) bool {
	return p.keep(ctx, &r, nil)
}

// KeepWith is Keep for a record logged through a logger that carries the
// attributes with, added by slog.Logger.With: KeepAttrs matches them as if
// they had come with the record, so that
//
//	logger.With("event", "payment_failed").Info(...)
//
// is kept by the rule {"key": "event", "value": "payment_failed"} like
// logger.Info(..., "event", "payment_failed") is. Attributes added under
// WithGroup are matched by their own keys, as the record's are. Like r,
// with is only read, never retained. logweave's Handler calls KeepWith.
func (p *Policy) KeepWith(ctx context.Context, r slog.Record, with []slog.Attr) bool {
	if len(with) == 0 {
		return p.keep(ctx, &r, nil)
	}
	return p.keep(ctx, &r, &with)
}

// keep is Keep and KeepWith. with is nil when the logger has no With
// attributes: a pointer, not the slice, so that the common path passes one
// word of zero down to the rules that might read it, and nothing more.
func (p *Policy) keep(ctx context.Context, r *slog.Record, with *[]slog.Attr) bool {
	if p == nil {
		return true
	}
	rs := p.rules.Load()
	sh := p.counters.shardHint()
	if r.Level >= rs.keepLevel {
		sh.n[kept].Add(1)
		return true
	}
	if ctx == nil {
		ctx = context.Background()
	}
	traceChecked := false
	if rs.traceDropOthers {
		// The trace rule drops too: it decides here, in its place.
		switch rs.traceDecision(ctx) {
		case traceKeep:
			sh.n[kept].Add(1)
			return true
		case traceDrop:
			return rs.dropUnlessKept(ctx, r, with, sh, reasonTrace, true)
		}
		traceChecked = true
	}
	why := p.dropReason(r, with, rs, sh)
	if why == kept {
		sh.n[kept].Add(1)
		return true
	}
	return rs.dropUnlessKept(ctx, r, with, sh, why, traceChecked)
}

// dropUnlessKept ends the decision for a record a rule would drop for
// reason why: it is kept all the same if its context is marked Always,
// it or its logger's with attributes have one of the KeepAttrs, or
// (unless traceChecked) its trace is kept.
func (rs *rules) dropUnlessKept(ctx context.Context, r *slog.Record, with *[]slog.Attr, sh *shard, why reason, traceChecked bool) bool {
	if IsAlways(ctx) || rs.matchesAttrs(r, with) || (rs.traceOn && !traceChecked && rs.traceDecision(ctx) == traceKeep) {
		sh.n[kept].Add(1)
		return true
	}
	sh.n[why].Add(1)
	return false
}

// matchesAttrs reports whether r or with has one of the KeepAttrs. An
// attribute whose key has a length no KeepAttrs key has is passed over
// with one test, so that scanning a record that matches nothing costs
// little more than slog's iteration.
func (rs *rules) matchesAttrs(r *slog.Record, with *[]slog.Attr) bool {
	if len(rs.matches) == 0 {
		return false
	}
	if with != nil {
		for _, a := range *with {
			if rs.matchKeyLens&(1<<(len(a.Key)&63)) != 0 && rs.matchesAttr(a) {
				return true
			}
		}
	}
	found := false
	r.Attrs(func(a slog.Attr) bool {
		if rs.matchKeyLens&(1<<(len(a.Key)&63)) == 0 {
			return true
		}
		// matchesAttr, spelled out: found is written only on a match.
		for i := range rs.matches {
			if rs.matches[i].matches(a) {
				found = true
				return false
			}
		}
		return true
	})
	return found
}

// matchesAttr reports whether a, whose key length some KeepAttrs key has,
// is one of the KeepAttrs.
func (rs *rules) matchesAttr(a slog.Attr) bool {
	for i := range rs.matches {
		if rs.matches[i].matches(a) {
			return true
		}
	}
	return false
}

type traceVerdict uint8

const (
	traceNone traceVerdict = iota // no trace, or not kept and not dropped by it
	traceKeep
	traceDrop
)

// traceDecision applies the trace rule to the span context in ctx.
func (rs *rules) traceDecision(ctx context.Context) traceVerdict {
	sc := trace.SpanContextFromContext(ctx)
	id := sc.TraceID()
	if id == (trace.TraceID{}) {
		return traceNone // no trace
	}
	if rs.traceAll || (rs.traceKeepSampled && sc.IsSampled()) ||
		binary.BigEndian.Uint64(id[8:16])>>1 < rs.traceBound {
		return traceKeep
	}
	if rs.traceDropOthers {
		return traceDrop
	}
	return traceNone
}

// dropReason applies the rules that drop (level rates, burst, overload)
// in order and returns the first that drops r, or kept.
func (p *Policy) dropReason(r *slog.Record, with *[]slog.Attr, rs *rules, sh *shard) reason {
	if rs.levelRatesOn {
		b := levelBucket(r.Level)
		// A bound of 0 is a rate of 0: no need to draw.
		if !rs.levelAll[b] && (rs.levelBound[b] == 0 || rand.Uint64() >= rs.levelBound[b]) {
			return reasonLevelRate
		}
	}
	if !rs.burstOn && !rs.overloadOn {
		return kept
	}
	// The record's time, not the clock: slog has read the clock already,
	// and tests can set it.
	var now int64
	if r.Time.IsZero() {
		now = p.now().UnixNano()
	} else {
		now = r.Time.UnixNano()
	}
	if rs.burstOn {
		// After its first records a key keeps one in Thereafter, drawn
		// at random rather than counted: a count would be one more write
		// to a cache line every core wants.
		if !rs.table.within(rs.table.keyHash(r, with, rs.burstKey), now, rs.burstInterval, rs.burstFirst) &&
			(rs.burstThereafter == 0 || (rs.burstThereafter > 1 && rand.Uint64() >= rs.burstBound)) {
			return reasonBurst
		}
	}
	if rs.overloadOn {
		// Observe first: a record that ends a window counts in the next.
		active := p.overload.observe(p.counters, rs, now)
		sh.offered.Add(1)
		if active && r.Level < rs.overloadKeep {
			return reasonOverload
		}
	}
	return kept
}

// observe ends the current window if now is past it, updating overload
// mode from the window's rate, and reports whether overload mode is on.
// One goroutine ends a window (the one whose CompareAndSwap wins); the
// others carry on with the mode as it was.
func (o *overloadState) observe(c *counters, rs *rules, now int64) bool {
	start := o.windowStart.Load()
	elapsed := now - start
	switch {
	case elapsed >= 0 && elapsed < rs.window:
		// Within the window: the common case.
	case start == 0 || elapsed < -rs.window:
		// The first record starts the first window; a clock set back by
		// more than a window starts a new one rather than wait for it.
		o.windowStart.CompareAndSwap(start, now)
	case elapsed >= rs.window && o.windowStart.CompareAndSwap(start, now):
		rate := float64(c.takeOffered()) / (float64(elapsed) / float64(time.Second))
		switch active := o.active.Load(); {
		case !active && rate > rs.enterAbove:
			o.active.Store(true)
		case active && rate < rs.exitBelow:
			o.active.Store(false)
		}
	}
	return o.active.Load()
}
