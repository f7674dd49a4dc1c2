package redact

import (
	"math/bits"
	"net/netip"
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
	hDash       // -: private_key, slack_token
	hUnderscore // _: github_token, stripe_key
	hA          // K S I after A: aws_key, google_api_key
	hPercent    // %: param (an encoded '=', %3D)
)

// match is one sensitive part of a text: the bytes [start, end), found by
// the built-in detector det or, when custom >= 0, by Config.Custom[custom].
type match struct {
	start, end int
	det        detID
	custom     int
}

// buildTriggers fills the trigger table for the detectors that are on.
// The table must trigger wherever a handler can find a match; it may
// trigger more (the handlers check again), never less.
func (c *compiled) buildTriggers() {
	on := func(ids ...detID) bool {
		for _, id := range ids {
			if c.on[id] {
				return true
			}
		}
		return false
	}
	set := func(h uint8, bytes string, after ...int) {
		for _, pc := range after {
			for i := 0; i < len(bytes); i++ {
				c.trigger[pc<<8|int(bytes[i])] = h
			}
		}
	}
	all := []int{pcOther, pcAlnum, pcDot, pcDash, pcQuote, pcPrefix, pcUpper, pcCapitalA}
	wordStart := []int{pcOther, pcDot, pcDash, pcQuote}
	if on(dCard, dCNID, dPhone, dIP) {
		// A number starts after a non-alphanumeric byte other than '.'
		// (after a '.' it is a fraction or a version's part).
		set(hDigit, "0123456789", pcOther, pcDash, pcQuote)
	}
	if on(dIBAN) {
		// An IBAN's check digits follow its two capitals.
		set(hDigit, "0123456789", pcUpper, pcCapitalA)
	}
	if on(dPhone) {
		set(hPlus, "+", all...)
	}
	if on(dURLPassword, dEmail) {
		set(hAt, "@", all...)
	}
	if on(dParam) {
		set(hEquals, "=", all...)
		set(hColon, ":", pcQuote)
		set(hPercent, "%", all...)
	}
	if on(dIP) {
		set(hColon, ":", all...)
	}
	if on(dBearer) {
		set(hB, "Bb", wordStart...)
	}
	if on(dJWT) {
		set(hJ, "J", all...)
	}
	if on(dPrivateKey) {
		set(hDash, "-", pcDash) // the second dash of -----BEGIN
	}
	if on(dSlackToken) {
		set(hDash, "-", pcPrefix) // xoxb-
	}
	if on(dGitHubToken, dStripeKey) {
		set(hUnderscore, "_", pcPrefix) // ghp_, github_, sk_
	}
	if on(dAWSKey, dGoogleAPIKey) {
		set(hA, "KSI", pcCapitalA) // the second letter of AKIA, ASIA, AIza
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
		case hDash:
			m, next = c.onDash(s, i, lo)
		case hUnderscore:
			m, next = c.onUnderscore(s, i, lo)
		case hA:
			if i-1 >= lo {
				m, next = c.onA(s, i-1)
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
	if c.on[dPhone] && n == 11 && s[i] == '1' && s[i+1] >= '3' && numberEndsAt(s, j) {
		return found(dPhone, i, j)
	}
	if c.on[dIP] && n <= 3 && sep == '.' {
		if end, ok := ipv4At(s, i); ok {
			return found(dIP, i, end)
		}
	}
	return match{}, j
}

// cardAt checks for a payment card number starting at i, whose first run
// of digits ends at j: 13–19 digits, contiguous or in groups separated by
// single spaces or dashes (a first group of four, then groups of three to
// six, one separator throughout), with the prefix and length of a card
// network (cardNetwork) and passing the Luhn check.
func cardAt(s string, i, j int) (int, bool) {
	if s[i] < '2' || s[i] > '6' {
		return 0, false
	}
	end, digits := j, j-i
	if digits == 4 {
		sep := s[j]
		if i >= 2 && s[i-1] == sep && isDigit[s[i-2]] {
			return 0, false // the tail of a longer grouped number, not a card
		}
		for end < len(s) && s[end] == sep {
			g := runEndMax(s, end+1, 6, &isDigit)
			if g-end-1 < 3 || g-end-1 > 6 {
				break
			}
			digits += g - end - 1
			end = g
			if digits > 19 {
				return 0, false
			}
		}
	}
	if digits < 13 || digits > 19 || !numberEndsAt(s, end) {
		return 0, false
	}
	if end < len(s)-1 && (s[end] == ' ' || s[end] == '-') && isDigit[s[end+1]] && end != j {
		return 0, false // a longer grouped number, not a card
	}
	return end, cardNetwork(s[i:end], digits) && luhn(s[i:end])
}

// cardNetwork reports whether a number of n digits, s (separators
// included), has the prefix and a length of a card network's numbers:
// Visa, Mastercard (51–55 and 2221–2720), American Express, Discover,
// JCB, UnionPay, Diners Club, Maestro. The prefixes leave out most ids,
// counters and timestamps (which start with 1) and date-based order
// numbers (20xx is below Mastercard's 2221).
func cardNetwork(s string, n int) bool {
	p4, k := 0, 0
	for i := 0; i < len(s) && k < 4; i++ {
		if isDigit[s[i]] {
			p4 = p4*10 + int(s[i]-'0')
			k++
		}
	}
	p1, p2, p3 := p4/1000, p4/100, p4/10
	switch {
	case p1 == 4: // Visa
		return n == 13 || n == 16 || n == 19
	case p2 >= 51 && p2 <= 55 || p4 >= 2221 && p4 <= 2720: // Mastercard
		return n == 16
	case p2 == 34 || p2 == 37: // American Express
		return n == 15
	case p4 == 6011 || p3 >= 644 && p3 <= 649 || p2 == 65, // Discover
		p4 >= 3528 && p4 <= 3589, // JCB
		p2 == 62:                 // UnionPay
		return n >= 16
	case p2 == 36 || p2 == 38 || p2 == 39 || p3 >= 300 && p3 <= 305: // Diners Club
		return n >= 14
	case p2 == 50 || p2 >= 56 && p2 <= 69: // Maestro
		return true
	}
	return false
}

// ibanAt checks for an IBAN starting at i with a country code that has
// one: the right length for the country, optionally in groups of four
// separated by single spaces, capital letters and digits only, passing
// MOD 97.
func ibanAt(s string, i int) (int, bool) {
	want := int(ibanLengths[int(s[i]-'A')*26+int(s[i+1]-'A')])
	if want == 0 {
		return 0, false
	}
	k, n := i, 0
	for n < want && k < len(s) {
		ch := s[k]
		if ch == ' ' && n%4 == 0 && n > 0 && k+1 < len(s) && s[k+1] != ' ' {
			k++
			continue
		}
		if !isDigit[ch] && !isUpper[ch] {
			return 0, false
		}
		k++
		n++
	}
	if n != want || !notAlnumAt(s, k) {
		return 0, false
	}
	return k, ibanMod97(s[i:k])
}

// ipv4At checks for a dotted-quad IPv4 address starting at i: four
// decimal numbers 0–255 without leading zeros, standing on their own
// (not after a letter, a dot, or a product name and '/').
func ipv4At(s string, i int) (int, bool) {
	if i > 0 && (isAlnum[s[i-1]] || s[i-1] == '.') {
		return 0, false
	}
	if i > 1 && s[i-1] == '/' && isAlnum[s[i-2]] {
		return 0, false // a product's version, Chrome/120.0.0.0
	}
	k := i
	for part := 0; part < 4; part++ {
		if part > 0 {
			if k >= len(s) || s[k] != '.' {
				return 0, false
			}
			k++
		}
		e := runEndMax(s, k, 3, &isDigit)
		if e == k || e-k > 3 || e-k > 1 && s[k] == '0' || num(s[k:e]) > 255 {
			return 0, false
		}
		k = e
	}
	if k < len(s) && (isAlnum[s[k]] || s[k] == '.' && k+1 < len(s) && isDigit[s[k+1]]) {
		return 0, false
	}
	return k, true
}

// onPlus handles an E.164 number: '+', a country code not starting with
// 0, and 10–15 digits in all, written together or in groups separated by
// single spaces or dashes.
func (c *compiled) onPlus(s string, i int) (match, int) {
	if i > 0 && (isAlnum[s[i-1]] || s[i-1] == '+') {
		return match{}, i + 1
	}
	k := i + 1
	if k >= len(s) || s[k] < '1' || s[k] > '9' {
		return match{}, i + 1
	}
	digits := 0
	for {
		e := runEnd(s, k, &isDigit)
		digits += e - k
		k = e
		if digits > 15 {
			return match{}, k
		}
		if k+1 < len(s) && (s[k] == ' ' || s[k] == '-') && isDigit[s[k+1]] {
			k++
			continue
		}
		break
	}
	if digits < 10 || !numberEndsAt(s, k) {
		return match{}, k
	}
	return found(dPhone, i, k)
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

// isEmailLocal marks the bytes of an email address's local part, the
// common subset of RFC 5322: letters, digits and ._%+-.
var isEmailLocal = func() (t [256]bool) {
	t = isAlnum
	for _, c := range "._%+-" {
		t[c] = true
	}
	return t
}()

// isHostLabel marks the bytes of a domain name label.
var isHostLabel = func() (t [256]bool) {
	t = isAlnum
	t['-'] = true
	return t
}()

// maxBack bounds every backward look from a trigger, so that a text full
// of triggers is still scanned in linear time.
const maxBack = 256

// onAt handles '@': the password of scheme://user:password@host, else an
// email address around it.
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

// onColon handles "key": value in JSON text (also when the JSON is itself
// escaped in a string, \"key\":\"value\"), and IPv6 addresses.
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

// isIPv6Byte marks the bytes of an IPv6 address (an IPv4 tail included).
var isIPv6Byte = func() (t [256]bool) {
	for _, c := range "0123456789abcdefABCDEF:." {
		t[c] = true
	}
	return t
}()

// ipv6Around checks the run of hex digits, colons and dots around the
// colon at i for an IPv6 address. A cheap shape check (a "::", or seven
// colons, or six and an IPv4 tail) comes before netip.ParseAddr, so
// times like 10:00:00 and MAC addresses cost no parse. The whole run is
// skipped afterwards, so a long one is read once.
func ipv6Around(s string, i, lo int) (match, int) {
	a := i
	for a > lo && i-a < 45 && isIPv6Byte[s[a-1]] {
		a--
	}
	e := runEnd(s, i, &isIPv6Byte)
	if e-a > 45 || !notAlnumAt(s, a-1) || !notAlnumAt(s, e) {
		return match{}, e
	}
	for e > i && s[e-1] == '.' { // a sentence's full stop
		e--
	}
	run := s[a:e]
	colons := strings.Count(run, ":")
	dotted := strings.IndexByte(run, '.') >= 0
	if colons < 2 || !(strings.Contains(run, "::") || colons == 7 && !dotted || colons == 6 && dotted) {
		return match{}, e
	}
	addr, err := netip.ParseAddr(run)
	if err != nil || !addr.Is6() {
		return match{}, e
	}
	return found(dIP, a, e)
}

// onB handles "Bearer <token>" and "Basic <credentials>", the schemes of
// an Authorization header, in any case: the credential is the match.
func (c *compiled) onB(s string, i int) (match, int) {
	if i > 0 && isAlnum[s[i-1]] {
		return match{}, i + 1
	}
	var basic bool
	switch {
	case hasPrefixFold(s[i:], "bearer "):
		i += len("bearer ")
	case hasPrefixFold(s[i:], "basic "):
		i += len("basic ")
		basic = true
	default:
		return match{}, i + 1
	}
	for n := 0; i < len(s) && s[i] == ' ' && n < 3; n++ {
		i++
	}
	e := runEnd(s, i, &isToken68)
	for e < len(s) && s[e] == '=' {
		e++
	}
	cred := s[i:e]
	if basic && len(cred) >= 4 && basicCredentials(cred) || !basic && bearerLike(cred) {
		return found(dBearer, i, e)
	}
	return match{}, i
}

// isToken68 marks the bytes of an HTTP token68 credential (RFC 9110),
// '=' padding aside.
var isToken68 = func() (t [256]bool) {
	t = isAlnum
	for _, c := range "-._~+/" {
		t[c] = true
	}
	return t
}()

// bearerLike tells a token after "Bearer" from an English word after
// "bearer" in a sentence: at least 8 bytes, and a digit, a punctuation
// byte of token68, or a capital letter after the first byte.
func bearerLike(cred string) bool {
	if len(cred) < 8 {
		return false
	}
	for i := 0; i < len(cred); i++ {
		ch := cred[i]
		if isDigit[ch] || !isAlnum[ch] || i > 0 && isUpper[ch] {
			return true
		}
	}
	return false
}

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

// onDash handles the body of a PEM private key block (triggered by the
// second dash of -----BEGIN) and Slack tokens (the dash of xoxb-).
func (c *compiled) onDash(s string, i, lo int) (match, int) {
	if c.on[dPrivateKey] && i > lo && strings.HasPrefix(s[i-1:], "-----BEGIN ") {
		if m, next, ok := pemBodyAt(s, i-1); ok {
			return m, next
		}
	}
	if c.on[dSlackToken] && i >= 4 && i-4 >= lo && s[i-4:i-1] == "xox" && strings.IndexByte("abposr", s[i-1]) >= 0 && notAlnumAt(s, i-5) {
		e := runEndMax(s, i+1, maxTokenBody, &isHostLabel)
		if e-i-1 >= 10 && e-i-1 <= maxTokenBody {
			return found(dSlackToken, i-4, e)
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

// isTokenBody marks the bytes after a token's prefix: letters, digits, '_'.
var isTokenBody = func() (t [256]bool) {
	t = isAlnum
	t['_'] = true
	return t
}()

// onUnderscore handles GitHub tokens (the '_' of ghp_ and github_pat_) and
// Stripe secret keys (the first '_' of sk_live_).
func (c *compiled) onUnderscore(s string, i, lo int) (match, int) {
	if c.on[dGitHubToken] {
		if i >= 3 && i-3 >= lo && s[i-3] == 'g' && s[i-2] == 'h' && strings.IndexByte("pousr", s[i-1]) >= 0 && notAlnumAt(s, i-4) {
			e := runEndMax(s, i+1, maxTokenBody, &isAlnum)
			if e-i-1 >= 30 && e-i-1 <= maxTokenBody && notAlnumAt(s, e) && (e >= len(s) || s[e] != '_') {
				return found(dGitHubToken, i-3, e)
			}
		}
		if i >= 6 && i-6 >= lo && s[i-6:i] == "github" && strings.HasPrefix(s[i+1:], "pat_") && notAlnumAt(s, i-7) {
			e := runEndMax(s, i+5, maxTokenBody, &isTokenBody)
			if e-i-5 >= 40 && e-i-5 <= maxTokenBody {
				return found(dGitHubToken, i-6, e)
			}
		}
	}
	if c.on[dStripeKey] && i >= 2 && i-2 >= lo && (s[i-2] == 's' || s[i-2] == 'r') && s[i-1] == 'k' && notAlnumAt(s, i-3) &&
		(strings.HasPrefix(s[i+1:], "live_") || strings.HasPrefix(s[i+1:], "test_")) {
		e := runEndMax(s, i+6, maxTokenBody, &isAlnum)
		if e-i-6 >= 16 && e-i-6 <= maxTokenBody && notAlnumAt(s, e) {
			return found(dStripeKey, i-2, e)
		}
	}
	return match{}, i + 1
}

// onA handles AWS access key ids (AKIA, ASIA and 16 capitals or digits)
// and Google API keys (AIza and 35 base64url characters).
func (c *compiled) onA(s string, i int) (match, int) {
	if i > 0 && isAlnum[s[i-1]] || i+4 > len(s) {
		return match{}, i + 1
	}
	switch p := s[i+1 : i+4]; {
	case c.on[dAWSKey] && (p == "KIA" || p == "SIA"):
		e := i + 4
		for e < len(s) && e < i+20 && (isUpper[s[e]] || isDigit[s[e]]) {
			e++
		}
		if e == i+20 && notAlnumAt(s, e) {
			return found(dAWSKey, i, e)
		}
	case c.on[dGoogleAPIKey] && p == "Iza":
		e := runEndMax(s, i+4, 35, &isB64URL)
		if e-i == 39 {
			return found(dGoogleAPIKey, i, e)
		}
	}
	return match{}, i + 1
}
