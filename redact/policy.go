package redact

import (
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/logweave/logweave/stats"
)

// DefaultMask is the text that replaces what is masked, unless
// Config.Mask says otherwise.
const DefaultMask = "[REDACTED]"

// minHMACKey is the shortest HMAC key accepted: a pseudonym is only as
// hard to reverse as the key is to guess.
const minHMACKey = 16

// Config describes a policy. The zero Config is Default's policy: the
// default sensitive and allowlisted keys, the built-in detectors except
// IP, full masks. It is meant to be read from a configuration file, hence
// the JSON tags; Custom detectors are code and are set in code.
type Config struct {
	// Keys are sensitive keys added to DefaultKeys. They are compared
	// like the default ones: case-insensitively, ignoring '-', '_' and
	// '.', and a key also matches when it ends with one of them.
	Keys []string `json:"keys,omitempty"`
	// Allow are keys added to DefaultAllow: their values are written as
	// they are and never scanned. They match exactly (after the same
	// normalisation), and win over Keys: allowing "next_page_token" keeps
	// it while "token" still masks every other key ending with token.
	Allow []string `json:"allow,omitempty"`
	// Detectors turns detectors on (true) or off (false) by name,
	// built-in or custom; unnamed ones keep their default (built-ins as
	// listed in the package documentation, custom ones on).
	Detectors map[string]bool `json:"detectors,omitempty"`
	// Styles sets the mask style per detector name; KeyCounter ("key")
	// sets it for values under sensitive keys, which accept Full and
	// HMAC only. Unnamed ones are Full.
	Styles map[string]Style `json:"styles,omitempty"`
	// Mask replaces what is masked in the Full style (and after a secret
	// token's prefix in the Partial style); "" means DefaultMask.
	Mask string `json:"mask,omitempty"`
	// HMACKey keys the pseudonyms of the HMAC style and of fields tagged
	// log:"hash": at least 16 bytes, kept secret (read it from a secret
	// store, not from the same file as the rest). Without it, the HMAC
	// style is refused and log:"hash" fields are masked fully.
	HMACKey string `json:"hmac_key,omitempty"`
	// Custom are detectors of the user's own, run after the built-in
	// ones on every scanned string.
	Custom []Detector `json:"-"`
}

// Policy decides what of a log record is masked. It is safe for concurrent
// use, and Update changes it while it is used: the methods that run per
// record (Key, String, MaskValue, Any) read the current rules with one
// atomic load and take no lock.
//
// The zero Policy behaves as Default's; a nil *Policy masks nothing.
type Policy struct {
	cur atomic.Pointer[compiled]

	mu       sync.Mutex                // serialises Update; guards counters
	counters map[string]*atomic.Uint64 // by detector name; kept across updates
}

// compiled is one immutable version of a policy's rules.
type compiled struct {
	// trigger maps the previous byte's class<<8 | the byte to a handler
	// (hNone, hDigit, ...). Only one 256-byte row per class is used (2 KB,
	// what the cache sees); the size lets a uint16 index it with no
	// bounds check.
	trigger [1 << 16]uint8
	on      [builtinCount]bool
	styles  [builtinCount]Style
	counts  [builtinCount]*atomic.Uint64
	keys    *keyTable
	mask    string

	keyStyle Style
	keyCount *atomic.Uint64
	tagCount *atomic.Uint64

	custom []customDetector
	hmac   *pseudonymizer // nil without Config.HMACKey
}

// customDetector is a Config.Custom detector that is on.
type customDetector struct {
	d     Detector
	style Style
	count *atomic.Uint64
}

// Default returns a new policy with the default rules: the keys of
// DefaultKeys masked, those of DefaultAllow kept, the built-in detectors
// on except IP, everything masked in the Full style.
func Default() *Policy {
	p, err := New(Config{})
	if err != nil {
		panic("redact: the default policy does not compile: " + err.Error())
	}
	return p
}

// New returns a policy following c, or an error that names what in c is
// wrong.
func New(c Config) (*Policy, error) {
	p := &Policy{}
	if err := p.Update(c); err != nil {
		return nil, err
	}
	return p, nil
}

// Update replaces p's rules with c's. Calls in progress finish with the
// old rules, later ones use the new; counts carry on. When c is invalid
// Update returns the error and p keeps its rules.
func (p *Policy) Update(c Config) error {
	if p == nil {
		return errors.New("redact: Update on a nil *Policy: make one with New or Default")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	cc, err := p.compile(c)
	if err != nil {
		return err
	}
	p.cur.Store(cc)
	return nil
}

// load returns the current rules, compiling Default's for a zero Policy.
func (p *Policy) load() *compiled {
	if c := p.cur.Load(); c != nil {
		return c
	}
	return p.loadDefault()
}

func (p *Policy) loadDefault() *compiled {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c := p.cur.Load(); c != nil {
		return c
	}
	c, err := p.compile(Config{})
	if err != nil {
		panic("redact: the default policy does not compile: " + err.Error())
	}
	p.cur.Store(c)
	return c
}

// counter returns the counter of name, made on first use. p.mu is held.
func (p *Policy) counter(name string) *atomic.Uint64 {
	if p.counters == nil {
		p.counters = make(map[string]*atomic.Uint64)
	}
	n, ok := p.counters[name]
	if !ok {
		n = new(atomic.Uint64)
		p.counters[name] = n
	}
	return n
}

// compile checks c and builds its rules. p.mu is held. Each part of c is
// checked, and compiled, by a function of its own, in this order, and
// the first error stops it; counters are made only once all of c is
// known to be right.
func (p *Policy) compile(c Config) (*compiled, error) {
	cc := &compiled{}
	if err := cc.compileMask(c.Mask); err != nil {
		return nil, err
	}
	if err := cc.compileHMAC(c.HMACKey); err != nil {
		return nil, err
	}
	if err := cc.compileKeys(c.Keys, c.Allow); err != nil {
		return nil, err
	}
	known, err := detectorNames(c.Custom)
	if err != nil {
		return nil, err
	}
	if err := p.checkDetectors(c, known); err != nil {
		return nil, err
	}
	if err := p.checkStyles(c, known, cc.hmac != nil); err != nil {
		return nil, err
	}
	p.compileDetectors(cc, c)
	cc.buildTriggers()
	return cc, nil
}

// compileMask checks and sets the mask text, DefaultMask for "".
func (cc *compiled) compileMask(mask string) error {
	cc.mask = mask
	if cc.mask == "" {
		cc.mask = DefaultMask
	}
	if !utf8.ValidString(cc.mask) {
		return fmt.Errorf("redact: Mask %q is not valid UTF-8: want text", mask)
	}
	return nil
}

// compileHMAC checks the HMAC key, if there is one, and makes the
// pseudonymizer it keys.
func (cc *compiled) compileHMAC(key string) error {
	if key == "" {
		return nil
	}
	if len(key) < minHMACKey {
		return fmt.Errorf("redact: HMACKey is %d bytes: want at least %d bytes of secret", len(key), minHMACKey)
	}
	cc.hmac = newPseudonymizer([]byte(key))
	return nil
}

// compileKeys builds the key table: the default sensitive and allowlisted
// keys with keys and allow added.
func (cc *compiled) compileKeys(keys, allow []string) error {
	t, err := newKeyTable(append(DefaultKeys(), keys...), defaultExactKeys, append(DefaultAllow(), allow...))
	if err != nil {
		return fmt.Errorf("redact: Keys/Allow: %w", err)
	}
	cc.keys = t
	return nil
}

// detectorNames checks the custom detectors and returns the names that
// Detectors and Styles may use: the built-ins', then the custom
// detectors', each once, and the counters "key" and "tag".
func detectorNames(custom []Detector) (map[string]bool, error) {
	known := map[string]bool{KeyCounter: true, TagCounter: true}
	for _, b := range builtins {
		known[b.name] = true
	}
	for i, d := range custom {
		if d == nil {
			return nil, fmt.Errorf("redact: Custom[%d] is nil: want a Detector", i)
		}
		name := d.Name()
		switch {
		case name == "":
			return nil, fmt.Errorf("redact: Custom[%d] has an empty Name: want a name for counts and styles", i)
		case known[name]:
			return nil, fmt.Errorf("redact: Custom[%d] is named %q, which is taken: want another name", i, name)
		}
		known[name] = true
	}
	return known, nil
}

// checkDetectors checks that Detectors names only detectors, in name
// order.
func (p *Policy) checkDetectors(c Config, known map[string]bool) error {
	for _, name := range slices.Sorted(mapKeys(c.Detectors)) {
		if !known[name] || name == KeyCounter || name == TagCounter {
			return fmt.Errorf("redact: Detectors: no detector named %q: want one of %s", name, strings.Join(p.names(c), ", "))
		}
	}
	return nil
}

// checkStyles checks, in name order, that Styles names detectors or
// "key", each with a style it can have: Partial is not one for "key",
// HMAC needs an HMAC key (hmac).
func (p *Policy) checkStyles(c Config, known map[string]bool, hmac bool) error {
	for _, name := range slices.Sorted(mapKeys(c.Styles)) {
		style := c.Styles[name]
		if !known[name] || name == TagCounter {
			return fmt.Errorf("redact: Styles: no detector named %q: want one of %s or %q", name, strings.Join(p.names(c), ", "), KeyCounter)
		}
		switch style {
		case Full, Partial:
			if style == Partial && name == KeyCounter {
				return fmt.Errorf("redact: Styles[%q] is %q: values under sensitive keys have nothing safe to keep; want %q or %q", name, style, Full, HMAC)
			}
		case HMAC:
			if !hmac {
				return fmt.Errorf("redact: Styles[%q] is %q: set HMACKey to key the pseudonyms", name, style)
			}
		default:
			return fmt.Errorf("redact: Styles[%q] is %q: want %q, %q or %q", name, style, Full, Partial, HMAC)
		}
	}
	return nil
}

// compileDetectors turns the built-in detectors on or off, gives each
// detector and the key rule its style and counter, and lists the custom
// detectors that are on. c has been checked.
func (p *Policy) compileDetectors(cc *compiled, c Config) {
	styleOf := func(name string) Style {
		if s, ok := c.Styles[name]; ok {
			return s
		}
		return Full
	}
	for i, b := range builtins {
		on := b.on
		if v, ok := c.Detectors[b.name]; ok {
			on = v
		}
		cc.on[i] = on
		cc.styles[i] = styleOf(b.name)
		if on {
			cc.counts[i] = p.counter(b.name)
		} else {
			cc.counts[i] = new(atomic.Uint64) // used by mask=NAME tags only, never reported
		}
	}
	for _, d := range c.Custom {
		name := d.Name()
		if on, ok := c.Detectors[name]; ok && !on {
			continue
		}
		cc.custom = append(cc.custom, customDetector{d: d, style: styleOf(name), count: p.counter(name)})
	}
	cc.keyStyle = styleOf(KeyCounter)
	cc.keyCount = p.counter(KeyCounter)
	cc.tagCount = p.counter(TagCounter)
}

// names lists the detector names c may use, for error messages.
func (p *Policy) names(c Config) []string {
	names := Detectors()
	for _, d := range c.Custom {
		names = append(names, d.Name())
	}
	return names
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// Key returns what to do with the value of an attribute named key: Keep
// when key is allowlisted, Mask when it is sensitive, Scan otherwise.
//
// Keys are compared case-insensitively (ASCII), ignoring '-', '_' and
// '.'; a key is sensitive when its normalised form ends with a sensitive
// key. So db_password, X-Api-Key, githubToken and user.password are
// masked, while tokens_used, max_tokens, token_count and session_count
// are not (they do not end with one). Keys that end with a sensitive word
// without meaning a secret (next_page_token) are masked: allow them.
// "code" is sensitive as a whole key only (status_code is not). A key in
// bracket form (user[password], user%5Bpassword%5D) is judged by its name
// and parts in order, the first that is sensitive or allowlisted deciding
// (see the package documentation).
//
// Key costs a few nanoseconds and never allocates.
func (p *Policy) Key(key string) Action {
	if p == nil {
		return Scan
	}
	// keys.action, spelled out: one call less for every attribute.
	t := p.load().keys
	a, k := t.lookup(key)
	if a == actBracket {
		return t.bracketOrScan(k)
	}
	return a
}

// MaskValue returns what to write for v, the value of a sensitive key:
// the mask text, or its keyed pseudonym when Styles["key"] is HMAC (the
// pseudonym of v's text: a string as it is, other kinds as slog formats
// them). It counts one under "key".
func (p *Policy) MaskValue(v slog.Value) string {
	if p == nil {
		return DefaultMask
	}
	c := p.load()
	c.keyCount.Add(1)
	if c.keyStyle == HMAC && c.hmac != nil {
		return string(c.hmac.append(nil, v.Resolve().String()))
	}
	return c.mask
}

// String returns s with every sensitive part the detectors find masked in
// its detector's style, and whether anything was. When nothing is found
// it returns s itself and false, without allocating. The result is valid
// UTF-8 when s is: matches and masks begin and end at ASCII bytes or at
// whole characters, and invalid bytes outside a match are left as they
// are.
func (p *Policy) String(s string) (string, bool) {
	if p == nil {
		return s, false
	}
	return p.load().scan(s)
}

// scan is String with the rules c.
func (c *compiled) scan(s string) (string, bool) {
	var m match
	var ok bool
	if len(c.custom) == 0 {
		// Most text has no trigger at all: leave before find sets up.
		i, h := c.nextTrigger(s, 0)
		if h == hNone {
			return s, false
		}
		m, ok = c.findFrom(s, 0, i, h)
	} else {
		m, ok = c.first(s, 0, nil)
	}
	if !ok {
		return s, false
	}
	return c.redact(s, m), true
}

// States of a custom detector's cached match in a scan (match.start).
const (
	customUnknown = -1 // not looked for since the last match
	customNone    = -2 // no match in the rest of the text
)

// first returns the first match at or after lo, built-in or custom. next
// caches the custom detectors' next matches during one scan; it is nil
// for String's first look, which calls each custom detector once.
//
// The built-in detectors see the rest of the text, s[lo:], as a text of
// its own: what follows a mask is judged as it will be when the output is
// scanned again, after the mask's last byte. So a number glued to a
// masked one ("+1000000000+1000000000") is masked too, and the output of
// the Full style is a fixed point: String finds nothing more in it.
func (c *compiled) first(s string, lo int, next []match) (match, bool) {
	m, ok := c.find(s[lo:], 0)
	m.start, m.end = m.start+lo, m.end+lo
	for i, d := range c.custom {
		cm := match{start: customUnknown, custom: i}
		if next != nil {
			cm = next[i]
		}
		if cm.start == customUnknown {
			cm = match{start: customNone, custom: i}
			if start, end, found := customFind(d.d, s[lo:]); found {
				cm = match{start: lo + start, end: lo + end, custom: i}
			}
			if next != nil {
				next[i] = cm
			}
		}
		if cm.start == customNone {
			continue
		}
		if !ok || cm.start < m.start || cm.start == m.start && cm.end > m.end {
			m, ok = cm, true
		}
	}
	return m, ok
}

// redact builds s with first and every later match masked.
func (c *compiled) redact(s string, first match) string {
	var next []match
	if len(c.custom) > 0 {
		next = make([]match, len(c.custom))
		for i := range next {
			next[i] = match{start: customUnknown, custom: i}
		}
	}
	dst := make([]byte, 0, len(s)+len(c.mask))
	pos := 0
	m, ok := first, true
	for ok {
		dst = append(dst, s[pos:m.start]...)
		dst = c.appendMask(dst, m, s[m.start:m.end])
		pos = m.end
		// Custom matches that overlap the one just masked are looked
		// for again in the rest of the text.
		for i := range next {
			if next[i].start >= 0 && next[i].start < pos {
				next[i].start = customUnknown
			}
		}
		m, ok = c.first(s, pos, next)
	}
	dst = append(dst, s[pos:]...)
	return string(dst)
}

// appendMask appends the mask of text, matched by m, and counts it.
func (c *compiled) appendMask(dst []byte, m match, text string) []byte {
	if m.custom >= 0 {
		d := &c.custom[m.custom]
		d.count.Add(1)
		switch d.style {
		case HMAC:
			return c.hmac.append(dst, text)
		case Partial:
			if pm, ok := d.d.(PartialMasker); ok {
				out := pm.Partial(text)
				if utf8.ValidString(out) {
					return append(dst, out...)
				}
			}
		}
		return append(dst, c.mask...)
	}
	c.counts[m.det].Add(1)
	return c.appendStyled(dst, m.det, c.styles[m.det], text)
}

// appendStyled appends text masked by built-in detector d in style.
func (c *compiled) appendStyled(dst []byte, d detID, style Style, text string) []byte {
	switch style {
	case Partial:
		return builtins[d].partial(dst, text, c.mask)
	case HMAC:
		if c.hmac != nil {
			return c.hmac.append(dst, text)
		}
	}
	return append(dst, c.mask...)
}

// Counts returns how many values each detector has masked since p was
// made, by detector name, with "key" for values masked because of their
// key and "tag" for struct fields masked by their tag. Detectors turned
// off by an Update keep their last count.
func (p *Policy) Counts() map[string]uint64 {
	if p == nil {
		return map[string]uint64{}
	}
	p.load()
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]uint64, len(p.counters))
	for name, n := range p.counters {
		out[name] = n.Load()
	}
	return out
}

// AppendCounters implements stats.Source: one redactions_total counter per
// detector, labelled detector=<name>, in name order.
func (p *Policy) AppendCounters(dst []stats.Counter) []stats.Counter {
	counts := p.Counts()
	for _, name := range slices.Sorted(mapKeys(counts)) {
		dst = append(dst, stats.Counter{
			Name:  stats.RedactionsTotal,
			Label: stats.LabelDetector,
			Value: name,
			Count: counts[name],
		})
	}
	return dst
}

var _ stats.Source = (*Policy)(nil)
