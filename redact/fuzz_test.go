package redact_test

import (
	"encoding/json"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/logweave/logweave/redact"
)

// FuzzString checks, for any input:
//   - String neither panics nor hangs (the fuzzer reports both);
//   - valid UTF-8 in gives valid UTF-8 out;
//   - when nothing is found, the input comes back as it is;
//   - masking is a fixed point: with the default policy, the output holds
//     nothing more to mask, so a second pass returns it unchanged. This is
//     what makes re-scanning an already redacted line, or a line that
//     quotes one, safe. It holds for the Full style with a mask text that
//     starts and ends with a byte other than a letter or digit
//     ("[REDACTED]"): the scan judges what follows a match as it will
//     judge it after the mask. (Partial masks keep digits and letters,
//     which may combine with their neighbours; they are not asserted.)
//
// The same input also goes through the policy with every detector on in
// the Partial style, which must keep UTF-8 valid too.
func FuzzString(f *testing.F) {
	for _, c := range positives {
		f.Add(c.text)
	}
	for _, c := range ipPositives {
		f.Add(c.text)
	}
	for _, c := range negatives {
		f.Add(c.text)
	}
	for _, s := range []string{
		"", "\xff", "a@", "@b.c", "+", "+1", "=", "\":", `\"":`, "-----BEGIN PRIVATE KEY-----", "eyJ.", "eyJ..",
		"Bearer ", "basic ====", "xoxb-", "ghp_", "github_pat_", "sk_live_", "AKIA", "AIza", "::", ":::::",
		"4242 4242 4242 4242 4242 4242", "1 2 3 4 5 6 7 8 9 0 1 2 3", "DE89 ", "https://:@", "a=\"", "a='",
		"名字\xe6\x89", "13812345678\xff", "\x00password=\x00",
		"user[password]=x", "a%5Bb%5D%5Btoken%5D=x", "next=%2F%3Ftoken%3Dx%26a%3D1", "%252F%253Fcode%253D%2522x%2522",
		"%", "%2", "%25", "%253", "%3D%3D", "[password=x]", "a=[REDACTED]=b", "form-data; name=\"password\"\r\n\r\nx\r\n--b",
		"form-data; name=token\n\n", "form-data;name=\"code\"\n\n[REDACTED]",
	} {
		f.Add(s)
	}
	def := redact.Default()
	partial := make(map[string]redact.Style)
	for _, name := range redact.Detectors() {
		partial[name] = redact.Partial
	}
	all, err := redact.New(redact.Config{Detectors: map[string]bool{redact.IP: true}, Styles: partial})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, changed := def.String(in)
		if !changed && out != in {
			t.Fatalf("String(%q) = %q but reports no change", in, out)
		}
		if utf8.ValidString(in) && !utf8.ValidString(out) {
			t.Fatalf("String(%q) = %q: invalid UTF-8", in, out)
		}
		if again, _ := def.String(out); again != out {
			t.Fatalf("not a fixed point:\n in   %q\n out  %q\n again %q", in, out, again)
		}
		out, _ = all.String(in)
		if utf8.ValidString(in) && !utf8.ValidString(out) {
			t.Fatalf("partial: String(%q) = %q: invalid UTF-8", in, out)
		}
	})
}

// FuzzAny walks whatever encoding/json decodes from the input (maps,
// slices, strings, numbers at any depth): Any must not panic, its copy
// must encode, and the decoded value must be unchanged afterwards.
func FuzzAny(f *testing.F) {
	for _, s := range []string{
		`{"password":"x","list":["a@b.example",{"token":1}],"n":null}`,
		`[1,"13812345678",{"a@b.example":true}]`,
		`{"a":{"b":{"c":{"d":"4111111111111111"}}}}`,
		`"just a string"`, `42`, `{}`, `[]`,
	} {
		f.Add([]byte(s))
	}
	p := redact.Default()
	f.Fuzz(func(t *testing.T, in []byte) {
		var v, fresh any
		if json.Unmarshal(in, &v) != nil {
			return
		}
		_ = json.Unmarshal(in, &fresh)
		out, changed := p.Any(v)
		if !changed && !reflect.DeepEqual(out, v) {
			t.Fatalf("Any(%s) reports no change but returned %#v", in, out)
		}
		b, err := json.Marshal(out)
		if err != nil || !json.Valid(b) {
			t.Fatalf("Any(%s): copy does not encode: %v", in, err)
		}
		if !reflect.DeepEqual(v, fresh) {
			t.Fatalf("Any(%s) changed its input", in)
		}
	})
}

// FuzzJSON checks, for any input, that JSON neither panics nor hangs and
// always writes valid JSON: for valid JSON in, a copy with the same
// layout, which is the input itself when nothing changed, and which the
// default policy leaves as it is when given it again; for anything else,
// one JSON string. The same input goes through the policy with every
// detector on in the Partial style and the HMAC key style, whose output
// must be valid JSON too.
func FuzzJSON(f *testing.F) {
	for _, s := range []string{
		`{"password":"x","list":["a@b.example",{"token":1}],"n":null}`,
		`[1,"13812345678",{"a@b.example":true}]`, `{"a":{"b":{"c":{"d":"4111111111111111"}}}}`,
		`"just a string"`, `42`, `-1.5e+10`, `{}`, `[]`, ` { "a" : [ true , false , null ] } `,
		`{"p\u0061ssword":"\ud83d\ude00","x":"\ud800","y":"\u0000\/\b\f\n\r\t\\\""}`,
		`{"user[password]":"x","code":"c","trace_id":{"password":"kept"}}`,
		"{\"a\":\"\xff\xfe\"}", `{"a":"b"`, `[`, `"`, ``, `nul`, `{"a":1}{"b":2}`,
	} {
		f.Add([]byte(s))
	}
	def := redact.Default()
	partial := make(map[string]redact.Style)
	for _, name := range redact.Detectors() {
		partial[name] = redact.Partial
	}
	partial[redact.KeyCounter] = redact.HMAC
	all, err := redact.New(redact.Config{Detectors: map[string]bool{redact.IP: true}, Styles: partial, HMACKey: "0123456789abcdef-fuzz"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		valid := json.Valid(in)
		out, changed := def.JSON(nil, in)
		if !json.Valid(out) {
			t.Fatalf("JSON(%q) = %q: not valid JSON", in, out)
		}
		if !changed && string(out) != string(in) {
			t.Fatalf("JSON(%q) = %q but reports no change", in, out)
		}
		if !valid && !changed {
			t.Fatalf("JSON(%q): not JSON, and reports no change", in)
		}
		if valid {
			if again, _ := def.JSON(nil, out); string(again) != string(out) {
				t.Fatalf("not a fixed point:\n in    %q\n out   %q\n again %q", in, out, again)
			}
		}
		if out, _ := all.JSON(nil, in); !json.Valid(out) {
			t.Fatalf("partial: JSON(%q) = %q: not valid JSON", in, out)
		}
	})
}
