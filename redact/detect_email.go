package redact

import (
	"strings"
	"unicode/utf8"
)

// emailDetector finds local@domain.tld around the '@' (onAt, domainAt).
var emailDetector = builtinDetector{
	name:     Email,
	on:       true,
	partial:  partialEmail,
	triggers: []trigger{{hAt, "@", afterAny}},
}

// isEmailLocal marks the bytes of an email address's local part, the
// common subset of RFC 5322: letters, digits and ._%+-.
var isEmailLocal = func() (t [256]bool) {
	t = isAlnum
	for _, c := range "._%+-" {
		t[c] = true
	}
	return t
}()

// domainAt reads a domain name starting at k: at least two labels of
// letters, digits and inner dashes, the last one (the top-level domain)
// of two letters or more. It returns the end of the name.
func domainAt(s string, k int) (int, bool) {
	labels, lastStart := 0, k
	end := k
	for {
		e := runEnd(s, k, &isHostLabel)
		if e == k || e-k > 63 || s[k] == '-' || s[e-1] == '-' {
			break
		}
		labels++
		lastStart, end = k, e
		if e+1 < len(s) && s[e] == '.' && isHostLabel[s[e+1]] {
			k = e + 1
			continue
		}
		break
	}
	if labels < 2 || end-lastStart < 2 {
		return 0, false
	}
	for j := lastStart; j < end; j++ {
		if isDigit[s[j]] || s[j] == '-' {
			return 0, false
		}
	}
	return end, true
}

// partialEmail keeps the first character of the local part and the domain:
// "a***@example.com". Without an '@' (a tagged field that holds something
// else) it keeps the first character only.
func partialEmail(dst []byte, match, _ string) []byte {
	at := strings.LastIndexByte(match, '@')
	local, domain := match, ""
	if at >= 0 {
		local, domain = match[:at], match[at:]
	}
	if local != "" {
		_, w := utf8.DecodeRuneInString(local)
		dst = append(dst, local[:w]...)
	}
	dst = append(dst, "***"...)
	return append(dst, domain...)
}
