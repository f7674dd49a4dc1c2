package redact

// Percent-encoding, read in place. A URL logged as a parameter's value
// (next=%2Freset%3Ftoken%3D...) carries its own query encoded, once or,
// when it went through two redirects, twice (%253D). The scanner reads
// such text one encoded byte at a time, never decoding it into a buffer:
// the cost is a pass over the text and nothing is allocated.

// maxEncodeDepth bounds how many times over a byte may be percent-encoded
// for the scanner to read it: "%3D" once, "%253D" twice, "%25253D" three
// times. Deeper encodings are read as their first level.
const maxEncodeDepth = 3

// isHex marks hexadecimal digits.
var isHex = byteClass(func(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
})

// hexValue is the value of a hexadecimal digit.
func hexValue(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// decodeAt returns the byte at s[i], percent-decoded through up to
// maxEncodeDepth levels ("%5B", "%5b", "%255B" are all '['), and the
// length of its form in s: 1 for a byte that is not encoded, a '%' not
// followed by two hexadecimal digits included. i must be inside s.
func decodeAt(s string, i int) (byte, int) {
	if s[i] != '%' {
		return s[i], 1
	}
	j := i + 1
	for d := 1; d < maxEncodeDepth && j+4 <= len(s) && s[j] == '2' && s[j+1] == '5' && isHex[s[j+2]] && isHex[s[j+3]]; d++ {
		j += 2
	}
	if j+2 > len(s) || !isHex[s[j]] || !isHex[s[j+1]] {
		return '%', 1
	}
	return hexValue(s[j])<<4 | hexValue(s[j+1]), j + 2 - i
}

// encodedBefore reads backwards the percent-encoded byte that ends at k
// (its last two bytes are hexadecimal digits), not looking before lo: it
// returns where the encoded form starts and the byte, decoded through up
// to maxEncodeDepth levels, or ok false when s[:k] does not end with one.
func encodedBefore(s string, k, lo int) (start int, b byte, ok bool) {
	if k-3 < lo || !isHex[s[k-1]] || !isHex[s[k-2]] {
		return 0, 0, false
	}
	b = hexValue(s[k-2])<<4 | hexValue(s[k-1])
	j := k - 2
	for d := 1; ; d++ {
		if j-1 >= lo && s[j-1] == '%' {
			return j - 1, b, true
		}
		if d == maxEncodeDepth || j-3 < lo || s[j-2] != '2' || s[j-1] != '5' {
			return 0, 0, false
		}
		j -= 2
	}
}
