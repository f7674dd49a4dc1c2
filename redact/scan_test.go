package redact_test

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
	"unsafe"

	"github.com/logweave/logweave/redact"
)

// allStyle returns a policy giving every built-in detector style s.
func allStyle(t *testing.T, s redact.Style, extra redact.Config) *redact.Policy {
	t.Helper()
	extra.Styles = map[string]redact.Style{}
	for _, name := range redact.Detectors() {
		extra.Styles[name] = s
	}
	extra.Detectors = map[string]bool{redact.IP: true}
	p, err := redact.New(extra)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestStyles(t *testing.T) {
	partial := allStyle(t, redact.Partial, redact.Config{})
	full := allStyle(t, redact.Full, redact.Config{Mask: "#"})
	hmacP := allStyle(t, redact.HMAC, redact.Config{HMACKey: testHMACKey})
	for _, tc := range []struct {
		in, match, partial string
	}{
		{"tel 13812345678.", "13812345678", "138****5678"},
		{"tel +8613812345678", "+8613812345678", "+86*******5678"},
		{"tel +1 415 555 2671", "+1 415 555 2671", "+1 4** *** 2671"},
		{"mail alice@example.com", "alice@example.com", "a***@example.com"},
		{"pan 4242 4242 4242 4242", "4242 4242 4242 4242", "**** **** **** 4242"},
		{"pan 4242-4242-4242-4242", "4242-4242-4242-4242", "****-****-****-4242"},
		{"pan 4111111111111111", "4111111111111111", "************1111"},
		{"id 11010519491231002X", "11010519491231002X", "110***********002X"},
		{"iban DE89 3704 0044 0532 0130 00", "DE89 3704 0044 0532 0130 00", "DE** **** **** **** **30 00"},
		{"AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE", "AKIA[REDACTED]"},
		{"ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8", "ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8", "ghp_[REDACTED]"},
		{"sk_live_4eC39HqLyjWDarjtT1zdp7dc", "sk_live_4eC39HqLyjWDarjtT1zdp7dc", "sk_live_[REDACTED]"},
		{"xoxb-2401234567-abcdefghijkl", "xoxb-2401234567-abcdefghijkl", "xoxb-[REDACTED]"},
		{"AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe", "AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe", "AIza[REDACTED]"},
		{"jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln", "eyJhbGciOiJIUzI1NiJ9.[REDACTED]"},
		{"Bearer abcdef123456", "abcdef123456", "[REDACTED]"},
		{"https://u:pa55word@h.example", "pa55word", "[REDACTED]"},
		{"password=hunter2", "hunter2", "[REDACTED]"},
		{"-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----", "\nMHcCAQEE\n", "[REDACTED]"},
		{"ip 203.0.113.7", "203.0.113.7", "203.0.113.*"},
		{"ip 2001:db8::1", "2001:db8::1", "2001:*"},
	} {
		prefix, _, _ := strings.Cut(tc.in, tc.match)
		suffix := tc.in[len(prefix)+len(tc.match):]
		check := func(p *redact.Policy, style, want string) {
			t.Helper()
			got, ok := p.String(tc.in)
			if !ok || got != prefix+want+suffix {
				t.Errorf("%s(%q) = %q, %v; want %q", style, tc.in, got, ok, prefix+want+suffix)
			}
		}
		check(partial, "partial", tc.partial)
		check(full, "full", "#")
		check(hmacP, "hmac", pseudonym(testHMACKey, tc.match))
	}
}

// TestPseudonymsFollowValues: the same value gives the same pseudonym,
// another value or another key a different one.
func TestPseudonymsFollowValues(t *testing.T) {
	mk := func(key string) *redact.Policy {
		p, err := redact.New(redact.Config{HMACKey: key, Styles: map[string]redact.Style{redact.Email: redact.HMAC}})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	p, q := mk(testHMACKey), mk(testHMACKey+"-other")
	a1, _ := p.String("bob@example.com")
	a2, _ := p.String("login bob@example.com")
	b, _ := p.String("eve@example.com")
	c, _ := q.String("bob@example.com")
	if !strings.HasSuffix(a2, a1) || a1 == b || a1 == c || !regexp.MustCompile(`^hmac:[0-9a-f]{16}$`).MatchString(a1) {
		t.Errorf("pseudonyms %q %q %q %q", a1, a2, b, c)
	}
}

func TestStringSeveralMatches(t *testing.T) {
	p := redact.Default()
	in := "a@b.example,13812345678;4111111111111111 x=1 password=p ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
	want := "[REDACTED],[REDACTED];[REDACTED] x=1 password=[REDACTED] [REDACTED]"
	if got, _ := p.String(in); got != want {
		t.Errorf("String = %q\nwant       %q", got, want)
	}
}

func TestStringUnchanged(t *testing.T) {
	p := redact.Default()
	for _, s := range []string{"", "x", "GET", "password", "a@b", "@", "+", "=", "eyJ", "-----BEGIN ", "\xff\xfe"} {
		got, ok := p.String(s)
		if ok || got != s || unsafe.StringData(got) != unsafe.StringData(s) {
			t.Errorf("String(%q) = %q, %v: want s itself", s, got, ok)
		}
	}
}

func TestStringUTF8(t *testing.T) {
	p, err := redact.New(redact.Config{Mask: "【已脱敏】"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ in, want string }{
		{"手机13812345678。", "手机【已脱敏】。"},
		{"邮箱：张三<zs@example.cn>", "邮箱：张三<【已脱敏】>"},
		// Invalid bytes around a match are left as they are.
		{"\xff13812345678\xfe", "\xff【已脱敏】\xfe"},
		{"\xe6\x89a@b.example", "\xe6\x89【已脱敏】"},
	} {
		got, ok := p.String(tc.in)
		if !ok || got != tc.want {
			t.Errorf("String(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if utf8.ValidString(tc.in) && !utf8.ValidString(got) {
			t.Errorf("String(%q) = %q: invalid UTF-8", tc.in, got)
		}
	}
	// A custom detector without PartialMasker masks fully in the
	// Partial style.
	q, err := redact.New(redact.Config{Custom: []redact.Detector{redact.DetectorFunc("name", func(s string) (int, int) {
		i := strings.Index(s, "名字:")
		if i < 0 {
			return -1, -1
		}
		return i + len("名字:"), len(s)
	})}, Styles: map[string]redact.Style{"name": redact.Partial}})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := q.String("名字:欧阳娜娜"); got != "名字:[REDACTED]" {
		t.Errorf("custom partial = %q", got)
	}
}

// empID finds employee numbers "EMP-" and six digits, and keeps the
// prefix in its partial style.
type empID struct{}

func (empID) Name() string { return "employee_id" }
func (empID) Find(s string) (int, int) {
	loc := regexp.MustCompile(`EMP-\d{6}`).FindStringIndex(s)
	if loc == nil {
		return -1, -1
	}
	return loc[0], loc[1]
}
func (empID) Partial(m string) string { return m[:4] + "******" }

func TestCustomDetector(t *testing.T) {
	p, err := redact.New(redact.Config{
		Custom: []redact.Detector{empID{}},
		Styles: map[string]redact.Style{"employee_id": redact.Partial},
	})
	if err != nil {
		t.Fatal(err)
	}
	in := "EMP-123456 called 13812345678, then EMP-654321 and a@b.example"
	want := "EMP-****** called [REDACTED], then EMP-****** and [REDACTED]"
	if got, ok := p.String(in); !ok || got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
	if c := p.Counts(); c["employee_id"] != 2 || c[redact.Phone] != 1 || c[redact.Email] != 1 {
		t.Errorf("Counts = %v", c)
	}
	// Off by name, like a built-in.
	off, err := redact.New(redact.Config{Custom: []redact.Detector{empID{}}, Detectors: map[string]bool{"employee_id": false}})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := off.String("EMP-123456"); got != "EMP-123456" {
		t.Errorf("detector turned off still masks: %q", got)
	}
}

// TestCustomDetectorBadOffsets: a detector's bad answers are ignored or
// made safe, never a panic, a loop or broken UTF-8.
func TestCustomDetectorBadOffsets(t *testing.T) {
	for _, tc := range []struct {
		name       string
		start, end int
		in, want   string
	}{
		{"negative", -5, 3, "abc", "abc"},
		{"past the end", 0, 99, "abc", "abc"},
		{"empty", 1, 1, "abc", "abc"},
		{"reversed", 2, 1, "abc", "abc"},
		{"inside a character", 1, 2, "é!", "[REDACTED]!"},
	} {
		d := redact.DetectorFunc("bad", func(s string) (int, int) {
			if s == "" || tc.end > len(s) && tc.end != 99 {
				return -1, -1
			}
			return tc.start, tc.end
		})
		p, err := redact.New(redact.Config{Custom: []redact.Detector{d}})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := p.String(tc.in)
		if got != tc.want {
			t.Errorf("%s: String(%q) = %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
}

func TestDetectorOff(t *testing.T) {
	for _, tc := range []struct{ det, in string }{
		{redact.Email, "a@b.example"},
		{redact.Phone, "13812345678"},
		{redact.Card, "4111111111111111"},
		{redact.Param, "password=x"},
		{redact.AWSKey, "AKIAIOSFODNN7EXAMPLE"},
		{redact.PrivateKey, "-----BEGIN RSA PRIVATE KEY-----\nabc"},
	} {
		p, err := redact.New(redact.Config{Detectors: map[string]bool{tc.det: false}})
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := p.String(tc.in); ok || got != tc.in {
			t.Errorf("%s off: String(%q) = %q", tc.det, tc.in, got)
		}
		if _, ok := redact.Default().String(tc.in); !ok {
			t.Errorf("%s on: nothing found in %q", tc.det, tc.in)
		}
	}
}

// TestBoundaries: numbers and tokens glued to other text are not matched.
func TestBoundaries(t *testing.T) {
	p := redact.Default()
	for _, s := range []string{
		"x13812345678", "13812345678x", "138123456789", "0.13812345678", "13812345678.5", "v1.13812345678",
		"a4111111111111111", "4111111111111111z", "41111111111111110",
		"XAKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE0",
		"aeyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln",
		"nobearer abcdef123456",
		"4242 4242 4242 4242 4242 4242", "12-4111-1111-1111-1111",
	} {
		if got, ok := p.String(s); ok {
			t.Errorf("String(%q) = %q: glued text matched", s, got)
		}
	}
	// An email wins over the digits of its local part.
	if got, _ := p.String("13812345678@example.com"); got != "[REDACTED]" {
		t.Errorf("phone-like local part: %q", got)
	}
}

// TestStringFormKeysAndEncodedQueries: key=value with keys in bracket
// form, plain or percent-encoded; the OAuth code, matched as an exact
// key; and the query of a URL that is itself the percent-encoded value
// of a parameter, encoded once or twice, read in place.
func TestStringFormKeysAndEncodedQueries(t *testing.T) {
	p := redact.Default()
	for in, want := range map[string]string{
		"user[password]=x1&user[name]=ann":        "user[password]=[REDACTED]&user[name]=ann",
		"a[b][token]=x2&user[][password]=x3":      "a[b][token]=[REDACTED]&user[][password]=[REDACTED]",
		"user%5Bpassword%5D=x4&user%5bpin%5d=1":   "user%5Bpassword%5D=[REDACTED]&user%5bpin%5d=1",
		`{"user[password]":"x5"}`:                 `{"user[password]":"[REDACTED]"}`,
		"/cb?code=x6&state=xyz":                   "/cb?code=[REDACTED]&state=xyz",
		"Referer: https://a.example/cb?code=x7":   "Referer: https://a.example/cb?code=[REDACTED]",
		"status_code=200 zipcode=75001 code2=1":   "status_code=200 zipcode=75001 code2=1",
		"next=%2Freset%3Ftoken%3Dx8%26lang%3Den":  "next=%2Freset%3Ftoken%3D[REDACTED]%26lang%3Den",
		"next=%2freset%3ftoken%3dx9":              "next=%2freset%3ftoken%3d[REDACTED]",
		"next=%252Freset%253Ftoken%253Dx10%2526a": "next=%252Freset%253Ftoken%253D[REDACTED]%2526a",
		"r=%2Fcb%3Fcode%3Dx11%26state%3Ds":        "r=%2Fcb%3Fcode%3D[REDACTED]%26state%3Ds",
		"r=%2Fcb%3Fuser%255Bpassword%255D%3Dx12":  "r=%2Fcb%3Fuser%255Bpassword%255D%3D[REDACTED]",
		"r=%2F%3Fauthorization%3DBearer%20x13%26": "r=%2F%3Fauthorization%3D[REDACTED]%26",
		"r=%2F%3Fpassword%3D%22x%2014%22%26a":     "r=%2F%3Fpassword%3D%22[REDACTED]%22%26a",
		"r=%2F%3Fstatus_code%3D200%26code%3D":     "r=%2F%3Fstatus_code%3D200%26code%3D",
		"arr[0]=1&user[name]=ann 50% off %3D %":   "arr[0]=1&user[name]=ann 50% off %3D %",
	} {
		got, ok := p.String(in)
		if got != want || ok != (in != want) {
			t.Errorf("String(%q) = %q, %v\nwant %q", in, got, ok, want)
		}
		if again, _ := p.String(got); again != got {
			t.Errorf("String(%q) is not a fixed point: %q", got, again)
		}
	}
}

// TestStringMultipart: in a multipart/form-data body, the value of a part
// whose name is sensitive is masked, from after the part's headers to the
// line break before the next boundary, or to the end of a body cut short.
func TestStringMultipart(t *testing.T) {
	p := redact.Default()
	part := func(disposition, value string) string {
		return "--b0undary\r\nContent-Disposition: form-data; " + disposition + "\r\n\r\n" + value + "\r\n"
	}
	for in, want := range map[string]string{
		part(`name="user"`, "ann") + part(`name="password"`, "hunter2") + "--b0undary--\r\n":               part(`name="user"`, "ann") + part(`name="password"`, "[REDACTED]") + "--b0undary--\r\n",
		part(`name="user[password]"`, "hunter2") + "--b0undary--":                                          part(`name="user[password]"`, "[REDACTED]") + "--b0undary--",
		part(`name=token`, "t0k3n") + "--b0undary--":                                                       part(`name=token`, "[REDACTED]") + "--b0undary--",
		part(`name="code"`, "c0de") + "--b0undary--":                                                       part(`name="code"`, "[REDACTED]") + "--b0undary--",
		"Content-Disposition: form-data; name=\"api_key\"\r\nContent-Type: text/plain\r\n\r\nk3y\r\n--b--": "Content-Disposition: form-data; name=\"api_key\"\r\nContent-Type: text/plain\r\n\r\n[REDACTED]\r\n--b--",
		"form-data;name=\"secret\"\n\nline one\nline two\n--b--":                                           "form-data;name=\"secret\"\n\n[REDACTED]\n--b--",
		"Content-Disposition: form-data; name=\"password\"\r\n\r\nhunter2 cut sh":                          "Content-Disposition: form-data; name=\"password\"\r\n\r\n[REDACTED]",
		part(`name="user"; filename="a.txt"`, "ann"):                                                       part(`name="user"; filename="a.txt"`, "ann"),
		"form-data; name=\"password\" and no blank line after it":                                          "form-data; name=\"password\" and no blank line after it",
		"his name=\"password\"\r\n\r\nis not a part":                                                       "his name=\"password\"\r\n\r\nis not a part",
	} {
		got, _ := p.String(in)
		if got != want {
			t.Errorf("String(%q)\n = %q\nwant %q", in, got, want)
		}
		if again, _ := p.String(got); again != got {
			t.Errorf("String(%q) is not a fixed point: %q", got, again)
		}
	}
}

// TestStringEncodedHostile: text made of encoded bytes, brackets and part
// headers is scanned in one bounded pass: its cost per byte stays that of
// ordinary text (see BenchmarkStringLong), and here its results are
// checked.
func TestStringEncodedHostile(t *testing.T) {
	p := redact.Default()
	for _, s := range []string{
		strings.Repeat("%25", 5000),
		strings.Repeat("%2525253D", 2000),
		strings.Repeat("a%5B", 3000) + "=x",
		strings.Repeat("[", 5000) + "password]=x",
		strings.Repeat("form-data; name=\"password\"", 500),
	} {
		out, _ := p.String(s)
		if !utf8.ValidString(out) {
			t.Errorf("invalid output for %.40q...", s)
		}
	}
	// A key longer than the bound is not looked at whole.
	long := strings.Repeat("a%5B", 40) + "password%5D=x"
	if got, _ := p.String(long); got != long {
		t.Errorf("a key beyond the bound was judged: %q", got)
	}
}

// TestStringCodeParam: code= in text is the OAuth or one-time code, masked,
// unless its value is a number of one to three digits, a status or exit
// code (Echo writes its errors as "code=404, message=Not Found").
func TestStringCodeParam(t *testing.T) {
	p := redact.Default()
	for in, want := range map[string]string{
		"code=404, message=Not Found":                     "code=404, message=Not Found",
		"worker exited with code=137":                     "worker exited with code=137",
		"Referer: https://app/cb?code=4%2F0AX4Xf&state=1": "Referer: https://app/cb?code=" + redact.DefaultMask + "&state=1",
		"your login code=482193":                          "your login code=" + redact.DefaultMask,
		"code=1234":                                       "code=" + redact.DefaultMask,
		"code=40a":                                        "code=" + redact.DefaultMask,
		"status_code=200":                                 "status_code=200",
	} {
		if got, _ := p.String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
}
