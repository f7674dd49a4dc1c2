package redact

import "strings"

// privateKeyDetector finds the body of a PEM private key block by the
// second dash of -----BEGIN (privateKeyAt).
var privateKeyDetector = builtinDetector{
	name:     PrivateKey,
	on:       true,
	partial:  fullOnly,
	triggers: []trigger{{hPEMDash, "-", []int{pcDash}}},
}

// privateKeyAt handles a dash after a dash: the body of a PEM private key
// block when it is the second dash of "-----BEGIN " (pemBodyAt).
func privateKeyAt(s string, i, lo int) (match, int) {
	if i > lo && strings.HasPrefix(s[i-1:], "-----BEGIN ") {
		if m, next, ok := pemBodyAt(s, i-1); ok {
			return m, next
		}
	}
	return match{}, i + 1
}

// pemBodyAt reads "-----BEGIN <label>PRIVATE KEY-----" at i and returns
// the body that follows, up to "-----END " or, when the block is cut off,
// to the end of the text.
func pemBodyAt(s string, i int) (match, int, bool) {
	h := i + len("-----BEGIN ")
	e := strings.Index(s[h:min(len(s), h+64)], "-----")
	if e < 0 || !strings.HasSuffix(s[h:h+e], "PRIVATE KEY") {
		return match{}, 0, false
	}
	body := h + e + len("-----")
	end := strings.Index(s[body:], "-----END ")
	if end < 0 {
		end = len(s)
	} else {
		end += body
	}
	if end == body {
		return match{}, 0, false
	}
	m, next := found(dPrivateKey, body, end)
	return m, next, true
}
