// Package jsonenc appends JSON tokens to byte slices.
//
// It is the encoder behind logweave's handler: every function appends to
// the caller's buffer and returns it, so encoding a record is one pass over
// one pooled buffer with no intermediate strings. Every function produces
// valid JSON for every input: invalid UTF-8 becomes U+FFFD, and floats that
// JSON cannot represent (NaN, ±Inf) become strings.
package jsonenc

import (
	"math"
	"strconv"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// safe reports, for each ASCII byte, whether it can appear in a JSON string
// as it is. Bytes ≥ 0x80 are not in the table: they need a UTF-8 check.
var safe = func() (t [utf8.RuneSelf]bool) {
	for b := 0x20; b < utf8.RuneSelf; b++ {
		t[b] = b != '"' && b != '\\'
	}
	return t
}()

// Masks for testing eight bytes at once (SWAR): see needsEscape8.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// needsEscape8 reports whether any of the eight bytes in x is a control
// character, a quote, a backslash or a non-ASCII byte. It may report true
// for a clean word (a borrow can carry into the next byte), never false for
// a dirty one; the byte loop then decides exactly.
func needsEscape8(x uint64) bool {
	lt := x - 0x20*ones        // high bit set in bytes < 0x20
	q := (x ^ '"'*ones) - ones // high bit set in bytes == '"'
	bs := (x ^ '\\'*ones) - ones
	return ((lt|q|bs)&^x|x)&highs != 0
}

// load8 reads eight bytes of s as a little-endian word; the compiler
// turns it into one load.
func load8(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// load4 reads four bytes of s as a little-endian word.
func load4(s string) uint32 {
	_ = s[3]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

// AppendString appends s as a quoted JSON string.
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	dst = AppendEscaped(dst, s)
	return append(dst, '"')
}

// AppendEscaped appends the contents of a JSON string for s, without the
// quotes. Invalid UTF-8 bytes become U+FFFD, one per byte, as slog and
// encoding/json do; control characters, quotes and backslashes are
// escaped, and so are U+2028 and U+2029, which break JavaScript parsers.
func AppendEscaped(dst []byte, s string) []byte {
	// Skip the clean prefix eight bytes at a time: most log text is
	// plain ASCII and this is the whole cost of encoding it.
	i := 0
	for i+8 <= len(s) && !needsEscape8(load8(s[i:i+8])) {
		i += 8
	}
	switch {
	case i == len(s):
		return append(dst, s...)
	case len(s)-i < 8 && i >= 8:
		// All but a short tail is clean: the tail is checked as one word
		// that overlaps the last clean one, not byte by byte.
		if !needsEscape8(load8(s[len(s)-8:])) {
			return append(dst, s...)
		}
	case len(s) >= 4 && len(s) < 8:
		// A short string (a key, a method) as one word: its first four
		// bytes and its last four, which overlap.
		if !needsEscape8(uint64(load4(s)) | uint64(load4(s[len(s)-4:]))<<32) {
			return append(dst, s...)
		}
	}
	start := 0
	for i < len(s) {
		b := s[i]
		if b < utf8.RuneSelf {
			if safe[b] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '"', '\\':
				dst = append(dst, '\\', b)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	return append(dst, s[start:]...)
}

// AppendBytesString appends b as a quoted JSON string, like AppendString,
// without converting b to a string first (no allocation).
func AppendBytesString(dst []byte, b []byte) []byte {
	// The conversion does not allocate: the compiler sees that the string
	// does not outlive the call.
	return AppendString(dst, string(b))
}

// AppendFloat appends f the way encoding/json formats a float64, so that
// logweave's output matches slog.JSONHandler's. NaN and ±Inf, which JSON
// cannot represent (encoding/json returns an error for them), are
// written as the strings "NaN", "+Inf" and "-Inf".
func AppendFloat(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, `"NaN"`...)
	case math.IsInf(f, 1):
		return append(dst, `"+Inf"`...)
	case math.IsInf(f, -1):
		return append(dst, `"-Inf"`...)
	}
	// encoding/json's rule: ES6 number formatting, the shortest
	// representation, exponent form only for very small or large values.
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, f, format, -1, 64)
	if format == 'e' {
		// Clean up e-09 to e-9, as encoding/json does.
		n := len(dst)
		if n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst
}

// AppendTimeMillis appends t in UTC as RFC 3339 with exactly three
// fractional digits (2026-11-21T10:22:33.123Z), without quotes.
//
// It runs once per log line, so the text up to the seconds is cached for
// the current second: most lines of a second then cost a compare and a
// copy, and the calendar arithmetic runs once a second.
func AppendTimeMillis(dst []byte, t time.Time) []byte {
	ms := t.UnixMilli()
	sec := floorDiv(ms, 1000)
	c := lastSecond.Load()
	if c == nil || c.sec != sec {
		c = &secondText{sec: sec}
		if _, ok := appendDateTime(c.text[:0], sec); !ok {
			// RFC 3339 has four-digit years; fall back to the standard
			// formatter, which still yields a valid JSON string.
			return t.UTC().AppendFormat(dst, "2006-01-02T15:04:05.000Z07:00")
		}
		lastSecond.Store(c)
	}
	frac := int(ms - sec*1000)
	dst = append(dst, c.text[:]...)
	return append(dst, '.', byte('0'+frac/100), byte('0'+frac/10%10), byte('0'+frac%10), 'Z')
}

// secondText is "2006-01-02T15:04:05" for one second since the epoch.
type secondText struct {
	sec  int64
	text [19]byte
}

// lastSecond is the most recently formatted second. It is replaced, never
// changed in place, so readers need no lock.
var lastSecond atomic.Pointer[secondText]

// AppendTimeRFC3339Nano appends t quoted, exactly as
// t.AppendFormat(dst, time.RFC3339Nano) would between quotes (the format
// slog.JSONHandler uses for time attributes), in t's own zone, but without
// the general formatter's cost.
func AppendTimeRFC3339Nano(dst []byte, t time.Time) []byte {
	dst = append(dst, '"')
	_, offset := t.Zone()
	n := len(dst)
	dst, ok := appendDateTime(dst, t.Unix()+int64(offset))
	if !ok || offset <= -100*3600 || offset >= 100*3600 {
		// Years beyond four digits, or a zone offset of 100 hours or more
		// (time.FixedZone allows it): leave these to the time package.
		dst = t.AppendFormat(dst[:n], time.RFC3339Nano)
		return append(dst, '"')
	}
	if ns := uint32(t.Nanosecond()); ns != 0 {
		var frac [10]byte
		frac[0] = '.'
		frac[1] = byte('0' + ns/100_000_000)
		put2(frac[2:], ns/1_000_000%100)
		put2(frac[4:], ns/10_000%100)
		put2(frac[6:], ns/100%100)
		put2(frac[8:], ns%100)
		end := 10
		for frac[end-1] == '0' {
			end--
		}
		dst = append(dst, frac[:end]...)
	}
	if offset == 0 {
		return append(dst, 'Z', '"')
	}
	// As the time package writes Z07:00: hours and minutes, seconds dropped.
	zone := offset / 60
	sign := byte('+')
	if zone < 0 {
		sign, zone = '-', -zone
	}
	var z [7]byte
	z[0] = sign
	put2(z[1:], uint32(zone/60))
	z[3] = ':'
	put2(z[4:], uint32(zone%60))
	z[6] = '"'
	return append(dst, z[:]...)
}

// appendDateTime appends "2006-01-02T15:04:05" for sec seconds since the
// Unix epoch, and reports false (appending nothing) when the year is
// outside the four digits RFC 3339 allows.
func appendDateTime(dst []byte, sec int64) ([]byte, bool) {
	days := floorDiv(sec, 86_400)
	// 0000-01-01 and 9999-12-31, in days since 1970-01-01.
	if days < -719_528 || days > 2_932_896 {
		return dst, false
	}
	secOfDay := uint32(sec - days*86_400)
	year, month, day := civilFromDays(uint64(days + 719_528))
	var b [19]byte
	put2(b[0:], year/100)
	put2(b[2:], year%100)
	b[4] = '-'
	put2(b[5:], month)
	b[7] = '-'
	put2(b[8:], day)
	b[10] = 'T'
	h, m, s := secOfDay/3600, secOfDay/60%60, secOfDay%60
	put2(b[11:], h)
	b[13] = ':'
	put2(b[14:], m)
	b[16] = ':'
	put2(b[17:], s)
	return append(dst, b[:]...), true
}

// put2 writes v (< 100) as two digits.
func put2(b []byte, v uint32) {
	_ = b[1]
	b[0] = twoDigits[2*v]
	b[1] = twoDigits[2*v+1]
}

// twoDigits holds "00" to "99" back to back, so a two-digit number is a
// copy instead of two divisions.
const twoDigits = "00010203040506070809101112131415161718192021222324252627282930313233343536373839" +
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879" +
	"8081828384858687888990919293949596979899"

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// civilFromDays converts days since 0000-01-01 (at most 9999-12-31) to a
// proleptic Gregorian date, with Howard Hinnant's algorithm in unsigned
// arithmetic, where division by a constant is a multiply and a shift.
func civilFromDays(days uint64) (year, month, day uint32) {
	// Count from March 1st of year -400, an era before: leap days then
	// fall at the end of a counted year, and nothing is negative.
	z := days + 146_097 - 60
	era := z / 146_097
	doe := z - era*146_097                                   // [0, 146096]
	yoe := (doe - doe/1460 + doe/36_524 - doe/146_096) / 365 // [0, 399]
	doy := doe - (365*yoe + yoe/4 - yoe/100)                 // [0, 365]
	mp := (5*doy + 2) / 153                                  // [0, 11]
	day = uint32(doy - (153*mp+2)/5 + 1)                     // [1, 31]
	month = uint32(mp + 3)
	if month > 12 {
		month -= 12
	}
	year = uint32(yoe + era*400)
	if month <= 2 {
		year++ // January and February belong to the next calendar year
	}
	year -= 400
	return year, month, day
}
