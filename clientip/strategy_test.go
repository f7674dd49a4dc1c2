package clientip_test

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/logweave/logweave/clientip"
)

func must(s clientip.Strategy, err error) clientip.Strategy {
	if err != nil {
		panic(err)
	}
	return s
}

type strategyCase struct {
	name   string
	remote string
	lines  []string // "Name: value"
	want   string   // "" is the zero Addr
}

func runCases(t *testing.T, s clientip.Strategy, cases []strategyCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := s.ClientIP(request(tc.remote, tc.lines...)); got != addr(tc.want) {
				t.Errorf("%v on %s %q = %v, want %v", s, tc.remote, tc.lines, got, addr(tc.want))
			}
		})
	}
}

// padding is an attacker's X-Forwarded-For, far past MaxEntries.
var padding = strings.Repeat("6.6.6.6, ", 5000)

func TestRemoteAddr(t *testing.T) {
	runCases(t, clientip.RemoteAddr(), []strategyCase{
		{"v4 and port", "203.0.113.7:51234", nil, "203.0.113.7"},
		{"v6 and port", "[2001:db8::7]:51234", nil, "2001:db8::7"},
		{"v6 zone and port", "[fe80::7%eth0]:51234", nil, "fe80::7"},
		{"mapped", "[::ffff:203.0.113.7]:51234", nil, "203.0.113.7"},
		{"bare v4", "203.0.113.7", nil, "203.0.113.7"},
		{"bare v6", "2001:db8::7", nil, "2001:db8::7"},
		{"headers ignored", "203.0.113.7:1", []string{"X-Forwarded-For: 1.1.1.1", "X-Real-IP: 1.1.1.1"}, "203.0.113.7"},
		{"unix socket", "@", nil, ""},
		{"empty", "", nil, ""},
		{"garbage", "localhost:80", nil, ""},
	})
	if got := clientip.RemoteAddr().ClientIP(nil); got.IsValid() {
		t.Errorf("nil request: %v", got)
	}
}

func TestSingleHeader(t *testing.T) {
	runCases(t, must(clientip.SingleHeader("X-Real-IP")), []strategyCase{
		{"set", "10.0.0.1:1", []string{"X-Real-IP: 203.0.113.7"}, "203.0.113.7"},
		{"lower-case name on the wire", "10.0.0.1:1", []string{"x-real-ip: 203.0.113.7"}, "203.0.113.7"},
		{"whitespace", "10.0.0.1:1", []string{"X-Real-IP:  \t203.0.113.7\t "}, "203.0.113.7"},
		{"v6", "10.0.0.1:1", []string{"X-Real-IP: 2001:db8::7"}, "2001:db8::7"},
		{"mapped", "10.0.0.1:1", []string{"X-Real-IP: ::ffff:203.0.113.7"}, "203.0.113.7"},
		{"port", "10.0.0.1:1", []string{"X-Real-IP: [2001:db8::7]:443"}, "2001:db8::7"},
		{"absent", "10.0.0.1:1", []string{"X-Forwarded-For: 203.0.113.7"}, ""},
		{"empty", "10.0.0.1:1", []string{"X-Real-IP: "}, ""},
		{"twice: not set by the proxy alone", "10.0.0.1:1", []string{"X-Real-IP: 1.1.1.1", "X-Real-IP: 203.0.113.7"}, ""},
		{"a list", "10.0.0.1:1", []string{"X-Real-IP: 1.1.1.1, 203.0.113.7"}, ""},
		{"unknown", "10.0.0.1:1", []string{"X-Real-IP: unknown"}, ""},
		{"garbage", "10.0.0.1:1", []string{"X-Real-IP: 203.0.113.7x"}, ""},
	})
	runCases(t, must(clientip.SingleHeader("cf-connecting-ip")), []strategyCase{
		{"cloudflare", "198.41.128.1:1", []string{"CF-Connecting-IP: 2001:db8::7", "X-Forwarded-For: 1.1.1.1"}, "2001:db8::7"},
	})
}

func TestRightmostNonPrivate(t *testing.T) {
	xff := must(clientip.RightmostNonPrivate("X-Forwarded-For"))
	runCases(t, xff, []strategyCase{
		{"one proxy", "10.0.0.1:1", []string{"X-Forwarded-For: 203.0.113.7"}, "203.0.113.7"},
		{"spoofed prefix", "10.0.0.1:1", []string{"X-Forwarded-For: 1.1.1.1, 8.8.8.8, 203.0.113.7"}, "203.0.113.7"},
		{"private hops skipped", "10.0.0.3:1", []string{"X-Forwarded-For: 8.8.8.8, 203.0.113.7, 10.0.0.1, 172.16.0.2, 192.168.0.3, 100.64.0.4, 127.0.0.1, fd00::5, fe80::6, ::1"}, "203.0.113.7"},
		{"several lines", "10.0.0.1:1", []string{"X-Forwarded-For: 8.8.8.8", "X-Forwarded-For: 203.0.113.7", "X-Forwarded-For: 10.0.0.1"}, "203.0.113.7"},
		{"v6", "10.0.0.1:1", []string{"X-Forwarded-For: 8.8.8.8, 2001:db8::7, fd00::1"}, "2001:db8::7"},
		{"mapped", "10.0.0.1:1", []string{"X-Forwarded-For: 8.8.8.8, ::ffff:203.0.113.7, ::ffff:10.0.0.1"}, "203.0.113.7"},
		{"ports", "10.0.0.1:1", []string{"X-Forwarded-For: 8.8.8.8:1, 203.0.113.7:51234, 10.0.0.1:80"}, "203.0.113.7"},
		{"zone", "10.0.0.1:1", []string{"X-Forwarded-For: 8.8.8.8, fe80::1%eth0"}, "8.8.8.8"},
		{"all private", "10.0.0.1:1", []string{"X-Forwarded-For: 10.0.0.9, 192.168.1.1"}, ""},
		{"absent", "203.0.113.7:1", nil, ""},
		{"empty", "10.0.0.1:1", []string{"X-Forwarded-For: "}, ""},
		{"unknown stops the search", "10.0.0.1:1", []string{"X-Forwarded-For: 8.8.8.8, unknown, 10.0.0.1"}, ""},
		{"obfuscated stops the search", "10.0.0.1:1", []string{"X-Forwarded-For: 8.8.8.8, _hidden"}, ""},
		{"garbage stops the search", "10.0.0.1:1", []string{"X-Forwarded-For: 8.8.8.8, 203.0.113.7x"}, ""},
		{"garbage left of the answer is fine", "10.0.0.1:1", []string{"X-Forwarded-For: <script>, 203.0.113.7"}, "203.0.113.7"},
		{"padded past the cap", "10.0.0.1:1", []string{"X-Forwarded-For: " + padding + "203.0.113.7, 10.0.0.1"}, "203.0.113.7"},
		{"other header ignored", "10.0.0.1:1", []string{"Forwarded: for=203.0.113.7"}, ""},
	})
	fwd := must(clientip.RightmostNonPrivate("forwarded"))
	runCases(t, fwd, []strategyCase{
		{"one proxy", "10.0.0.1:1", []string{"Forwarded: for=203.0.113.7;proto=https"}, "203.0.113.7"},
		{"spoofed prefix", "10.0.0.1:1", []string{`Forwarded: for=8.8.8.8, for="[2001:db8::7]:4711", for=10.0.0.2`}, "2001:db8::7"},
		{"several lines", "10.0.0.1:1", []string{"Forwarded: for=8.8.8.8", `Forwarded: for="203.0.113.7:1"`, "Forwarded: for=10.0.0.2"}, "203.0.113.7"},
		{"element without for stops the search", "10.0.0.1:1", []string{"Forwarded: for=8.8.8.8, by=10.0.0.2"}, ""},
		{"unknown stops the search", "10.0.0.1:1", []string{"Forwarded: for=8.8.8.8, for=unknown"}, ""},
		{"obfuscated stops the search", "10.0.0.1:1", []string{`Forwarded: for=8.8.8.8, for="_hidden"`}, ""},
		{"client's open quote", "10.0.0.1:1", []string{`Forwarded: for="8.8.8.8, for=203.0.113.7`}, ""},
		{"client's open quote on its own line", "10.0.0.1:1", []string{`Forwarded: for="8.8.8.8`, `Forwarded: for=203.0.113.7`}, "203.0.113.7"},
		{"escapes", "10.0.0.1:1", []string{`Forwarded: for="203.0.113.\7"`}, "203.0.113.7"},
		{"padded past the cap", "10.0.0.1:1", []string{"Forwarded: " + strings.Repeat("for=6.6.6.6,", 3000) + "for=203.0.113.7"}, "203.0.113.7"},
	})
}

func TestRightmostTrustedCount(t *testing.T) {
	one := must(clientip.RightmostTrustedCount("X-Forwarded-For", 1))
	runCases(t, one, []strategyCase{
		{"one proxy", "198.51.100.1:1", []string{"X-Forwarded-For: 203.0.113.7"}, "203.0.113.7"},
		{"spoofed prefix", "198.51.100.1:1", []string{"X-Forwarded-For: 1.1.1.1, 203.0.113.7"}, "203.0.113.7"},
		{"private client is fine", "198.51.100.1:1", []string{"X-Forwarded-For: 8.8.8.8, 10.1.2.3"}, "10.1.2.3"},
		{"absent", "198.51.100.1:1", nil, ""},
		{"unknown", "198.51.100.1:1", []string{"X-Forwarded-For: 8.8.8.8, unknown"}, ""},
		{"padded past the cap", "198.51.100.1:1", []string{"X-Forwarded-For: " + padding + "203.0.113.7"}, "203.0.113.7"},
	})
	two := must(clientip.RightmostTrustedCount("X-Forwarded-For", 2))
	runCases(t, two, []strategyCase{
		{"cdn then lb", "10.0.0.1:1", []string{"X-Forwarded-For: 203.0.113.7, 198.51.100.1"}, "203.0.113.7"},
		{"cdn then lb, two lines", "10.0.0.1:1", []string{"X-Forwarded-For: 1.1.1.1, 203.0.113.7", "X-Forwarded-For: 198.51.100.1"}, "203.0.113.7"},
		{"mixed families and ports", "10.0.0.1:1", []string{"X-Forwarded-For: 1.1.1.1, [2001:db8::7]:3000, 198.51.100.1:443"}, "2001:db8::7"},
		{"too few entries: skipped a proxy", "10.0.0.1:1", []string{"X-Forwarded-For: 203.0.113.7"}, ""},
		{"empty elements do not count", "10.0.0.1:1", []string{"X-Forwarded-For: 203.0.113.7,, , 198.51.100.1,"}, "203.0.113.7"},
		{"garbage at the position", "10.0.0.1:1", []string{"X-Forwarded-For: 1.1.1.1, bogus, 198.51.100.1"}, ""},
	})
	maxCount := must(clientip.RightmostTrustedCount("X-Forwarded-For", clientip.MaxEntries))
	runCases(t, maxCount, []strategyCase{
		{"MaxEntries proxies, padded", "10.0.0.1:1", []string{"X-Forwarded-For: " + padding + "203.0.113.7" + strings.Repeat(", 10.0.0.1", clientip.MaxEntries-1)}, "203.0.113.7"},
	})
	fwd := must(clientip.RightmostTrustedCount("Forwarded", 2))
	runCases(t, fwd, []strategyCase{
		{"cdn then lb", "10.0.0.1:1", []string{`Forwarded: for=1.1.1.1, for="[2001:db8::7]:4711";proto=https, for=198.51.100.1`}, "2001:db8::7"},
		{"obfuscated by the cdn", "10.0.0.1:1", []string{`Forwarded: for=1.1.1.1, for=_client, for=198.51.100.1`}, ""},
		{"element without for counts", "10.0.0.1:1", []string{`Forwarded: for=1.1.1.1, by=x, for=198.51.100.1`}, ""},
	})
}

func TestRightmostTrustedRange(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8:1::/48"), netip.MustParsePrefix("::ffff:198.51.100.0/120")}
	s := must(clientip.RightmostTrustedRange("X-Forwarded-For", trusted))
	runCases(t, s, []strategyCase{
		{"behind the lb", "10.0.0.1:1", []string{"X-Forwarded-For: 203.0.113.7"}, "203.0.113.7"},
		{"spoofed prefix", "10.0.0.1:1", []string{"X-Forwarded-For: 1.1.1.1, 203.0.113.7, 10.0.0.2"}, "203.0.113.7"},
		{"v6 peer and hops", "[2001:db8:1::1]:1", []string{"X-Forwarded-For: 1.1.1.1, 2001:db8:2::7, 2001:db8:1::2, 10.9.9.9"}, "2001:db8:2::7"},
		{"mapped prefix matches unmapped", "198.51.100.9:1", []string{"X-Forwarded-For: 203.0.113.7, ::ffff:198.51.100.1"}, "203.0.113.7"},
		{"mapped peer", "[::ffff:10.0.0.1]:1", []string{"X-Forwarded-For: 203.0.113.7"}, "203.0.113.7"},
		{"private client outside the ranges", "10.0.0.1:1", []string{"X-Forwarded-For: 1.1.1.1, 192.168.1.7"}, "192.168.1.7"},
		{"untrusted peer: the client wrote the header", "203.0.113.7:1", []string{"X-Forwarded-For: 1.1.1.1"}, ""},
		{"untrusted peer with a trusted-looking header", "203.0.113.7:1", []string{"X-Forwarded-For: 1.1.1.1, 10.0.0.1"}, ""},
		{"unparsable peer", "@", []string{"X-Forwarded-For: 1.1.1.1"}, ""},
		{"all trusted", "10.0.0.1:1", []string{"X-Forwarded-For: 10.0.0.9"}, ""},
		{"absent", "10.0.0.1:1", nil, ""},
		{"unknown stops the search", "10.0.0.1:1", []string{"X-Forwarded-For: 1.1.1.1, unknown, 10.0.0.2"}, ""},
		{"padded past the cap", "10.0.0.1:1", []string{"X-Forwarded-For: " + padding + "203.0.113.7, 10.0.0.2"}, "203.0.113.7"},
	})
	fwd := must(clientip.RightmostTrustedRange("Forwarded", trusted))
	runCases(t, fwd, []strategyCase{
		{"behind the lb", "10.0.0.1:1", []string{`Forwarded: for=1.1.1.1, for="[2001:db8:2::7]:1";proto=https, for=10.0.0.2`}, "2001:db8:2::7"},
		{"untrusted peer", "203.0.113.9:1", []string{`Forwarded: for=1.1.1.1`}, ""},
	})
}

func TestLeftmostNonPrivate(t *testing.T) {
	s := must(clientip.LeftmostNonPrivate("X-Forwarded-For"))
	runCases(t, s, []strategyCase{
		{"the client's own claim wins: spoofable", "10.0.0.1:1", []string{"X-Forwarded-For: 1.1.1.1, 203.0.113.7"}, "1.1.1.1"},
		{"private and invalid skipped", "10.0.0.1:1", []string{"X-Forwarded-For: unknown, 192.168.1.1, garbage, 203.0.113.7, 10.0.0.2"}, "203.0.113.7"},
		{"several lines", "10.0.0.1:1", []string{"X-Forwarded-For: 10.1.1.1", "X-Forwarded-For: 2001:db8::7"}, "2001:db8::7"},
		{"all private", "10.0.0.1:1", []string{"X-Forwarded-For: 10.0.0.9"}, ""},
		{"padded: only the window is seen", "10.0.0.1:1", []string{"X-Forwarded-For: 203.0.113.7, " + padding + "10.0.0.2"}, "6.6.6.6"},
	})
	fwd := must(clientip.LeftmostNonPrivate("Forwarded"))
	runCases(t, fwd, []strategyCase{
		{"first public", "10.0.0.1:1", []string{`Forwarded: for=_x, for=10.0.0.9, for="[2001:db8::7]"`}, "2001:db8::7"},
	})
}

func TestChain(t *testing.T) {
	lb := must(clientip.RightmostTrustedRange("X-Forwarded-For", []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}))
	s := clientip.Chain(must(clientip.SingleHeader("CF-Connecting-IP")), lb, clientip.RemoteAddr())
	runCases(t, s, []strategyCase{
		{"first", "10.0.0.1:1", []string{"CF-Connecting-IP: 203.0.113.1", "X-Forwarded-For: 203.0.113.2"}, "203.0.113.1"},
		{"second", "10.0.0.1:1", []string{"X-Forwarded-For: 203.0.113.2"}, "203.0.113.2"},
		{"fallback", "203.0.113.3:1", []string{"X-Forwarded-For: 203.0.113.2"}, "203.0.113.3"},
		{"none", "@", nil, ""},
	})
	if got := clientip.Chain().ClientIP(request("203.0.113.3:1")); got.IsValid() {
		t.Errorf("empty Chain = %v, want zero", got)
	}
	want := `Chain(SingleHeader("Cf-Connecting-Ip"), RightmostTrustedRange("X-Forwarded-For", [10.0.0.0/8]), RemoteAddr())`
	if got := fmt.Sprint(s); got != want {
		t.Errorf("String() = %s, want %s", got, want)
	}
}

func TestChainNilPanics(t *testing.T) {
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(fmt.Sprint(r), "Chain strategy 1 is nil") {
			t.Errorf("recovered %v, want a panic naming strategy 1", r)
		}
	}()
	s, _ := clientip.SingleHeader("X-Forwarded-For") // the error ignored: s is nil
	clientip.Chain(clientip.RemoteAddr(), s)
}

func TestNilRequest(t *testing.T) {
	for _, s := range []clientip.Strategy{
		clientip.RemoteAddr(),
		must(clientip.SingleHeader("X-Real-IP")),
		must(clientip.RightmostNonPrivate("X-Forwarded-For")),
		must(clientip.RightmostTrustedCount("X-Forwarded-For", 1)),
		must(clientip.RightmostTrustedRange("X-Forwarded-For", []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0")})),
		must(clientip.LeftmostNonPrivate("X-Forwarded-For")),
		clientip.Chain(clientip.RemoteAddr()),
	} {
		if got := s.ClientIP(nil); got.IsValid() {
			t.Errorf("%v.ClientIP(nil) = %v", s, got)
		}
	}
}

func TestConstructorErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"single empty", second(clientip.SingleHeader("")), `clientip: SingleHeader "": not a header name; want the header your proxy sets, such as "X-Real-IP" or "CF-Connecting-IP"`},
		{"single space", second(clientip.SingleHeader("X Real IP")), `clientip: SingleHeader "X Real IP": not a header name`},
		{"single xff", second(clientip.SingleHeader("x-forwarded-for")), `clientip: SingleHeader "x-forwarded-for": it is a list that the client can write the start of; use RightmostNonPrivate, RightmostTrustedCount or RightmostTrustedRange with it`},
		{"single forwarded", second(clientip.SingleHeader("Forwarded")), `clientip: SingleHeader "Forwarded": it is a list`},
		{"nonprivate header", second(clientip.RightmostNonPrivate("X-Real-IP")), `clientip: RightmostNonPrivate "X-Real-IP": want "X-Forwarded-For" or "Forwarded", the lists that proxies append to; for a header that holds one address use SingleHeader`},
		{"leftmost header", second(clientip.LeftmostNonPrivate("")), `clientip: LeftmostNonPrivate "": want "X-Forwarded-For" or "Forwarded"`},
		{"count header", second(clientip.RightmostTrustedCount("X-Forwarded", 1)), `clientip: RightmostTrustedCount "X-Forwarded": want`},
		{"count 0", second(clientip.RightmostTrustedCount("X-Forwarded-For", 0)), `clientip: RightmostTrustedCount 0: want a count of proxies >= 1`},
		{"count -1", second(clientip.RightmostTrustedCount("X-Forwarded-For", -1)), `clientip: RightmostTrustedCount -1: want a count of proxies >= 1`},
		{"count too big", second(clientip.RightmostTrustedCount("X-Forwarded-For", clientip.MaxEntries+1)), `clientip: RightmostTrustedCount 65: want at most 64 proxies, the entries kept per request (MaxEntries)`},
		{"range header", second(clientip.RightmostTrustedRange("CF-Connecting-IP", []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")})), `clientip: RightmostTrustedRange "CF-Connecting-IP": want`},
		{"range none", second(clientip.RightmostTrustedRange("X-Forwarded-For", nil)), `clientip: RightmostTrustedRange with no trusted prefix: want the ranges of your proxies, such as 10.0.0.0/8`},
		{"range invalid", second(clientip.RightmostTrustedRange("X-Forwarded-For", []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), {}})), `clientip: RightmostTrustedRange trusted[1] is not a valid prefix: build it with netip.ParsePrefix or netip.PrefixFrom`},
	} {
		if tc.err == nil || !strings.HasPrefix(tc.err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one starting %q", tc.name, tc.err, tc.want)
		}
	}
}

func second(_ clientip.Strategy, err error) error { return err }

// TestRightmostTrustedRangeCopiesPrefixes: changing the caller's slice
// afterwards does not change what is trusted.
func TestRightmostTrustedRangeCopiesPrefixes(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	s := must(clientip.RightmostTrustedRange("X-Forwarded-For", trusted))
	trusted[0] = netip.MustParsePrefix("0.0.0.0/0")
	if got := s.ClientIP(request("10.0.0.1:1", "X-Forwarded-For: 203.0.113.7")); got != addr("203.0.113.7") {
		t.Errorf("got %v after the caller changed its slice", got)
	}
}

func TestStrings(t *testing.T) {
	for _, tc := range []struct {
		s    clientip.Strategy
		want string
	}{
		{clientip.RemoteAddr(), "RemoteAddr()"},
		{must(clientip.SingleHeader("x-real-ip")), `SingleHeader("X-Real-Ip")`},
		{must(clientip.RightmostNonPrivate("x-forwarded-for")), `RightmostNonPrivate("X-Forwarded-For")`},
		{must(clientip.RightmostTrustedCount("forwarded", 2)), `RightmostTrustedCount("Forwarded", 2)`},
		{must(clientip.RightmostTrustedRange("Forwarded", []netip.Prefix{netip.MustParsePrefix("10.1.2.3/8")})), `RightmostTrustedRange("Forwarded", [10.0.0.0/8])`},
		{must(clientip.LeftmostNonPrivate("X-Forwarded-For")), `LeftmostNonPrivate("X-Forwarded-For")`},
	} {
		if got := fmt.Sprint(tc.s); got != tc.want {
			t.Errorf("String() = %s, want %s", got, tc.want)
		}
	}
}
