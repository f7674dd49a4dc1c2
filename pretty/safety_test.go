package pretty_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/logweave/logweave/pretty"
)

// TestEscapeInjection: a control character or an invisible format
// character from a log line never reaches the terminal as it is, wherever
// in the line it is, with colour on or off.
func TestEscapeInjection(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want string // without colour
	}{
		{"ESC in a value", `{"msg":"m","ua":"curl\u001b[2J\u001b]0;pwned\u0007"}`, `m  ua="curl\x1b[2J\x1b]0;pwned\a"`},
		{"ESC in the message", `{"msg":"login \u001b[32mOK\u001b[0m"}`, `login \x1b[32mOK\x1b[0m`},
		{"ESC in a key", `{"msg":"m","k\u001b[8m":1}`, `m  "k\x1b[8m"=1`},
		{"ESC in a group", `{"msg":"m","g\u001b":{"k":1}}`, `m  "g\x1b.k"=1`},
		{"ESC in an array", `{"msg":"m","a":["\u001b[2J"]}`, `m  a=["\x1b[2J"]`},
		{"ESC in the level", `{"level":"INFO\u001b[2J","msg":"m"}`, `INFO\x1b[2J m`},
		{"ESC in the time", `{"time":"\u001b[2J","msg":"m"}`, `\x1b[2J m`},
		{"ESC in the source", `{"source":{"file":"/x/\u001b[2J.go","line":1},"msg":"m"}`, `x/\x1b[2J.go:1 m`},
		{"ESC in a trace id", `{"msg":"m","trace_id":"4bf9\u001b"}`, `m  trace_id="4bf9\x1b"`},
		{"ESC in a stack", `{"msg":"m","stack":"line one\n\u001b[1Aline two"}`, "m\n  stack:\n    line one\n    \\x1b[1Aline two"},
		{"ESC in a block's key", `{"msg":"m","k\u001b":"a\nb"}`, "m\n  \"k\\x1b\":\n    a\n    b"},
		{"C1 CSI", `{"msg":"\u009b2J","v":"\u009b2J"}`, `\u009b2J  v="\u009b2J"`},
		{"DEL, NUL, carriage return", `{"msg":"a\u007fb\u0000c\rd","v":"\u0000"}`, `a\x7fb\x00c\rd  v="\x00"`},
		{"bidirectional override", `{"msg":"\u202etxt.exe","v":"\u202e"}`, `\u202etxt.exe  v="\u202e"`},
		{"line separator", `{"msg":"a\u2028b"}`, `a\u2028b`},
		{"tab", `{"msg":"a\tb","v":"a\tb"}`, `a    b  v="a\tb"`},
		{"raw invalid UTF-8", "{\"msg\":\"a\x9b2Jb\",\"v\":\"\xff\"}", `a\x9b2Jb  v="\xff"`},
		{"raw C1 in UTF-8", "{\"msg\":\"a\xc2\x9b2J\"}", `a\u009b2J`},
		{"text with ESC", "plain \x1b[2J text\n", `plain \x1b[2J text`},
		{"text with invalid UTF-8", "\xff\xfe\x9b\n", `\xff\xfe\x9b`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := render(t, plain(), tc.in)
			if got != tc.want+"\n" {
				t.Errorf("got:  %q\nwant: %q", got, tc.want+"\n")
			}
			checkSafe(t, []byte(tc.in), []byte(got), false)
			if strings.ContainsRune(got, 0x1b) {
				t.Errorf("ESC without colour: %q", got)
			}
			colored := render(t, &pretty.Options{Color: pretty.ColorAlways, Location: time.UTC}, tc.in)
			checkSafe(t, []byte(tc.in), []byte(colored), true)
		})
	}
}

// TestMalformed: whatever is written, Write reports success and writes
// the text as it is (escaped) with a newline; it never fails or panics.
func TestMalformed(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"not JSON", "hello world\n", "hello world\n"},
		{"no newline", "hello", "hello\n"},
		{"truncated", `{"msg":"m","a":`, `{"msg":"m","a":` + "\n"},
		{"truncated string", `{"msg":"m`, `{"msg":"m` + "\n"},
		{"array", `[{"msg":"m"}]` + "\n", `[{"msg":"m"}]` + "\n"},
		{"number", "42\n", "42\n"},
		{"string", `"msg"` + "\n", `"msg"` + "\n"},
		{"two objects on a line", `{"msg":"a"}{"msg":"b"}` + "\n", `{"msg":"a"}{"msg":"b"}` + "\n"},
		{"object and garbage", `{"msg":"a"} x` + "\n", `{"msg":"a"} x` + "\n"},
		{"invalid escape", `{"msg":"\x"}` + "\n", `{"msg":"\x"}` + "\n"},
		{"raw control in a string", "{\"msg\":\"a\x1bb\"}\n", `{"msg":"a\x1bb"}` + "\n"},
		{"newline alone", "\n", "\n"},
		{"blank lines", "\n\n", "\n\n"},
		{"CRLF", "text\r\n", "text\n"},
		{"lone CR", "a\rb", `a\rb` + "\n"},
		{"text then JSON", "text\n" + `{"msg":"m"}` + "\n", "text\nm\n"},
		{"binary", "\x00\x01\x02\xff", `\x00\x01\x02\xff` + "\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := render(t, plain(), tc.in)
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			checkSafe(t, []byte(tc.in), []byte(got), false)
		})
	}
}

func TestEmptyWrite(t *testing.T) {
	var buf bytes.Buffer
	if n, err := pretty.NewWriter(&buf, plain()).Write(nil); n != 0 || err != nil || buf.Len() != 0 {
		t.Errorf("Write(nil) = %d, %v and wrote %q; want 0, nil and nothing", n, err, buf.Bytes())
	}
}

type failingWriter struct{ n int }

func (f failingWriter) Write(p []byte) (int, error) {
	if f.n >= 0 {
		return min(f.n, len(p)), nil
	}
	return 0, errors.New("disk on fire")
}

// TestWriterError: the underlying writer's error is returned, and a short
// write without one is io.ErrShortWrite; the count is then 0, since no
// part of the output maps to a part of the input.
func TestWriterError(t *testing.T) {
	if n, err := pretty.NewWriter(failingWriter{-1}, plain()).Write([]byte(`{"msg":"m"}`)); n != 0 || err == nil || err.Error() != "disk on fire" {
		t.Errorf("failing writer: %d, %v", n, err)
	}
	if n, err := pretty.NewWriter(failingWriter{1}, plain()).Write([]byte(`{"msg":"m"}`)); n != 0 || err == nil || err.Error() != "short write" {
		t.Errorf("short writer: %d, %v", n, err)
	}
}

// TestHugeInput: large values are shown whole, and the work and the
// output grow linearly with the input, whatever its shape.
func TestHugeInput(t *testing.T) {
	big := strings.Repeat("x", 4<<20)
	out := render(t, plain(), `{"msg":"`+big+`","v":"`+big+`"}`)
	if len(out) != 2*len(big)+len("  v=\n") {
		t.Errorf("huge values: %d bytes out", len(out))
	}

	// A long key over many members: flattened, the key would be printed
	// once per member, n²/4 bytes for a line of n.
	var b strings.Builder
	b.WriteString(`{"msg":"m","` + strings.Repeat("k", 1<<20) + `":{`)
	for i := range 100_000 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"a":1`)
	}
	b.WriteString("}}")
	in := b.String()
	start := time.Now()
	out = render(t, plain(), in)
	if len(out) > 2*len(in) {
		t.Errorf("long group key: %d bytes in, %d out", len(in), len(out))
	}
	if !strings.Contains(out, `={"a":1,"a":1,`) {
		t.Errorf("long group key: not shown as JSON: %.200q", out)
	}

	// Many levels of nesting under short keys: flattened up to the bound
	// on the key, JSON below it.
	deep := strings.Repeat(`{"a":`, 5000) + "1" + strings.Repeat("}", 5000)
	in = `{"msg":"m","d":` + deep + "}"
	out = render(t, plain(), in)
	if len(out) > 2*len(in) || !strings.Contains(out, "d.a.a.a.a") || !strings.HasSuffix(out, "1"+strings.Repeat("}", 5000-64)+"\n") {
		t.Errorf("deep nesting: %d bytes in, %d out: %.200q...", len(in), len(out), out)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %v", d)
	}
}
