package clientip

import (
	"net/http"
	"net/netip"
	"net/textproto"
)

// MaxEntries is the number of entries kept from the forwarding header of one
// request (all its lines together). A client can send a header of any length
// up to the server's MaxHeaderBytes; parsing keeps only the rightmost
// MaxEntries entries in a fixed-size array, so the memory a request costs
// does not grow with what an attacker writes, and the time grows only
// linearly. The rightmost entries are the ones kept because they are the ones
// your own proxies appended: an attacker who pads the header pushes only its
// own entries out.
const MaxEntries = 64

// entries holds the rightmost MaxEntries entries of a forwarding header as the
// raw text of each, in a ring. It is parsed into addresses only on demand, so
// a strategy that looks at the two rightmost entries parses two.
type entries struct {
	raw       [MaxEntries]string
	seen      int  // entries seen, kept or not
	forwarded bool // raw holds RFC 7239 node values, possibly quoted
}

// add records the raw text of the next entry, forgetting the oldest one when
// the ring is full.
func (e *entries) add(s string) {
	e.raw[e.seen%MaxEntries] = s
	e.seen++
}

// len returns the number of entries kept.
func (e *entries) len() int { return min(e.seen, MaxEntries) }

// at returns entry i of the kept ones, 0 being the leftmost, as a canonical
// address, or the zero Addr when the entry holds none.
func (e *entries) at(i int) netip.Addr {
	first := 0
	if e.seen > MaxEntries {
		first = e.seen % MaxEntries
	}
	s := e.raw[(first+i)%MaxEntries]
	if e.forwarded {
		return parseForwardedNode(s)
	}
	return parseNode(s)
}

// appendTo appends every kept entry to dst, left to right.
func (e *entries) appendTo(dst []netip.Addr) []netip.Addr {
	for i := range e.len() {
		dst = append(dst, e.at(i))
	}
	return dst
}

// parse fills e from the lines of a forwarding header, RFC 7239 syntax when
// forwarded is set, X-Forwarded-For syntax otherwise.
func (e *entries) parse(lines []string, forwarded bool) {
	if forwarded {
		e.splitForwarded(lines)
	} else {
		e.splitXForwardedFor(lines)
	}
}

// ForwardedFor returns the entries of the forwarding header name in h, left
// (the farthest hop, first written) to right (the nearest hop). name
// "Forwarded" (any case) is parsed as RFC 7239 (see ParseForwarded), any other
// name as an X-Forwarded-For list (see ParseXForwardedFor).
//
// Entries keep their positions: an entry that holds no address ("unknown",
// an obfuscated identifier, garbage) is the zero netip.Addr, so that counting
// from the right is not fooled. Valid entries are canonical (IPv4-mapped IPv6
// unmapped, no port, no zone). At most MaxEntries entries are returned, the
// rightmost ones. The result is nil when the header is absent or empty.
//
// ForwardedFor allocates the returned slice; ParseXForwardedFor and
// ParseForwarded append to a slice of yours and need not.
func ForwardedFor(h http.Header, name string) []netip.Addr {
	key := textproto.CanonicalMIMEHeaderKey(name)
	lines := h[key]
	if key == "Forwarded" {
		return ParseForwarded(nil, lines...)
	}
	return ParseXForwardedFor(nil, lines...)
}
