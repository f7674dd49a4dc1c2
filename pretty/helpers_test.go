package pretty_test

import (
	"bytes"
	"regexp"
	"strconv"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/logweave/logweave/pretty"
)

// plain is the Options of most tests: no colour, UTC, so that the
// expected lines are the same on every machine.
func plain() *pretty.Options {
	return &pretty.Options{Color: pretty.ColorNever, Location: time.UTC}
}

// render writes in through a new Writer with opts and returns what came
// out, failing the test unless Write reported len(in), nil.
func render(t testing.TB, opts *pretty.Options, in string) string {
	t.Helper()
	var buf bytes.Buffer
	n, err := pretty.NewWriter(&buf, opts).Write([]byte(in))
	if n != len(in) || err != nil {
		t.Fatalf("Write(%q) = %d, %v; want %d, nil", in, n, err, len(in))
	}
	return buf.String()
}

// sgr matches the colour sequences the Writer writes.
var sgr = regexp.MustCompile(`\x1b\[[0-9;]+m`)

// checkSafe fails unless out is what may reach a terminal: valid UTF-8
// of printable runes and '\n' alone, and, when colour is on, ESC only as
// the start of a colour sequence.
func checkSafe(t testing.TB, in []byte, out []byte, color bool) {
	t.Helper()
	if color {
		out = sgr.ReplaceAll(out, nil)
	}
	if !utf8.Valid(out) {
		t.Fatalf("input %q: output is not valid UTF-8: %q", in, out)
	}
	for i, r := range string(out) {
		if r != '\n' && !strconv.IsPrint(r) {
			t.Fatalf("input %q: unprintable %U at byte %d of the output %q", in, r, i, out)
		}
	}
}
