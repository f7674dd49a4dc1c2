package stack

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestBounded(t *testing.T) {
	full := Bounded(1 << 20)
	if !strings.Contains(full, "TestBounded") {
		t.Fatalf("stack lacks the caller: %s", full)
	}
	short := Bounded(200)
	if len(short) > 200+len("...(stack truncated)\n") || !strings.HasSuffix(short, "...(stack truncated)\n") {
		t.Fatalf("not bounded: %d bytes: %q", len(short), short)
	}
	if got := cut([]byte("a\nbb\nccc\n"), 6); got != "a\nbb\n...(stack truncated)\n" {
		t.Fatalf("cut at a line boundary: %q", got)
	}
	if got := cut([]byte("short\n"), 100); got != "short\n" {
		t.Fatalf("uncut: %q", got)
	}
}

func ExampleBounded() {
	s := Bounded(100)
	fmt.Println(len(s) <= 100+len("...(stack truncated)\n"), strings.HasPrefix(s, "goroutine "))
	// Output: true true
}

func TestValue(t *testing.T) {
	type login struct{ User, Password string }
	err := fmt.Errorf("boom")
	if v := Value("boom"); v.Kind() != slog.KindString || v.String() != "boom" {
		t.Errorf("string: %v", v)
	}
	if v := Value(err); v.Kind() != slog.KindAny || v.Any() != err {
		t.Errorf("error: %v", v)
	}
	if v := Value(login{"bob", "hunter2"}); v.Kind() != slog.KindAny || v.Any() != (login{"bob", "hunter2"}) {
		t.Errorf("struct not kept as a value: %v", v)
	}
	if v := Value(make(chan int)); v.Kind() != slog.KindString || !strings.HasPrefix(v.String(), "0x") {
		t.Errorf("chan: %v", v)
	}
	if v := Value(complex(1, 2)); v.Kind() != slog.KindString || v.String() != "(1+2i)" {
		t.Errorf("complex: %v", v)
	}
}
