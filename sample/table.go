package sample

import (
	"hash/maphash"
	"log/slog"
	"math"
	"math/bits"
	"sync/atomic"
)

// slot counts one key's records in its current interval.
//
// Slots are not padded to a cache line each: a padded table would take
// four times the memory, and two busy keys false-share only when their
// hashes land in the same 64 bytes, which for a few hundred busy keys in
// 4096 slots is rare next to the true sharing of one key logged from
// every core, which no layout avoids.
type slot struct {
	resetAt atomic.Int64  // unix nanoseconds at which the interval ends
	n       atomic.Uint64 // records counted in the interval
}

// table is the burst rule's fixed-size array of counters, indexed by a
// hash of the key. Its size never changes after newTable.
type table struct {
	seed  maphash.Seed
	mask  uint64
	slots []slot
}

func newTable(n int) *table {
	n = nextPow2(n)
	return &table{seed: maphash.MakeSeed(), mask: uint64(n - 1), slots: make([]slot, n)}
}

func (t *table) size() int { return len(t.slots) }

// nextPow2 rounds n (>= 1) up to a power of two.
func nextPow2(n int) int {
	if n <= 1 {
		return 1
	}
	return 1 << bits.Len(uint(n-1))
}

// within reports whether the record at time now (unix ns) falls among
// the first `first` of its key's interval, counting it if it may. Once a
// key has had its first records, within only reads the slot, so that a
// key logged from every core at once costs no shared write: this is what
// lets a flood of one message scale with cores. As in zap's sampler, a
// reset racing with an increment may miscount by a record; a burst limit
// bounds volume, it is not an exact count.
func (t *table) within(h uint64, now, interval int64, first uint64) bool {
	s := &t.slots[mix(h)&t.mask]
	resetAt := s.resetAt.Load()
	if now < resetAt && now >= resetAt-interval {
		if s.n.Load() >= first {
			return false // spent: no write
		}
		return s.n.Add(1) <= first
	}
	// The interval is over (or the clock was set back before it began):
	// this record starts the next one.
	if first == 0 {
		return false
	}
	s.n.Store(1)
	if !s.resetAt.CompareAndSwap(resetAt, now+interval) {
		// Another goroutine started the interval and stored 1 too.
		return s.n.Add(1) <= first
	}
	return true
}

// mix spreads the bits of h (the finalizer of MurmurHash3), so that
// nearby integer keys use distant slots.
func mix(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

// keyHash returns the burst key of r: its level with the value of the
// attribute named attr, when attr is set and r has it (or, failing that,
// with, its logger's attributes from With, the innermost first) with a
// value of a simple kind, and otherwise its level with its message.
func (t *table) keyHash(r *slog.Record, withp *[]slog.Attr, attr string) uint64 {
	level := uint64(int64(r.Level)) * 0x9e3779b97f4a7c15
	if attr != "" {
		var (
			h     uint64
			found bool
			seen  bool
		)
		r.Attrs(func(a slog.Attr) bool {
			if a.Key != attr {
				return true
			}
			seen = true
			h, found = t.valueHash(a.Value)
			return false
		})
		// The record's own attribute first; failing it, the logger's.
		var with []slog.Attr
		if withp != nil {
			with = *withp
		}
		for i := len(with) - 1; i >= 0 && !seen; i-- {
			if with[i].Key == attr {
				seen = true
				h, found = t.valueHash(with[i].Value)
			}
		}
		if found {
			return h ^ level
		}
	}
	return maphash.String(t.seed, r.Message) ^ level
}

// valueHash hashes the values that have a simple form; ok is false for
// the others (groups, LogValuers, arbitrary values).
func (t *table) valueHash(v slog.Value) (h uint64, ok bool) {
	// The kind is folded in so that "1" and 1 are different keys.
	kind := uint64(v.Kind()+1) << 56
	switch v.Kind() {
	case slog.KindString:
		return maphash.String(t.seed, v.String()) ^ kind, true
	case slog.KindInt64:
		return mix(uint64(v.Int64()) ^ kind), true
	case slog.KindUint64:
		return mix(v.Uint64() ^ kind), true
	case slog.KindFloat64:
		return mix(math.Float64bits(v.Float64()) ^ kind), true
	case slog.KindBool:
		if v.Bool() {
			return mix(1 ^ kind), true
		}
		return mix(kind), true
	case slog.KindDuration:
		return mix(uint64(v.Duration()) ^ kind), true
	case slog.KindTime:
		return mix(uint64(v.Time().UnixNano()) ^ kind), true
	}
	return 0, false
}
