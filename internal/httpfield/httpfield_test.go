package httpfield_test

import (
	"fmt"
	"testing"

	"github.com/logweave/logweave/internal/httpfield"
)

func TestTrimOWS(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "a": "a", " \ta b\t ": "a b", "\t\t": "", " x": "x", "x ": "x", "\nx\n": "\nx\n",
	} {
		if got := httpfield.TrimOWS(in); got != want {
			t.Errorf("TrimOWS(%q) = %q, want %q", in, got, want)
		}
	}
}

func ExampleTrimOWS() {
	fmt.Printf("%q\n", httpfield.TrimOWS(" \tfor=192.0.2.60 "))
	// Output: "for=192.0.2.60"
}
