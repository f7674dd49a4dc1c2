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
// x-auth-token and githubToken, and "cookie" covers set-cookie.
var defaultKeys = []string{
	"password", "passwd", "pwd", "passphrase", "secret",
	"token", "apikey", "accesskey", "secretkey", "privatekey", "signature",
	"authorization", "cookie", "session", "sessionid",
	"credential", "credentials",
	"creditcard", "cardnumber", "cvv", "cvc", "ssn", "idcard",
}

// defaultAllow are the keys never touched: the fields logweave itself
// writes and the ids that correlate logs. They match exactly (after
// normalisation), never as a suffix.
var defaultAllow = []string{
	"time", "level", "msg", "source",
	"trace_id", "span_id", "trace_flags", "parent_span_id", "request_id",
	"service.name", "service.version", "deployment.environment.name",
}

// DefaultKeys returns the sensitive keys every policy starts with, in
// normalised form. Config.Keys adds to them.
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
	flagMask = 1 << iota // a sensitive key ends here (read backwards)
	flagKeep             // an allowlisted key ends here
)

// Byte classes of the key table: 0 is a byte no key contains, skipClass a
// separator that normalisation drops.
const skipClass = 0xff

// keyTable matches keys against the sensitive and allowlisted names with no
// allocation: a trie of the normalised names, spelled backwards, walked from
// the last byte of the key. A suffix match is a node with flagMask passed on
// the way; an exact match is flagKeep on the node reached when the key is
// used up. An ordinary key ("method", "status", "http.request.method")
// leaves the trie after one or two bytes.
//
// The trie is one array of rows, one row per node: column 0 holds the
// node's flags, column c the offset of the row of the child for byte class
// c (0 when there is none; the root, at offset 0, is nobody's child).
type keyTable struct {
	class  [256]uint8 // byte → column (1-based), 0 or skipClass
	stride uint32     // columns per row: the alphabet size + 1
	rows   []uint32
}

// newKeyTable builds the table. It fails when a name is empty after
// normalisation or uses more distinct bytes than a row can index.
func newKeyTable(mask, keep []string) (*keyTable, error) {
	t := &keyTable{}
	t.class['-'], t.class['_'], t.class['.'] = skipClass, skipClass, skipClass
	cols := 0
	var names [2][]string
	for g, list := range [2][]string{mask, keep} {
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
		flag := uint32(flagMask)
		if g == 1 {
			flag = flagKeep
		}
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
// name, Mask when it ends with a sensitive name, Scan otherwise.
func (t *keyTable) action(key string) Action {
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
			return act
		}
		if node = rows[at]; node == 0 || node >= uint32(len(rows)) {
			return act
		}
		if rows[node]&flagMask != 0 {
			act = Mask
		}
	}
	if rows[node]&flagKeep != 0 {
		return Keep
	}
	return act
}
