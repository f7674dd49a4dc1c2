package access

import (
	"mime"
	"strings"
	"unicode/utf8"
)

// What the middleware masks itself, before the handler's redaction sees
// the line: the handler scans strings for secrets, but it cannot know that
// "user%5Bpassword%5D=..." is a form field named password, nor where a
// multipart part ends. So the query, and captured form and multipart
// bodies, are masked here by their structure, with the sensitive query
// keys (Options.SensitiveQueryKeys).

// maxDecodedValue bounds the values maskQuery percent-decodes to look for
// a URL inside. Redirect targets and callbacks are far shorter; a longer
// value is still checked as sent, and the handler's redaction scans it.
const maxDecodedValue = 2048

// maxKeySegment bounds the part of a key name (a bracket segment) that is
// looked up: no sensitive key is longer, so a longer segment matches none.
const maxKeySegment = 64

// maskQuery replaces the values of sensitive parameters with Mask. A
// parameter is sensitive when its key, percent-decoded, is one of the
// sensitive keys in any case, or when any bracket segment of it is
// ("user[password]", "a[b][token]", "password[]"); or when its value, as
// sent or percent-decoded once or twice, is a URL or a path with a query
// or a fragment holding a sensitive parameter ("next=%2Freset%3Ftoken%3D..."):
// such a value is masked whole, since its rest could not be kept as sent
// without encoding it again.
//
// It works on the raw query so that the rest stays exactly as sent, and
// returns q itself (no allocation) when nothing is sensitive.
func maskQuery(q string, sensitive map[string]bool) string {
	found := false
	for rest := q; rest != "" && !found; {
		var pair string
		pair, rest, _ = strings.Cut(rest, "&")
		found = sensitivePair(pair, sensitive)
	}
	if !found {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + len(Mask))
	for rest := q; ; {
		pair, next, more := strings.Cut(rest, "&")
		if sensitivePair(pair, sensitive) {
			key, _, _ := strings.Cut(pair, "=")
			b.WriteString(key)
			b.WriteByte('=')
			b.WriteString(Mask)
		} else {
			b.WriteString(pair)
		}
		if !more {
			break
		}
		b.WriteByte('&')
		rest = next
	}
	return b.String()
}

// sensitivePair reports whether the value of one key=value pair of a query
// must be masked. A pair without "=" has no value to mask.
func sensitivePair(pair string, sensitive map[string]bool) bool {
	key, value, ok := strings.Cut(pair, "=")
	return ok && (sensitiveKey(key, sensitive) || sensitiveValue(value, sensitive))
}

// sensitiveKey reports whether a query key, percent-decoded ('+' is a
// space), is a sensitive key in any case, whole or by one of its bracket
// segments. It decodes as it reads, into a buffer on the stack.
func sensitiveKey[T string | []byte](key T, sensitive map[string]bool) bool {
	plain := true // the usual key: nothing to decode, split or lower-case
	for i := 0; i < len(key) && plain; i++ {
		c := key[i]
		plain = c != '%' && c != '+' && c != '[' && c != ']' && (c < 'A' || c > 'Z') && c < utf8.RuneSelf
	}
	if plain {
		return sensitive[string(key)]
	}
	var seg, whole [maxKeySegment]byte
	n, w := 0, 0
	segLong, wholeLong, nonASCII, bracket := false, false, false, false
	lookup := func(b []byte, long bool) bool {
		if long {
			return false
		}
		if nonASCII {
			// Rare: a key configured in another script, lower-cased by
			// strings.ToLower in NewConfig.
			return sensitive[strings.ToLower(string(b))]
		}
		return sensitive[string(b)]
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case c == '+':
			c = ' '
		case c == '%' && i+2 < len(key) && ishex(key[i+1]) && ishex(key[i+2]):
			c = unhex(key[i+1])<<4 | unhex(key[i+2])
			i += 2
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		} else if c >= utf8.RuneSelf {
			nonASCII = true
		}
		if w < len(whole) {
			whole[w] = c
			w++
		} else {
			wholeLong = true
		}
		if c == '[' || c == ']' {
			bracket = true
			if lookup(seg[:n], segLong) {
				return true
			}
			n, segLong = 0, false
			continue
		}
		if n < len(seg) {
			seg[n] = c
			n++
		} else {
			segLong = true
		}
	}
	// The whole key too, for a configured key with brackets in it.
	return lookup(seg[:n], segLong) || bracket && lookup(whole[:w], wholeLong)
}

// sensitiveValue reports whether a query value is, as sent or decoded once
// or twice, a URL or path whose query or fragment has a sensitive
// parameter. Values without '?', '#' or '%' are none, and cost one scan.
func sensitiveValue(v string, sensitive map[string]bool) bool {
	i := 0
	for i < len(v) && v[i] != '?' && v[i] != '#' && v[i] != '%' {
		i++
	}
	if i == len(v) {
		return false
	}
	if innerSecret(v, sensitive) {
		return true
	}
	if len(v) > maxDecodedValue || !mayHideQuery(v) {
		return false
	}
	var buf [maxDecodedValue]byte
	b := unescape(buf[:0], v)
	for round := 1; ; round++ {
		if innerSecret(b, sensitive) {
			return true
		}
		if round == 2 || !containsByte(b, '%') {
			return false
		}
		b = unescape(b[:0], b) // in place: decoding never lengthens
	}
}

// mayHideQuery reports whether decoding v once or twice can bring a '?' or
// a '#' to light: only an escaped one (%3F, %23) or an escaped '%' (%25)
// can. The rest ("%2Fhome", "%E2%82%AC") is not decoded.
func mayHideQuery(v string) bool {
	for i := 0; i+2 < len(v); i++ {
		if v[i] != '%' {
			continue
		}
		hi, lo := v[i+1], v[i+2]|0x20 // lo in lower case, when a letter
		if hi == '3' && lo == 'f' || hi == '2' && (lo == '3' || lo == '5') {
			return true
		}
	}
	return false
}

// innerSecret reports whether s holds a query or fragment (after its first
// '?' or '#') with a key=value pair whose key is sensitive. '?', '#' and '&'
// all end a pair there, so that a URL inside that URL is seen too, in one
// pass.
func innerSecret[T string | []byte](s T, sensitive map[string]bool) bool {
	i := 0
	for i < len(s) && s[i] != '?' && s[i] != '#' {
		i++
	}
	for i < len(s) {
		i++ // past the separator
		start, eq := i, -1
		for i < len(s) && s[i] != '&' && s[i] != '?' && s[i] != '#' {
			if s[i] == '=' && eq < 0 {
				eq = i
			}
			i++
		}
		if eq >= 0 && sensitiveKey(s[start:eq], sensitive) {
			return true
		}
	}
	return false
}

// unescape appends s percent-decoded to dst; malformed escapes stay as
// they are. dst may be s itself, or s[:0].
func unescape[T string | []byte](dst []byte, s T) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' && i+2 < len(s) && ishex(s[i+1]) && ishex(s[i+2]) {
			c = unhex(s[i+1])<<4 | unhex(s[i+2])
			i += 2
		}
		dst = append(dst, c)
	}
	return dst
}

func containsByte(b []byte, c byte) bool {
	for _, x := range b {
		if x == c {
			return true
		}
	}
	return false
}

func ishex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// maskBody returns a captured body as the access line shows it: a form
// (application/x-www-form-urlencoded) masked as the query is, a multipart
// form with its sensitive fields masked (maskMultipart), anything else as
// captured, for the handler's redaction to scan.
func maskBody(body []byte, contentType string, sensitive map[string]bool) string {
	media, _, _ := strings.Cut(contentType, ";")
	media = strings.TrimSpace(media)
	switch {
	case strings.EqualFold(media, "application/x-www-form-urlencoded"):
		return maskQuery(string(body), sensitive)
	case strings.EqualFold(media, "multipart/form-data"):
		return maskMultipart(string(body), contentType, sensitive)
	}
	return string(body)
}

// maskMultipart masks the contents of the parts of a multipart form whose
// field name is sensitive (as a query key would be), and of the fields
// that are not files and hold a URL with a secret (as a query value
// would). It reads only what was captured: a part whose end was not
// captured is masked to the end, so a cut capture never shows the start of
// a secret. A part whose Content-Disposition cannot be read is masked,
// since its name is unknown; a body whose Content-Type names no boundary
// is masked whole, since its parts cannot be told apart.
func maskMultipart(s, contentType string, sensitive map[string]bool) string {
	_, params, err := mime.ParseMediaType(contentType)
	boundary := params["boundary"]
	if err != nil || boundary == "" {
		return Mask
	}
	delim := "--" + boundary
	next := "\r\n" + delim
	var start int
	switch {
	case strings.HasPrefix(s, delim):
		start = 0
	default:
		i := strings.Index(s, next)
		if i < 0 {
			return s // nothing but a preamble (or its start) was captured
		}
		start = i + 2
	}
	var b strings.Builder
	kept := 0 // s[:kept] is written, or to be written as it is
	for {
		after := start + len(delim)
		if strings.HasPrefix(s[after:], "--") {
			break // the closing delimiter: the rest is the epilogue
		}
		end := strings.Index(s[after:], "\r\n\r\n")
		if end < 0 {
			break // cut in the part's headers: none of its content captured
		}
		header := s[after : after+end]
		body := after + end + 4
		bodyEnd := len(s)
		found := false
		if i := strings.Index(s[body:], next); i >= 0 {
			bodyEnd, found = body+i, true
		}
		if sensitivePart(header, s[body:bodyEnd], sensitive) {
			if kept == 0 {
				b.Grow(len(s))
			}
			b.WriteString(s[kept:body])
			b.WriteString(Mask)
			kept = bodyEnd
		}
		if !found {
			break
		}
		start = bodyEnd + 2
	}
	if kept == 0 {
		return s
	}
	b.WriteString(s[kept:])
	return b.String()
}

// sensitivePart reports whether a multipart part with these headers and
// content must be masked; see maskMultipart.
func sensitivePart(header, content string, sensitive map[string]bool) bool {
	var disposition string
	found := false
	for line := range strings.SplitSeq(header, "\r\n") {
		name, value, ok := strings.Cut(line, ":")
		if ok && strings.EqualFold(strings.TrimSpace(name), "Content-Disposition") {
			disposition, found = strings.TrimSpace(value), true
			break
		}
	}
	if !found {
		return true
	}
	_, params, err := mime.ParseMediaType(disposition)
	if err != nil {
		return true
	}
	if sensitiveKey(params["name"], sensitive) {
		return true
	}
	_, isFile := params["filename"]
	return !isFile && sensitiveValue(content, sensitive)
}

// Mask is what stands in the log for a value that must not appear.
const Mask = "[REDACTED]"

// sensitiveHeaders are masked even when listed in RequestHeaders or
// ResponseHeaders: logging them would leak credentials.
var sensitiveHeaders = map[string]bool{
	"authorization": true, "proxy-authorization": true, "cookie": true, "set-cookie": true,
	"x-api-key": true, "api-key": true, "x-auth-token": true, "x-csrf-token": true, "x-xsrf-token": true,
	"x-amz-security-token": true, "x-goog-api-key": true,
}

// IsSensitiveHeader reports whether the header name (in any case) is one
// whose value is never logged in the clear.
func IsSensitiveHeader(name string) bool {
	return sensitiveHeaders[strings.ToLower(name)]
}
