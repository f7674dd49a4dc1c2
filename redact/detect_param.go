package redact

import "strings"

// paramDetector finds the values of sensitive keys in text: key=value
// (onEquals), "key": value in JSON (onColon, jsonValue), key%3Dvalue in
// percent-encoded text (onPercent), and the value of a multipart part
// whose name is sensitive (multipartValue).
var paramDetector = builtinDetector{
	name:     Param,
	on:       true,
	partial:  fullOnly,
	triggers: []trigger{{hEquals, "=", afterAny}, {hColon, ":", []int{pcQuote}}, {hPercent, "%", afterAny}},
}

// isParamKey marks the bytes of a key in key=value text: a name, and the
// brackets of the form keys of query strings and form bodies
// (user[password], a[b][token]).
var isParamKey = func() (t [256]bool) {
	t = isAlnum
	t['_'], t['.'], t['-'], t['['], t[']'] = true, true, true, true, true
	return t
}()

// isParamEnd marks the bytes that end an unquoted value of key=value.
var isParamEnd = func() (t [256]bool) {
	for _, c := range " \t\r\n&\"',;#)]}<>" {
		t[c] = true
	}
	return t
}()

// maxParamKey bounds the key looked at before '=' or ':': long enough for
// a percent-encoded form key with a few brackets.
const maxParamKey = 128

// sensitiveParam reports whether key, found before '=' or ':' in text,
// names a secret: the policy's key rule, and "sig" (signed URLs).
func (c *compiled) sensitiveParam(key string) bool {
	// keys.action, spelled out as in Policy.Key: one call less per key.
	a, k := c.keys.lookup(key)
	if a == actBracket {
		a = c.keys.bracketOrScan(k)
	}
	if a == Mask {
		return true
	}
	return len(key) == 3 && (key[0]|0x20) == 's' && (key[1]|0x20) == 'i' && (key[2]|0x20) == 'g'
}

// paramKeyStart returns where the key that ends at i, before '=' or an
// encoded '=', starts: it walks back over the bytes of isParamKey, plain
// or percent-encoded ("%5B", "%255D"), and stops at any other byte,
// plain or encoded: in /cb%3Fcode%3Dx the key is "code", not "3Fcode".
// The walk over plain bytes is the loop it always was; an encoded byte
// is looked at only where that loop stops at a '%' (the hex digits after
// it are key bytes, so the loop has passed over them).
func paramKeyStart(s string, i, lo int) int {
	k := i
	for {
		for k > lo && i-k <= maxParamKey && isParamKey[s[k-1]] {
			k--
		}
		if k <= lo || s[k-1] != '%' || i-k > maxParamKey {
			return k
		}
		b, n := decodeAt(s, k-1)
		switch {
		case n == 1:
			return k // a '%' that encodes nothing
		case k-1+n > i:
			return k // the encoding runs past the key's end
		case !isParamKey[b]:
			return k - 1 + n // an encoded delimiter: the key starts after it
		}
		k-- // an encoded key byte: go on before it
	}
}

// onEquals handles key=value (URL query parameters, form bodies, logfmt,
// free text) when the key is sensitive: the value is the match. After
// "form-data; " the key is a multipart part's name: see multipartValue.
func (c *compiled) onEquals(s string, i, lo int) (match, int) {
	// The plain key, inline; the walk through percent-encoded bytes only
	// where it stops at a '%'.
	k := i
	for k > lo && i-k <= maxParamKey && isParamKey[s[k-1]] {
		k--
	}
	if k > lo && s[k-1] == '%' {
		k = paramKeyStart(s, i, lo)
	}
	if i-k == 4 && hasPrefixFold(s[k:i], "name") && formDataBefore(s, k, lo) {
		if m, next, ok := c.multipartValue(s, i+1); ok {
			return m, next
		}
	}
	if k == i || i-k > maxParamKey || !c.sensitiveParam(s[k:i]) || strings.HasPrefix(s[i+1:], c.mask) {
		return match{}, i + 1 // not sensitive, or masked already
	}
	m, next := paramValue(s, i+1)
	if isStatusCode(s[k:i], s[m.start:m.end]) {
		return match{}, next
	}
	return m, next
}

// isStatusCode reports whether key=value is a status or error code, not
// an OAuth code: the key is "code" and the value a number of one to three
// digits, as in Echo's error text "code=404, message=Not Found" or
// "exited with code=137". An OAuth authorization code is longer, and so
// is a one-time code sent by text message (four digits or more), which
// stay masked.
func isStatusCode(key, value string) bool {
	if len(key) != 4 || !hasPrefixFold(key, "code") || len(value) == 0 || len(value) > 3 {
		return false
	}
	for i := 0; i < len(value); i++ {
		if value[i] < '0' || value[i] > '9' {
			return false
		}
	}
	return true
}

// paramValue returns the value that starts at v: up to the closing quote
// when it is quoted (to the end of the text when it is never closed,
// since all of it may be the secret), else up to a delimiter.
func paramValue(s string, v int) (match, int) {
	if v < len(s) && (s[v] == '"' || s[v] == '\'') {
		q := s[v]
		e := strings.IndexByte(s[v+1:], q)
		if e < 0 {
			return found(dParam, v+1, len(s))
		}
		return found(dParam, v+1, v+1+e)
	}
	e := v
	for e < len(s) && !isParamEnd[s[e]] {
		e++
	}
	if e+1 < len(s) && s[e] == ' ' && isAuthScheme(s[v:e]) {
		// authorization=Bearer <token>: the credential is the secret.
		e++
		for e < len(s) && !isParamEnd[s[e]] {
			e++
		}
	}
	return found(dParam, v, e)
}

// isAuthScheme reports whether word is an HTTP authentication scheme that
// a credential follows after a space.
func isAuthScheme(word string) bool {
	for _, scheme := range [...]string{"bearer", "basic", "token", "digest", "negotiate"} {
		if len(word) == len(scheme) && hasPrefixFold(word, scheme) {
			return true
		}
	}
	return false
}

// jsonValue returns the JSON value that starts at v (after spaces): the
// contents of a string, or a number or literal. Objects and arrays are
// not matched: their members are seen on their own.
func jsonValue(s string, v int, escaped bool) (match, int, bool) {
	for v < len(s) && (s[v] == ' ' || s[v] == '\t') {
		v++
	}
	if v >= len(s) {
		return match{}, 0, false
	}
	switch {
	case escaped && strings.HasPrefix(s[v:], `\"`):
		e := strings.Index(s[v+2:], `\"`)
		if e < 0 {
			m, next := found(dParam, v+2, len(s))
			return m, next, m.end > m.start
		}
		m, next := found(dParam, v+2, v+2+e)
		return m, next, e > 0
	case s[v] == '"':
		e := v + 1
		for e < len(s) && s[e] != '"' {
			if s[e] == '\\' {
				e++
			}
			e++
		}
		e = min(e, len(s))
		m, next := found(dParam, v+1, e)
		return m, next, e > v+1
	case s[v] == '{' || s[v] == '[':
		return match{}, 0, false
	}
	e := v
	for e < len(s) && s[e] != ',' && s[e] != '}' && s[e] != ']' && s[e] != ' ' && s[e] != '\\' {
		e++
	}
	m, next := found(dParam, v, e)
	return m, next, e > v
}

// onPercent handles a percent-encoded '=' ("%3D", "%3d", "%253D", ...):
// the key=value of a URL or query string that is itself the encoded
// value of a parameter (next=%2Freset%3Ftoken%3Dabc123). The key and the
// value are read through their encoding, one encoded byte at a time, in
// place: nothing is decoded into a buffer, so hostile text costs no
// allocation and no more than a pass. The value ends at a delimiter,
// plain or encoded ("%26" for '&').
func (c *compiled) onPercent(s string, i, lo int) (match, int) {
	b, n := decodeAt(s, i)
	if b != '=' || n == 1 {
		return match{}, i + n
	}
	k := paramKeyStart(s, i, lo)
	v := i + n
	if k == i || i-k > maxParamKey || !c.sensitiveParam(s[k:i]) || strings.HasPrefix(s[v:], c.mask) {
		return match{}, v
	}
	return c.encodedParamValue(s, v)
}

// encodedParamValue is paramValue for a value read through its
// percent-encoding: up to an encoded closing quote when it starts with an
// encoded quote, else up to a delimiter, plain or encoded; after an
// authentication scheme and an encoded space, the credential that
// follows is taken too.
func (c *compiled) encodedParamValue(s string, v int) (match, int) {
	if v < len(s) {
		if q, n := decodeAt(s, v); n > 1 && (q == '"' || q == '\'') {
			start := v + n
			if strings.HasPrefix(s[start:], c.mask) {
				return match{}, start
			}
			e := start
			for e < len(s) {
				b, n := decodeAt(s, e)
				if b == q || n == 1 && isParamEnd[b] {
					break
				}
				e += n
			}
			return found(dParam, start, e)
		}
	}
	e := encodedValueEnd(s, v)
	if e < len(s) && isAuthScheme(s[v:e]) {
		if b, n := decodeAt(s, e); b == ' ' && e+n < len(s) {
			e = encodedValueEnd(s, e+n)
		}
	}
	return found(dParam, v, e)
}

// encodedValueEnd returns the end of the value that starts at e: the
// first byte that is, plain or percent-decoded, in isParamEnd.
func encodedValueEnd(s string, e int) int {
	for e < len(s) {
		b, n := decodeAt(s, e)
		if isParamEnd[b] {
			break
		}
		e += n
	}
	return e
}

// formDataBefore reports whether the key that starts at k follows
// "form-data;" (and spaces): the name parameter of a multipart part's
// Content-Disposition header.
func formDataBefore(s string, k, lo int) bool {
	j := k
	for j > lo && (s[j-1] == ' ' || s[j-1] == '\t') && k-j < 8 {
		j--
	}
	if j <= lo || s[j-1] != ';' {
		return false
	}
	j--
	for j > lo && (s[j-1] == ' ' || s[j-1] == '\t') && k-j < 16 {
		j--
	}
	const fd = "form-data"
	return j-len(fd) >= lo && hasPrefixFold(s[j-len(fd):j], fd)
}

// maxPartHeader bounds how far after a part's name the blank line that
// ends its headers is looked for.
const maxPartHeader = 1024

// multipartValue handles the name of a multipart/form-data part, which
// starts at v (after name=): quoted, or up to ';' or the end of the line.
// When the key rule finds the name sensitive (password, user[password],
// token), the part's value is the match: from after the blank line that
// ends the part's headers (CRLF CRLF, or LF LF in text whose line ends
// were changed) to the line break before the next boundary line ("--"),
// or to the end of the text when the body was cut before one. ok is false
// when the name is not sensitive or the headers do not end within
// maxPartHeader bytes.
func (c *compiled) multipartValue(s string, v int) (m match, next int, ok bool) {
	if v >= len(s) {
		return match{}, v, false
	}
	ns, ne := v, v
	if s[v] == '"' {
		ns = v + 1
		ne = ns
		for ne < len(s) && s[ne] != '"' && s[ne] != '\r' && s[ne] != '\n' && ne-ns <= maxParamKey {
			ne++
		}
		if ne >= len(s) || s[ne] != '"' {
			return match{}, v, false
		}
	} else {
		for ne < len(s) && strings.IndexByte("; \t\r\n", s[ne]) < 0 && ne-ns <= maxParamKey {
			ne++
		}
	}
	if ne == ns || ne-ns > maxParamKey || !c.sensitiveParam(s[ns:ne]) {
		return match{}, v, false
	}
	body := -1
	limit := min(len(s), ne+maxPartHeader)
	for j := ne; j < limit; j++ {
		nl := strings.IndexByte(s[j:limit], '\n')
		if nl < 0 {
			break
		}
		j += nl
		if j+1 < len(s) && s[j+1] == '\n' {
			body = j + 2
			break
		}
		if j+2 < len(s) && s[j+1] == '\r' && s[j+2] == '\n' {
			body = j + 3
			break
		}
	}
	if body < 0 || strings.HasPrefix(s[body:], c.mask) {
		return match{}, v, false
	}
	end := len(s)
	if e := strings.Index(s[body:], "\n--"); e >= 0 {
		end = body + e
		if end > body && s[end-1] == '\r' {
			end--
		}
	}
	if end == body {
		return match{}, v, false
	}
	m, next = found(dParam, body, end)
	return m, next, true
}
