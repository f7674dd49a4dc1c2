package logtest

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// PanicCase is a value a handler panics with, for the middleware tests
// that check what the access line says of it: Secret ("" for none) must
// not appear in what was written, Keep must appear in the logged value.
type PanicCase struct {
	Name         string
	Value        any
	Secret, Keep string
}

type credentials struct{ User, Password string }

// PanicCases are the panic values every middleware that recovers panics
// is checked with: structured values whose secrets only their field and
// key names reveal (fmt.Sprint's "{bob hunter2}" has none), strings and
// errors, which stay text, and a value encoding/json cannot write.
var PanicCases = []PanicCase{
	{"struct", credentials{"bob", "hunter2"}, "hunter2", "bob"},
	{"pointer", &credentials{"bob", "hunter2"}, "hunter2", "bob"},
	{"map", map[string]string{"token": "abc123", "user": "bob"}, "abc123", "bob"},
	{"string", "boom in the handler", "", "boom in the handler"},
	{"error", errors.New("boom: an error"), "", "boom: an error"},
	{"number", 42, "", "42"},
	{"complex", complex(1, 2), "", "(1+2i)"}, // encoding/json cannot write it: its text
}

// CheckPanic checks the value logged under key in line, one of the lines
// sink holds, against c.
func CheckPanic(t testing.TB, sink *Sink, line map[string]any, key string, c PanicCase) {
	t.Helper()
	if c.Secret != "" && strings.Contains(sink.String(), c.Secret) {
		t.Errorf("the secret is in the line: %s = %v", key, line[key])
	}
	if got, _ := json.Marshal(line[key]); !strings.Contains(string(got), c.Keep) {
		t.Errorf("%s = %s, want it to show %q", key, got, c.Keep)
	}
}
