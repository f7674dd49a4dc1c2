package redact

import (
	"net/netip"
	"strings"
)

// ipDetector finds IPv4 addresses (onDigit, ipv4At) and IPv6 addresses
// (onColon, ipv6Around). Default leaves it off.
var ipDetector = builtinDetector{
	name:     IP,
	on:       false,
	partial:  partialIP,
	triggers: []trigger{numberStart, {hColon, ":", afterAny}},
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

// partialIP keeps the network part of an address: the first three bytes
// of an IPv4 address ("203.0.113.*"), and for any other text the fixed
// keepEnds rule.
func partialIP(dst []byte, match, mask string) []byte {
	if dot := strings.LastIndexByte(match, '.'); dot > 0 && !strings.Contains(match, ":") {
		dst = append(dst, match[:dot+1]...)
		return append(dst, '*')
	}
	if c := strings.IndexByte(match, ':'); c > 0 {
		// IPv6: keep the first group, the routing prefix's start.
		dst = append(dst, match[:c+1]...)
		return append(dst, '*')
	}
	return keepEnds(0, 0)(dst, match, mask)
}
