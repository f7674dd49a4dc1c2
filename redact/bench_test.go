package redact_test

import (
	"strings"
	"testing"

	"github.com/logweave/logweave/redact"
)

// ordinaryKeys are attribute keys of everyday log records, none sensitive.
var ordinaryKeys = []string{"method", "status", "http.request.method", "user_agent", "url.path", "duration_ms", "bytes", "error"}

// BenchmarkKey measures the key rule on ordinary keys, the cost every
// attribute of every record pays.
func BenchmarkKey(b *testing.B) {
	p := redact.Default()
	for _, k := range append(ordinaryKeys, "password", "X-Api-Key", "trace_id") {
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
var shortClean = map[string]string{
	"method":    "GET",
	"path":      "/api/v1/users/42",
	"userAgent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
	"time":      "2026-11-21T10:00:00Z",
	"uuid":      "550e8400-e29b-41d4-a716-446655440000",
	"traceID":   "4bf92f3577b34da6a3ce929d0e0e4736",
	"message":   "request completed",
}

// BenchmarkStringClean measures String on short values with nothing to
// mask: the fixed cost per call and the scan.
func BenchmarkStringClean(b *testing.B) {
	p := redact.Default()
	for _, name := range []string{"method", "path", "userAgent", "time", "uuid", "traceID", "message"} {
		s := shortClean[name]
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(s)))
			b.ReportAllocs()
			for b.Loop() {
				if _, ok := p.String(s); ok {
					b.Fatal("masked clean text")
				}
			}
		})
	}
}

// BenchmarkStringLong measures the scan rate on a long clean text.
func BenchmarkStringLong(b *testing.B) {
	p := redact.Default()
	s := strings.Repeat("GET /api/v1/users/42 200 OK in 12.5ms from worker-3 (Mozilla/5.0 X11; Linux x86_64) ", 50)
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		p.String(s)
	}
}
