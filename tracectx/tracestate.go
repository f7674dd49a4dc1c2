package tracectx

import (
	"context"
	"strings"
	"sync/atomic"

	"github.com/logweave/logweave/internal/httpfield"
	"go.opentelemetry.io/otel/trace"
)

// Limits on tracestate. The member count and the key and value lengths
// are the specification's; MaxTraceStateLen is this package's bound on
// untrusted input.
const (
	// MaxTraceStateLen bounds the tracestate Extract reads, in bytes,
	// counting several header lines as if joined by commas. The
	// specification asks receivers to pass on at least 512 characters; a
	// valid tracestate can reach about 16 KiB, which no real system sends
	// and which most proxies would refuse. Input beyond the bound is
	// truncated at a member boundary (the members that do not fit are
	// dropped, as the specification's truncation rule drops members from
	// the end), and Inject truncates a longer tracestate by the
	// specification's rule, so what is extracted is injected unchanged.
	MaxTraceStateLen = 8192

	// MaxTraceStateMembers is the specification's limit on list-members.
	// A tracestate with more is invalid and dropped as a whole. Every
	// non-empty member counts, a repeated key each time it appears: the
	// grammar counts list-members, not distinct keys.
	MaxTraceStateMembers = 32

	// maxTraceStateLines bounds the tracestate header lines read. Empty
	// lines are legal and cost a loop turn each; later lines are ignored,
	// which is truncation from the end again.
	maxTraceStateLines = 64

	// maxKeyLen and maxValueLen are the grammar's bounds: a key is 1 + 255
	// characters, wherever its "@" are, and a value 255 + 1.
	maxKeyLen   = 256
	maxValueLen = 256

	// truncateFirstLen: members longer than this are the first to go when
	// a tracestate must be shortened, per the specification.
	truncateFirstLen = 128
)

// tsMember is one key=value list-member, both strings pointing into the
// header value they were read from.
type tsMember struct{ key, value string }

// len is the member's length as written: key=value.
func (m tsMember) len() int { return len(m.key) + 1 + len(m.value) }

// parseTraceState validates the tracestate header lines by the rules on
// W3C and returns them as a trace.TraceState; ok is false when the header
// must be dropped. The members are collected in a fixed array and checked
// for repeated keys pairwise (at most 32*31/2 comparisons), so that
// nothing is allocated until the list is known to be valid.
//
// trace.TraceState can only be built through OpenTelemetry's parser, which
// still holds keys to the 2021 Recommendation (tenant@system, 241 + 14
// characters) and so refuses keys that Level 2 allows (foo@, foo@@bar,
// 1foo). When the list has such keys, ts holds the members OpenTelemetry
// accepts and full the whole list, canonical, for Inject to pass on (see
// fullTraceState); full is empty otherwise, which is the common case.
func parseTraceState(lines []string) (ts trace.TraceState, full *fullTraceState, ok bool) {
	var (
		members [MaxTraceStateMembers]tsMember
		n       int // members kept
		count   int // members read, repeats included
		budget  = MaxTraceStateLen
		pieces  int    // lines that contributed members
		piece   string // the last such line, as read
	)
	for i, line := range lines {
		if i == maxTraceStateLines || budget <= 0 {
			break
		}
		last := false
		if len(line) > budget {
			// Keep only whole members: a member cut in two could still
			// parse, with a value its vendor never wrote.
			cut := line[:budget]
			if line[budget] != ',' {
				cut = cut[:strings.LastIndexByte(cut, ',')+1]
			}
			line, last = cut, true
		}
		budget -= len(line) + 1
		before := n
		for rest := line; rest != ""; {
			var m string
			m, rest, _ = strings.Cut(rest, ",")
			m = httpfield.TrimOWS(m)
			if m == "" {
				continue
			}
			key, value, found := strings.Cut(m, "=")
			if !found || !validTraceStateKey(key) || !validTraceStateValue(value) {
				return ts, nil, false
			}
			if count++; count > MaxTraceStateMembers {
				return ts, nil, false
			}
			if hasKey(members[:n], key) {
				// The list is still worth passing on (Level 2 has a
				// receiver pass on a repeated key, once or as it came):
				// keep the leftmost, which is the latest, since a vendor
				// writes its entry at the front.
				continue
			}
			members[n] = tsMember{key, value}
			n++
		}
		if n > before {
			pieces++
			piece = line
		}
		if last {
			break
		}
	}
	if n == 0 {
		return ts, nil, true
	}
	canon := joinMembers(members[:n])
	if pieces == 1 && len(piece) == canon {
		// The one line is already canonical: the members in order with
		// single commas and nothing else, since anything else would make it
		// longer. Use it as is.
		if ts, err := trace.ParseTraceState(piece); err == nil {
			return ts, nil, true
		}
	} else if ts, err := trace.ParseTraceState(formatMembers(members[:n], canon)); err == nil {
		return ts, nil, true
	}
	return splitTraceState(members[:n])
}

// splitTraceState is parseTraceState's path for a valid list that
// OpenTelemetry refuses: a key only Level 2 allows is in it. The members
// OpenTelemetry accepts go into ts, each tried on its own, and the whole
// list into full.
func splitTraceState(ms []tsMember) (ts trace.TraceState, full *fullTraceState, ok bool) {
	var held [MaxTraceStateMembers]tsMember
	n := 0
	full = &fullTraceState{}
	for _, m := range ms {
		if _, err := (trace.TraceState{}).Insert(m.key, m.value); err == nil {
			held[n] = m
			n++
		} else {
			full.extra = append(full.extra, m)
		}
	}
	if n > 0 {
		var err error
		if ts, err = trace.ParseTraceState(formatMembers(held[:n], joinMembers(held[:n]))); err != nil {
			return trace.TraceState{}, nil, false // cannot be: each member passed alone
		}
	}
	full.members = formatMembers(ms, joinMembers(ms))
	full.held = ts.String()
	return ts, full, true
}

// fullTraceState is a tracestate that a trace.TraceState cannot hold
// whole, kept beside the span context in the context that Extract returns,
// so that Inject passes on what was received: Level 2 has a forwarding
// service pass on every member, and refusing the keys OpenTelemetry does
// not know yet would drop other vendors' state.
//
// It belongs to the trace it arrived with: Inject uses it only for a span
// context of that trace (the remote one, or a child started from it), and
// when that span context's TraceState is still what Extract put there, it
// writes members as they came. When code in between changed the
// TraceState (a vendor's sampler wrote its entry), Inject writes the
// TraceState as it is now, followed by the members it could not hold.
type fullTraceState struct {
	traceID trace.TraceID
	held    string     // the TraceState Extract built, as String writes it
	members string     // every member as received, canonical
	extra   []tsMember // the members the TraceState could not hold
}

type fullTraceStateKey struct{}

// fullTraceStates is set once a fullTraceState was ever put in a context,
// so that Inject does not walk every context looking for one in a process
// that never received a key OpenTelemetry refuses (as sample.IsAlways does
// for its mark).
var fullTraceStates atomic.Bool

// withFullTraceState returns ctx carrying full for the trace of sc.
func withFullTraceState(ctx context.Context, sc trace.SpanContext, full *fullTraceState) context.Context {
	if full == nil {
		return ctx
	}
	if !fullTraceStates.Load() {
		fullTraceStates.Store(true)
	}
	full.traceID = sc.TraceID()
	return context.WithValue(ctx, fullTraceStateKey{}, full)
}

// injectedTraceState returns the tracestate header Inject writes for sc
// in ctx.
func injectedTraceState(ctx context.Context, sc trace.SpanContext) string {
	ts := sc.TraceState()
	var full *fullTraceState
	if fullTraceStates.Load() {
		full, _ = ctx.Value(fullTraceStateKey{}).(*fullTraceState)
	}
	if full == nil || full.traceID != sc.TraceID() {
		return formatTraceState(ts)
	}
	now := ts.String()
	if now == full.held {
		return full.members // within MaxTraceStateLen: Extract read no more
	}
	var members [MaxTraceStateMembers]tsMember
	n := collectMembers(ts, members[:])
	for _, m := range full.extra {
		if n == len(members) {
			break // the list is full: members go from the end
		}
		if ts.Get(m.key) == "" {
			members[n] = m
			n++
		}
	}
	return truncateMembers(members[:n])
}

// hasKey reports whether one of ms has key.
func hasKey(ms []tsMember, key string) bool {
	for _, m := range ms {
		if m.key == key {
			return true
		}
	}
	return false
}

// joinMembers returns the length of the members written as key=value
// separated by commas.
func joinMembers(ms []tsMember) int {
	n := len(ms) - 1
	for _, m := range ms {
		n += m.len()
	}
	return n
}

// validTraceStateKey reports whether key matches the Level 2 grammar
//
//	key     = ( lcalpha / DIGIT ) 0*255 ( keychar )
//	keychar = lcalpha / DIGIT / "_" / "-" / "*" / "/" / "@"
//
// that is 1 to 256 characters, the first a lowercase letter or a digit.
// The 2021 Recommendation's split into a simple key and tenant@system
// (241 + 14 characters, one "@") is gone: "@" is a key character like any
// other after the first.
func validTraceStateKey(key string) bool {
	if key == "" || len(key) > maxKeyLen || !keyStart[key[0]] {
		return false
	}
	for i := 1; i < len(key); i++ {
		if !keyChar[key[i]] {
			return false
		}
	}
	return true
}

// keyStart and keyChar are the bytes a key may start with (lcalpha /
// DIGIT) and the bytes it may have after that (keychar).
var keyStart, keyChar = func() (start, char [256]bool) {
	for c := 'a'; c <= 'z'; c++ {
		start[c], char[c] = true, true
	}
	for c := '0'; c <= '9'; c++ {
		start[c], char[c] = true, true
	}
	for _, c := range "_-*/@" {
		char[c] = true
	}
	return start, char
}()

// validTraceStateValue reports whether value matches the specification's
//
//	value    = 0*255(chr) nblk-chr
//	nblk-chr = %x21-2B / %x2D-3C / %x3E-7E
//	chr      = %x20 / nblk-chr
//
// that is 1 to 256 printable ASCII characters other than ',' and '=',
// not ending in a space.
func validTraceStateValue(value string) bool {
	if value == "" || len(value) > maxValueLen || value[len(value)-1] == ' ' {
		return false
	}
	for i := 0; i < len(value); i++ {
		c := value[i]
		if c < 0x20 || c > 0x7e || c == ',' || c == '=' {
			return false
		}
	}
	return true
}

// formatTraceState returns ts as a tracestate header value, shortened to
// MaxTraceStateLen by the specification's rule when it is longer (see
// truncateMembers).
func formatTraceState(ts trace.TraceState) string {
	var members [MaxTraceStateMembers]tsMember
	n := collectMembers(ts, members[:])
	if n == 0 {
		return ""
	}
	if joinMembers(members[:n]) <= MaxTraceStateLen {
		return ts.String()
	}
	return truncateMembers(members[:n])
}

// collectMembers copies the members of ts into dst and returns how many
// there are; a TraceState never holds more than dst's 32.
func collectMembers(ts trace.TraceState, dst []tsMember) int {
	n := 0
	ts.Walk(func(key, value string) bool {
		if n == len(dst) {
			return false
		}
		dst[n] = tsMember{key, value}
		n++
		return true
	})
	return n
}

// truncateMembers writes ms as a tracestate header value, shortened to
// MaxTraceStateLen by the specification's rule: members longer than 128
// characters go first, then members from the end. Each pass starts from
// the end of the list and stops as soon as the rest fits.
func truncateMembers(ms []tsMember) string {
	if len(ms) == 0 {
		return ""
	}
	total := joinMembers(ms)
	var drop [MaxTraceStateMembers]bool
	for i := len(ms) - 1; i >= 0 && total > MaxTraceStateLen; i-- {
		if ms[i].len() > truncateFirstLen {
			drop[i] = true
			total -= ms[i].len() + 1
		}
	}
	for i := len(ms) - 1; i >= 0 && total > MaxTraceStateLen; i-- {
		if !drop[i] {
			drop[i] = true
			total -= ms[i].len() + 1
		}
	}
	kept := ms
	if total != joinMembers(ms) {
		var rest [MaxTraceStateMembers]tsMember
		n := 0
		for i, m := range ms {
			if !drop[i] {
				rest[n] = m
				n++
			}
		}
		kept = rest[:n]
		if n == 0 {
			return ""
		}
		return formatMembers(kept, joinMembers(kept))
	}
	return formatMembers(kept, total)
}

// formatMembers writes ms as key=value separated by commas; size is that
// length (joinMembers).
func formatMembers(ms []tsMember, size int) string {
	var b strings.Builder
	b.Grow(size)
	for i, m := range ms {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(m.key)
		b.WriteByte('=')
		b.WriteString(m.value)
	}
	return b.String()
}
