package clientip

import (
	"net/netip"
	"strings"
)

// ParseForwarded appends to dst the for= entries of the RFC 7239 Forwarded
// field lines, in order, and returns the extended slice.
//
// Each forwarded-element (the parts between commas, over all lines in order)
// is one entry, and one element of dst: the canonical address of its "for"
// parameter (IPv4-mapped IPv6 unmapped, port and zone dropped), or the zero
// netip.Addr when the element has no address to give. The zero Addr keeps the
// position, so that counting from the right is not fooled. An element gives
// none when its "for" is missing or appears twice (RFC 7239 section 4 forbids
// it, and which one to believe would be a guess), when it is "unknown" or an
// obfuscated identifier such as "_hidden" (section 6), or when the element is
// malformed.
//
// What is parsed: parameter names in any case ("For="); values as tokens or
// quoted strings with quoted-pair escapes ("\"" and the like, RFC 9110 section
// 5.6.4); ports, numeric or obfuscated ("192.0.2.43:47011", "[::1]:_p");
// bracketed IPv6 with an optional zone ("[2001:db8:cafe::17]:4711"); several
// pairs per element separated by ";". Some senders do not quote what RFC
// 7239 wants quoted (for=[2001:db8::1]:80); that is accepted, since it cannot
// move an element boundary. Empty elements (",,") are ignored as RFC 9110
// section 5.6.1 asks.
//
// A malformed element is one zero entry that ends at the next comma; an
// unterminated quoted string runs to the end of its line. So whatever a
// client writes before your proxy appends ", for=..." to the same line, the
// rightmost entry is either your proxy's address or the zero Addr, never an
// address of the client's choosing; and a new line starts clean.
//
// Only the rightmost MaxEntries entries are appended. Parsing allocates
// nothing but the growth of dst (none when cap(dst)-len(dst) >= MaxEntries)
// and, for an entry kept, the unescaped copy of a quoted value that holds a
// backslash and the error value of netip.ParseAddr for one that looks like
// IPv6 and is not: at most two per entry kept, however long the header.
func ParseForwarded(dst []netip.Addr, lines ...string) []netip.Addr {
	var e entries
	e.splitForwarded(lines)
	return e.appendTo(dst)
}

// splitForwarded records the raw for= value of each element of Forwarded
// lines; "" stands for an element that gives no value.
func (e *entries) splitForwarded(lines []string) {
	e.forwarded = true
	for _, line := range lines {
		for i := 0; i < len(line); {
			var v string
			var empty bool
			v, empty, i = forwardedElement(line, i)
			if !empty {
				e.add(v)
			}
		}
	}
}

// forwardedElement parses the forwarded-element of line that starts at i:
//
//	forwarded-element = [ forwarded-pair ] *( ";" [ forwarded-pair ] )
//	forwarded-pair    = token "=" value
//	value             = token / quoted-string
//
// It returns the raw value of the element's single "for" parameter (quotes
// included), or "" when there is not exactly one or the element is malformed;
// whether the element was empty (whitespace only); and the index just past
// the comma that ends it, or len(line). It always advances past i, so a loop
// over a line ends. Whitespace around ";" and "=" is tolerated.
func forwardedElement(line string, i int) (forValue string, empty bool, next int) {
	empty = true
	fors := 0
	for {
		i = skipOWS(line, i)
		if i >= len(line) {
			break
		}
		if line[i] == ',' {
			i++
			break
		}
		empty = false
		if line[i] == ';' {
			i++
			continue
		}
		j := i
		for j < len(line) && isTchar(line[j]) {
			j++
		}
		name := line[i:j]
		k := skipOWS(line, j)
		if name == "" || k >= len(line) || line[k] != '=' {
			return "", false, skipPastComma(line, j)
		}
		k = skipOWS(line, k+1)
		var value string
		if k < len(line) && line[k] == '"' {
			end := quotedEnd(line, k)
			if end < 0 {
				// Unterminated, or a control character inside: the quote
				// swallows the rest of the line, as it would for any
				// reader, and the element gives no address.
				return "", false, len(line)
			}
			value, k = line[k:end], end
		} else {
			end := k
			for end < len(line) && isValueByte(line[end]) {
				end++
			}
			value, k = line[k:end], end
		}
		if len(name) == 3 && strings.EqualFold(name, "for") {
			fors++
			forValue = value
		}
		k = skipOWS(line, k)
		if k < len(line) && line[k] != ';' && line[k] != ',' {
			return "", false, skipPastComma(line, k)
		}
		i = k
	}
	if fors != 1 {
		forValue = ""
	}
	return forValue, empty, i
}

// quotedEnd returns the index just past the quoted-string that starts at
// line[i] (a double quote), or -1 when it is unterminated or holds a byte
// that RFC 9110 section 5.6.4 does not allow (a control character other
// than horizontal tab).
func quotedEnd(line string, i int) int {
	for p := i + 1; p < len(line); p++ {
		switch c := line[p]; {
		case c == '"':
			return p + 1
		case c == '\\':
			p++
			if p >= len(line) || !isQuotedByte(line[p]) {
				return -1
			}
		case !isQuotedByte(c):
			return -1
		}
	}
	return -1
}

// maxNodeLen bounds an unescaped quoted node: an address, brackets, a zone
// and a port fit with room to spare.
const maxNodeLen = 128

// parseForwardedNode returns the address of an RFC 7239 node value as
// forwardedElement recorded it: a token or a well-formed quoted-string.
func parseForwardedNode(v string) netip.Addr {
	if v == "" || v[0] != '"' {
		return parseNode(v)
	}
	if len(v) < 2 || v[len(v)-1] != '"' {
		return netip.Addr{}
	}
	v = v[1 : len(v)-1]
	if strings.IndexByte(v, '\\') < 0 {
		return parseNode(v)
	}
	// A quoted-pair stands for the byte after the backslash.
	var buf [maxNodeLen]byte
	n := 0
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' {
			i++
			if i >= len(v) {
				return netip.Addr{}
			}
		}
		if n == len(buf) {
			return netip.Addr{}
		}
		buf[n] = v[i]
		n++
	}
	return parseNode(string(buf[:n]))
}

// skipOWS returns the index of the first byte at or after i that is not a
// space or horizontal tab.
func skipOWS(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

// skipPastComma returns the index just past the next comma at or after i, or
// len(s). It does not honour quotes: the element is already malformed, and
// resuming at the next comma is what lets a proxy's well-formed ", for=..."
// after a client's garbage be read.
func skipPastComma(s string, i int) int {
	if j := strings.IndexByte(s[i:], ','); j >= 0 {
		return i + j + 1
	}
	return len(s)
}

// isTchar reports whether c may appear in a token (RFC 9110 section 5.6.2).
func isTchar(c byte) bool {
	if isAlnum(c) {
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// isQuotedByte reports whether c may appear in a quoted-string, as qdtext or
// after a backslash: HTAB, SP, VCHAR and obs-text (RFC 9110 section 5.6.4).
// The double quote and backslash themselves are handled by the caller.
func isQuotedByte(c byte) bool {
	return c == '\t' || c >= 0x20 && c != 0x7f
}

// isValueByte reports whether c may appear in an unquoted value. It is more
// than tchar on purpose: ":", "[" and "]" turn up unquoted in the wild, and
// accepting them cannot move an element boundary, which only ",", ";" and
// quotes mark.
func isValueByte(c byte) bool {
	return c > 0x20 && c != 0x7f && c != ',' && c != ';' && c != '"'
}
