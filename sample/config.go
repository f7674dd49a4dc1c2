package sample

import (
	"fmt"
	"log/slog"
	"maps"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/logweave/logweave/units"
)

// Config is a sampling policy as data: the rules New compiles and Update
// swaps in. Its JSON form (field tags below) is what a configuration file
// holds; durations are strings such as "10s".
//
// The zero Config keeps every record: each rule is off until configured,
// except that records at ERROR and above are always kept.
//
// The rules take precedence in this order, the first that decides wins:
//
//  1. keep always: KeepLevel and above, KeepAttrs, and records whose
//     context was marked with Always;
//  2. whole traces (Trace): kept, or with Trace.DropOthers dropped, as a
//     whole, by trace;
//  3. per-level rates (LevelRates), a random fraction kept;
//  4. a burst limit per key (Burst);
//  5. overload mode (Overload): above a global rate, only WARN and above.
//
// Rules 3 to 5 only drop; a record none of them drops is kept. The keep
// rules that need the context or the attributes are checked lazily (see
// Policy.Keep): the drop rules may count records that a keep rule then
// keeps, so these use up their key's burst and add to the overload rate.
type Config struct {
	// KeepLevel: records at this level and above are always kept and
	// never counted by the other rules. nil means slog.LevelError, so
	// sampling never loses an error unless told to.
	KeepLevel *slog.Level `json:"keep_level,omitempty"`

	// KeepAttrs: a record with one of these attributes is always kept
	// (for example {"key": "event", "value": "payment_failed"}), whether
	// the attribute came with the record or with its logger (With; see
	// Policy.KeepWith). Attributes are matched by their own key, inside
	// WithGroup too, but not inside a group value.
	KeepAttrs []Match `json:"keep_attrs,omitempty"`

	// Trace keeps records by their trace, consistently for all records
	// of a trace, in every process that logs it.
	Trace TraceRule `json:"trace,omitzero"`

	// LevelRates is the fraction of records kept at each level, between
	// 0 and 1, chosen at random record by record. The keys are the four
	// slog levels ("DEBUG", "INFO", "WARN", "ERROR" in JSON); a rate
	// covers its level up to the next one (DEBUG's covers logweave's
	// TRACE too). A level without a rate keeps everything.
	LevelRates map[slog.Level]float64 `json:"level_rates,omitempty"`

	// Burst limits how often one key (a message, by default) is written.
	Burst BurstRule `json:"burst,omitzero"`

	// Overload keeps only important records while the rate of records
	// is too high for the outputs.
	Overload OverloadRule `json:"overload,omitzero"`
}

// Match selects records by one of their attributes.
//
// Only the record's own top-level attributes are seen (not those of
// Logger.With, which a handler holds already encoded, nor attributes
// inside groups). Value is compared with the attribute's value as it
// would be written: a string as is, numbers and booleans in Go's
// formatting (strconv), so "value": "503" matches slog.Int("status",
// 503). Values of other kinds, and LogValuers (which are not resolved
// before sampling), never match. An empty Value matches any value.
type Match struct {
	Key   string `json:"key"`
	Value string `json:"value,omitempty"`
}

// TraceRule keeps records by the trace of their context (the OpenTelemetry
// span context, trace.SpanContextFromContext). Records without a trace
// are left to the later rules.
type TraceRule struct {
	// KeepSampled keeps every record of a trace whose sampled flag is set,
	// so the logs of a trace are kept exactly when its spans are.
	KeepSampled bool `json:"keep_sampled,omitempty"`

	// Rate keeps every record of this fraction of traces, chosen by the
	// trace id: the rightmost 8 bytes, shifted right by one bit, below
	// Rate×2⁶³. That is the computation of OpenTelemetry Go's
	// TraceIDRatioBased sampler, so at the same rate both keep the same
	// traces, and every process keeps or leaves the same trace. 0 is off.
	Rate float64 `json:"rate,omitempty"`

	// DropOthers drops the records of the traces neither KeepSampled nor
	// Rate keeps (reason "trace"), so each trace is logged whole or not
	// at all. Without it those records go on to the later rules, which
	// may keep some of them. Records kept always (rule 1) are still kept.
	DropOthers bool `json:"drop_others,omitempty"`
}

// BurstRule keeps, for each key, the First records of every Interval and
// after them one in Thereafter, like zap's sampler. Where zap counts to
// keep exactly every Thereafter-th, this rule draws at random (keeping
// each with probability 1/Thereafter): once a key has had its First
// records, deciding about it writes no shared memory, so a flood of one
// message from every core does not queue on its counter.
//
// The counts are held in a table of Slots counters, whatever the number
// of distinct keys: two keys whose hashes share a slot share its count,
// so the rarer key may lose records to the busier one. With 4096 slots
// and 300 busy keys, about 7% of them share a slot with another; raise
// Slots if many keys are busy at once. Intervals are measured on
// the record's time, not on a clock read by the sampler.
type BurstRule struct {
	// First records per key and interval are kept. The rule is off when
	// both First and Thereafter are 0.
	First int `json:"first,omitempty"`

	// Thereafter: after First, one record of the key in Thereafter, at
	// random, is kept in the rest of the interval; 0 drops all of them.
	Thereafter int `json:"thereafter,omitempty"`

	// Interval over which a key is counted; 0 means one second.
	Interval units.Duration `json:"interval,omitempty"`

	// Key names the attribute whose value, with the level, is the key
	// (for example "user_id", to limit each user): the record's own, or
	// failing it one its logger was given with With. Empty, or a record
	// without that attribute (or with a value of a kind that has no
	// simple form, like a group), uses the level and the message.
	Key string `json:"key,omitempty"`

	// Slots is the size of the counter table, rounded up to a power of
	// two; 0 means 4096 (64 KiB). At most 1<<20.
	Slots int `json:"slots,omitempty"`
}

// OverloadRule enters overload mode when the records per second that
// reach it (all but those kept by KeepLevel, decided by a trace with
// Trace.DropOthers, or dropped by the level rates or the burst limit)
// exceed EnterAbove, measured over each Window. In overload mode only records at KeepLevel and above are kept,
// until the rate, measured the same way (dropped records included), falls
// below ExitBelow. The rate is checked when a window ends, so the first
// window of a spike goes through.
type OverloadRule struct {
	// EnterAbove is the rate, in records per second, above which overload
	// mode starts; 0 turns the rule off.
	EnterAbove float64 `json:"enter_above,omitempty"`

	// ExitBelow is the rate below which overload mode ends, lower than
	// EnterAbove so the mode does not flap; 0 means EnterAbove/2.
	ExitBelow float64 `json:"exit_below,omitempty"`

	// Window is the time over which the rate is measured; 0 means one
	// second.
	Window units.Duration `json:"window,omitempty"`

	// KeepLevel: records at this level and above are kept in overload
	// mode; nil means slog.LevelWarn.
	KeepLevel *slog.Level `json:"keep_level,omitempty"`
}

// Defaults applied by compile.
const (
	defaultInterval = time.Second
	defaultWindow   = time.Second
	defaultSlots    = 4096
	maxSlots        = 1 << 20
)

// Validate reports the first thing wrong with c, naming the field by its
// JSON path, or nil when New would accept c.
func (c Config) Validate() error {
	if _, err := compile(c, nil, false); err != nil {
		return fmt.Errorf("sample: %w", err)
	}
	return nil
}

// clone returns a deep copy of c, so the policy never shares the caller's
// map, slices or pointers.
func (c Config) clone() Config {
	if c.KeepLevel != nil {
		c.KeepLevel = new(*c.KeepLevel)
	}
	c.KeepAttrs = slices.Clone(c.KeepAttrs)
	c.LevelRates = maps.Clone(c.LevelRates)
	if c.Overload.KeepLevel != nil {
		c.Overload.KeepLevel = new(*c.Overload.KeepLevel)
	}
	return c
}

// levelBucket is the index of the rate covering level: the four slog
// levels and what lies between them.
func levelBucket(l slog.Level) int {
	switch {
	case l < slog.LevelInfo:
		return 0
	case l < slog.LevelWarn:
		return 1
	case l < slog.LevelError:
		return 2
	default:
		return 3
	}
}

// fraction checks a rate in [0, 1].
func fraction(field string, v float64) error {
	if math.IsNaN(v) || v < 0 || v > 1 {
		return fmt.Errorf("%s %v: want a fraction of records kept, from 0 to 1", field, v)
	}
	return nil
}

// threshold turns a fraction into a bound on a uniform 64-bit random number.
func threshold(rate float64) (keepAll bool, bound uint64) {
	if rate >= 1 {
		return true, 0
	}
	return false, uint64(rate * (1 << 64))
}

// compile checks c and turns it into the rules Keep reads. old, when not
// nil, lends its burst table if the new one has the same size, so that
// Update does not forget the counts. Unless build is set, compile only
// checks, and allocates no table. Its errors lack the "sample: " prefix,
// which the exported functions add. Each rule is checked and compiled by
// a method of its own, in the order of the rules' precedence; the first
// error stops it.
func compile(c Config, old *rules, build bool) (*rules, error) {
	c = c.clone()
	r := &rules{cfg: c}
	r.compileKeepLevel(c.KeepLevel)
	if err := r.compileKeepAttrs(c.KeepAttrs); err != nil {
		return nil, err
	}
	if err := r.compileTrace(c.Trace); err != nil {
		return nil, err
	}
	if err := r.compileLevelRates(c.LevelRates); err != nil {
		return nil, err
	}
	if err := r.compileBurst(c.Burst, old, build); err != nil {
		return nil, err
	}
	if err := r.compileOverload(c.Overload); err != nil {
		return nil, err
	}
	return r, nil
}

// compileKeepLevel sets the level from which records are always kept:
// KeepLevel, or slog.LevelError.
func (r *rules) compileKeepLevel(l *slog.Level) {
	r.keepLevel = slog.LevelError
	if l != nil {
		r.keepLevel = *l
	}
}

// compileKeepAttrs checks the attributes that keep a record and makes
// their matchers.
func (r *rules) compileKeepAttrs(ms []Match) error {
	for i, m := range ms {
		if m.Key == "" {
			return fmt.Errorf("keep_attrs[%d].key is empty: want the attribute's key, such as \"event\"", i)
		}
		r.matches = append(r.matches, newMatcher(m))
		r.matchKeyLens |= 1 << (len(m.Key) & 63)
	}
	return nil
}

// compileTrace checks the trace rule and sets its bounds.
func (r *rules) compileTrace(t TraceRule) error {
	if err := fraction("trace.rate", t.Rate); err != nil {
		return err
	}
	if t.DropOthers && !t.KeepSampled && t.Rate == 0 {
		return fmt.Errorf("trace.drop_others without trace.keep_sampled or trace.rate > 0 would drop every record of every trace: set one of them, or drop_others to false")
	}
	r.traceOn = t.KeepSampled || t.Rate > 0
	r.traceKeepSampled = t.KeepSampled
	r.traceDropOthers = t.DropOthers
	// OpenTelemetry Go's TraceIDRatioBased: keep when the low 63 bits of
	// the trace id's last 8 bytes are below Rate×2⁶³.
	r.traceAll = t.Rate >= 1
	r.traceBound = uint64(t.Rate * (1 << 63))
	return nil
}

// compileLevelRates checks the per-level rates, in level order, and sets
// the bound of each level's bucket.
func (r *rules) compileLevelRates(rates map[slog.Level]float64) error {
	for i := range r.levelAll {
		r.levelAll[i] = true
	}
	for _, l := range slices.Sorted(maps.Keys(rates)) {
		v := rates[l]
		if l != slog.LevelDebug && l != slog.LevelInfo && l != slog.LevelWarn && l != slog.LevelError {
			return fmt.Errorf("level_rates key %q: want DEBUG, INFO, WARN or ERROR (a rate covers its level up to the next one)", l.String())
		}
		if err := fraction("level_rates."+l.String(), v); err != nil {
			return err
		}
		b := levelBucket(l)
		r.levelAll[b], r.levelBound[b] = threshold(v)
		if !r.levelAll[b] {
			r.levelRatesOn = true
		}
	}
	return nil
}

// compileBurst checks the burst rule and, when it is on, sets its limits
// and (with build) its counter table: old's when it has the same size.
func (r *rules) compileBurst(b BurstRule, old *rules, build bool) error {
	switch {
	case b.First < 0:
		return fmt.Errorf("burst.first %d: want the number of records kept per key and interval, >= 0", b.First)
	case b.Thereafter < 0:
		return fmt.Errorf("burst.thereafter %d: want N to keep every Nth record after the first ones, or 0 to drop them, >= 0", b.Thereafter)
	case b.Interval < 0:
		return fmt.Errorf("burst.interval %v: want a duration > 0, such as \"1s\" (0 means 1s)", time.Duration(b.Interval))
	case b.Slots < 0 || b.Slots > maxSlots:
		return fmt.Errorf("burst.slots %d: want a table size from 1 to %d (0 means %d)", b.Slots, maxSlots, defaultSlots)
	}
	if b.First == 0 && b.Thereafter == 0 {
		return nil
	}
	r.burstOn = true
	r.burstFirst = uint64(b.First)
	r.burstThereafter = uint64(b.Thereafter)
	if b.Thereafter > 1 {
		r.burstBound = math.MaxUint64/uint64(b.Thereafter) + 1
	}
	r.burstInterval = int64(b.Interval)
	if r.burstInterval == 0 {
		r.burstInterval = int64(defaultInterval)
	}
	r.burstKey = b.Key
	slots := b.Slots
	if slots == 0 {
		slots = defaultSlots
	}
	switch {
	case !build:
	case old != nil && old.table != nil && old.table.size() == nextPow2(slots):
		r.table = old.table
	default:
		r.table = newTable(slots)
	}
	return nil
}

// compileOverload checks the overload rule and, when it is on, sets its
// rates, window and level.
func (r *rules) compileOverload(o OverloadRule) error {
	switch {
	case math.IsNaN(o.EnterAbove) || math.IsInf(o.EnterAbove, 0) || o.EnterAbove < 0:
		return fmt.Errorf("overload.enter_above %v: want records per second > 0, or 0 to turn overload mode off", o.EnterAbove)
	case math.IsNaN(o.ExitBelow) || o.ExitBelow < 0:
		return fmt.Errorf("overload.exit_below %v: want records per second >= 0 (0 means half of enter_above)", o.ExitBelow)
	case o.EnterAbove > 0 && o.ExitBelow >= o.EnterAbove:
		return fmt.Errorf("overload.exit_below %v: want less than enter_above %v, so that overload mode does not flap", o.ExitBelow, o.EnterAbove)
	case o.Window < 0:
		return fmt.Errorf("overload.window %v: want a duration > 0, such as \"1s\" (0 means 1s)", time.Duration(o.Window))
	}
	if o.EnterAbove == 0 {
		return nil
	}
	r.overloadOn = true
	r.enterAbove = o.EnterAbove
	r.exitBelow = o.ExitBelow
	if r.exitBelow == 0 {
		r.exitBelow = o.EnterAbove / 2
	}
	r.window = int64(o.Window)
	if r.window == 0 {
		r.window = int64(defaultWindow)
	}
	r.overloadKeep = slog.LevelWarn
	if o.KeepLevel != nil {
		r.overloadKeep = *o.KeepLevel
	}
	return nil
}

// matcher is a Match with its value parsed once for each kind it may be
// compared with, so that matching formats nothing.
type matcher struct {
	key, str string
	any      bool
	i        int64
	iok      bool
	u        uint64
	uok      bool
	f        float64
	fok      bool
	b        bool
	bok      bool
}

func newMatcher(m Match) matcher {
	x := matcher{key: m.Key, str: m.Value, any: m.Value == ""}
	x.i, x.iok = parse(strconv.ParseInt(m.Value, 10, 64))
	x.u, x.uok = parse(strconv.ParseUint(m.Value, 10, 64))
	x.f, x.fok = parse(strconv.ParseFloat(m.Value, 64))
	x.b, x.bok = parse(strconv.ParseBool(m.Value))
	return x
}

func parse[T any](v T, err error) (T, bool) { return v, err == nil }

// matches reports whether a is the attribute m selects.
func (m *matcher) matches(a slog.Attr) bool {
	if a.Key != m.key {
		return false
	}
	if m.any {
		return true
	}
	v := a.Value
	switch v.Kind() {
	case slog.KindString:
		return v.String() == m.str
	case slog.KindInt64:
		return m.iok && v.Int64() == m.i
	case slog.KindUint64:
		return m.uok && v.Uint64() == m.u
	case slog.KindFloat64:
		return m.fok && v.Float64() == m.f
	case slog.KindBool:
		return m.bok && v.Bool() == m.b
	}
	return false
}
