package redact

import (
	"fmt"
	"math/bits"
	"strings"
)

// The scanner makes one pass over the text looking up each byte, together
// with the class of the byte before it, in a table. Most bytes of log text
// trigger nothing and cost a load and a well-predicted branch. A byte
// triggers only where a match can start around it: a digit that begins a
// number (not one inside a hex id, a word or a decimal fraction), a B or
// b that begins a word, the K, S or I after a capital A, a '-' or '_'
// after the letters of a token prefix, and the rare '@', '+', '=' and
// '"…":'. A trigger runs
// the small handler of its detectors; only a candidate that passes a
// handler's cheap checks reaches a validator. Nothing allocates until a
// match is found.
//
// This file is the engine: the byte classes, the trigger table, the hot
// loop (nextTrigger), the dispatch on the trigger's handler (findFrom's
// switch), the handlers of the triggers that several detectors share
// (onDigit, onAt, onColon, and in findFrom the '_' of token prefixes),
// and the helpers the detectors have in common. Each built-in
// detector lives in a file of its own, detect_NAME.go: its description
// (name, default, partial style and the bytes that trigger it), its
// finder and its validators, which read the candidate in place and never
// allocate. How to add one is told at the builtins table (detectors.go).

// Classes of the byte before the one looked at (prevClass); prevRow
// holds them shifted to index the trigger table's rows.
const (
	pcOther    = iota // start of text, space, punctuation, non-ASCII
	pcAlnum           // a digit, or a letter of no class below
	pcDot             // '.'
	pcDash            // '-'
	pcQuote           // '"'
	pcPrefix          // a lower-case letter that ends a token prefix: a b k o p r s u
	pcUpper           // B-Z
	pcCapitalA        // A, which starts AKIA, ASIA and AIza
)

// prevClass maps a byte to its class as the previous byte.
var prevClass = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		switch {
		case c == 'A':
			t[c] = pcCapitalA
		case 'A' <= c && c <= 'Z':
			t[c] = pcUpper
		case strings.IndexByte("abkoprsu", byte(c)) >= 0:
			t[c] = pcPrefix
		case isAlnum[c]:
			t[c] = pcAlnum
		case c == '.':
			t[c] = pcDot
		case c == '-':
			t[c] = pcDash
		case c == '"':
			t[c] = pcQuote
		}
	}
	return t
}()

// Handlers, the values of compiled.trigger. Zero means "not a trigger".
const (
	hNone       = iota
	hDigit      // 0-9: card, cn_id, phone (China mobile), iban, ip (IPv4)
	hPlus       // +: phone (E.164)
	hAt         // @: url_password, email
	hEquals     // =: param
	hColon      // :: param ("key":"value"), ip (IPv6)
	hB          // B b: bearer
	hJ          // J: jwt (the J of "eyJ")
	hPEMDash    // - after -: private_key (the second dash of -----BEGIN)
	hSlackDash  // - after a prefix letter: slack_token (xoxb-)
	hUnderscore // _ after a prefix letter: github_token (ghp_, github_), stripe_key (sk_)
	hAKIA       // K S after A: aws_key (AKIA, ASIA)
	hAIza       // I after A: google_api_key (AIza)
	hPercent    // %: param (an encoded '=', %3D)
)

// match is one sensitive part of a text: the bytes [start, end), found by
// the built-in detector det or, when custom >= 0, by Config.Custom[custom].
type match struct {
	start, end int
	det        detID
	custom     int
}

// trigger is one rule of the trigger table: handler h for each of bytes
// that follows a byte of one of the classes after.
type trigger struct {
	h     uint8
	bytes string
	after []int
}

// Classes that triggers follow.
var (
	afterAny       = []int{pcOther, pcAlnum, pcDot, pcDash, pcQuote, pcPrefix, pcUpper, pcCapitalA}
	afterWordStart = []int{pcOther, pcDot, pcDash, pcQuote}
)

// numberStart triggers a digit that starts a number: after a
// non-alphanumeric byte other than '.' (after a '.' it is a fraction or a
// version's part). The detectors of numbers share it: card, cn_id, phone
// (China mobile), ip (IPv4).
var numberStart = trigger{hDigit, "0123456789", []int{pcOther, pcDash, pcQuote}}

// buildTriggers fills the trigger table for the detectors that are on,
// each with the triggers its description lists. The table must trigger
// wherever a handler can find a match; it may trigger more (the handlers
// check again), never less. Detectors may share a trigger only with the
// same handler, which then looks for each of them.
func (c *compiled) buildTriggers() {
	for id, b := range builtins {
		if !c.on[id] {
			continue
		}
		for _, t := range b.triggers {
			for _, pc := range t.after {
				for i := 0; i < len(t.bytes); i++ {
					k := pc<<8 | int(t.bytes[i])
					if h := c.trigger[k]; h != hNone && h != t.h {
						panic(fmt.Sprintf("redact: detector %s triggers handler %d on %q, which has handler %d", b.name, t.h, t.bytes[i], h))
					}
					c.trigger[k] = t.h
				}
			}
		}
	}
}

// nextTrigger returns the position of the first byte at or after i that
// triggers a handler, and the handler; len(s) and hNone when there is
// none. It is the hot loop of every scan: it looks at eight bytes per
// round, with eight independent table lookups the processor runs side by
// side and one branch for all of them. Numbers too short to be anything
// are passed over here, without returning to find.
func (c *compiled) nextTrigger(s string, i int) (int, uint8) {
	t := &c.trigger
	pc := uint16(pcOther << 8)
	if i > 0 && i <= len(s) {
		pc = prevRow[s[i-1]]
	}
	for {
		for i+8 <= len(s) {
			w := s[i : i+8]
			x := uint64(t[pc|uint16(w[0])]) |
				uint64(t[prevRow[w[0]]|uint16(w[1])])<<8 |
				uint64(t[prevRow[w[1]]|uint16(w[2])])<<16 |
				uint64(t[prevRow[w[2]]|uint16(w[3])])<<24 |
				uint64(t[prevRow[w[3]]|uint16(w[4])])<<32 |
				uint64(t[prevRow[w[4]]|uint16(w[5])])<<40 |
				uint64(t[prevRow[w[5]]|uint16(w[6])])<<48 |
				uint64(t[prevRow[w[6]]|uint16(w[7])])<<56
			if x != 0 {
				if k := bits.TrailingZeros64(x) >> 3; k > 0 {
					i += k
					pc = prevRow[w[k-1]]
				}
				break
			}
			pc = prevRow[w[7]]
			i += 8
		}
		for ; i < len(s); i++ {
			b := s[i]
			if t[pc|uint16(b)] != hNone {
				break
			}
			pc = prevRow[b]
		}
		if i >= len(s) {
			return len(s), hNone
		}
		h := t[pc|uint16(s[i])]
		if h != hDigit {
			return i, h
		}
		j := runEnd(s, i+1, &isDigit)
		if j-i >= 11 || c.shortRunCandidate(s, i, j) {
			return i, h
		}
		i, pc = j, prevRow['0']
	}
}

// prevRow is prevClass shifted to the row of the trigger table.
var prevRow = func() (t [256]uint16) {
	for c := range t {
		t[c] = uint16(prevClass[c]) << 8
	}
	return t
}()

// find returns the first built-in match in s that starts at or after lo,
// looking at trigger bytes from lo on. Each case first makes the cheapest
// check that rules out the usual trigger (a B starting a word that is not
// "Bearer"), so that the handlers, and the validators behind them,
// run on real candidates only.
func (c *compiled) find(s string, lo int) (match, bool) {
	i, h := c.nextTrigger(s, lo)
	return c.findFrom(s, lo, i, h)
}

// findFrom is find continuing at the trigger h found at i.
func (c *compiled) findFrom(s string, lo, i int, h uint8) (match, bool) {
	for ; ; i, h = c.nextTrigger(s, i) {
		if h == hNone {
			return match{}, false
		}
		var m match
		next := i + 1
		switch h {
		case hDigit:
			j := runEnd(s, i+1, &isDigit)
			m, next = c.onDigit(s, i, j, lo)
		case hPlus:
			m, next = c.onPlus(s, i)
		case hAt:
			m, next = c.onAt(s, i, lo)
		case hEquals:
			m, next = c.onEquals(s, i, lo)
		case hColon:
			m, next = c.onColon(s, i, lo)
		case hB:
			if i+1 >= len(s) || s[i+1]|0x20 != 'e' && s[i+1]|0x20 != 'a' {
				break
			}
			m, next = c.onB(s, i)
		case hJ:
			if i < 2 || s[i-1] != 'y' || s[i-2] != 'e' {
				break
			}
			m, next = c.onJ(s, i, lo)
		case hPEMDash:
			m, next = privateKeyAt(s, i, lo)
		case hSlackDash:
			m, next = slackTokenAt(s, i, lo)
		case hUnderscore:
			// Of the token prefixes that end with '_', only a Stripe
			// key's (sk_, rk_) has a k before it.
			if s[i-1] != 'k' {
				if c.on[dGitHubToken] {
					m, next = gitHubTokenAt(s, i, lo)
				}
			} else if c.on[dStripeKey] {
				m, next = stripeKeyAt(s, i, lo)
			}
		case hAKIA:
			if i-1 >= lo {
				m, next = awsKeyAt(s, i-1)
			}
		case hAIza:
			if i-1 >= lo {
				m, next = googleAPIKeyAt(s, i-1)
			}
		case hPercent:
			// Only "%3D" and "%25..." (encoded more than once) can be
			// an encoded '='.
			if i+2 < len(s) && (s[i+1] == '3' && s[i+2]|0x20 == 'd' || s[i+1] == '2' && s[i+2] == '5') {
				m, next = c.onPercent(s, i, lo)
			}
		}
		if m.end > m.start {
			m.custom = -1
			return m, true
		}
		i = max(next, i+1)
	}
}

// shortRunCandidate reports whether a run of fewer than 11 digits,
// [i, j), may start a match: the check digits of an IBAN after two
// capitals (the table triggers digits after a capital only for IBANs),
// the first group of a card number in groups, the first part of an IPv4
// address. Every other short number (most numbers in logs) is skipped.
// It is small enough to be inlined into nextTrigger.
func (c *compiled) shortRunCandidate(s string, i, j int) bool {
	if i >= 2 && isUpper[s[i-1]] {
		return isUpper[s[i-2]] && j-i >= 2
	}
	if j+3 >= len(s) {
		return false
	}
	switch s[j] {
	case ' ', '-':
		return j-i == 4 && c.on[dCard] && isDigit[s[j+3]]
	case '.':
		return c.on[dIP]
	}
	return false
}

// onDigit handles the run of digits [i, j): a card number, a China
// identity number or mobile number, the check digits of an IBAN, an IPv4
// address. The run is skipped as a whole when nothing matches.
func (c *compiled) onDigit(s string, i, j, lo int) (match, int) {
	n := j - i
	if !numberStartsAt(s, i) {
		// Glued to a letter: only an IBAN starts that way, with two
		// capital letters before its two check digits.
		if c.on[dIBAN] && n >= 2 && i >= 2 && i-2 >= lo && isUpper[s[i-1]] && isUpper[s[i-2]] && notAlnumAt(s, i-3) {
			if end, ok := ibanAt(s, i-2); ok {
				return found(dIBAN, i-2, end)
			}
		}
		return match{}, j
	}
	var sep byte
	if j < len(s) {
		sep = s[j]
	}
	if c.on[dCNID] && (n == 18 || n == 17 && (sep == 'X' || sep == 'x')) {
		end := i + 18
		if numberEndsAt(s, end) && validCNID(s[i:end]) {
			return found(dCNID, i, end)
		}
	}
	if c.on[dCard] && (n >= 13 && n <= 19 || n == 4 && (sep == ' ' || sep == '-')) {
		if end, ok := cardAt(s, i, j); ok {
			return found(dCard, i, end)
		}
	}
	if c.on[dPhone] && n == 11 && chinaMobileAt(s, i, j) {
		return found(dPhone, i, j)
	}
	if c.on[dIP] && n <= 3 && sep == '.' {
		if end, ok := ipv4At(s, i); ok {
			return found(dIP, i, end)
		}
	}
	return match{}, j
}

// onAt handles '@': the password of scheme://user:password@host, else an
// email address around it. Both detectors are read here, in one pass back
// from the '@' each and without a call, since every '@' pays for them:
// isUserinfo is url_password's (detect_urlpassword.go), isEmailLocal and
// domainAt are email's (detect_email.go).
func (c *compiled) onAt(s string, i, lo int) (match, int) {
	if c.on[dURLPassword] || c.on[dEmail] {
		// Look back over the userinfo for "://".
		k := i - 1
		for k >= lo && i-k <= maxBack && isUserinfo[s[k]] {
			k--
		}
		u := k + 1 // start of the userinfo
		if k >= 2 && k-2 >= lo && s[k] == '/' && s[k-1] == '/' && s[k-2] == ':' && k-3 >= 0 && isAlnum[s[k-3]] {
			// A URL's userinfo: never an email.
			if colon := strings.IndexByte(s[u:i], ':'); colon >= 0 && c.on[dURLPassword] && u+colon+1 < i {
				return found(dURLPassword, u+colon+1, i)
			}
			return match{}, i + 1
		}
	}
	if !c.on[dEmail] {
		return match{}, i + 1
	}
	a := i
	for a > lo && i-a < 64 && isEmailLocal[s[a-1]] {
		a--
	}
	if a > lo && isEmailLocal[s[a-1]] {
		return match{}, i + 1 // a local part longer than 64 bytes
	}
	for a < i && s[a] == '.' {
		a++
	}
	if a == i || s[i-1] == '.' {
		return match{}, i + 1
	}
	end, ok := domainAt(s, i+1)
	if !ok {
		return match{}, i + 1
	}
	return found(dEmail, a, end)
}

// onColon handles "key": value in JSON text (also when the JSON is itself
// escaped in a string, \"key\":\"value\"), and IPv6 addresses. The key is
// read here, without a call, since every "key": in JSON text pays for it;
// the rest of param is in detect_param.go, of ip in detect_ip.go.
func (c *compiled) onColon(s string, i, lo int) (match, int) {
	if c.on[dParam] && i >= 2 && s[i-1] == '"' {
		escaped := s[i-2] == '\\'
		ke := i - 1 // end of the key
		if escaped {
			ke = i - 2
		}
		k := ke
		for k > lo && ke-k <= maxParamKey && s[k-1] != '"' && s[k-1] != '\\' {
			k--
		}
		opened := k > lo && s[k-1] == '"' && (!escaped || k-1 > lo && s[k-2] == '\\')
		if opened && k < ke && c.sensitiveParam(s[k:ke]) {
			if m, next, ok := jsonValue(s, i+1, escaped); ok && s[m.start:m.end] != c.mask {
				return m, next
			}
		}
	}
	if c.on[dIP] {
		return ipv6Around(s, i, lo)
	}
	return match{}, i + 1
}

// Byte classes used by the scanner and the detectors. They are built by
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

// isHostLabel marks the bytes of a domain name label.
var isHostLabel = func() (t [256]bool) {
	t = isAlnum
	t['-'] = true
	return t
}()

// found builds the match [start, end) of detector d.
func found(d detID, start, end int) (match, int) {
	return match{start: start, end: end, det: d}, end
}

// notAlnumAt reports whether s[i] is outside the string or not an ASCII
// letter or digit: a boundary for the detectors.
func notAlnumAt(s string, i int) bool {
	return i < 0 || i >= len(s) || !isAlnum[s[i]]
}

// numberStartsAt reports whether a run of digits starting at i stands on
// its own on the left: not glued to a letter or digit, and not after a
// '.' (the fraction of a decimal number, a part of a version or of a
// dotted name: "0.13812345678", "v1.13812345678").
func numberStartsAt(s string, i int) bool {
	return i == 0 || !isAlnum[s[i-1]] && s[i-1] != '.'
}

// numberEndsAt reports whether a number ending before j stands on its own
// on the right: not glued to a letter or digit, not the local part of an
// email ('@'), and not followed by a decimal fraction or another dotted
// part ("13812345678.5", a version string).
func numberEndsAt(s string, j int) bool {
	if j >= len(s) {
		return true
	}
	n := s[j]
	return !isAlnum[n] && n != '@' && !(n == '.' && j+1 < len(s) && isDigit[s[j+1]])
}

// runEnd returns the end of the run of bytes in class starting at i.
func runEnd(s string, i int, class *[256]bool) int {
	for i < len(s) && class[s[i]] {
		i++
	}
	return i
}

// maxTokenBody bounds the body read after a secret token's prefix: real
// tokens are shorter, and the bound keeps a text made of repeated
// prefixes ("xoxb-xoxb-...") from being read once per prefix in full.
const maxTokenBody = 255

// runEndMax is runEnd reading at most max bytes; a run that goes on
// returns i+max+1, so that the caller sees it is too long.
func runEndMax(s string, i, max int, class *[256]bool) int {
	end := min(len(s), i+max+1)
	for i < end && class[s[i]] {
		i++
	}
	return i
}

// maxBack bounds every backward look from a trigger, so that a text full
// of triggers is still scanned in linear time.
const maxBack = 256

// hasPrefixFold reports whether s starts with the lower-case ASCII prefix,
// ignoring case.
func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		if b := s[i]; b != prefix[i] && !(isUpper[b] && b+'a'-'A' == prefix[i]) {
			return false
		}
	}
	return true
}

// num parses a short run of ASCII digits the caller has checked.
func num(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
