package redact_test

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/logweave/logweave/redact"
)

// positive is a text holding one sensitive value that detector det must
// find: after String, secret must be gone from the text.
type positive struct {
	det, text, secret string
}

// positives is real-looking personal data and secrets of every kind, in
// the contexts logs put them in. Check digits were computed outside Go
// (a separate Python script), so the validators are checked against an
// independent source.
var positives = []positive{
	{redact.Email, "contact alice.smith@example.com for details", "alice.smith@example.com"},
	{redact.Email, "user=bob+newsletter@mail.example.co.uk", "bob+newsletter@mail.example.co.uk"},
	{redact.Email, "From: 张三 <zhang.san@company.cn>", "zhang.san@company.cn"},
	{redact.Email, `{"to":"j_doe-99@sub.domain.io"}`, "j_doe-99@sub.domain.io"},
	{redact.Email, "mailto:Support@Example.ORG", "Support@Example.ORG"},

	{redact.Phone, "sms sent to +8613812345678", "13812345678"},
	{redact.Phone, "tel: +86 138 1234 5678", "138 1234 5678"},
	{redact.Phone, "call +1 415 555 2671 after 5pm", "415 555 2671"},
	{redact.Phone, "UK office +44 20 7946 0958", "20 7946 0958"},
	{redact.Phone, "de: +4915112345678.", "15112345678"},
	{redact.Phone, "手机13912345678已绑定", "13912345678"},
	{redact.Phone, "call 15800001111 now", "15800001111"},
	{redact.Phone, "mobile:18612345678,verified", "18612345678"},
	{redact.Phone, "/api/v1/users/17712345678/orders", "17712345678"},

	{redact.CNID, "身份证号 11010519491231002X", "11010519491231002X"},
	{redact.CNID, "id_no=44030419900307123x&x=1", "44030419900307123x"},
	{redact.CNID, "citizen 310115198511204566 verified", "310115198511204566"},
	{redact.CNID, "born on leap day: 510107200002297896", "510107200002297896"},
	{redact.CNID, "650102197811053212", "650102197811053212"},

	{redact.Card, "card 4111 1111 1111 1111 exp 12/29", "4111 1111 1111 1111"},
	{redact.Card, "pan=4242-4242-4242-4242", "4242-4242-4242-4242"},
	{redact.Card, "charged 5555555555554444 ok", "5555555555554444"},
	{redact.Card, "amex 378282246310005", "378282246310005"},
	{redact.Card, "amex 3782 822463 10005", "3782 822463 10005"},
	{redact.Card, "discover:6011111111111117", "6011111111111117"},
	{redact.Card, "unionpay 6200000000000005", "6200000000000005"},
	{redact.Card, "jcb 3530111333300000", "3530111333300000"},
	{redact.Card, "mc2 2223003122003222", "2223003122003222"},

	{redact.IBAN, "pay to DE89 3704 0044 0532 0130 00 today", "3704 0044 0532"},
	{redact.IBAN, "iban=GB29NWBK60161331926819", "GB29NWBK60161331926819"},
	{redact.IBAN, "FR1420041010050500013M02606", "FR1420041010050500013M02606"},
	{redact.IBAN, "account NL91ABNA0417164300.", "NL91ABNA0417164300"},
	{redact.IBAN, "ES9121000418450200051332", "ES9121000418450200051332"},
	{redact.IBAN, "CH9300762011623852957", "CH9300762011623852957"},

	{redact.JWT, "token eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c issued",
		"eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ"},
	{redact.JWT, "id_tok:eyJraWQiOiJhYmMiLCJhbGciOiJSUzI1NiJ9.eyJlbWFpbCI6ImFAYi5jIn0.c2lnbmF0dXJl", "eyJlbWFpbCI6ImFAYi5jIn0"},
	{redact.JWT, `{"jwt":"eyJ0eXAiOiJKV1QiLCJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1c2VyLTciLCJleHAiOjE3NjM3MTkyMDB9.MEUCIQDx1"}`, "eyJzdWIiOiJ1c2VyLTciLCJleHAiOjE3NjM3MTkyMDB9"},
	{redact.JWT, "unsigned eyJhbGciOiJub25lIn0.eyJhZG1pbiI6dHJ1ZX0. accepted", "eyJhZG1pbiI6dHJ1ZX0"},

	{redact.Bearer, "Authorization: Bearer mF_9.B5f-4.1JqM", "mF_9.B5f-4.1JqM"},
	{redact.Bearer, "auth header: bearer 2YotnFZFEjr1zCsicMWpAA", "2YotnFZFEjr1zCsicMWpAA"},
	{redact.Bearer, "Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="},

	{redact.URLPassword, "dsn postgres://admin:S3cr3t!x@db.internal:5432/app", "S3cr3t!x"},
	{redact.URLPassword, "GET https://user:pa55w0rd@example.com/x", "pa55w0rd"},
	{redact.URLPassword, "redis://:hunter2@cache:6379/0", "hunter2"},

	{redact.Param, "GET /callback?code=abc&access_token=ya29.a0AfH6SMBx&state=xyz", "ya29.a0AfH6SMBx"},
	{redact.Param, "login failed for bob password=hunter2", "hunter2"},
	{redact.Param, `body {"user":"bob","password":"p@ss w0rd"}`, "p@ss w0rd"},
	{redact.Param, `escaped {\"client_secret\":\"s3cr3tv4lue\"}`, "s3cr3tv4lue"},
	{redact.Param, "url /o?X-Amz-Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024", "fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024"},
	{redact.Param, "api_key='Zm9vYmFyYmF6'", "Zm9vYmFyYmF6"},
	{redact.Param, "/download?file=a.pdf&sig=9f86d081884c7d65", "9f86d081884c7d65"},
	{redact.Param, "header authorization=Bearer 2YotnFZFEjr1zCsicMWpAA", "2YotnFZFEjr1zCsicMWpAA"}, // the key first
	{redact.Param, "POST /login user[email]=ann&user[password]=Tr0ub4dor&3", "Tr0ub4dor"},
	{redact.Param, "body user%5Bpassword%5D=c0rrect-h0rse&user%5Bremember%5D=1", "c0rrect-h0rse"},
	{redact.Param, "order[card][cvc]=737&order[qty]=2", "737"},
	{redact.Param, "Referer: https://app.example.com/oauth/callback?code=4/0AX4XfWh-9a8b&scope=email", "4/0AX4XfWh-9a8b"},
	{redact.Param, "Location: /signin?next=%2Fpassword%2Freset%3Ftoken%3DQ29mZmVlQ2FrZQ%26lang%3Den", "Q29mZmVlQ2FrZQ"},
	{redact.Param, "redirect=%252Fcb%253Faccess_token%253Dya29.x7Kp%2526x%253D1", "ya29.x7Kp"},
	{redact.Param, "--XbCY\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\nsw0rdf1sh\r\n--XbCY--\r\n", "sw0rdf1sh"},
	{redact.Param, "grant_type=authorization_code&code=SplxlOBeZQQYbYS6WxSbIA&code_verifier=dBjftJeZ4CVP", "SplxlOBeZQQYbYS6WxSbIA"},

	{redact.PrivateKey, "key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n-----END RSA PRIVATE KEY-----\n", "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun"},
	{redact.PrivateKey, "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ", "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ"},
	{redact.PrivateKey, `"-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY/PuoAoGCCqGSM49\n-----END EC PRIVATE KEY-----"`, "MHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY"},

	{redact.AWSKey, "aws_access_key_id=AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"},
	{redact.AWSKey, "session key ASIAY34FZKBOKMUTVV7A in use", "ASIAY34FZKBOKMUTVV7A"},
	{redact.GitHubToken, "push with ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8", "ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"},
	{redact.GitHubToken, "GITHUB=github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ012345678", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ012345678"},
	{redact.GitHubToken, "gho_16C7e42F292c6912E7710c838347Ae178B4a", "gho_16C7e42F292c6912E7710c838347Ae178B4a"},
	{redact.SlackToken, "bot xoxb-2401234567-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "xoxb-2401234567-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"},
	{redact.SlackToken, "xoxp-1234567890-0987654321-abcdef123456", "xoxp-1234567890-0987654321-abcdef123456"},
	{redact.StripeKey, "stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"},
	{redact.StripeKey, "rk_live_51H8aBcDeFgHiJkLmNoPqRsT", "rk_live_51H8aBcDeFgHiJkLmNoPqRsT"},
	{redact.StripeKey, "test key sk_test_BQokikJOvBiI2HlWgH4olfQ2", "sk_test_BQokikJOvBiI2HlWgH4olfQ2"},
	{redact.GoogleAPIKey, "maps?key=AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe&q=x", "AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe"},
	{redact.GoogleAPIKey, "GOOGLE_API_KEY: AIzaSyB-1234567890abcdefghijklmnopqrstu", "AIzaSyB-1234567890abcdefghijklmnopqrstu"},
	{redact.AWSKey, `"AccessKeyId": "AKIA2E0A8F3B244C9986"`, "AKIA2E0A8F3B244C9986"},
}

// ipPositives are found by the opt-in IP detector.
var ipPositives = []positive{
	{redact.IP, "client 203.0.113.7 connected", "203.0.113.7"},
	{redact.IP, "from 2001:db8::8a2e:370:7334 via proxy", "2001:db8::8a2e:370:7334"},
	{redact.IP, "peer=[::1]:443", "::1"},
	{redact.IP, "xff: 198.51.100.23, 10.0.0.1", "198.51.100.23"},
	{redact.IP, "mapped ::ffff:192.0.2.128", "::ffff:192.0.2.128"},
	{redact.IP, "fe80:0:0:0:204:61ff:fe9d:f156 link-local", "fe80:0:0:0:204:61ff:fe9d:f156"},
}

// negative is a text that looks like data some detector wants and must
// stay as it is.
type negative struct {
	kind, text string
}

// negatives are the look-alikes of log lines: ids, times, amounts and
// numbers that fail a check digit.
var negatives = []negative{
	{"trace id", "4bf92f3577b34da6a3ce929d0e0e4736"},
	{"span id", "00f067aa0ba902b7"},
	{"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
	{"b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1"},
	{"uuid", "550e8400-e29b-41d4-a716-446655440000"},
	{"uuid", "123e4567-e89b-12d3-a456-426614174000"},
	{"uuid", "12345678-1234-1234-1234-123456789012"},
	{"request id", "req_01HV6Q3J1X8Z9Y7W5V4T3S2R1Q"},
	{"timestamp", "2026-11-21T10:00:00Z"},
	{"timestamp", "2026-11-21 10:00:00.123+08:00"},
	{"timestamp", "Sat, 21 Nov 2026 10:00:00 GMT"},
	{"unix seconds", "ts=1763719200"},
	{"unix millis", "ts=1763719200123"},
	{"unix nanos", "ts=1763719200123456789"},
	{"compact time", "20261121100000"},
	{"order number", "order 2026112100012345 created"},
	{"order number", "ORD-2026-000123"},
	{"order number", "order_id=9876543210"},
	{"order number", "#100023 shipped"},
	{"price", "$1,299.99"},
	{"price", "¥13,800.00"},
	{"price", "total=4242.42 EUR"},
	{"price", "amount: 13812345678.00"},
	{"fails Luhn", "4111111111111112"},
	{"fails Luhn", "4242 4242 4242 4241"},
	{"fails Luhn", "5555-5555-5555-4445"},
	{"fails ID check", "110105194912310021"},
	{"fails ID check", "110105194913310021"}, // month 13
	{"fails ID check", "990105194912310021"}, // no such province
	{"fails mod 97", "DE89370400440532013001"},
	{"phone-length id", "user 12345678901 logged in"}, // 11 digits starting 12
	{"long number", "seq=138123456781"},               // 12 digits
	{"md5", "d41d8cd98f00b204e9800998ecf8427e"},
	{"sha1", "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
	{"sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	{"git sha", "commit 3f9a1c2 (HEAD -> main)"},
	{"base64", "SGVsbG8sIFdvcmxkIQ=="},
	{"base64 json", "eyJmb28iOiJiYXIifQ=="},
	{"jwt without alg", "eyJmb28iOiJiYXIifQ.eyJiYXIiOjF9.c2ln"},
	{"version", "v1.2.3"},
	{"version", "go1.26.8 linux/amd64"},
	{"version", "Chrome/120.0.0.0"},
	{"port", "listening on :8080"},
	{"port", "localhost:5432"},
	{"duration", "took 1.234567s"},
	{"duration", "elapsed=1234567ns"},
	{"http", "HTTP/1.1 200 OK"},
	{"path", "GET /api/v1/users/42/orders?page=2&limit=50"},
	{"user agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"},
	{"key=value", "max_tokens=4096 tokens_used=123 session_count=3"},
	{"prose", "the bearer token expired; Basic auth failed"},
	{"prose", "Bearer authentication is required"},
	{"package@version", "npm i lodash@4.17.21"},
	{"image digest", "nginx@sha256:e3b0c44298fc1c149afbf4c8996fb924"},
	{"host", "user@localhost"},
	{"url without password", "https://example.com:8443/path?q=1"},
	{"pem public key", "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----"},
	{"token-like", "ghp_short AKIA1234 sk_live_x xoxb-1"},
	{"aws-like", "AKIAIOSFODNN7EXAMPLEXX"},
	{"separator", "----------------------------------------"},
	{"snake_case", "user_id order_total gh_pages sk_batch"},
	{"imei", "IMEI 490154203237518"}, // passes Luhn, but no card network has 15 digits starting with 4
	{"hotline", "call 400-820-8820"},
	{"isbn", "ISBN 978-3-16-148410-0"},
	{"ups", "tracking 1Z999AA10123456784"},
	{"pod", "pod web-7d9f8c6b5-x2x9z restarted"},
	{"curl", "curl/8.5.0"},
	{"ipv6 (ip off)", "fe80::1%eth0"},
	{"clock", "Duration: 00:01:23.456"},
	{"api words", "API Accept AIza AKIA ASIA"},
	{"status code", "status_code=200 http.response.status_code=404 statusCode=500"},
	{"other codes", "zipcode=75001 zip_code=10115 error_code=E42 country_code=FR exit code 1"},
	{"form keys", "user[name]=ann&user[email_verified]=1&items[0][qty]=2&filter%5Bstatus%5D=open"},
	{"encoded url", "next=%2Fdocs%3Fpage%3D2%26sort%3Dasc 100% done 50%25 off %zz"},
	{"multipart", "--XbCY\r\nContent-Disposition: form-data; name=\"avatar\"; filename=\"a.png\"\r\n\r\nPNG\r\n--XbCY--"},
	{"json code", `{"user":"ann","roles":["admin"],"status_code":200}`},
}

// ipNegatives must stay untouched with the IP detector on.
var ipNegatives = []negative{
	{"time", "10:00:00"},
	{"mac", "00:1a:2b:3c:4d:5e"},
	{"version", "v1.2.3.4"},
	{"version", "Chrome/120.0.0.0"},
	{"bad octet", "300.1.2.3"},
	{"leading zero", "010.001.002.003"},
	{"decimal", "3.14159"},
	{"cxx", "std::vector"},
	{"timestamp", "2026-11-21T10:00:00Z"},
}

// limitations are look-alikes the detectors cannot tell from the real
// thing; they are documented in the package and checked here, so a change
// of behaviour is a decision, not an accident.
var limitations = []struct {
	det, text, why string
}{
	{redact.Email, "git@github.com:org/repo.git", "an SSH remote has the shape of an email address"},
	{redact.Phone, "order 13812345678", "an 11-digit number starting 13-19 is a China mobile number as far as the digits go"},
	{redact.IP, "1.2.3.4", "a four-part version number is an IPv4 address (IP is opt-in)"},
	{redact.Param, "next_page_token=abc", "a key ending with a sensitive word is sensitive; allowlist it"},
	{redact.Param, "login code=4821 sent", "a key that is exactly code, with four digits or more, is a one-time or OAuth code; allowlist code if yours are longer error codes"},
}

// TestCorpus runs the corpus through the default policy (and the policy
// with IP on for the IP cases), checks every positive is found by its
// detector and every negative is left alone, and reports the counts.
// With REDACT_CORPUS_REPORT=<file> it also writes them as a Markdown table.
func TestCorpus(t *testing.T) {
	type tally struct{ pos, found, neg, falsePos int }
	tallies := map[string]*tally{}
	get := func(det string) *tally {
		if tallies[det] == nil {
			tallies[det] = &tally{}
		}
		return tallies[det]
	}
	def := redact.Default()
	withIP, err := redact.New(redact.Config{Detectors: map[string]bool{redact.IP: true}})
	if err != nil {
		t.Fatal(err)
	}
	runPositive := func(p *redact.Policy, c positive) {
		t.Helper()
		tl := get(c.det)
		tl.pos++
		before := p.Counts()[c.det]
		out, ok := p.String(c.text)
		switch {
		case !ok:
			t.Errorf("%s: nothing found in %q", c.det, c.text)
		case strings.Contains(out, c.secret):
			t.Errorf("%s: %q still holds %q: %q", c.det, c.text, c.secret, out)
		case p.Counts()[c.det] == before:
			t.Errorf("%s: %q masked by another detector: %q, counts %v", c.det, c.text, out, p.Counts())
		default:
			tl.found++
		}
	}
	runNegative := func(p *redact.Policy, c negative) {
		t.Helper()
		before := p.Counts()
		out, ok := p.String(c.text)
		if !ok && out == c.text {
			return
		}
		after := p.Counts()
		for det, n := range after {
			if n != before[det] {
				get(det).falsePos++
			}
		}
		t.Errorf("%s: %q changed to %q", c.kind, c.text, out)
	}
	for _, c := range positives {
		runPositive(def, c)
	}
	for _, c := range ipPositives {
		runPositive(withIP, c)
	}
	for _, c := range negatives {
		for _, det := range redact.Detectors() {
			get(det).neg++
		}
		runNegative(def, c)
	}
	for _, c := range ipNegatives {
		get(redact.IP).neg++
		runNegative(withIP, c)
	}
	for _, c := range limitations {
		p := def
		if c.det == redact.IP {
			p = withIP
		}
		before := p.Counts()[c.det]
		if _, ok := p.String(c.text); !ok || p.Counts()[c.det] == before {
			t.Errorf("documented limitation changed: %s no longer matches %q (%s)", c.det, c.text, c.why)
		}
	}

	var report strings.Builder
	fmt.Fprintf(&report, "| detector | positives | found | negatives run | false positives |\n|---|---:|---:|---:|---:|\n")
	for _, det := range slices.Sorted(maps.Keys(tallies)) {
		tl := tallies[det]
		fmt.Fprintf(&report, "| %s | %d | %d | %d | %d |\n", det, tl.pos, tl.found, tl.neg, tl.falsePos)
	}
	fmt.Fprintf(&report, "\n%d negative texts through the default policy (each counts for every detector above), %d more through the policy with IP on.\n",
		len(negatives), len(ipNegatives))
	t.Logf("corpus:\n%s", report.String())
	if path := os.Getenv("REDACT_CORPUS_REPORT"); path != "" {
		if err := os.WriteFile(path, []byte(report.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
