package stack

import (
	"fmt"
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
