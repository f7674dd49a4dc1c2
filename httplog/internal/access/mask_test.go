package access_test

import (
	"strings"
	"testing"
	"unsafe"

	"github.com/logweave/logweave/httplog"
	"github.com/logweave/logweave/httplog/internal/access"
)

// defaultSensitive is the set maskQuery gets with the default options.
func defaultSensitive() map[string]bool {
	return access.NewConfig(nil, nil, httplog.DefaultSensitiveQueryKeys).SensitiveQuery()
}

func TestMaskQuery(t *testing.T) {
	m := access.Mask
	long := strings.Repeat("a", access.MaxDecodedValue)
	for _, tc := range []struct{ in, want string }{
		// Nothing sensitive: q as sent.
		{"", ""},
		{"sort=asc&page=2", "sort=asc&page=2"},
		{"filter[status]=open&filter%5Bname%5D=bob", "filter[status]=open&filter%5Bname%5D=bob"},
		{"keyboard=1&tokens=2&codes=3&passwords", "keyboard=1&tokens=2&codes=3&passwords"},
		{"next=%2Fhome&next=%2Fa%3Fpage%3D2&q=what%3F&q=a%23b", "next=%2Fhome&next=%2Fa%3Fpage%3D2&q=what%3F&q=a%23b"},
		{"next=/a?page=2#top&bad=%zz&bad=%2", "next=/a?page=2#top&bad=%zz&bad=%2"},
		{"token", "token"}, // no value to mask
		// Exact keys, any case, percent-encoded or not.
		{"sort=asc&token=s3cret", "sort=asc&token=" + m},
		{"TOKEN=a&Code=b&pass%77ord=c&api_key=d", "TOKEN=" + m + "&Code=" + m + "&pass%77ord=" + m + "&api_key=" + m},
		{"token=", "token=" + m},
		// Bracket keys: any segment, plain or percent-encoded.
		{"user[password]=hunter2&user[name]=bob", "user[password]=" + m + "&user[name]=bob"},
		{"user%5Bpassword%5D=hunter2", "user%5Bpassword%5D=" + m},
		{"user%5bPassword%5d=hunter2", "user%5bPassword%5d=" + m},
		{"a[b][token]=x&password[]=y&password[]=z", "a[b][token]=" + m + "&password[]=" + m + "&password[]=" + m},
		{"oauth[code]=abc&x[0]=1", "oauth[code]=" + m + "&x[0]=1"},
		// Values that are URLs or paths with a sensitive parameter: once or
		// twice percent-encoded, or as sent.
		{"next=%2Freset%3Ftoken%3Dabc&lang=en", "next=" + m + "&lang=en"},
		{"next=%252Freset%253Ftoken%253Dabc", "next=" + m},
		{"cb=https%3A%2F%2Fx%2Fcb%3Fstate%3D1%26code%3D1", "cb=" + m},
		{"next=/reset?token=abc", "next=" + m},
		{"cb=https://x/cb?code=1", "cb=" + m},
		{"cb=https%3A%2F%2Fx%2Fcb%23access_token%3Dabc", "cb=" + m},
		{"next=%2Fa%3Fredirect%3D%252Fb%253Fpassword%253Dp", "next=" + m},
		{"next=%2Freset%3Fuser%255Bpassword%255D%3Dp", "next=" + m},
		// Three rounds of encoding are past the bound: left as sent (the
		// handler's redaction still sees the text).
		{"next=%25252Freset%25253Ftoken%25253Dabc", "next=%25252Freset%25253Ftoken%25253Dabc"},
		// A value longer than the bound is not decoded, but still checked
		// as sent.
		{"v=" + long + "%3Ftoken%3Dabc", "v=" + long + "%3Ftoken%3Dabc"},
		{"v=" + long + "?token=abc", "v=" + m},
	} {
		if got := access.MaskQuery(tc.in, defaultSensitive()); got != tc.want {
			t.Errorf("maskQuery(%.80q)\n got %.120q\nwant %.120q", tc.in, got, tc.want)
		}
	}
}

// TestMaskQueryConfiguredKeys: the keys come from Options.SensitiveQueryKeys,
// matched whole or by bracket segment, in any case.
func TestMaskQueryConfiguredKeys(t *testing.T) {
	c := access.NewConfig(nil, &access.Options{SensitiveQueryKeys: []string{"Otp", "user[pin]"}}, httplog.DefaultSensitiveQueryKeys)
	for in, want := range map[string]string{
		"otp=1&token=2":       "otp=" + access.Mask + "&token=2",
		"a[OTP]=1":            "a[OTP]=" + access.Mask,
		"user[pin]=1":         "user[pin]=" + access.Mask,
		"next=%2Fx%3Fotp%3D1": "next=" + access.Mask,
	} {
		if got := access.MaskQuery(in, c.SensitiveQuery()); got != want {
			t.Errorf("maskQuery(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestMaskQueryReturnsQueryItself: with nothing to mask, maskQuery hands
// back the string it got, not a copy.
func TestMaskQueryReturnsQueryItself(t *testing.T) {
	q := "filter%5Bstatus%5D=open&next=%2Fa%3Fpage%3D2&redirect=/b?x=1#y"
	if got := access.MaskQuery(q, defaultSensitive()); got != q || unsafe.StringData(got) != unsafe.StringData(q) {
		t.Fatalf("got %q, want q itself", got)
	}
}

func TestMaskBodyForm(t *testing.T) {
	s := defaultSensitive()
	body := "user%5Bname%5D=bob&user%5Bpassword%5D=hunter2&code=4711&next=%2Freset%3Ftoken%3Dabc&remember=on"
	want := "user%5Bname%5D=bob&user%5Bpassword%5D=" + access.Mask + "&code=" + access.Mask + "&next=" + access.Mask + "&remember=on"
	if got := access.MaskBody([]byte(body), "application/x-www-form-urlencoded; charset=utf-8", s); got != want {
		t.Errorf("form body\n got %q\nwant %q", got, want)
	}
	if got := access.MaskBody([]byte(body), "Application/X-WWW-Form-Urlencoded", s); got != want {
		t.Errorf("form body, media type in another case: %q", got)
	}
	// Other types are left to the handler's redaction.
	if got := access.MaskBody([]byte(body), "text/plain", s); got != body {
		t.Errorf("text/plain body changed: %q", got)
	}
	// A capture cut anywhere never shows the start of a secret.
	for n := range len(body) + 1 {
		got := access.MaskBody([]byte(body[:n]), "application/x-www-form-urlencoded", s)
		for _, secret := range []string{"hu", "47", "ab"} {
			if strings.Contains(got, secret) {
				t.Fatalf("cut at %d: %q shows %q", n, got, secret)
			}
		}
	}
}

// multipartBody is a form as browsers send it: a name, a password, a
// bracketed secret, a file, and a redirect holding a token.
const multipartBody = "--XyZ\r\n" +
	"Content-Disposition: form-data; name=\"user\"\r\n\r\n" +
	"bob\r\n" +
	"--XyZ\r\n" +
	"Content-Disposition: form-data; name=\"password\"\r\n" +
	"Content-Type: text/plain\r\n\r\n" +
	"Qj7hunter2\r\n" +
	"--XyZ\r\n" +
	"content-disposition: form-data; name=\"api[client_secret]\"\r\n\r\n" +
	"Qj7sec\r\n" +
	"--XyZ\r\n" +
	"Content-Disposition: form-data; name=\"avatar\"; filename=\"me.png\"\r\n" +
	"Content-Type: image/png\r\n\r\n" +
	"PNG...\r\n" +
	"--XyZ\r\n" +
	"Content-Disposition: form-data; name=\"next\"\r\n\r\n" +
	"/reset?token=Qj7tok\r\n" +
	"--XyZ--\r\n"

func TestMaskBodyMultipart(t *testing.T) {
	s := defaultSensitive()
	ct := `multipart/form-data; boundary="XyZ"`
	got := access.MaskBody([]byte(multipartBody), ct, s)
	want := strings.NewReplacer("Qj7hunter2", access.Mask, "Qj7sec", access.Mask, "/reset?token=Qj7tok", access.Mask).Replace(multipartBody)
	if got != want {
		t.Errorf("multipart body\n got %q\nwant %q", got, want)
	}
	// A capture cut anywhere, in a header, a delimiter or a value, never
	// shows the start of a secret: a part without its end is masked to the
	// end of what was captured.
	for n := range len(multipartBody) + 1 {
		got := access.MaskBody([]byte(multipartBody[:n]), ct, s)
		if strings.Contains(got, "Qj") {
			t.Fatalf("cut at %d: %q", n, got)
		}
		if n > 0 && !strings.HasPrefix(got, multipartBody[:min(n, 7)]) {
			t.Fatalf("cut at %d: the start changed: %q", n, got)
		}
	}
	// A part whose disposition cannot be read is masked; so is a body
	// whose boundary is missing: its parts cannot be told apart.
	bad := "--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\nQj7\r\n--XyZ--\r\n"
	if got := access.MaskBody([]byte(bad), ct, s); strings.Contains(got, "Qj7") {
		t.Errorf("unreadable disposition: %q", got)
	}
	if got := access.MaskBody([]byte(multipartBody), "multipart/form-data", s); got != access.Mask {
		t.Errorf("no boundary: %q", got)
	}
	// No delimiter captured yet: the preamble is kept.
	if got := access.MaskBody([]byte("preamble"), ct, s); got != "preamble" {
		t.Errorf("preamble: %q", got)
	}
}

// FuzzMaskQuery: any query masks without a panic, keeps its pairs, their
// keys and their order, and changes only values into access.Mask.
func FuzzMaskQuery(f *testing.F) {
	for _, s := range []string{"", "a=b", "user%5Bpassword%5D=x&next=%252Freset%253Ftoken%253D1", "%", "a[=b", "=&=&", "k=%3F%3", "x=" + strings.Repeat("%25", 700) + "3Ftoken=1"} {
		f.Add(s)
	}
	sensitive := defaultSensitive()
	f.Fuzz(func(t *testing.T, q string) {
		got := access.MaskQuery(q, sensitive)
		in, out := strings.Split(q, "&"), strings.Split(got, "&")
		if len(in) != len(out) {
			t.Fatalf("maskQuery(%q) = %q: %d pairs, want %d", q, got, len(out), len(in))
		}
		for i := range in {
			if in[i] == out[i] {
				continue
			}
			key, _, _ := strings.Cut(in[i], "=")
			if out[i] != key+"="+access.Mask {
				t.Fatalf("maskQuery(%q) = %q: pair %q became %q", q, got, in[i], out[i])
			}
		}
	})
}

// FuzzMaskMultipart: any body, cut anywhere, masks without a panic, and
// only ever replaces text with access.Mask.
func FuzzMaskMultipart(f *testing.F) {
	f.Add(multipartBody, "XyZ")
	f.Add("--b\r\n\r\n\r\n--b--", "b")
	f.Add("--b\r\nContent-Disposition: form-data; name*=UTF-8''password\r\n\r\nx", "b")
	sensitive := defaultSensitive()
	f.Fuzz(func(t *testing.T, body, boundary string) {
		got := access.MaskBody([]byte(body), "multipart/form-data; boundary=\""+boundary+"\"", sensitive)
		if got == access.Mask || got == body {
			return
		}
		// Every piece between masks is a piece of the body, in order.
		rest := body
		for piece := range strings.SplitSeq(got, access.Mask) {
			i := strings.Index(rest, piece)
			if i < 0 {
				t.Fatalf("maskBody(%q) = %q: %q is not from the body", body, got, piece)
			}
			rest = rest[i+len(piece):]
		}
	})
}
