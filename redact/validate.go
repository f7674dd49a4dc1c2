package redact

import "encoding/json"

// Validators: the checks that turn a candidate found by the scanner into a
// match, so that ordinary ids, numbers and hashes are left alone. They
// read the candidate in place and never allocate.

// Byte classes used by the scanner and the validators. They are built by
// variable initialisers, not init, so that the tables derived from them
// (isEmailLocal, ...) see them filled in.
var (
	isDigit  = byteClass(func(c byte) bool { return '0' <= c && c <= '9' })
	isUpper  = byteClass(func(c byte) bool { return 'A' <= c && c <= 'Z' })
	isAlnum  = byteClass(func(c byte) bool { return isDigit[c] || isUpper[c] || 'a' <= c && c <= 'z' })
	isB64URL = byteClass(func(c byte) bool { return isAlnum[c] || c == '-' || c == '_' })
	// b64Value maps both base64 alphabets to their 6-bit values: '+' and
	// '-' are 62, '/' and '_' 63; callers check which alphabet a candidate
	// uses. Other bytes are b64Invalid.
	b64Value = func() (t [256]uint8) {
		const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
		for i := range t {
			t[i] = b64Invalid
		}
		for i := 0; i < len(alphabet); i++ {
			t[alphabet[i]] = uint8(i)
		}
		t['-'], t['_'] = 62, 63
		return t
	}()
)

// b64Invalid marks a byte outside both base64 alphabets in b64Value.
const b64Invalid = 0xff

// byteClass builds a byte-class table from a predicate.
func byteClass(in func(c byte) bool) (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = in(byte(c))
	}
	return t
}

// luhn reports whether the digits of s (other bytes are skipped) pass the
// Luhn check used by payment card numbers.
func luhn(s string) bool {
	sum, double := 0, false
	for i := len(s) - 1; i >= 0; i-- {
		c := s[i]
		if !isDigit[c] {
			continue
		}
		d := int(c - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// cnProvinces marks the two-digit province codes that start a mainland
// China resident identity number (GB/T 2260).
var cnProvinces = func() (t [100]bool) {
	for _, p := range []int{11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37,
		41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91} {
		t[p] = true
	}
	return t
}()

// validCNID reports whether s, 17 digits and a check character (a digit
// or X), is a plausible resident identity number: a known province, a
// real birth date between 1900 and 2099, and the ISO 7064 MOD 11-2 check
// character.
func validCNID(s string) bool {
	if len(s) != 18 {
		return false
	}
	for i := 0; i < 17; i++ {
		if !isDigit[s[i]] {
			return false
		}
	}
	if !cnProvinces[num(s[0:2])] {
		return false
	}
	year, month, day := num(s[6:10]), num(s[10:12]), num(s[12:14])
	if year < 1900 || year > 2099 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) {
		return false
	}
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(s[i]-'0') * w
	}
	want := "10X98765432"[sum%11]
	got := s[17]
	if got == 'x' {
		got = 'X'
	}
	return got == want
}

// num parses a short run of ASCII digits the caller has checked.
func num(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// ibanLengths holds the IBAN length of each country that has one (ISO
// 13616 registry), indexed by the two letters of the country code.
var ibanLengths = func() (t [26 * 26]uint8) {
	for _, e := range []struct {
		cc string
		n  uint8
	}{
		{"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16},
		{"BG", 22}, {"BH", 22}, {"BI", 27}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22},
		{"CY", 28}, {"CZ", 24}, {"DE", 22}, {"DJ", 27}, {"DK", 18}, {"DO", 28}, {"EE", 20},
		{"EG", 29}, {"ES", 24}, {"FI", 18}, {"FK", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22},
		{"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27}, {"GT", 28}, {"HR", 21}, {"HU", 28},
		{"IE", 22}, {"IL", 23}, {"IQ", 23}, {"IS", 26}, {"IT", 27}, {"JO", 30}, {"KW", 30},
		{"KZ", 20}, {"LB", 28}, {"LC", 32}, {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21},
		{"LY", 25}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19}, {"MN", 20}, {"MR", 27},
		{"MT", 31}, {"MU", 30}, {"NI", 28}, {"NL", 18}, {"NO", 15}, {"OM", 23}, {"PK", 24},
		{"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"RU", 33},
		{"SA", 24}, {"SC", 31}, {"SD", 18}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27},
		{"SO", 23}, {"ST", 25}, {"SV", 28}, {"TL", 23}, {"TN", 24}, {"TR", 26}, {"UA", 29},
		{"VA", 22}, {"VG", 24}, {"XK", 20}, {"YE", 30},
	} {
		t[int(e.cc[0]-'A')*26+int(e.cc[1]-'A')] = e.n
	}
	return t
}()

// ibanMod97 reports whether the IBAN characters in s (spaces skipped) pass
// the ISO 7064 MOD 97-10 check: the first four characters moved to the end,
// letters read as 10..35, the number taken modulo 97 must be 1.
func ibanMod97(s string) bool {
	rem, n := 0, 0
	add := func(c byte) {
		if isDigit[c] {
			rem = (rem*10 + int(c-'0')) % 97
		} else {
			rem = (rem*100 + int(c-'A'+10)) % 97
		}
	}
	var head [4]byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' {
			continue
		}
		if n < 4 {
			head[n] = c
		} else {
			add(c)
		}
		n++
	}
	for _, c := range head {
		add(c)
	}
	return rem == 1
}

// basicCredentials reports whether s, the credential of a Basic
// authorization, is standard base64 of printable text holding the ':'
// between user and password. It decodes as it reads, without a buffer.
func basicCredentials(s string) bool {
	bits, nbits, colon := 0, 0, false
	i := 0
	for ; i < len(s) && s[i] != '='; i++ {
		c := s[i]
		if c == '-' || c == '_' {
			return false // base64url, not the standard alphabet
		}
		v := b64Value[c]
		if v == b64Invalid {
			return false
		}
		bits = bits<<6 | int(v)
		nbits += 6
		if nbits >= 8 {
			nbits -= 8
			b := byte(bits >> nbits)
			bits &= 1<<nbits - 1
			if b < 0x20 || b == 0x7f {
				return false
			}
			colon = colon || b == ':'
		}
	}
	for ; i < len(s); i++ {
		if s[i] != '=' {
			return false
		}
	}
	return colon
}

// jwtHeader reports whether seg, the first part of a JWT, is base64url of
// a JSON object with an "alg" member. It decodes into a buffer on the
// stack; headers longer than the buffer (real ones are short) fail.
func jwtHeader(seg string) bool {
	var buf [384]byte
	n, bits, nbits := 0, 0, 0
	for i := 0; i < len(seg); i++ {
		c := seg[i]
		if c == '+' || c == '/' {
			return false
		}
		v := b64Value[c]
		if v == b64Invalid {
			return false
		}
		bits = bits<<6 | int(v)
		nbits += 6
		if nbits >= 8 {
			nbits -= 8
			if n == len(buf) {
				return false
			}
			buf[n] = byte(bits >> nbits)
			bits &= 1<<nbits - 1
			n++
		}
	}
	h := trimJSONSpace(buf[:n])
	if len(h) < len(`{"alg":""}`) || h[0] != '{' || h[len(h)-1] != '}' {
		return false
	}
	// A member named alg: the name in quotes, then optional space and ':'.
	for i := 1; i+5 <= len(h); i++ {
		if h[i] != '"' || string(h[i:i+5]) != `"alg"` {
			continue
		}
		j := i + 5
		for j < len(h) && (h[j] == ' ' || h[j] == '\t' || h[j] == '\n' || h[j] == '\r') {
			j++
		}
		if j < len(h) && h[j] == ':' {
			return validJSONObject(h)
		}
	}
	return false
}

func trimJSONSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\n' || b[0] == '\r') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// validJSONObject reports whether b is valid JSON; the caller has checked
// that it is an object.
func validJSONObject(b []byte) bool { return json.Valid(b) }
