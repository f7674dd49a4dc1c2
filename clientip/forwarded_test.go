package clientip_test

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"github.com/logweave/logweave/clientip"
)

func TestParseForwarded(t *testing.T) {
	for _, tc := range []struct {
		name  string
		lines []string
		want  []netip.Addr
	}{
		{"absent", nil, nil},
		{"empty", []string{"", "  "}, nil},
		// The examples of RFC 7239, sections 4, 6 and 7.
		{"rfc quoted v6 with port", []string{`For="[2001:db8:cafe::17]:4711"`}, addrs("2001:db8:cafe::17")},
		{"rfc pairs", []string{`for=192.0.2.60;proto=http;by=203.0.113.43`}, addrs("192.0.2.60")},
		{"rfc elements", []string{`for=192.0.2.43, for=198.51.100.17`}, addrs("192.0.2.43", "198.51.100.17")},
		{"rfc port", []string{`for="192.0.2.43:47011"`}, addrs("192.0.2.43")},
		{"rfc unknown", []string{`for=unknown, for=192.0.2.43`}, addrs("", "192.0.2.43")},
		{"rfc obfuscated", []string{`for="_gazonk"`, `For="[2001:db8:cafe::17]:4711"`, `for=192.0.2.60;proto=http;by=203.0.113.43`, `for=192.0.2.43, for=198.51.100.17`},
			addrs("", "2001:db8:cafe::17", "192.0.2.60", "192.0.2.43", "198.51.100.17")},
		{"obfuscated port", []string{`for="192.0.2.43:_p1", for="[2001:db8::1]:_x-y.z"`}, addrs("192.0.2.43", "2001:db8::1")},
		{"unknown with port", []string{`for="unknown:4711"`}, addrs("")},
		{"names in any case", []string{`FOR=192.0.2.1, fOr=192.0.2.2;BY=x`}, addrs("192.0.2.1", "192.0.2.2")},
		{"for not first", []string{`proto=https;by=10.0.0.1;for=192.0.2.1`}, addrs("192.0.2.1")},
		{"element without for keeps its place", []string{`for=192.0.2.1, by=10.0.0.1;proto=https, for=192.0.2.2`}, addrs("192.0.2.1", "", "192.0.2.2")},
		{"for twice in an element", []string{`for=192.0.2.1;for=192.0.2.2, for=192.0.2.3`}, addrs("", "192.0.2.3")},
		{"empty pairs", []string{`;for=192.0.2.1;;proto=http;`}, addrs("192.0.2.1")},
		{"semicolons only", []string{`;;, for=192.0.2.1`}, addrs("", "192.0.2.1")},
		{"empty elements ignored", []string{`, ,for=192.0.2.1,,`}, addrs("192.0.2.1")},
		{"whitespace tolerated", []string{" for = 192.0.2.1 ; proto = http ,\tfor=\"[2001:db8::1]\"\t"}, addrs("192.0.2.1", "2001:db8::1")},
		{"mapped and zone", []string{`for="[::ffff:192.0.2.1]:80", for="[fe80::1%25eth0]:80", for="[fe80::2%eth0]"`}, addrs("192.0.2.1", "fe80::1", "fe80::2")},
		{"unbracketed v6 accepted", []string{`for="2001:db8::1"`}, addrs("2001:db8::1")},
		{"unquoted v6 accepted", []string{`for=[2001:db8::1]:80;proto=https`}, addrs("2001:db8::1")},
		{"unquoted v4 port accepted", []string{`for=192.0.2.1:80`}, addrs("192.0.2.1")},
		{"quoted-pair escapes", []string{`for="\192.0.2.\1", for="[2001:db8::\1]:\8\0", for="192.0.2.\"7"`}, addrs("192.0.2.1", "2001:db8::1", "")},
		{"escaped quote does not end the string", []string{`for="192.0.2.1\", for=10.0.0.1"`}, addrs("")},
		{"comma inside quotes", []string{`for="192.0.2.1, 192.0.2.2";proto=http, for=192.0.2.3`}, addrs("", "192.0.2.3")},
		{"semicolon inside quotes", []string{`for="192.0.2.1;proto=x", for=192.0.2.3`}, addrs("", "192.0.2.3")},
		{"other parameter quoted", []string{`host="a,b;c";for=192.0.2.1, for=192.0.2.2`}, addrs("192.0.2.1", "192.0.2.2")},
		{"empty value", []string{`for=, for="", for=192.0.2.1`}, addrs("", "", "192.0.2.1")},
		{"bracketed v4 refused", []string{`for="[192.0.2.1]"`}, addrs("")},
		{"unterminated quote swallows the line", []string{`for=192.0.2.1, for="192.0.2.2, for=192.0.2.3`, `for=192.0.2.4`},
			addrs("192.0.2.1", "", "192.0.2.4")},
		{"trailing backslash", []string{`for="192.0.2.1\`}, addrs("")},
		{"control character in quotes", []string{"for=\"192.0.2.1\x01\", for=192.0.2.2"}, addrs("")},
		{"junk after value resumes at the comma", []string{`for=192.0.2.1 x"y, for=192.0.2.2`}, addrs("", "192.0.2.2")},
		{"junk after quoted value", []string{`for="192.0.2.1"x, for=192.0.2.2`}, addrs("", "192.0.2.2")},
		{"missing equals", []string{`for 192.0.2.1, for=192.0.2.2`}, addrs("", "192.0.2.2")},
		{"missing name", []string{`=192.0.2.1, for=192.0.2.2`}, addrs("", "192.0.2.2")},
		{"stray quote", []string{`"for=192.0.2.1", for=192.0.2.2`}, addrs("", "192.0.2.2")},
		{"garbage", []string{`<script>alert(1)</script>, for=192.0.2.2`}, addrs("", "192.0.2.2")},
		{"X-Forwarded-For syntax is not Forwarded", []string{`192.0.2.1, for=192.0.2.2`}, addrs("", "192.0.2.2")},
		{"pairs run into each other", []string{`for=192.0.2.1 proto=http`}, addrs("")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkEntries(t, fmt.Sprintf("ParseForwarded(%q)", tc.lines), clientip.ParseForwarded(nil, tc.lines...), tc.want)
			h := http.Header{"Forwarded": tc.lines}
			checkEntries(t, "ForwardedFor(Forwarded)", clientip.ForwardedFor(h, "forwarded"), tc.want)
		})
	}
}

// TestForwardedClientPrefixCannotInjectRightmost: whatever a client writes,
// once a proxy appends ", for=X" to the same line the rightmost entry is X or
// nothing; on a line of its own, it is X.
func TestForwardedClientPrefixCannotInjectRightmost(t *testing.T) {
	proxy := netip.MustParseAddr("198.51.100.17")
	for _, prefix := range []string{
		``, `for=1.1.1.1`, `for="1.1.1.1`, `for="1.1.1.1\`, `for=1.1.1.1;`, `for=1.1.1.1;for=`,
		`for="`, `"`, `\`, `for=1.1.1.1, for="[2001:db8::1]`, `for=";for=1.1.1.1;x="`, `for=1.1.1.1 "`,
		`for="1.1.1.1" "`, `=`, `;`, `for=1.1.1.1,`, "for=1.1.1.1\x00",
	} {
		for _, suffix := range []string{`, for=198.51.100.17`, `, for="198.51.100.17:4711"`, `,for=198.51.100.17;proto=https`} {
			got := clientip.ParseForwarded(nil, prefix+suffix)
			if len(got) == 0 || (got[len(got)-1] != proxy && got[len(got)-1].IsValid()) {
				t.Errorf("%q: entries %v: want the rightmost to be %v or zero", prefix+suffix, got, proxy)
			}
			got = clientip.ParseForwarded(nil, prefix, suffix[1:])
			if len(got) == 0 || got[len(got)-1] != proxy {
				t.Errorf("%q then %q: entries %v: want the rightmost to be %v", prefix, suffix[1:], got, proxy)
			}
		}
	}
}

func TestParseForwardedKeepsRightmost(t *testing.T) {
	line := strings.Repeat(`for="_x";proto=http, `, 5000) + `for=192.0.2.1`
	got := clientip.ParseForwarded(nil, line, `for="[2001:db8::1]:80"`)
	if len(got) != clientip.MaxEntries {
		t.Fatalf("got %d entries, want MaxEntries = %d", len(got), clientip.MaxEntries)
	}
	checkEntries(t, "rightmost three", got[len(got)-3:], addrs("", "192.0.2.1", "2001:db8::1"))
}
