package pretty_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/logweave/logweave/pretty"
)

// FuzzWrite: whatever is written, Write returns len(p), nil, never
// panics, ends its output with a newline, and writes nothing a terminal
// would obey: without colour no ESC at all and no control byte but '\n';
// with colour, ESC only as part of the Writer's own colour sequences.
func FuzzWrite(f *testing.F) {
	for _, seed := range []string{
		withAttrs(`,"order_id":1042,"user":"Ada Lovelace","cart":{"items":3,"total":59.9},"tags":["a","b"]`),
		`{"time":"2026-11-21T10:22:33.123Z","level":"ERROR","source":{"function":"main.main","file":"/src/main.go","line":12},"msg":"panic","error.type":"panic","panic":"boom","stack":"goroutine 1 [running]:\nmain.main()\n\t/src/main.go:12 +0x1d\n"}` + "\n",
		`{"time":"2026-11-21T10:22:33.123Z","level":"INFO+2","msg":"m","password":"[REDACTED]","n":12345678901234567890}` + "\n",
		`{"msg":"\u001b[2J\u009b\u202e","k\u001b":"\ud83d\ude00\ud800","g":{"":{"x":null}}}`,
		"{\"msg\":\"\xff\xc2\x9b\"}\n",
		`{"msg":"one"}` + "\n" + `{"msg":"two"}` + "\nplain\r\n",
		`{"msg":"m","a":`,
		`[1,2,3]`,
		"\x1b[31mred\x00\n\n",
		`{"level":"WARN","time":1,"msg":2,"trace_id":"abc","span_id":"x","source":{"file":7}}`,
		"{\n\"msg\"\t:\r\"m\" }",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		for _, color := range []pretty.ColorMode{pretty.ColorNever, pretty.ColorAlways} {
			var buf bytes.Buffer
			w := pretty.NewWriter(&buf, &pretty.Options{Color: color, Location: time.UTC, ShowService: color == pretty.ColorAlways})
			n, err := w.Write(p)
			if n != len(p) || err != nil {
				t.Fatalf("Write(%q) = %d, %v; want %d, nil", p, n, err, len(p))
			}
			out := buf.Bytes()
			if len(p) > 0 && (len(out) == 0 || out[len(out)-1] != '\n') {
				t.Fatalf("Write(%q): output %q does not end in a newline", p, out)
			}
			if color == pretty.ColorNever && bytes.IndexByte(out, 0x1b) >= 0 {
				t.Fatalf("Write(%q): ESC without colour: %q", p, out)
			}
			checkSafe(t, p, out, color == pretty.ColorAlways)
		}
	})
}
