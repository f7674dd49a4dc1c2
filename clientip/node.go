package clientip

import (
	"net/netip"
	"strings"
)

// maxAddrLen is the length of the longest textual IP address without a zone,
// "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255". Anything longer is not an
// address; refusing it early, like refusing bytes that no address holds,
// keeps netip.ParseAddr (whose error values allocate) away from most
// attacker garbage.
const maxAddrLen = len("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255")

// parseNode returns the address in s, one node as the forwarding headers and
// http.Request.RemoteAddr write it:
//
//	192.0.2.43              IPv4
//	192.0.2.43:47011        IPv4 and port
//	2001:db8::17            IPv6, bare (X-Forwarded-For, RemoteAddr)
//	fe80::1%eth0            IPv6 with a zone
//	[2001:db8::17]          IPv6 in brackets (RFC 7239 wants them)
//	[2001:db8::17]:4711     IPv6 in brackets and port
//	[fe80::1%eth0]:4711     the same with a zone, as net/http writes it
//
// A port is 1 to 5 digits up to 65535, or an RFC 7239 obfuscated port
// ("_abc"). The result is canonical: IPv4-mapped IPv6 is unmapped and the
// zone is dropped, so that two spellings of one client compare equal and a
// zone (which names an interface of some proxy, not the client) never leaks
// into logs. Anything else ("unknown", "_hidden", garbage) gives the zero
// Addr, and so does the unspecified address (0.0.0.0, ::, ::ffff:0.0.0.0,
// with or without a port): it means "no address" (a socket not yet bound, a
// proxy that had nothing to write), never a client, so it is "cannot tell"
// like the rest. parseNode does not allocate, unless s looks like IPv6 and
// is not (netip.ParseAddr's error).
func parseNode(s string) netip.Addr {
	if a := parseNodeAddr(s); !a.IsUnspecified() {
		return a
	}
	return netip.Addr{}
}

// parseNodeAddr is parseNode without the refusal of the unspecified address.
func parseNodeAddr(s string) netip.Addr {
	if s == "" {
		return netip.Addr{}
	}
	if s[0] == '[' {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return netip.Addr{}
		}
		if rest := s[end+1:]; rest != "" && (rest[0] != ':' || !validPort(rest[1:])) {
			return netip.Addr{}
		}
		// Brackets hold IPv6 only (RFC 3986 IP-literal); "[192.0.2.1]" is
		// not a spelling anyone should rely on.
		a := parseIP(s[1:end])
		if !a.Is6() {
			return netip.Addr{}
		}
		return a.Unmap()
	}
	if colon := strings.IndexByte(s, ':'); colon >= 0 && strings.IndexByte(s[colon+1:], ':') < 0 {
		// One colon: IPv4 and a port. IPv6 always has at least two.
		if !validPort(s[colon+1:]) {
			return netip.Addr{}
		}
		a := parseIP(s[:colon])
		if !a.Is4() {
			return netip.Addr{}
		}
		return a
	}
	// No colon (IPv4) or two or more (bare IPv6, whose last group could
	// also be read as a port: like everyone, we read it as an address).
	return parseIP(s).Unmap()
}

// parseIP parses an address with an optional IPv6 zone and drops the zone.
// It cuts the zone off itself because netip interns zones (unique.Make),
// which would allocate for every zoned entry an attacker sends.
func parseIP(s string) netip.Addr {
	if i := strings.IndexByte(s, '%'); i >= 0 {
		if !validZone(s[i+1:]) {
			return netip.Addr{}
		}
		a := parseBare(s[:i])
		if !a.Is6() {
			return netip.Addr{} // IPv4 has no zones
		}
		return a
	}
	return parseBare(s)
}

// parseBare parses an address without zone, port or brackets.
func parseBare(s string) netip.Addr {
	if s == "" || len(s) > maxAddrLen {
		return netip.Addr{}
	}
	if strings.IndexByte(s, ':') < 0 {
		return parseIPv4(s)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isHex(c) && c != '.' && c != ':' {
			return netip.Addr{}
		}
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}
	}
	return a
}

// parseIPv4 parses dotted-decimal IPv4 as netip.ParseAddr does (four
// decimal parts up to 255, no leading zeros, which some readers take for
// octal), without an error value to allocate: IPv4-like garbage is the
// cheapest thing an attacker can pad a header with.
func parseIPv4(s string) netip.Addr {
	var b [4]byte
	part, val, digits := 0, 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '.' {
			if digits == 0 || part == 3 {
				return netip.Addr{}
			}
			b[part] = byte(val)
			part, val, digits = part+1, 0, 0
			continue
		}
		if c < '0' || c > '9' || digits > 0 && val == 0 {
			return netip.Addr{}
		}
		val = val*10 + int(c-'0')
		digits++
		if val > 255 {
			return netip.Addr{}
		}
	}
	if part != 3 || digits == 0 {
		return netip.Addr{}
	}
	b[3] = byte(val)
	return netip.AddrFrom4(b)
}

// validZone reports whether z is a plausible IPv6 zone: an interface name or
// number, or one percent-encoded as RFC 6874 has it in URIs ("25eth0" after
// the "%"). netip takes any bytes; this package takes the characters RFC 6874
// allows (unreserved and "%"), so that brackets, quotes and the like in a
// "zone" mark the entry as garbage rather than vanish with the zone.
func validZone(z string) bool {
	if z == "" {
		return false
	}
	for i := 0; i < len(z); i++ {
		if c := z[i]; !isAlnum(c) && strings.IndexByte("-._~%", c) < 0 {
			return false
		}
	}
	return true
}

// validPort reports whether p is a port as RFC 7239 section 6 has it: 1 to 5
// digits (which we also hold to 65535, the largest TCP/UDP port), or an
// obfuscated port, "_" followed by letters, digits, ".", "_" or "-".
func validPort(p string) bool {
	if p == "" {
		return false
	}
	if p[0] == '_' {
		return isObfuscated(p)
	}
	if len(p) > 5 {
		return false
	}
	n := 0
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c < '0' || c > '9' {
			return false
		}
		n = n*10 + int(c-'0')
	}
	return n <= 65535
}

// isObfuscated reports whether s is an RFC 7239 obfuscated identifier:
// "_" 1*( ALPHA / DIGIT / "." / "_" / "-" ).
func isObfuscated(s string) bool {
	if len(s) < 2 || s[0] != '_' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !isAlnum(c) && c != '.' && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func isAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
