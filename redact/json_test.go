package redact_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/logweave/logweave/redact"
)

func TestJSON(t *testing.T) {
	p := redact.Default()
	deep := strings.Repeat("[", 101) + `"a@b.example"` + strings.Repeat("]", 101)
	for _, tc := range []struct{ in, want string }{
		// Sensitive members are masked whatever their value; others walked.
		{`{"user":"ann","password":"hunter2","n":1.5e3,"ok":true,"x":null}`, `{"user":"ann","password":"[REDACTED]","n":1.5e3,"ok":true,"x":null}`},
		{`{"token":{"a":[1,2,{"b":"c"}]},"api_key":[1],"secret":null}`, `{"token":"[REDACTED]","api_key":"[REDACTED]","secret":"[REDACTED]"}`},
		{`{"user[password]":"x","code":"c","status_code":200}`, `{"user[password]":"[REDACTED]","code":"[REDACTED]","status_code":200}`},
		// Strings are scanned at any depth, member names included.
		{`[1,"mail a@b.example",{"note":["sms 13812345678"]}]`, `[1,"mail [REDACTED]",{"note":["sms [REDACTED]"]}]`},
		{`{"a@b.example":1}`, `{"[REDACTED]":1}`},
		// Escapes are decoded before scanning; changed strings re-encoded.
		{`{"note":"a\u0040b.example \"q\" \n"}`, `{"note":"[REDACTED] \"q\" \n"}`},
		{`{"p\u0061ssword":"x"}`, `{"p\u0061ssword":"[REDACTED]"}`},
		{`"password=hunter2 \ud83d\ude00 <b>"`, `"password=[REDACTED] 😀 <b>"`},
		// Allowlisted members are copied as they are.
		{`{"trace_id":"a@b.example","request_id":{"password":"x"}}`, `{"trace_id":"a@b.example","request_id":{"password":"x"}}`},
		// Layout is kept.
		{" { \"password\" : \"x\" , \"a\" : [ ] } \n", " { \"password\" : \"[REDACTED]\" , \"a\" : [ ] } \n"},
		// Nothing to mask: the same bytes.
		{`{"a":"b","c":[1,2,3],"d":{"e":"\u00e9"}}`, `{"a":"b","c":[1,2,3],"d":{"e":"\u00e9"}}`},
		{`""`, `""`},
		// Too deep: the deeper value is replaced.
		{deep, strings.Repeat("[", 100) + `"!DEPTH"` + strings.Repeat("]", 100)},
		// Not JSON: one string of the text, scanned.
		{`{"password":"hunter2"`, `"{\"password\":\"[REDACTED]\""`},
		{`mail a@b.example`, `"mail [REDACTED]"`},
		{``, `""`},
	} {
		out, changed := p.JSON([]byte("prefix:"), []byte(tc.in))
		got, ok := strings.CutPrefix(string(out), "prefix:")
		if !ok || got != tc.want {
			t.Errorf("JSON(%.60s)\n = %s\nwant %s", tc.in, out, tc.want)
		}
		if changed != (tc.in != tc.want) {
			t.Errorf("JSON(%.60s): changed = %v", tc.in, changed)
		}
		if !json.Valid([]byte(got)) {
			t.Errorf("JSON(%.60s) = %s: not valid JSON", tc.in, got)
		}
	}
	var nilPolicy *redact.Policy
	if out, changed := nilPolicy.JSON(nil, []byte(`{"password":"x"}`)); changed || string(out) != `{"password":"x"}` {
		t.Errorf("nil policy: %s, %v", out, changed)
	}
}

// TestJSONStyles: values under sensitive members get the key style's
// pseudonym (of a string's text, or of another value's JSON), and counts
// follow.
func TestJSONStyles(t *testing.T) {
	p, err := redact.New(redact.Config{HMACKey: testHMACKey, Styles: map[string]redact.Style{redact.KeyCounter: redact.HMAC}})
	if err != nil {
		t.Fatal(err)
	}
	out, _ := p.JSON(nil, []byte(`{"password":"hunter2","token":[1,2]}`))
	want := `{"password":"` + pseudonym(testHMACKey, "hunter2") + `","token":"` + pseudonym(testHMACKey, "[1,2]") + `"}`
	if string(out) != want {
		t.Errorf("JSON = %s\nwant %s", out, want)
	}
	if c := p.Counts(); c[redact.KeyCounter] != 2 {
		t.Errorf("counts %v, want 2 under key", c)
	}
}
