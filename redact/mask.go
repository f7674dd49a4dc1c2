package redact

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"strings"
	"sync"
	"unicode/utf8"
)

// Style is how a detector's matches (or a sensitive key's values) are
// masked.
type Style string

const (
	// Full replaces the match with the mask text (Config.Mask,
	// "[REDACTED]" by default). It is every detector's default.
	Full Style = "full"
	// Partial keeps a part that identifies without exposing:
	// "138****5678" for a phone, "a***@example.com" for an email,
	// "**** **** **** 4242" for a card, the key type's public prefix for a
	// secret token ("ghp_[REDACTED]"). Detectors with nothing safe to keep
	// (passwords, bearer credentials, private keys) mask fully.
	Partial Style = "partial"
	// HMAC replaces the match with a keyed pseudonym, "hmac:" and the
	// first 16 hex digits of HMAC-SHA256(Config.HMACKey, match): the same
	// value always gives the same pseudonym, so one user can be followed
	// through the logs without anyone reading the value, and without the
	// key nobody can test guesses against it.
	HMAC Style = "hmac"
)

// pseudonymHexLen is the number of hex digits of the HMAC kept: 64 bits,
// enough that two values of one log stream practically never collide.
const pseudonymHexLen = 16

// hmacPrefix starts every pseudonym.
const hmacPrefix = "hmac:"

// pseudonymizer computes keyed pseudonyms with pooled HMAC states.
type pseudonymizer struct {
	pool sync.Pool // of hash.Hash
}

func newPseudonymizer(key []byte) *pseudonymizer {
	p := &pseudonymizer{}
	p.pool.New = func() any { return hmac.New(sha256.New, key) }
	return p
}

// append appends the pseudonym of s to dst.
func (p *pseudonymizer) append(dst []byte, s string) []byte {
	h := p.pool.Get().(hash.Hash)
	h.Reset()
	h.Write([]byte(s))
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	p.pool.Put(h)
	dst = append(dst, hmacPrefix...)
	var hx [pseudonymHexLen]byte
	hex.Encode(hx[:], sum[:pseudonymHexLen/2])
	return append(dst, hx[:]...)
}

// partialFunc appends the partial mask of match to dst; mask is the
// policy's full mask text, for detectors that keep only a prefix.
type partialFunc func(dst []byte, match, mask string) []byte

// keepEnds returns a partialFunc that keeps the first pre and last suf
// characters of a match and writes '*' for each one between. Spaces and
// dashes are kept as they are and not counted, so groups stay readable
// ("**** **** **** 4242"). A match with no more than pre+suf characters is
// starred entirely: a mask always hides something. It works on runes, so
// any text (a struct field tagged mask=phone) keeps valid UTF-8.
func keepEnds(pre, suf int) partialFunc {
	return func(dst []byte, match, _ string) []byte {
		n := 0
		for _, r := range match {
			if r != ' ' && r != '-' {
				n++
			}
		}
		keepPre, keepSuf := pre, suf
		if n <= pre+suf {
			keepPre, keepSuf = 0, 0 // star everything
		}
		k := 0
		for i, r := range match {
			if r == ' ' || r == '-' {
				dst = append(dst, byte(r))
				continue
			}
			if k < keepPre || k >= n-keepSuf {
				_, w := utf8.DecodeRuneInString(match[i:])
				dst = append(dst, match[i:i+w]...)
			} else {
				dst = append(dst, '*')
			}
			k++
		}
		return dst
	}
}

// keepPrefix returns a partialFunc that keeps the match up to and
// including the end of the first of prefixes found at its start, then the
// mask: "ghp_[REDACTED]". A match with none of them is masked fully.
func keepPrefix(prefixes ...string) partialFunc {
	return func(dst []byte, match, mask string) []byte {
		for _, p := range prefixes {
			if strings.HasPrefix(match, p) && len(match) > len(p) {
				dst = append(dst, p...)
				break
			}
		}
		return append(dst, mask...)
	}
}

// fullOnly is the partialFunc of detectors with nothing safe to keep.
func fullOnly(dst []byte, _, mask string) []byte { return append(dst, mask...) }
