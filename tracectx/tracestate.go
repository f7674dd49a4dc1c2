package tracectx

import (
	"strings"

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
	// A tracestate with more is invalid and dropped as a whole.
	MaxTraceStateMembers = 32

	// maxTraceStateLines bounds the tracestate header lines read. Empty
	// lines are legal and cost a loop turn each; later lines are ignored,
	// which is truncation from the end again.
	maxTraceStateLines = 64

	// maxKeyLen and maxValueLen are the grammar's bounds: a simple key is
	// 1 + 255 characters, a multi-tenant key 241 + "@" + 14, and a value
	// 255 + 1.
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
// for duplicates pairwise (at most 32*31/2 comparisons), so that nothing
// is allocated until the list is known to be valid, and then only the
// canonical string (when the input is not already canonical) and what
// trace.ParseTraceState needs.
func parseTraceState(lines []string) (ts trace.TraceState, ok bool) {
	var (
		members [MaxTraceStateMembers]tsMember
		n       int
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
				return ts, false
			}
			if n == MaxTraceStateMembers {
				return ts, false
			}
			for _, prev := range members[:n] {
				if prev.key == key {
					return ts, false
				}
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
		return ts, true
	}
	canon := joinMembers(members[:n])
	if pieces == 1 && len(piece) == canon {
		// The one line is already canonical: the members in order with
		// single commas and nothing else, since anything else would make it
		// longer. Use it as is.
		ts, err := trace.ParseTraceState(piece)
		return ts, err == nil
	}
	var b strings.Builder
	b.Grow(canon)
	for i, m := range members[:n] {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(m.key)
		b.WriteByte('=')
		b.WriteString(m.value)
	}
	// OpenTelemetry validates again; after the checks above it cannot fail,
	// and the fuzz test holds it to that.
	ts, err := trace.ParseTraceState(b.String())
	return ts, err == nil
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

// validTraceStateKey reports whether key matches the specification's
//
//	key              = simple-key / multi-tenant-key
//	simple-key       = lcalpha 0*255( lcalpha / DIGIT / "_" / "-"/ "*" / "/" )
//	multi-tenant-key = tenant-id "@" system-id
//	tenant-id        = ( lcalpha / DIGIT ) 0*240( lcalpha / DIGIT / "_" / "-"/ "*" / "/" )
//	system-id        = lcalpha 0*13( lcalpha / DIGIT / "_" / "-"/ "*" / "/" )
func validTraceStateKey(key string) bool {
	if key == "" || len(key) > maxKeyLen {
		return false
	}
	tenant, system, multi := strings.Cut(key, "@")
	if !multi {
		return isLCAlpha(key[0]) && keyChars(key[1:])
	}
	return tenant != "" && len(tenant) <= 241 && (isLCAlpha(tenant[0]) || isDigit(tenant[0])) && keyChars(tenant[1:]) &&
		system != "" && len(system) <= 14 && isLCAlpha(system[0]) && keyChars(system[1:])
}

func isLCAlpha(c byte) bool { return 'a' <= c && c <= 'z' }
func isDigit(c byte) bool   { return '0' <= c && c <= '9' }

// keyChars reports whether s holds only the characters a key may have
// after its first: lcalpha / DIGIT / "_" / "-" / "*" / "/".
func keyChars(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isLCAlpha(c) && !isDigit(c) && c != '_' && c != '-' && c != '*' && c != '/' {
			return false
		}
	}
	return true
}

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
// MaxTraceStateLen by the specification's rule when it is longer: members
// longer than 128 characters go first, then members from the end. Each
// pass starts from the end of the list and stops as soon as the rest fits.
func formatTraceState(ts trace.TraceState) string {
	n, total := 0, -1
	var members [MaxTraceStateMembers]tsMember
	ts.Walk(func(key, value string) bool {
		if n == len(members) {
			return false // a TraceState never holds more; stay safe if one did
		}
		members[n] = tsMember{key, value}
		total += members[n].len() + 1
		n++
		return true
	})
	if n == 0 {
		return ""
	}
	if total <= MaxTraceStateLen {
		return ts.String()
	}
	var drop [MaxTraceStateMembers]bool
	for i := n - 1; i >= 0 && total > MaxTraceStateLen; i-- {
		if members[i].len() > truncateFirstLen {
			drop[i] = true
			total -= members[i].len() + 1
		}
	}
	for i := n - 1; i >= 0 && total > MaxTraceStateLen; i-- {
		if !drop[i] {
			drop[i] = true
			total -= members[i].len() + 1
		}
	}
	var b strings.Builder
	b.Grow(max(total, 0))
	for i, m := range members[:n] {
		if drop[i] {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(m.key)
		b.WriteByte('=')
		b.WriteString(m.value)
	}
	return b.String()
}
