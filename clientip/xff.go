package clientip

import (
	"net/netip"
	"strings"

	"github.com/logweave/logweave/internal/httpfield"
)

// ParseXForwardedFor appends to dst the entries of the X-Forwarded-For field
// lines, in order, and returns the extended slice.
//
// X-Forwarded-For has no RFC; it is a comma-separated list to which each proxy
// appends the address of its peer, so the leftmost entry is whatever the
// client sent and the rightmost was written by the proxy nearest to you.
// Several lines concatenate in order, as RFC 9110 section 5.3 combines
// repeated fields. Empty list elements (",,", blank lines) are ignored, as RFC
// 9110 section 5.6.1 asks of a list recipient. Every other element is one
// entry, and one element of dst:
//
//   - an address, with or without a port: "192.0.2.1", "192.0.2.1:4711",
//     "2001:db8::1", "[2001:db8::1]", "[2001:db8::1]:4711", "fe80::1%eth0",
//     appended canonical (IPv4-mapped IPv6 unmapped, port and zone dropped);
//   - anything else ("unknown", "_hidden", garbage) as the zero netip.Addr,
//     which keeps the position so that counting from the right is not fooled.
//
// Only the rightmost MaxEntries entries are appended. Parsing allocates
// nothing but the growth of dst (none when cap(dst)-len(dst) >= MaxEntries)
// and, for an entry kept that looks like IPv6 and is not, the error value of
// netip.ParseAddr: at most MaxEntries of them, however long the header.
func ParseXForwardedFor(dst []netip.Addr, lines ...string) []netip.Addr {
	var e entries
	e.splitXForwardedFor(lines)
	return e.appendTo(dst)
}

// splitXForwardedFor records the raw entries of X-Forwarded-For lines.
func (e *entries) splitXForwardedFor(lines []string) {
	for _, line := range lines {
		for line != "" {
			elem := line
			if i := strings.IndexByte(line, ','); i >= 0 {
				elem, line = line[:i], line[i+1:]
			} else {
				line = ""
			}
			if elem = httpfield.TrimOWS(elem); elem != "" {
				e.add(elem)
			}
		}
	}
}
