//go:build !race

// The race detector allocates on its own, so these guards run without it.

package redact_test

import (
	"testing"

	"github.com/logweave/logweave/redact"
)

// TestStringDoesNotAllocate: String on text with nothing to mask costs no
// allocation, for clean text and for near misses that reach a handler or a
// validator (a number failing Luhn, a header that is not a JWT, ...), with
// every detector on.
func TestStringDoesNotAllocate(t *testing.T) {
	p, err := redact.New(redact.Config{Detectors: map[string]bool{redact.IP: true}})
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{
		"", "GET", "/api/v1/users/42", "request completed", "2026-11-21T10:00:00Z",
		"550e8400-e29b-41d4-a716-446655440000", "4bf92f3577b34da6a3ce929d0e0e4736",
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
		"4111111111111112", "4242 4242 4242 4241", "110105194912310021", "DE89370400440532013001",
		"eyJmb28iOiJiYXIifQ.eyJiYXIiOjF9.c2ln", "Basic auth failed", "the bearer token expired",
		"max_tokens=4096", `{"user":"bob"}`, "user@localhost", "lodash@4.17.21", "+12 34",
		"10:00:00 00:1a:2b:3c:4d:5e 300.1.2.3", "-----BEGIN PUBLIC KEY-----", "AKIA1234 ghp_x xoxb-1 sk_live_x",
		"status_code=200 zipcode=75001", "user[name]=ann&items[0][qty]=2&f%5Bstatus%5D=open",
		"next=%2Fdocs%3Fpage%3D2%26sort%3Dasc 100% done %zz",
		"--b\r\nContent-Disposition: form-data; name=\"avatar\"\r\n\r\nPNG\r\n--b--",
	}
	for _, s := range texts {
		if out, ok := p.String(s); ok {
			t.Fatalf("String(%q) masked %q: not a clean text", s, out)
		}
		if n := testing.AllocsPerRun(100, func() { p.String(s) }); n != 0 {
			t.Errorf("String(%q): %v allocations, want 0", s, n)
		}
	}
}

// TestKeyDoesNotAllocate: the key rule allocates nothing, whatever the key.
func TestKeyDoesNotAllocate(t *testing.T) {
	p := redact.Default()
	for _, k := range []string{"method", "http.request.method", "user_agent", "password", "X-Api-Key", "trace_id", "", "ｐａｓｓ",
		"code", "status_code", "user[password]", "a%5Bb%5D%5Bname%5D", "x[y]z"} {
		if n := testing.AllocsPerRun(100, func() { p.Key(k) }); n != 0 {
			t.Errorf("Key(%q): %v allocations, want 0", k, n)
		}
	}
}

// TestJSONDoesNotAllocate: JSON with nothing to mask in it, and no
// escapes in its strings, costs no allocation beyond dst.
func TestJSONDoesNotAllocate(t *testing.T) {
	p := redact.Default()
	dst := make([]byte, 0, 1024)
	for _, src := range []string{
		`{"user":"ann","n":[1,2.5,true,null],"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","deep":{"a":{"b":"c"}}}`,
		`"GET /api/v1/users/42"`, `[]`, `{"status_code":200,"zipcode":"75001"}`,
	} {
		if out, changed := p.JSON(dst, []byte(src)); changed || string(out) != src {
			t.Fatalf("JSON(%s) = %s: not a clean text", src, out)
		}
		b := []byte(src)
		if n := testing.AllocsPerRun(100, func() { p.JSON(dst, b) }); n != 0 {
			t.Errorf("JSON(%s): %v allocations, want 0", src, n)
		}
	}
}
