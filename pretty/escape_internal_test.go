package pretty

import (
	"strconv"
	"strings"
	"testing"
)

var quoteCorpus = []string{
	"", "plain", "a b", `"`, `\`, "\x1b[2J", "\x00\x07\x08\x0c\n\r\t\v\x7f", "\u009b", "\u202e", "\u2028",
	"caf\u00e9", "\U0001F600", "\xff", "\xc2", "\xed\xa0\x80", "\uFFFD", "\U000e0001", "\U0010ffff",
	strings.Repeat("x", 100) + "\x1b",
}

// appendQuoted is strconv.Quote without the string conversion.
func TestAppendQuotedIsStrconvQuote(t *testing.T) {
	for _, s := range quoteCorpus {
		if got, want := string(appendQuoted(nil, []byte(s))), strconv.Quote(s); got != want {
			t.Errorf("%q: got %s, want %s", s, got, want)
		}
	}
}

func FuzzAppendQuoted(f *testing.F) {
	for _, s := range quoteCorpus {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(appendQuoted(nil, []byte(s))), strconv.Quote(s); got != want {
			t.Fatalf("%q: got %s, want %s", s, got, want)
		}
		// Bare text is the same but for quotes, backslashes and tabs.
		bare := string(appendBare(nil, []byte(s)))
		if strings.ContainsAny(s, "\"\\\t") {
			return
		}
		if want := strconv.Quote(s); `"`+bare+`"` != want {
			t.Fatalf("%q: bare %s, quoted %s", s, bare, want)
		}
		if needsQuote([]byte(s)) != (s == "" || strings.ContainsAny(s, " =") || `"`+s+`"` != strconv.Quote(s)) {
			t.Fatalf("%q: needsQuote = %v", s, needsQuote([]byte(s)))
		}
	})
}

func TestNeedsQuote(t *testing.T) {
	for s, want := range map[string]bool{
		"": true, "a": false, "a b": true, "a=b": true, `a"b`: true, `C:\tmp`: false, "café": false,
		"\x1b": true, "\u00a0": true, "\u202e": true, "\xff": true, "a\tb": true, "\x7f": true, "[REDACTED]": false,
	} {
		if got := needsQuote([]byte(s)); got != want {
			t.Errorf("needsQuote(%q) = %v, want %v", s, got, want)
		}
	}
}
