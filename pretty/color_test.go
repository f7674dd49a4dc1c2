package pretty_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/logweave/logweave/pretty"
)

// clearColorEnv unsets what ColorAuto reads, for the test.
func clearColorEnv(t *testing.T) {
	t.Setenv("NO_COLOR", "")
	t.Setenv("FORCE_COLOR", "")
	t.Setenv("TERM", "xterm-256color")
}

func TestColorLayout(t *testing.T) {
	clearColorEnv(t)
	in := withAttrs(`,"order_id":1042,"error":"card declined","err.code":"x"`) +
		`{"level":"ERROR","source":{"file":"/a/b/c.go","line":9},"msg":"boom","stack":"s1\ns2"}` + "\n"
	got := render(t, &pretty.Options{Color: pretty.ColorAlways, Location: time.UTC}, in)
	want := "\x1b[2m10:22:33.123\x1b[0m \x1b[32mINFO\x1b[0m  \x1b[1morder placed\x1b[0m  " +
		"\x1b[36mrequest_id=\x1b[0mreq-42 \x1b[36morder_id=\x1b[0m1042 \x1b[31merror=\"card declined\"\x1b[0m " +
		"\x1b[36merr.code=\x1b[0mx \x1b[2mtrace=4bf92f35\x1b[0m\n" +
		"\x1b[31mERROR\x1b[0m \x1b[2mb/c.go:9\x1b[0m \x1b[1mboom\x1b[0m\n" +
		"  \x1b[36mstack:\x1b[0m\n    s1\n    s2\n"
	if got != want {
		t.Errorf("got:\n%q\nwant:\n%q", got, want)
	}
	// Without colour, the same text.
	if plainText := render(t, plain(), in); plainText != sgr.ReplaceAllString(want, "") {
		t.Errorf("without colour:\n%q\nwant:\n%q", plainText, sgr.ReplaceAllString(want, ""))
	}
}

func TestLevelColors(t *testing.T) {
	for level, sgr := range map[string]string{
		"TRACE": "\x1b[2;34m", "DEBUG-2": "\x1b[2;34m", "DEBUG": "\x1b[34m", "INFO-1": "\x1b[34m",
		"INFO": "\x1b[32m", "info": "\x1b[32m", "INFO+2": "\x1b[32m", "WARN": "\x1b[33m", "WARNING": "\x1b[33m",
		"ERROR": "\x1b[31m", "ERROR+3": "\x1b[31m", "FATAL": "\x1b[1;35m", "FATAL+4": "\x1b[1;35m", "ERROR+4": "\x1b[1;35m",
	} {
		got := render(t, &pretty.Options{Color: pretty.ColorAlways}, `{"level":"`+level+`"}`)
		if want := sgr + level + "\x1b[0m\n"; got != want {
			t.Errorf("%s: got %q, want %q", level, got, want)
		}
	}
	for _, level := range []string{"NOTICE", "INFOX", "INFO+", "INFO+x", "WARN+99999"} {
		got := render(t, &pretty.Options{Color: pretty.ColorAlways}, `{"level":"`+level+`"}`)
		if want := level + "\n"; got != want {
			t.Errorf("%s: got %q, want no colour", level, got)
		}
	}
}

func colored(t *testing.T, w *bytes.Buffer) bool {
	t.Helper()
	return strings.Contains(w.String(), "\x1b[")
}

func TestColorAuto(t *testing.T) {
	in := []byte(`{"level":"INFO","msg":"m"}` + "\n")
	write := func(mode pretty.ColorMode) bool {
		var buf bytes.Buffer
		if _, err := pretty.NewWriter(&buf, &pretty.Options{Color: mode}).Write(in); err != nil {
			t.Fatal(err)
		}
		return colored(t, &buf)
	}
	clearColorEnv(t)
	if write(pretty.ColorAuto) {
		t.Error("auto on a bytes.Buffer: coloured")
	}
	if !write(pretty.ColorAlways) {
		t.Error("always: not coloured")
	}
	if write(pretty.ColorNever) {
		t.Error("never: coloured")
	}
	t.Setenv("NO_COLOR", "1")
	if !write(pretty.ColorAlways) {
		t.Error("always with NO_COLOR: not coloured; an explicit setting wins")
	}
	t.Setenv("NO_COLOR", "")
	t.Setenv("FORCE_COLOR", "1")
	if !write(pretty.ColorAuto) {
		t.Error("auto with FORCE_COLOR on a bytes.Buffer: not coloured")
	}
	if write(pretty.ColorNever) {
		t.Error("never with FORCE_COLOR: coloured")
	}
	t.Setenv("NO_COLOR", "1")
	if !write(pretty.ColorAuto) {
		t.Error("auto with FORCE_COLOR and NO_COLOR: not coloured; FORCE_COLOR wins, as force-color.org has it")
	}
	if write(pretty.ColorMode(42)) {
		t.Error("an unknown mode: coloured")
	}
}

func TestColorModeText(t *testing.T) {
	for _, m := range []pretty.ColorMode{pretty.ColorAuto, pretty.ColorAlways, pretty.ColorNever} {
		b, err := m.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back pretty.ColorMode
		if err := back.UnmarshalText(b); err != nil || back != m || string(b) != m.String() {
			t.Errorf("%v: %q, %v, %v", m, b, back, err)
		}
	}
	var m pretty.ColorMode
	if err := m.UnmarshalText([]byte("rainbow")); err == nil || !strings.Contains(err.Error(), `"rainbow"`) {
		t.Errorf("rainbow: %v", err)
	}
	if _, err := pretty.ColorMode(7).MarshalText(); err == nil {
		t.Error("ColorMode(7) marshalled")
	}
	if s := pretty.ColorMode(7).String(); s != "ColorMode(7)" {
		t.Errorf("String: %q", s)
	}
	var c struct{ Color pretty.ColorMode }
	if err := json.Unmarshal([]byte(`{"Color":"always"}`), &c); err != nil || c.Color != pretty.ColorAlways {
		t.Errorf("JSON: %v, %v", c.Color, err)
	}
}
