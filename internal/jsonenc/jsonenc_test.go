package jsonenc_test

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/logweave/logweave/internal/jsonenc"
)

// sanitized is what a JSON string must decode to for s: each invalid
// UTF-8 byte replaced by U+FFFD (ranging over a string yields exactly that).
func sanitized(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteRune(r)
	}
	return b.String()
}

func checkString(t *testing.T, s string) {
	t.Helper()
	out := jsonenc.AppendString([]byte("prefix:"), s)
	if !strings.HasPrefix(string(out), "prefix:") {
		t.Fatalf("the destination was overwritten: %q", out)
	}
	out = out[len("prefix:"):]
	if !json.Valid(out) || !utf8.Valid(out) {
		t.Fatalf("AppendString(%q) = %q: not valid JSON", s, out)
	}
	for _, c := range out {
		if c < 0x20 {
			t.Fatalf("AppendString(%q) = %q: raw control byte", s, out)
		}
	}
	var got string
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if want := sanitized(s); got != want {
		t.Fatalf("AppendString(%q) decodes to %q, want %q", s, got, want)
	}
	if strings.ContainsAny(string(out), "\u2028\u2029") {
		t.Fatalf("AppendString(%q) = %q: U+2028/U+2029 left raw", s, out)
	}
}

var stringSeeds = []string{
	"", "plain ascii text that is long enough for the eight-byte loop",
	"quote\" backslash\\ newline\n return\r tab\t nul\x00 esc\x1b del\x7f",
	"\xff", "a\xffb", "\xc3\x28", "\xe2\x82", "é漢字😀", "\u2028\u2029", "<script>&amp;</script>",
	"12345678\"", "1234567\x80", strings.Repeat("x", 1000) + "\x01",
}

func TestAppendString(t *testing.T) {
	for _, s := range stringSeeds {
		checkString(t, s)
	}
	// Every single byte value, alone and inside clean eight-byte words,
	// so both the word loop and the byte loop meet it.
	for b := range 256 {
		checkString(t, string([]byte{byte(b)}))
		checkString(t, "abcdefgh"+string([]byte{byte(b)})+"ijklmnopq")
	}
	// Every length up to three words, with one byte that needs escaping at
	// every position: the word loop, the overlapping tail word and the
	// short-string word must each see it wherever it is.
	for n := 1; n <= 24; n++ {
		for pos := range n {
			for _, b := range []byte{0x00, 0x1f, '"', '\\', 0x80, 0xff} {
				s := []byte(strings.Repeat("k", n))
				s[pos] = b
				checkString(t, string(s))
			}
		}
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range stringSeeds {
		f.Add(s)
	}
	f.Fuzz(checkString)
}

func TestAppendFloat(t *testing.T) {
	for _, v := range []float64{0, math.Copysign(0, -1), 1, -1.5, 1e-6, 1e-7, 9.999e-7, 1e20, 1e21, 123456789e13,
		math.MaxFloat64, math.SmallestNonzeroFloat64, 1.0 / 3, 0.1 + 0.2, -2.5e-10} {
		checkFloat(t, v)
	}
	for v, want := range map[float64]string{math.NaN(): `"NaN"`, math.Inf(1): `"+Inf"`, math.Inf(-1): `"-Inf"`} {
		if got := string(jsonenc.AppendFloat(nil, v)); got != want {
			t.Errorf("AppendFloat(%v) = %s, want %s", v, got, want)
		}
	}
}

// checkFloat compares with encoding/json, byte for byte: slog.JSONHandler
// writes floats through it, and logweave promises the same output.
func checkFloat(t *testing.T, v float64) {
	t.Helper()
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return
	}
	want, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if got := jsonenc.AppendFloat(nil, v); string(got) != string(want) {
		t.Fatalf("AppendFloat(%v) = %s, encoding/json writes %s", v, got, want)
	}
}

func FuzzAppendFloat(f *testing.F) {
	for _, v := range []float64{0, 1e-7, 1e21, 3.25, -1e-300} {
		f.Add(v)
	}
	f.Fuzz(checkFloat)
}

var zones = []*time.Location{
	time.UTC, time.FixedZone("", 0), time.FixedZone("CST", 8*3600), time.FixedZone("NST", -(3*3600 + 30*60)),
	time.FixedZone("LMT", 17*60+33), time.FixedZone("odd", -(5*3600 + 59)), time.FixedZone("huge", 150*3600),
}

// checkTimes compares both time formats with the time package's own.
func checkTimes(t *testing.T, tm time.Time) {
	t.Helper()
	want := `"` + tm.Format(time.RFC3339Nano) + `"`
	if got := string(jsonenc.AppendTimeRFC3339Nano(nil, tm)); got != want {
		t.Fatalf("AppendTimeRFC3339Nano(%v) = %s, want %s", tm, got, want)
	}
	wantMs := tm.UTC().Format("2006-01-02T15:04:05.000Z07:00")
	if got := string(jsonenc.AppendTimeMillis(nil, tm)); got != wantMs {
		t.Fatalf("AppendTimeMillis(%v) = %s, want %s", tm, got, wantMs)
	}
}

func TestAppendTimes(t *testing.T) {
	for _, z := range zones {
		for _, tm := range []time.Time{
			time.Date(2026, 11, 21, 10, 22, 33, 123_456_789, z), time.Date(2024, 2, 29, 23, 59, 59, 999_999_999, z),
			time.Date(1970, 1, 1, 0, 0, 0, 0, z), time.Date(1969, 12, 31, 23, 59, 59, 1, z),
			time.Date(0, 1, 1, 0, 0, 0, 0, z), time.Date(9999, 12, 31, 23, 59, 59, 100, z),
			time.Date(-1, 6, 1, 0, 0, 0, 0, z), time.Date(10000, 1, 1, 0, 0, 0, 0, z), time.Date(1900, 3, 1, 0, 0, 0, 10, z),
			time.Now().In(z), {},
		} {
			checkTimes(t, tm)
		}
	}
	local := time.Now()
	checkTimes(t, local)
}

func FuzzAppendTimes(f *testing.F) {
	f.Add(int64(0), int64(0), 0)
	f.Add(int64(1_795_000_000), int64(123_000_000), 8*3600)
	f.Add(int64(-62_135_596_800), int64(1), -59)
	f.Fuzz(func(t *testing.T, sec, nsec int64, offset int) {
		checkTimes(t, time.Unix(sec, nsec).In(time.FixedZone("z", offset%(200*3600))))
	})
}

func ExampleAppendString() {
	line := []byte(`{"msg":`)
	line = jsonenc.AppendString(line, "bad \xff byte, \"quote\" and\nnewline")
	line = append(line, `,"time":"`...)
	line = jsonenc.AppendTimeMillis(line, time.Date(2026, 11, 21, 18, 22, 33, 123_999_999, time.FixedZone("CST", 8*3600)))
	line = append(line, `"}`...)
	fmt.Println(string(line))
	// Output: {"msg":"bad \ufffd byte, \"quote\" and\nnewline","time":"2026-11-21T10:22:33.123Z"}
}

func TestAppendUnescaped(t *testing.T) {
	for in, want := range map[string]string{
		`plain`:                  "plain",
		`a\"b\\c\/d`:             `a"b\c/d`,
		`\b\f\n\r\t`:             "\b\f\n\r\t",
		`\u00e9\u00E9`:           "éé",
		`\ud83d\ude00`:           "\U0001F600",
		`\ud83d`:                 "\uFFFD",
		`\ud83dx`:                "\uFFFDx",
		`\ude00\ud83d`:           "\uFFFD\uFFFD",
		`\ud83d\u0041`:           "\uFFFDA",
		`\u001b`:                 "\x1b",
		"\xff":                   "\xff",
		`\uzzzz`:                 "\uFFFDzzzz",
		`trailing\`:              "trailing",
		`\u12`:                   "\uFFFD12",
		`mixed \u0041 and \n ok`: "mixed A and \n ok",
	} {
		if got := string(jsonenc.AppendUnescaped(nil, []byte(in))); got != want {
			t.Errorf("%s: got %q, want %q", in, got, want)
		}
	}
}

// FuzzAppendUnescaped: for the content of any valid JSON string,
// AppendUnescaped decodes what encoding/json decodes.
func FuzzAppendUnescaped(f *testing.F) {
	for _, s := range []string{`plain`, `a\"b\\c`, `\u00e9`, `\ud83d\ude00`, `\ud83d`, `\n\t`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, content string) {
		quoted := []byte(`"` + content + `"`)
		var want string
		if json.Unmarshal(quoted, &want) != nil {
			return // not the content of a valid JSON string
		}
		if got := string(jsonenc.AppendUnescaped(nil, []byte(content))); string([]rune(got)) != want { // []rune: invalid bytes as U+FFFD, as encoding/json reads them
			t.Fatalf("%q: got %q, encoding/json %q", content, got, want)
		}
	})
}
