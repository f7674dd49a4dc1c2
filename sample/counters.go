package sample

import (
	"sync/atomic"
	"unsafe"

	"github.com/logweave/logweave/stats"
)

// reason is why a record was dropped; the index of its counter.
type reason uint8

const (
	kept reason = iota // not a drop: the kept counter
	reasonTrace
	reasonLevelRate
	reasonBurst
	reasonOverload
	numCounters
)

// Names of the drop reasons, as they appear in the summary line's
// attributes and, prefixed with "sampled_", in the dropped_total counter.
const (
	ReasonTrace     = "trace"      // its trace is not kept (Trace.DropOthers)
	ReasonLevelRate = "level_rate" // not chosen by its level's rate
	ReasonBurst     = "burst"      // over its key's burst limit
	ReasonOverload  = "overload"   // below Overload.KeepLevel in overload mode
)

var reasonNames = [numCounters]string{
	reasonTrace:     ReasonTrace,
	reasonLevelRate: ReasonLevelRate,
	reasonBurst:     ReasonBurst,
	reasonOverload:  ReasonOverload,
}

// The dropped_total label values, "sampled_" and the reason, so that a
// dashboard can sum reason=~"sampled_.*" and still tell the rules apart.
var counterReasons = [numCounters]string{
	reasonTrace:     stats.ReasonSampled + "_" + ReasonTrace,
	reasonLevelRate: stats.ReasonSampled + "_" + ReasonLevelRate,
	reasonBurst:     stats.ReasonSampled + "_" + ReasonBurst,
	reasonOverload:  stats.ReasonSampled + "_" + ReasonOverload,
}

// numShards is the number of copies of the hot counters. Every decision
// adds to a counter; were there one copy, every core would fight for its
// cache line and decisions would serialise as on a lock. Each goroutine
// adds to the shard its stack address picks (see shardHint), so a few
// busy goroutines seldom share one.
const numShards = 64

// shard holds one copy of the counters, alone on its cache lines (128
// bytes: the line and the adjacent one some CPUs fetch with it).
type shard struct {
	n       [numCounters]atomic.Uint64 // kept and dropped by reason
	offered atomic.Uint64              // records that reached the overload rule in its window
	_       [128 - (numCounters+1)*8]byte
}

// counters are the policy's sharded counters; they survive Update.
type counters [numShards]shard

// shardHint picks a shard for the calling goroutine from the address of
// its stack. Goroutine stacks are at least 2 KiB and aligned to their
// size, so the address's 2 KiB block differs between goroutines running
// at once, and stays the same for one goroutine logging from the same
// depth. The pointer is only read as a number, never used; there is no
// portable way to ask which CPU runs the goroutine.
func (c *counters) shardHint() *shard {
	var marker byte
	a := uint64(uintptr(unsafe.Pointer(&marker)))
	return &c[(a>>11)*0x9e3779b97f4a7c15>>58]
}

// sum adds up counter i over the shards.
func (c *counters) sum(i reason) uint64 {
	var n uint64
	for s := range c {
		n += c[s].n[i].Load()
	}
	return n
}

// takeOffered reads and resets the overload rule's window counts.
func (c *counters) takeOffered() uint64 {
	var n uint64
	for s := range c {
		n += c[s].offered.Swap(0)
	}
	return n
}

// Stats is a snapshot of what a Policy decided since it was made.
type Stats struct {
	Kept uint64 // records kept

	// Records dropped, by rule.
	Trace     uint64 // Trace.DropOthers
	LevelRate uint64 // LevelRates
	Burst     uint64 // Burst
	Overload  uint64 // Overload

	// Overloaded is true while overload mode is on.
	Overloaded bool
}

// Dropped is the number of records dropped by any rule.
func (s Stats) Dropped() uint64 { return s.Trace + s.LevelRate + s.Burst + s.Overload }

// byReason returns the drop counts indexed by reason.
func (s Stats) byReason() [numCounters]uint64 {
	return [numCounters]uint64{
		reasonTrace: s.Trace, reasonLevelRate: s.LevelRate, reasonBurst: s.Burst, reasonOverload: s.Overload,
	}
}

// Stats returns the policy's counts. Read while records are being
// decided, the numbers are each exact but not taken at one instant.
// A nil Policy has none.
func (p *Policy) Stats() Stats {
	if p == nil {
		return Stats{}
	}
	c := p.counters
	return Stats{
		Kept:       c.sum(kept),
		Trace:      c.sum(reasonTrace),
		LevelRate:  c.sum(reasonLevelRate),
		Burst:      c.sum(reasonBurst),
		Overload:   c.sum(reasonOverload),
		Overloaded: p.overload.active.Load(),
	}
}

// AppendCounters implements stats.Source: one stats.DroppedTotal counter
// per rule, labelled reason="sampled_trace", "sampled_level_rate",
// "sampled_burst" and "sampled_overload", always all four (a series that
// appears only after its first drop breaks rate() in Prometheus). Kept
// records are not reported here: the handler counts the records it writes.
func (p *Policy) AppendCounters(dst []stats.Counter) []stats.Counter {
	by := p.Stats().byReason()
	for r := reasonTrace; r < numCounters; r++ {
		dst = append(dst, stats.Counter{
			Name: stats.DroppedTotal, Label: stats.LabelReason, Value: counterReasons[r], Count: by[r],
		})
	}
	return dst
}
