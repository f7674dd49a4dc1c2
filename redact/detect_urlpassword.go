package redact

import "strings"

// urlPasswordDetector finds the password of scheme://user:password@host
// before the '@' (onAt).
var urlPasswordDetector = builtinDetector{
	name:     URLPassword,
	on:       true,
	partial:  fullOnly,
	triggers: []trigger{{hAt, "@", afterAny}},
}

// isUserinfo marks the bytes that can appear in the user:password part of
// a URL as people write it (not a strict RFC 3986 check: whatever is not
// a delimiter or space).
var isUserinfo = func() (t [256]bool) {
	for c := 0x21; c < 0x7f; c++ {
		t[c] = !strings.ContainsRune(`/@?#"'<>[]\{}|^`+"`", rune(c))
	}
	for c := 0x80; c < 0x100; c++ {
		t[c] = true
	}
	return t
}()
