package redact_test

import (
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/logweave/logweave/redact"
)

// ordinaryKeys are attribute keys of everyday log records, none sensitive.
var ordinaryKeys = []string{"method", "status", "http.request.method", "user_agent", "url.path", "duration_ms", "bytes", "error"}

// BenchmarkKey measures the key rule: ordinary keys, the cost every
// attribute of every record pays, then a sensitive and an allowlisted one,
// which walk the trie to the end.
func BenchmarkKey(b *testing.B) {
	p := redact.Default()
	for _, k := range append(ordinaryKeys, "db_password", "X-Api-Key", "trace_id") {
		b.Run(k, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p.Key(k)
			}
		})
	}
}

// shortClean are short string values without PII, as attribute values
// usually are.
var shortClean = []struct{ name, s string }{
	{"method", "GET"},
	{"path", "/api/v1/users/42"},
	{"userAgent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"},
	{"time", "2026-11-21T10:00:00Z"},
	{"uuid", "550e8400-e29b-41d4-a716-446655440000"},
	{"traceID", "4bf92f3577b34da6a3ce929d0e0e4736"},
	{"message", "request completed"},
}

// BenchmarkStringClean measures String on short values with nothing to
// mask: the fixed cost per call and the scan.
func BenchmarkStringClean(b *testing.B) {
	p := redact.Default()
	for _, c := range shortClean {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.s)))
			b.ReportAllocs()
			for b.Loop() {
				if _, ok := p.String(c.s); ok {
					b.Fatal("masked clean text")
				}
			}
		})
	}
}

// BenchmarkStringPII measures String on short values that hold one
// sensitive value each: the cost of finding, validating and masking.
func BenchmarkStringPII(b *testing.B) {
	p := redact.Default()
	for _, c := range []struct{ name, s string }{
		{"email", "login alice@example.com"},
		{"phone", "sms 13812345678"},
		{"card", "card 4111 1111 1111 1111"},
		{"jwt", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"},
		{"param", "/cb?access_token=ya29.a0AfH6SM"},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.s)))
			b.ReportAllocs()
			for b.Loop() {
				if _, ok := p.String(c.s); !ok {
					b.Fatal("found nothing")
				}
			}
		})
	}
}

// BenchmarkStringLong measures the scan rate on long clean text, and on
// hostile text made of trigger bytes and token prefixes, whose rate must
// stay of the same order (the scan is linear).
func BenchmarkStringLong(b *testing.B) {
	p := redact.Default()
	for _, c := range []struct{ name, s string }{
		{"clean", strings.Repeat("GET /api/v1/users/42 200 OK in 12.5ms from worker-3 (Mozilla/5.0 X11; Linux x86_64) ", 50)},
		{"hostile-prefixes", strings.Repeat("xoxb-github_pat_ghp_sk_live_AIza-eyJ.", 120)},
		{"hostile-triggers", strings.Repeat("a@b+1=2:\"-_A B 4242 ", 220)},
		{"hostile-digits", strings.Repeat("4242 ", 900)},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.s)))
			b.ReportAllocs()
			for b.Loop() {
				p.String(c.s)
			}
		})
	}
}

// BenchmarkRecord10 makes the calls a handler makes with the default
// policy for the core benchmark's record: String on the message, Key on
// each of the ten keys, String on the three string values.
func BenchmarkRecord10(b *testing.B) {
	p := redact.Default()
	attrs := []slog.Attr{
		slog.String("method", "GET"), slog.Int("status", 200), slog.Int64("bytes", 53211),
		slog.Float64("ratio", 0.734), slog.Bool("cached", true), slog.Duration("elapsed", 1234567),
		slog.Int64("started", 0), slog.Uint64("seq", 18446744073709551),
		slog.String("path", "/api/v1/users/12345/orders"),
		slog.String("user_agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"),
	}
	b.ReportAllocs()
	for b.Loop() {
		p.String("request completed")
		for _, a := range attrs {
			if p.Key(a.Key) == redact.Scan && a.Value.Kind() == slog.KindString {
				p.String(a.Value.String())
			}
		}
	}
}

// BenchmarkAny measures the struct walk on a struct with nothing to mask
// and on one with tagged, sensitive and scanned fields.
func BenchmarkAny(b *testing.B) {
	p := redact.Default()
	clean := &address{Street: "Main St 1", City: "Springfield"}
	u := newUser()
	b.Run("clean", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, ok := p.Any(clean); ok {
				b.Fatal("changed")
			}
		}
	})
	b.Run("user", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			p.Any(u)
		}
	})
	b.Run("user+encode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			out, _ := p.Any(u)
			if _, err := json.Marshal(out); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkStringForms measures String on the request parts that issue 13
// found leaking, without a secret in them (the cost every such line pays)
// and with: a form body with bracket keys, a multipart body, a URL with an
// encoded URL in its query.
func BenchmarkStringForms(b *testing.B) {
	p := redact.Default()
	part := func(name, value string) string {
		return "--XbCY\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n"
	}
	for _, c := range []struct{ name, s string }{
		{"form-clean", "user%5Bname%5D=ann&user%5Bemail_verified%5D=1&items%5B0%5D%5Bqty%5D=2&remember=1"},
		{"form-secret", "user%5Bname%5D=ann&user%5Bpassword%5D=hunter2&code=SplxlOBeZQQYbYS6WxSbIA"},
		{"multipart-clean", part("user", "ann") + part("avatar", strings.Repeat("PNGDATA ", 32)) + "--XbCY--\r\n"},
		{"multipart-secret", part("user", "ann") + part("password", "hunter2") + "--XbCY--\r\n"},
		{"next-clean", "/signin?next=%2Fdocs%3Fpage%3D2%26sort%3Dasc%26lang%3Den&theme=dark"},
		{"next-secret", "/signin?next=%2Fpassword%2Freset%3Ftoken%3DQ29mZmVlQ2FrZQ%26lang%3Den"},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.s)))
			b.ReportAllocs()
			for b.Loop() {
				p.String(c.s)
			}
		})
	}
}

// BenchmarkJSON measures JSON on what a MarshalJSON method typically
// writes: an object with nothing to mask (into a buffer with room, as
// the handler's is), and one with a sensitive member and an email
// address.
func BenchmarkJSON(b *testing.B) {
	p := redact.Default()
	for _, c := range []struct{ name, s string }{
		{"clean", `{"id":42,"name":"Alice","roles":["admin","dev"],"created":"2026-11-21T10:00:00Z","address":{"street":"Main St 1","city":"Springfield"},"active":true}`},
		{"pii", `{"id":42,"name":"Alice","email":"alice@example.com","password":"hunter2","address":{"street":"Main St 1","city":"Springfield"},"active":true}`},
	} {
		b.Run(c.name, func(b *testing.B) {
			src := []byte(c.s)
			dst := make([]byte, 0, 1024)
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				p.JSON(dst, src)
			}
		})
	}
}
