package bench

import (
	"context"
	"encoding/base64"
	"log/slog"
	"math/big"
	"regexp"
	"strings"
	"testing"

	"github.com/logweave/logweave/redact"
)

// cleanLog is ordinary log text without personal data or secrets: access
// lines, SQL, JSON bodies, ids, times, versions, stack frames. It is what
// most scanned text looks like, so its scan rate is the one that matters.
var cleanLog = strings.Repeat(`2026-11-21T10:00:00.123Z INFO request completed method=GET path=/api/v1/users/12345/orders?page=2&limit=50 status=200 bytes=53211 duration=12.345ms
trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7 request_id=550e8400-e29b-41d4-a716-446655440000
user_agent="Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
db.statement="SELECT id, name, created_at FROM orders WHERE customer_id = $1 AND status IN ('paid', 'shipped') LIMIT 50"
{"event":"order.created","order_id":"ORD-2026-000123","amount":1299.99,"currency":"EUR","items":3,"version":"v1.26.8"}
upstream connect error or disconnect/reset before headers. retried and the latest reset reason: connection timeout
goroutine 42 [running]: main.(*Server).handle(0xc000123456, {0x7f3a2b1c4d5e, 0xc0001a2b3c}) /app/server.go:128 +0x1a4
cache hit ratio 0.734 over 18446744073709551 lookups; gc pause 1.2ms; heap 512MiB; build 3f9a1c2 go1.26.8 linux/amd64
`, 4)

// piiLog is the same kind of text with personal data and secrets of every
// kind the default detectors look for.
var piiLog = strings.Repeat(`2026-11-21T10:00:00.123Z WARN login failed email=alice.smith@example.com phone=+8613812345678 from 203.0.113.7
callback /oauth/cb?code=abc&access_token=ya29.a0AfH6SMBxXyZ&state=xyz Authorization: Bearer mF_9.B5f-4.1JqM0aZ
payment card 4111 1111 1111 1111 declined for 身份证 11010519491231002X, refund to DE89 3704 0044 0532 0130 00
{"user":"bob","password":"hunter2","jwt":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"}
dsn=postgres://admin:S3cr3t@db.internal:5432/app key=AKIAIOSFODNN7EXAMPLE gh=ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8
request completed method=GET path=/api/v1/users/12345/orders status=200 bytes=53211 duration=12.345ms sms to 13912345678
`, 4)

// piiSecrets are the values in piiLog that every implementation must
// mask.
var piiSecrets = []string{
	"alice.smith@example.com", "13812345678", "ya29.a0AfH6SMBxXyZ", "mF_9.B5f-4.1JqM0aZ", "4111 1111 1111 1111",
	"11010519491231002X", "3704 0044 0532", "hunter2", "eyJzdWIiOiIxMjM0NTY3ODkwIn0", "S3cr3t",
	"AKIAIOSFODNN7EXAMPLE", "ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8", "13912345678",
}

// regexpRedactor is the peer: the default policy's detectors written as Go
// regexps, one per detector, each followed by the same validator (Luhn,
// MOD 11-2, MOD 97, the JWT header) in ReplaceAllStringFunc. It is how
// regexp-based maskers (m-mizutani/masq among them) are built; masq
// itself cannot be downloaded here.
type regexpRedactor struct {
	rules []regexpRule
}

type regexpRule struct {
	re    *regexp.Regexp
	valid func(match string) bool // nil: every match is masked
	group int                     // the submatch to mask; 0 for the whole match
}

func newRegexpRedactor() *regexpRedactor {
	// Unanchored on the left, a key matches as a suffix of a longer one
	// (db_password=), like the policy's key rule.
	sensitiveKeys := `(?i:password|passwd|pwd|passphrase|secret|token|api_?key|access_?key|secret_?key|private_?key|signature|authorization|cookie|session|session_?id|credentials?|credit_?card|card_?number|cvv|cvc|ssn|id_?card|sig)`
	return &regexpRedactor{rules: []regexpRule{
		{re: regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----([\s\S]*?)(?:-----END |$)`), group: 1},
		{re: regexp.MustCompile(`\b[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]*:([^/\s@]+)@`), group: 1},
		{re: regexp.MustCompile(`\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*`), valid: jwtHeaderOK},
		{re: regexp.MustCompile(`(?i)\b(?:bearer|basic) +([A-Za-z0-9\-._~+/]{8,}=*)`), group: 1},
		{re: regexp.MustCompile(`(?:` + sensitiveKeys + `)=([^&\s"',;#)\]}<>]+)`), group: 1},
		{re: regexp.MustCompile(`"[A-Za-z0-9_.-]*` + sensitiveKeys + `"\s*:\s*"([^"]*)"`), group: 1},
		{re: regexp.MustCompile(`[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,63}`)},
		{re: regexp.MustCompile(`\b(?:AKIA|ASIA)[A-Z0-9]{16}\b`)},
		{re: regexp.MustCompile(`\b(?:gh[pousr]_[A-Za-z0-9]{30,255}|github_pat_[A-Za-z0-9_]{40,255})\b`)},
		{re: regexp.MustCompile(`\bxox[abposr]-[A-Za-z0-9-]{10,}`)},
		{re: regexp.MustCompile(`\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}\b`)},
		{re: regexp.MustCompile(`\bAIza[A-Za-z0-9_-]{35}\b`)},
		{re: regexp.MustCompile(`\b[1-9]\d{16}[\dXx]\b`), valid: cnIDOK},
		{re: regexp.MustCompile(`\b[2-6]\d{3}(?:[ -]?\d{3,6}){2,4}\b`), valid: luhnOK},
		{re: regexp.MustCompile(`\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b`), valid: ibanOK},
		{re: regexp.MustCompile(`\+[1-9](?:[ -]?\d){9,14}\b|\b1[3-9]\d{9}\b`)},
	}}
}

// String masks every validated match; like redact.Policy.String it
// returns s and false when nothing is found.
func (r *regexpRedactor) String(s string) (string, bool) {
	changed := false
	for _, rule := range r.rules {
		if !rule.re.MatchString(s) {
			continue
		}
		if rule.group == 0 {
			s = rule.re.ReplaceAllStringFunc(s, func(m string) string {
				if rule.valid != nil && !rule.valid(m) {
					return m
				}
				changed = true
				return redact.DefaultMask
			})
			continue
		}
		var b strings.Builder
		last := 0
		for _, loc := range rule.re.FindAllStringSubmatchIndex(s, -1) {
			start, end := loc[2*rule.group], loc[2*rule.group+1]
			if start < 0 {
				continue
			}
			b.WriteString(s[last:start])
			b.WriteString(redact.DefaultMask)
			last = end
			changed = true
		}
		b.WriteString(s[last:])
		s = b.String()
	}
	return s, changed
}

func luhnOK(m string) bool {
	sum, double := 0, false
	for i := len(m) - 1; i >= 0; i-- {
		if m[i] < '0' || m[i] > '9' {
			continue
		}
		d := int(m[i] - '0')
		if double {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum, double = sum+d, !double
	}
	return sum%10 == 0
}

func cnIDOK(m string) bool {
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, x := range w {
		sum += int(m[i]-'0') * x
	}
	return strings.EqualFold(m[17:], "10X98765432"[sum%11:sum%11+1])
}

func ibanOK(m string) bool {
	m = strings.ReplaceAll(m, " ", "")
	var digits strings.Builder
	for _, c := range m[4:] + m[:4] {
		if c >= 'A' {
			digits.WriteString(big.NewInt(int64(c - 'A' + 10)).String())
		} else {
			digits.WriteRune(c)
		}
	}
	n, ok := new(big.Int).SetString(digits.String(), 10)
	return ok && new(big.Int).Mod(n, big.NewInt(97)).Int64() == 1
}

func jwtHeaderOK(m string) bool {
	head, _, _ := strings.Cut(m, ".")
	b, err := base64.RawURLEncoding.DecodeString(head)
	return err == nil && strings.Contains(string(b), `"alg"`)
}

// redactors are the implementations compared, behind one signature.
var redactors = []struct {
	name   string
	string func(string) (string, bool)
}{
	{"logweave", redact.Default().String},
	{"regexp", newRegexpRedactor().String},
}

// TestRedactorsAgree checks the benchmark's premise: both implementations
// mask every secret of piiLog and leave cleanLog as it is.
func TestRedactorsAgree(t *testing.T) {
	for _, r := range redactors {
		if out, changed := r.string(cleanLog); changed || out != cleanLog {
			t.Errorf("%s changed the clean text:\n%s", r.name, out)
		}
		out, changed := r.string(piiLog)
		if !changed {
			t.Errorf("%s found nothing in the text with PII", r.name)
		}
		for _, secret := range piiSecrets {
			if strings.Contains(out, secret) {
				t.Errorf("%s left %q in:\n%s", r.name, secret, out)
			}
		}
	}
}

// BenchmarkRedact scans log text with and without PII with logweave's
// policy and with the regexp peer. MB/s is the scan rate.
func BenchmarkRedact(b *testing.B) {
	for _, text := range []struct{ name, s string }{{"clean", cleanLog}, {"pii", piiLog}} {
		for _, r := range redactors {
			b.Run("text="+text.name+"/redactor="+r.name, func(b *testing.B) {
				b.SetBytes(int64(len(text.s)))
				b.ReportAllocs()
				for b.Loop() {
					r.string(text.s)
				}
			})
		}
	}
}

// BenchmarkRedactRecord puts the cost of redacting the core benchmark's
// record (Attrs10LogAttrs: the message and ten attributes, three of them
// strings) beside the cost of writing it, in the same run:
//
//   - stage=encode is logweave's handler writing the record, through slog;
//   - stage=frontend is the same call into a handler that does nothing
//     (slog's own cost), so encode − frontend is the handler's cost;
//   - stage=redact makes the calls a handler makes per record with the
//     default policy: String on the message, Key on each of the ten keys,
//     String on the three string values.
func BenchmarkRedactRecord(b *testing.B) {
	var sc scenario
	for _, s := range scenarios {
		if s.name == "Attrs10LogAttrs" {
			sc = s
		}
	}
	for _, hc := range handlers {
		stage := map[string]string{"logweave": "encode", "noop": "frontend"}[hc.name]
		if stage == "" {
			continue
		}
		b.Run("stage="+stage, func(b *testing.B) {
			l := newLogger(sc, hc, &countingWriter{})
			b.ReportAllocs()
			for b.Loop() {
				l.LogAttrs(context.Background(), slog.LevelInfo, msg, attrs10...)
			}
		})
	}
	b.Run("stage=redact", func(b *testing.B) {
		p := redact.Default()
		b.ReportAllocs()
		for b.Loop() {
			p.String(msg)
			for _, a := range attrs10 {
				if p.Key(a.Key) == redact.Scan && a.Value.Kind() == slog.KindString {
					p.String(a.Value.String())
				}
			}
		}
	})
}
