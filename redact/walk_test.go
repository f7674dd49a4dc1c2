package redact_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/logweave/logweave/redact"
)

type address struct {
	Street string `json:"street"`
	City   string `json:"city,omitempty"`
}

type base struct {
	ID    int    `json:"id"`
	Email string `json:"email"`
}

type note struct{ Note string }

type user struct {
	base
	*note
	Name     string         `json:"name"`
	Phone    string         `json:"phone" log:"mask=phone"`
	Card     string         `json:"card" log:"mask=card"`
	Password string         `json:"password"`
	SSN      string         `log:"redact"`
	PIN      int            `json:"pin" log:"redact"`
	Internal string         `log:"-"`
	UserID   string         `json:"user_id" log:"hash"`
	TraceID  string         `json:"trace_id"`
	Raw      string         `json:"raw" log:"keep"`
	Typo     string         `json:"typo" log:"redcat"`
	Other    string         `json:"other" log:"mask=nosuch"`
	Tags     []string       `json:"tags,omitempty"`
	Addr     *address       `json:"addr,omitempty"`
	Meta     map[string]any `json:"meta,omitempty"`
	Created  time.Time      `json:"created"`
	Count    int            `json:"count,string"`
	Skip     string         `json:"-"`
	secret   string
}

func newUser() *user {
	return &user{
		base:     base{ID: 42, Email: "alice@example.com"},
		note:     &note{Note: "call me on 13812345678"},
		Name:     "Alice",
		Phone:    "13812345678",
		Card:     "4111111111111111",
		Password: "hunter2",
		SSN:      "078-05-1120",
		PIN:      1234,
		Internal: "internal",
		UserID:   "u-42",
		TraceID:  "4bf92f3577b34da6a3ce929d0e0e4736",
		Raw:      "raw alice@example.com",
		Typo:     "typo",
		Other:    "other",
		Tags:     []string{"vip", "bob@example.com"},
		Addr:     &address{Street: "Room 5, tel 13912345678"},
		Meta:     map[string]any{"token": 123, "note": "mail eve@example.com", "n": 1},
		Created:  time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC),
		Count:    7,
		Skip:     "skip",
		secret:   "unexported 13812345678",
	}
}

func TestAnyTags(t *testing.T) {
	p, err := redact.New(redact.Config{HMACKey: testHMACKey})
	if err != nil {
		t.Fatal(err)
	}
	u := newUser()
	out, ok := p.Any(u)
	if !ok {
		t.Fatal("nothing changed")
	}
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"id":       42.0,
		"email":    "[REDACTED]",
		"Note":     "call me on [REDACTED]",
		"name":     "Alice",
		"phone":    "138****5678",
		"card":     "************1111",
		"password": "[REDACTED]",
		"SSN":      "[REDACTED]",
		"pin":      "[REDACTED]",
		"user_id":  pseudonym(testHMACKey, "u-42"),
		"trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
		"raw":      "raw alice@example.com",
		"typo":     "[REDACTED]",
		"other":    "[REDACTED]",
		"tags":     []any{"vip", "[REDACTED]"},
		"addr":     map[string]any{"street": "Room 5, tel [REDACTED]"},
		"meta":     map[string]any{"token": "[REDACTED]", "note": "mail [REDACTED]", "n": 1.0},
		"created":  "2026-11-21T10:00:00Z",
		"count":    "7",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Any gave\n%s\nwant\n%v", b, want)
	}
	// The key order is encoding/json's.
	ref, _ := json.Marshal(u)
	if gotKeys, refKeys := topKeys(t, b), topKeys(t, ref); !reflect.DeepEqual(gotKeys, without(refKeys, "Internal")) {
		t.Errorf("keys %v, encoding/json's %v", gotKeys, refKeys)
	}
	c := p.Counts()
	if c[redact.TagCounter] != 7 || c[redact.KeyCounter] != 2 {
		t.Errorf("counts %v: want 7 tag masks (phone, card, SSN, pin, user_id, typo, other) and 2 key masks (password, token)", c)
	}
}

// topKeys returns the keys of the JSON object b in order.
func topKeys(t *testing.T, b []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func without(list []string, drop string) []string {
	var out []string
	for _, s := range list {
		if s != drop {
			out = append(out, s)
		}
	}
	return out
}

func TestAnyHashWithoutKey(t *testing.T) {
	out, ok := redact.Default().Any(struct {
		ID string `log:"hash"`
	}{"u-42"})
	if b, _ := json.Marshal(out); !ok || string(b) != `{"ID":"[REDACTED]"}` {
		t.Errorf("hash without HMACKey: %s", b)
	}
}

// The types below exercise encoding/json's rules that a redacted copy must
// keep. Each test value holds piiEmail once; the copy must encode exactly
// as the original with that one string masked.
const piiEmail = "alice@example.com"

type zeroer struct{ N int }

func (z zeroer) IsZero() bool { return z.N < 0 }

type ptrZeroer struct{ N int }

func (z *ptrZeroer) IsZero() bool { return z.N < 0 }

type ptrMarshaler struct{ V string }

func (p *ptrMarshaler) MarshalJSON() ([]byte, error) { return []byte(`"custom:` + p.V + `"`), nil }

type textKey struct{ a, b string }

func (k textKey) MarshalText() ([]byte, error) { return []byte(k.a + "/" + k.b), nil }

type upper string

func (u upper) MarshalText() ([]byte, error) { return []byte(strings.ToUpper(string(u))), nil }

type A struct{ X, Y string }
type B struct{ X, Z string }
type tagged struct {
	X string `json:"X"`
}
type conflict struct {
	A // X hidden: A.X and B.X at the same depth, untagged
	B
	Mail string
}
type dominant struct {
	A      // A.X hidden by the tagged one below
	tagged // X from a json tag dominates
	Mail   string
}
type Deep struct{ Mail string }
type Mid struct{ *Deep }
type embedsNil struct {
	*Deep  // nil: its fields are left out
	Second string
}

type shapes struct {
	Mail     string            `json:"mail"`
	Empty    string            `json:"empty,omitempty"`
	NilSlice []string          `json:"nil_slice,omitempty"`
	NilMap   map[string]string `json:"nil_map"`
	Zero     zeroer            `json:"zero,omitzero"`
	NonZero  zeroer            `json:"non_zero,omitzero"`
	PZero    ptrZeroer         `json:"p_zero,omitzero"`
	When     time.Time         `json:"when,omitzero"`
	Int      int               `json:",string"`
	Bool     bool              `json:"b,string"`
	NilInt   *int              `json:"nil_int,string"`
	Str      string            `json:"str,string"`
	//lint:ignore SA5008 the tag names the field "-", a rule the copy must keep
	Dash string `json:"-,"`
	//lint:ignore SA5008 an invalid name falls back to the Go name, a rule the copy must keep
	Bad       string          `json:"bad\"name"`
	Skipped   string          `json:"-"`
	Any       any             `json:"any"`
	HTML      string          `json:"html"`
	Float     float64         `json:"float"`
	Addr      netip.Addr      `json:"addr"`
	Raw       json.RawMessage `json:"raw"`
	Up        upper           `json:"up"`
	PM        ptrMarshaler    `json:"pm"`
	Bytes     []byte          `json:"bytes"`
	Arr       [2]string       `json:"arr"`
	PP        **string        `json:"pp"`
	IntKeys   map[int]string  `json:"int_keys"`
	TextKeys  map[textKey]int `json:"text_keys"`
	unexposed string
}

func TestAnyEncodesLikeEncodingJSON(t *testing.T) {
	s := "x"
	ps := &s
	mail := piiEmail
	pmail := &mail
	cases := map[string]func() any{
		"shapes": func() any {
			return &shapes{
				Mail: piiEmail, NonZero: zeroer{1}, PZero: ptrZeroer{-1}, Int: 5, Bool: true, Str: `q"x`,
				Dash: "dash", Bad: "bad", Skipped: "s", Any: map[string]any{"k": []any{1, "two", nil}},
				HTML: "<b>&amp;</b>", Float: 1e21, Addr: netip.MustParseAddr("::1"),
				Raw: json.RawMessage(`{"r":1}`), Up: "up", PM: ptrMarshaler{"v"}, Bytes: []byte("hi"),
				Arr: [2]string{"a", "b"}, PP: &ps, IntKeys: map[int]string{2: "b", 10: "a"},
				TextKeys: map[textKey]int{{"x", "y"}: 1, {"a", "b"}: 2}, unexposed: piiEmail,
			}
		},
		"shapes by value": func() any { // PM is not addressable: encoded as a struct
			return shapes{Mail: piiEmail, PM: ptrMarshaler{"v"}, Str: "s"}
		},
		"pii in ,string":  func() any { return shapes{Str: piiEmail} },
		"pii via pointer": func() any { return &shapes{PP: &pmail} },
		"pii in any":      func() any { return shapes{Any: []any{1, map[string]any{"deep": piiEmail}}} },
		"pii as map key":  func() any { return map[string]int{piiEmail: 1, "b": 2} },
		"pii in int map":  func() any { return map[int]string{3: piiEmail, 1: "x"} },
		"pii in text map": func() any { return map[textKey]string{{"k", "1"}: piiEmail} },
		"pii in array":    func() any { return [3]any{1, piiEmail, true} },
		"slice of structs": func() any {
			return []address{{Street: "s"}, {Street: piiEmail, City: "c"}}
		},
		"conflict": func() any { return conflict{A{"ax", "ay"}, B{"bx", "bz"}, piiEmail} },
		"dominant": func() any { return &dominant{A{"ax", "ay"}, tagged{"tx"}, piiEmail} },
		"embedded pointer": func() any {
			return Mid{&Deep{piiEmail}}
		},
		"nil embedded pointer": func() any { return embedsNil{Second: piiEmail} },
		"pointer to pointer":   func() any { p := &address{Street: piiEmail}; return &p },
	}
	p := redact.Default()
	for name, mk := range cases {
		t.Run(name, func(t *testing.T) {
			v := mk()
			for _, escapeHTML := range []bool{true, false} {
				ref := encode(t, v, escapeHTML)
				want := strings.ReplaceAll(ref, piiEmail, redact.DefaultMask)
				out, changed := p.Any(v)
				if changed != (want != ref) {
					t.Fatalf("changed = %v for %s", changed, ref)
				}
				if got := encode(t, out, escapeHTML); got != want {
					t.Errorf("escapeHTML %v:\n got %s\nwant %s", escapeHTML, got, want)
				}
			}
		})
	}
}

func encode(t *testing.T, v any, escapeHTML bool) string {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(escapeHTML)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestAnyDoesNotMutate compares the value after Any with a fresh copy
// built the same way: nothing in it, exported or not, has changed.
func TestAnyDoesNotMutate(t *testing.T) {
	p, err := redact.New(redact.Config{HMACKey: testHMACKey})
	if err != nil {
		t.Fatal(err)
	}
	for name, mk := range map[string]func() any{
		"struct pointer": func() any { return newUser() },
		"struct":         func() any { return *newUser() },
		"map": func() any {
			return map[string]any{"password": "p", "list": []any{"a@b.example", map[string]string{"token": "t"}}, "u": newUser()}
		},
		"slice": func() any { return []*user{newUser(), nil, newUser()} },
	} {
		v := mk()
		out, ok := p.Any(v)
		if !ok {
			t.Errorf("%s: nothing changed", name)
		}
		if _, err := json.Marshal(out); err != nil {
			t.Errorf("%s: copy does not encode: %v", name, err)
		}
		if !reflect.DeepEqual(v, mk()) {
			t.Errorf("%s: Any changed the caller's value:\n%#v", name, v)
		}
	}
}

func TestAnyUnchanged(t *testing.T) {
	p := redact.Default()
	clean := &address{Street: "Main St 1", City: "Springfield"}
	for _, v := range []any{
		nil, 42, "plain text", true, 3.5, time.Now(), netip.MustParseAddr("203.0.113.7"),
		clean, *clean, []string{"a", "b"}, []int{1, 2, 3}, map[string]int{"a": 1}, []byte("a@b.example"),
		struct{ TraceID string }{"4bf92f3577b34da6a3ce929d0e0e4736"},
		json.RawMessage(`{"email":"none","n":[1,2]}`), // its JSON is scanned, and holds nothing
		struct{ P *ptrMarshaler }{&ptrMarshaler{"v"}},
	} {
		out, ok := p.Any(v)
		if ok {
			t.Errorf("Any(%#v) changed it: %#v", v, out)
		}
		if !reflect.DeepEqual(out, v) {
			t.Errorf("Any(%#v) returned %#v, want v itself", v, out)
		}
	}
	if out, _ := p.Any(clean); out.(*address) != clean {
		t.Error("Any did not return the very pointer it was given")
	}
}

// mailText is a string type of its own, as slog.Any passes it.
type mailText string

// TestAnyScansWhatMarshalersWrite: values that write their own JSON or
// text (MarshalJSON, MarshalText, json.RawMessage) are encoded and their
// JSON scanned like a walked value: sensitive members masked, strings
// scanned; at the top and at any depth. A field tagged log:"keep" is
// still written as it is.
func TestAnyScansWhatMarshalersWrite(t *testing.T) {
	type holder struct {
		PM   *ptrMarshaler
		Up   upper
		When time.Time
		Raw  json.RawMessage
		Kept json.RawMessage `log:"keep"`
		Nil  *ptrMarshaler
	}
	p := redact.Default()
	for _, tc := range []struct {
		v    any
		want string
	}{
		{json.RawMessage(`{"email":"a@b.example","password":{"x":1},"n":1}`), `{"email":"[REDACTED]","password":"[REDACTED]","n":1}`},
		{mailText("mail a@b.example"), `"mail [REDACTED]"`},
		{&ptrMarshaler{"a@b.example"}, `"custom:[REDACTED]"`},
		{upper("a@b.example"), `"[REDACTED]"`},
		{holder{
			PM: &ptrMarshaler{"a@b.example"}, Up: "x", When: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
			Raw: json.RawMessage(`["13812345678",{"token":"t"}]`), Kept: json.RawMessage(`{"token":"t"}`),
		}, `{"PM":"custom:[REDACTED]","Up":"X","When":"2026-01-02T03:04:05Z","Raw":["[REDACTED]",{"token":"[REDACTED]"}],"Kept":{"token":"t"},"Nil":null}`},
	} {
		out, ok := p.Any(tc.v)
		b, err := json.Marshal(out)
		if !ok || err != nil || string(b) != tc.want {
			t.Errorf("Any(%#v) = %s, %v, %v; want %s", tc.v, b, ok, err, tc.want)
		}
	}
}

type node struct {
	Name string
	Next *node
}

func TestAnyCycles(t *testing.T) {
	p := redact.Default()
	n := &node{Name: "a@b.example"}
	n.Next = n
	m := map[string]any{"mail": "a@b.example"}
	m["self"] = m
	s := []any{"a@b.example", nil}
	s[1] = s
	clean := &node{Name: "x"}
	clean.Next = clean
	for name, tc := range map[string]struct {
		v    any
		want string
	}{
		"pointer":       {n, `{"Name":"[REDACTED]","Next":"!CYCLE"}`},
		"map":           {m, `{"mail":"[REDACTED]","self":"!CYCLE"}`},
		"slice":         {s, `["[REDACTED]","!CYCLE"]`},
		"clean pointer": {clean, `{"Name":"x","Next":"!CYCLE"}`},
	} {
		out, ok := p.Any(tc.v)
		b, err := json.Marshal(out)
		if !ok || err != nil || string(b) != tc.want {
			t.Errorf("%s: %s, %v, %v; want %s", name, b, ok, err, tc.want)
		}
	}
}

func TestAnyDepth(t *testing.T) {
	var v any = map[string]any{"mail": "a@b.example"}
	for range 150 {
		v = map[string]any{"next": v}
	}
	out, ok := redact.Default().Any(v)
	b, err := json.Marshal(out)
	if !ok || err != nil || !strings.Contains(string(b), `"!DEPTH"`) || strings.Contains(string(b), "a@b.example") {
		t.Errorf("deep value: %v, %v, %.200s...", ok, err, b)
	}
	if n := strings.Count(string(b), "next"); n != 100 {
		t.Errorf("%d levels kept, want 100", n)
	}
}

type panicZero struct{ Mail string }

func (panicZero) IsZero() bool { panic("boom") }

func TestAnyMethodPanics(t *testing.T) {
	v := struct {
		P panicZero `json:"p,omitzero"`
	}{panicZero{"a@b.example"}}
	out, ok := redact.Default().Any(v)
	if !ok || out != redact.DefaultMask {
		t.Errorf("Any = %#v, %v; want the mask", out, ok)
	}
}

func TestAnyMaskAsStyles(t *testing.T) {
	p, err := redact.New(redact.Config{
		HMACKey: testHMACKey,
		Styles:  map[string]redact.Style{redact.Email: redact.HMAC, redact.Phone: redact.Full},
		Custom:  []redact.Detector{empID{}},
	})
	if err != nil {
		t.Fatal(err)
	}
	v := struct {
		Mail  string `log:"mask=email"`       // the policy pseudonymises emails
		Phone string `log:"mask=phone"`       // partial, whatever the policy's style
		Short string `log:"mask=phone"`       // too short to keep anything
		Emp   string `log:"mask=employee_id"` // a custom detector's Partial
		Num   int64  `log:"mask=card"`        // a number, masked as its text
		Ptr   *string
	}{"bob@example.com", "+8613812345678", "12", "EMP-123456", 4111111111111111, nil}
	out, _ := p.Any(v)
	b, _ := json.Marshal(out)
	want := fmt.Sprintf(`{"Mail":%q,"Phone":"+86*******5678","Short":"**","Emp":"EMP-******","Num":"************1111","Ptr":null}`,
		pseudonym(testHMACKey, "bob@example.com"))
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
}
