package pretty

import (
	"strconv"
	"unicode/utf8"
)

// Everything taken from a log line passes through one of these before it
// reaches the output: a value is attacker-controlled text as often as
// not, and a terminal obeys the escape sequences it receives (moving the
// cursor, rewriting earlier lines, setting the window title, on some
// terminals more). Only printable runes (strconv.IsPrint) and the ASCII
// space are written as they are; control characters (C0, DEL and C1,
// ESC among them), invalid UTF-8 and the invisible format characters
// (bidirectional overrides and the like, which can make text read other
// than it is) are escaped. The escapes are Go's, so a quoted value reads
// as a Go string literal.

const lowerHex = "0123456789abcdef"

// needsQuote reports whether s is written quoted as a key or a value:
// when it is empty, or holds a space, '=', '"' or anything appendBare
// would escape, so that key=value pairs split unambiguously.
func needsQuote(s []byte) bool {
	if len(s) == 0 {
		return true
	}
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if b <= ' ' || b == '=' || b == '"' || b == 0x7f {
				return true
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && n == 1 || !strconv.IsPrint(r) {
			return true
		}
		i += n
	}
	return false
}

// appendQuoted appends s quoted as strconv.Quote quotes it, without
// converting s to a string (which would cost an allocation for any s
// longer than a few bytes).
func appendQuoted(dst, s []byte) []byte {
	dst = append(dst, '"')
	dst = appendEscaped(dst, s, true)
	return append(dst, '"')
}

// appendBare appends s unquoted, with everything that is not printable
// escaped except the ASCII space, and a tab written as four spaces: for
// the message and text lines, where quotes would only be noise.
func appendBare(dst, s []byte) []byte {
	return appendEscaped(dst, s, false)
}

// appendMaybeQuoted appends s bare when it needs no quotes, quoted
// otherwise.
func appendMaybeQuoted(dst, s []byte) []byte {
	if needsQuote(s) {
		return appendQuoted(dst, s)
	}
	return append(dst, s...)
}

func appendEscaped(dst, s []byte, quoted bool) []byte {
	for len(s) > 0 {
		// The common case first: a run of printable ASCII.
		i := 0
		for i < len(s) {
			b := s[i]
			if b < ' ' || b >= 0x7f || quoted && (b == '"' || b == '\\') {
				break
			}
			i++
		}
		dst = append(dst, s[:i]...)
		s = s[i:]
		if len(s) == 0 {
			break
		}
		r, n := rune(s[0]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRune(s)
		}
		switch {
		case r == utf8.RuneError && n == 1:
			dst = append(dst, '\\', 'x', lowerHex[s[0]>>4], lowerHex[s[0]&0xf])
		case r == '"' || r == '\\': // only when quoted
			dst = append(dst, '\\', byte(r))
		case r == '\t' && !quoted:
			dst = append(dst, "    "...)
		case strconv.IsPrint(r):
			dst = append(dst, s[:n]...)
		default:
			dst = appendEscapedRune(dst, r)
		}
		s = s[n:]
	}
	return dst
}

// appendEscapedRune writes a non-printable rune as strconv.Quote does.
func appendEscapedRune(dst []byte, r rune) []byte {
	switch r {
	case '\a':
		return append(dst, `\a`...)
	case '\b':
		return append(dst, `\b`...)
	case '\f':
		return append(dst, `\f`...)
	case '\n':
		return append(dst, `\n`...)
	case '\r':
		return append(dst, `\r`...)
	case '\t':
		return append(dst, `\t`...)
	case '\v':
		return append(dst, `\v`...)
	}
	switch {
	case r < ' ' || r == 0x7f:
		return append(dst, '\\', 'x', lowerHex[r>>4], lowerHex[r&0xf])
	case r < 0x10000:
		return append(dst, '\\', 'u', lowerHex[r>>12&0xf], lowerHex[r>>8&0xf], lowerHex[r>>4&0xf], lowerHex[r&0xf])
	default:
		dst = append(dst, '\\', 'U')
		for shift := 28; shift >= 0; shift -= 4 {
			dst = append(dst, lowerHex[r>>shift&0xf])
		}
		return dst
	}
}
