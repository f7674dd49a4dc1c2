package pretty

import (
	"bytes"
	"unicode/utf16"
	"unicode/utf8"
)

// A small scanner over JSON that encoding/json's Valid has accepted: it
// finds where keys and values start and end, and nothing more, so a line
// is walked in place, in its own order, without building values. Numbers
// stay the text they were written as. Each function still stops at the
// end of its input, whatever the input holds, so that a mistake in the
// assumption costs a wrong rendering, never a panic.

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

func skipSpace(d []byte, i int) int {
	for i < len(d) && isSpace(d[i]) {
		i++
	}
	return i
}

// stringEnd returns the index just past the string whose opening quote
// is at d[i].
func stringEnd(d []byte, i int) int {
	for i++; i < len(d); {
		switch d[i] {
		case '\\':
			i += 2
		case '"':
			return i + 1
		default:
			i++
		}
	}
	return len(d)
}

// valueEnd returns the index just past the value that starts at d[i].
func valueEnd(d []byte, i int) int {
	if i >= len(d) {
		return len(d)
	}
	switch d[i] {
	case '"':
		return stringEnd(d, i)
	case '{', '[':
		depth := 0
		for i < len(d) {
			switch d[i] {
			case '"':
				i = stringEnd(d, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return len(d)
	default: // a number, true, false or null
		for i < len(d) {
			switch d[i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return i
			}
			i++
		}
		return len(d)
	}
}

// span is d[start:end] of the line being rendered.
type span struct{ start, end int }

func (s span) of(d []byte) []byte { return d[s.start:s.end] }

// nextMember reads the object member that follows d[i], i being just past
// the object's '{' or past the previous member's value. key is the text
// between the key's quotes, still escaped; val is the whole value. ok is
// false at the end of the object.
func nextMember(d []byte, i int) (key, val span, next int, ok bool) {
	i = skipSpace(d, i)
	if i < len(d) && d[i] == ',' {
		i = skipSpace(d, i+1)
	}
	if i >= len(d) || d[i] != '"' {
		return span{}, span{}, len(d), false
	}
	end := stringEnd(d, i)
	key = span{i + 1, max(i+1, end-1)}
	i = skipSpace(d, end)
	if i >= len(d) || d[i] != ':' {
		return span{}, span{}, len(d), false
	}
	i = skipSpace(d, i+1)
	end = valueEnd(d, i)
	return key, span{i, end}, end, i < end
}

// stringContent returns the text between the quotes of the string value
// v, still escaped.
func stringContent(v []byte) []byte {
	if len(v) < 2 {
		return nil
	}
	return v[1 : len(v)-1]
}

// appendUnescaped appends the JSON string content s, decoded. Escapes of
// lone surrogates become U+FFFD, as encoding/json decodes them; invalid
// UTF-8 is copied as it is (the output escapes it).
func appendUnescaped(dst, s []byte) []byte {
	for len(s) > 0 {
		i := bytes.IndexByte(s, '\\')
		if i < 0 {
			return append(dst, s...)
		}
		dst = append(dst, s[:i]...)
		s = s[i:]
		if len(s) < 2 {
			return dst
		}
		switch c := s[1]; c {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r, n := decodeU(s)
			dst = utf8.AppendRune(dst, r)
			s = s[n:]
			continue
		default: // '"', '\\', '/'
			dst = append(dst, c)
		}
		s = s[2:]
	}
	return dst
}

// decodeU decodes the \uXXXX escape (or surrogate pair of them) at the
// start of s and returns the rune and the bytes it took.
func decodeU(s []byte) (rune, int) {
	r := hex4(s[2:])
	if r < 0 {
		return utf8.RuneError, min(2, len(s))
	}
	if !utf16.IsSurrogate(r) {
		return r, 6
	}
	if len(s) >= 12 && s[6] == '\\' && s[7] == 'u' {
		if r2 := hex4(s[8:]); r2 >= 0 {
			if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
				return dec, 12
			}
		}
	}
	return utf8.RuneError, 6
}

// hex4 returns the value of the four hex digits that start s, or -1.
func hex4(s []byte) rune {
	if len(s) < 4 {
		return -1
	}
	var r rune
	for _, c := range s[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}
