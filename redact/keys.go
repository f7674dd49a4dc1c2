package redact

import (
	"fmt"
	"strings"
)

// Action is what a policy does with the value of an attribute, decided by
// the attribute's key alone.
type Action uint8

const (
	// Scan is the default: the value is kept, and its text is searched by
	// the detectors, which mask only what they find.
	Scan Action = iota
	// Mask: the key is sensitive; the whole value is masked, whatever its
	// kind (see Policy.MaskValue).
	Mask
	// Keep: the key is allowlisted; the value is written as it is and not
	// even scanned.
	Keep
)

// String returns "scan", "mask" or "keep".
func (a Action) String() string {
	switch a {
	case Scan:
		return "scan"
	case Mask:
		return "mask"
	case Keep:
		return "keep"
	}
	return fmt.Sprintf("Action(%d)", uint8(a))
}

// defaultKeys are the sensitive keys of every policy, in normalised form
// (see normaliseKey). A key matches when its normalised form ends with one
// of them, so "token" covers access_token, refresh_token, id_token,
// x-auth-token and githubToken, "cookie" covers set-cookie, "authcode"
// covers auth_code and oauth_code, and "codeverifier" the PKCE
// code_verifier.
var defaultKeys = []string{
	"password", "passwd", "pwd", "passphrase", "secret",
	"token", "apikey", "accesskey", "secretkey", "privatekey", "signature",
	"authorization", "cookie", "session", "sessionid",
	"credential", "credentials",
	"creditcard", "cardnumber", "cvv", "cvc", "ssn", "idcard",
	"authcode", "authorizationcode", "codeverifier",
}

// defaultExactKeys are sensitive keys too short or too common to match
// as a suffix: they match only the whole key (after normalisation). The
// OAuth authorization "code" is one; as a suffix it would mask status_code,
// zipcode, error_code and country_code.
var defaultExactKeys = []string{"code"}

// defaultAllow are the keys never touched: the fields logweave itself
// writes and the ids that correlate logs. They match exactly (after
// normalisation), never as a suffix.
var defaultAllow = []string{
	"time", "level", "msg", "source",
	"trace_id", "span_id", "trace_flags", "parent_span_id", "request_id",
	"service.name", "service.version", "deployment.environment.name",
}

// DefaultKeys returns the sensitive keys every policy starts with, in
// normalised form, matched as suffixes. Config.Keys adds to them. "code",
// which every policy masks too but only as a whole key, is not among them.
func DefaultKeys() []string { return append([]string(nil), defaultKeys...) }

// DefaultAllow returns the allowlisted keys every policy starts with, as
// logweave writes them. Config.Allow adds to them.
func DefaultAllow() []string { return append([]string(nil), defaultAllow...) }

// normaliseKey lowercases ASCII letters and drops '-', '_' and '.', the
// form in which keys are compared: "X-Api-Key", "x_api_key" and
// "x.api.key" are all "xapikey". Other bytes are kept as they are.
func normaliseKey(k string) string {
	var b strings.Builder
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case c == '-' || c == '_' || c == '.':
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}

// Key-table node flags, kept in column 0 of the node's row.
const (
	flagMask  = 1 << iota // a sensitive key ends here (read backwards)
	flagKeep              // an allowlisted key ends here
	flagExact             // a sensitive key that matches only exactly ends here
)

// Byte classes of the key table: 0 is a byte no key contains, skipClass a
// separator that normalisation drops.
const skipClass = 0xff

// closesBracket marks the bytes at which a key in bracket form leaves the
// trie: ']', and the '5' and '%' of "%5D".
var closesBracket = byteClass(func(c byte) bool { return c == ']' || c == '5' || c == '%' })

// keyTable matches keys against the sensitive and allowlisted names with no
// allocation: a trie of the normalised names, spelled backwards, walked from
// the last byte of the key. A suffix match is a node with flagMask passed on
// the way; an exact match is flagKeep or flagExact on the node reached when
// the key is used up. An ordinary key ("method", "status",
// "http.request.method") leaves the trie after one or two bytes.
//
// The trie is one array of rows, one row per node: column 0 holds the
// node's flags, column c the offset of the row of the child for byte class
// c (0 when there is none; the root, at offset 0, is nobody's child).
type keyTable struct {
	class  [256]uint8 // byte → column (1-based), 0 or skipClass
	stride uint32     // columns per row: the alphabet size + 1
	rows   []uint32
}

// newKeyTable builds the table from the sensitive names matched as
// suffixes (mask), those matched exactly (exact) and the allowlisted ones
// (keep, exact too). It fails when a name is empty after normalisation or
// the names use more distinct bytes than a row can index.
func newKeyTable(mask, exact, keep []string) (*keyTable, error) {
	t := &keyTable{}
	t.class['-'], t.class['_'], t.class['.'] = skipClass, skipClass, skipClass
	cols := 0
	var names [3][]string
	for g, list := range [3][]string{mask, exact, keep} {
		for _, k := range list {
			n := normaliseKey(k)
			if n == "" {
				return nil, fmt.Errorf("key %q is empty once '-', '_', '.' are dropped: want a name such as \"password\"", k)
			}
			for i := 0; i < len(n); i++ {
				if t.class[n[i]] == 0 {
					if cols == skipClass-1 {
						return nil, fmt.Errorf("keys use more than %d distinct bytes: too many to index", skipClass-1)
					}
					cols++
					t.class[n[i]] = uint8(cols)
				}
			}
			names[g] = append(names[g], n)
		}
	}
	for c := 'A'; c <= 'Z'; c++ {
		t.class[c] = t.class[c+'a'-'A']
	}
	t.stride = uint32(cols + 1)
	t.rows = make([]uint32, t.stride) // the root
	for g, list := range names {
		flag := [3]uint32{flagMask, flagExact, flagKeep}[g]
		for _, n := range list {
			node := uint32(0)
			for i := len(n) - 1; i >= 0; i-- {
				at := node + uint32(t.class[n[i]])
				if t.rows[at] == 0 {
					t.rows[at] = uint32(len(t.rows))
					t.rows = append(t.rows, make([]uint32, t.stride)...)
				}
				node = t.rows[at]
			}
			t.rows[node] |= flag
		}
	}
	return t, nil
}

// action classifies key: Keep when its normalised form is an allowlisted
// name, Mask when it ends with a sensitive name or is an exact one, Scan
// otherwise. A key in bracket form is judged by its parts (see
// bracketAction).
func (t *keyTable) action(key string) Action {
	a, k := t.lookup(key)
	if a == actBracket {
		return t.bracketOrScan(k)
	}
	return a
}

// actBracket is lookup's answer for a key that left the trie, with
// nothing decided, at a byte that can close the bracket form.
const actBracket Action = 0xff

// lookup walks the trie from the end of key, the work done for every
// attribute. A key in bracket form leaves the trie at its closing
// bracket, "]" or "%5D" (at its '5', or at the '%' when the names hold a
// '5'): when the key leaves at one of those bytes with nothing decided,
// lookup returns actBracket, so that ordinary keys pay one table lookup,
// where they leave. lookup is a leaf function, and it hands key back so
// that its caller need not keep it across the call: both keep Policy.Key
// as fast as a plain lookup.
func (t *keyTable) lookup(key string) (Action, string) {
	act := Scan
	rows := t.rows
	node := uint32(0)
	for i := len(key) - 1; i >= 0; i-- {
		c := t.class[key[i]]
		if c == skipClass {
			continue
		}
		at := node + uint32(c)
		if c == 0 || at >= uint32(len(rows)) {
			if act == Scan && closesBracket[key[i]] {
				return actBracket, key
			}
			return act, key
		}
		if node = rows[at]; node == 0 || node >= uint32(len(rows)) {
			// With names that hold a '5', "%5D" leaves here.
			if act == Scan && closesBracket[key[i]] {
				return actBracket, key
			}
			return act, key
		}
		if rows[node]&flagMask != 0 {
			act = Mask
		}
	}
	switch {
	case rows[node]&flagKeep != 0:
		return Keep, key
	case rows[node]&flagExact != 0:
		return Mask, key
	}
	return act, key
}

// bracketOrScan is bracketAction's answer for a key lookup could not
// decide, and Scan when the key is not in bracket form. It is kept out of
// line: inlined, it would grow Policy.Key, which every attribute calls,
// for the sake of keys that are rare.
//
//go:noinline
func (t *keyTable) bracketOrScan(key string) Action {
	if a, ok := t.bracketAction(key); ok {
		return a
	}
	return Scan
}

// endsWithBracket reports whether key ends with "]", plain or
// percent-encoded ("%5D", "%5d", "%255D", ...).
func endsWithBracket(key string) bool {
	n := len(key)
	if n == 0 {
		return false
	}
	if key[n-1] == ']' {
		return true
	}
	if n < 3 || key[n-1]|0x20 != 'd' || key[n-2] != '5' {
		return false
	}
	start, b, ok := encodedBefore(key, n, 0)
	return ok && b == ']' && start >= 0
}

// bracketAction judges a key in the bracket form of query strings and
// form bodies, name[part][part]... (user[password], a[b][token],
// user[][password], and the same with the brackets percent-encoded,
// user%5Bpassword%5D): the name and then each part, in order, are judged
// as keys of their own, and the first that is sensitive or allowlisted
// decides. This is how the struct walk treats the nested objects that
// such a key flattens: everything under a sensitive key is masked
// (credentials[user], password[new]), nothing under an allowlisted one
// is touched. Empty parts ([]) are passed over. ok is false when key is
// not in that form (a bracket not closed, text after a closing one, no
// bracket at all): it is then a key like any other.
func (t *keyTable) bracketAction(key string) (a Action, ok bool) {
	if !endsWithBracket(key) {
		return Scan, false
	}
	decided := Scan
	parts, open, start := 0, false, 0
	for i := 0; i < len(key); {
		b, n := key[i], 1
		if b == '%' {
			b, n = decodeAt(key, i)
		}
		if b != '[' && b != ']' {
			i += n
			continue
		}
		if b == '[' && open || b == ']' && !open {
			return Scan, false // nested or stray: not the bracket form
		}
		if b == ']' && i+n < len(key) {
			if nb, _ := decodeAt(key, i+n); nb != '[' {
				return Scan, false // text after a closing bracket
			}
		}
		// The name or a part ends here; judge it unless one already
		// decided (the rest is still checked for form). A part holds no
		// bracket: lookup is the whole rule for it.
		if decided == Scan && start < i {
			if decided, _ = t.lookup(key[start:i]); decided == actBracket {
				decided = Scan
			}
		}
		open = b == '['
		if open {
			parts++
		}
		i += n
		start = i
	}
	if parts == 0 || open {
		return Scan, false
	}
	return decided, true
}
