package redact

import (
	"encoding/json"
	"strings"
)

// jwtDetector finds JSON web tokens by the J of "eyJ" (onJ).
var jwtDetector = builtinDetector{
	name:     JWT,
	on:       true,
	partial:  partialJWT,
	triggers: []trigger{{hJ, "J", afterAny}},
}

// onJ handles a JWT: the J of "eyJ" (base64url of `{"`), three parts of
// base64url separated by dots (five for an encrypted JWT), the first of
// which decodes to a JSON object with "alg".
func (c *compiled) onJ(s string, i, lo int) (match, int) {
	start := i - 2
	if start < lo || s[start] != 'e' || s[start+1] != 'y' || start > 0 && (isB64URL[s[start-1]] || s[start-1] == '.') {
		return match{}, i + 1
	}
	var dots [4]int
	parts, e := 1, runEnd(s, i, &isB64URL)
	for e < len(s) && s[e] == '.' && parts < 5 {
		dots[parts-1] = e
		parts++
		e = runEnd(s, e+1, &isB64URL)
	}
	if parts != 3 && parts != 5 || e < len(s) && s[e] == '.' {
		return match{}, e
	}
	if parts == 3 && dots[1]-dots[0] < 2 || !jwtHeader(s[start:dots[0]]) {
		return match{}, e
	}
	return found(dJWT, start, e)
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

// partialJWT keeps the header, which says only how the token is signed,
// and masks the claims and the signature.
func partialJWT(dst []byte, match, mask string) []byte {
	if dot := strings.IndexByte(match, '.'); dot > 0 {
		dst = append(dst, match[:dot+1]...)
	}
	return append(dst, mask...)
}
