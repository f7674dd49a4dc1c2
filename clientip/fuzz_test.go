package clientip

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The fuzz targets check, for any header a client can send:
//   - no panic, no hang;
//   - at most MaxEntries entries, each the zero Addr or a canonical address;
//   - the entries agree with a plain reading of the syntax (X-Forwarded-For:
//     split at commas, each element checked against netip's own parsers);
//   - an entry that a proxy appends is the rightmost, whatever came before;
//   - valid addresses formatted and joined parse back to themselves;
//   - the strategies, which parse lazily, agree with the full parse.

var xffSeeds = []string{
	"",
	"203.0.113.7",
	"203.0.113.7, 198.51.100.2, 10.0.0.1",
	"1.1.1.1, 8.8.8.8, 203.0.113.7\n10.0.0.1",
	"2001:db8::1, [2001:db8::2]:443, 203.0.113.7:51234",
	"::ffff:203.0.113.7, [::ffff:10.0.0.1]:80",
	"fe80::1%eth0, [fe80::2%25en0]:80, fe80::3%",
	"unknown, _hidden, 203.0.113.7",
	",, ,\t,\n\n,",
	"<script>, 1.2.3, 999.1.1.1, 01.2.3.4, 1.2.3.4:65536, [1.2.3.4]:80",
	`"203.0.113.7", 203.0.113.7 198.51.100.2`,
	"[2001:db8::1, 2001:db8::1], [fe80::1%a]b]:80",
	"ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255, 0000:0000:0000:0000:0000:ffff:255.255.255.255",
	"1.2.3.4:_obf, 1.2.3.4:000080, 1.2.3.4:00080",
	strings.Repeat("6.6.6.6,", 100) + "203.0.113.7",
}

func FuzzXForwardedFor(f *testing.F) {
	for i, s := range xffSeeds {
		f.Add(s, []byte{byte(i), 203, 0, 113, 7, 1, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, byte(i)})
	}
	f.Fuzz(func(t *testing.T, header string, raw []byte) {
		lines := strings.Split(header, "\n")
		got := ParseXForwardedFor(nil, lines...)
		checkBounds(t, got)

		// A plain reading: split at commas, trim, drop empty elements.
		var elems []string
		for _, l := range lines {
			for e := range strings.SplitSeq(l, ",") {
				if e = strings.Trim(e, " \t"); e != "" {
					elems = append(elems, e)
				}
			}
		}
		if want := min(len(elems), MaxEntries); len(got) != want {
			t.Fatalf("%q: %d entries, want %d", header, len(got), want)
		}
		elems = elems[len(elems)-len(got):]
		for i, e := range elems {
			if ref, ok := netipReading(e); ok && got[i] != ref {
				t.Fatalf("element %q: got %v, netip reads %v", e, got[i], ref)
			} else if !ok && got[i].IsValid() {
				t.Fatalf("element %q: got %v, netip reads no address", e, got[i])
			}
		}

		// What a proxy appends is the rightmost entry, whatever the client wrote.
		proxy := addrFromBytes(raw)
		for _, ls := range [][]string{
			append(lines[:len(lines)-1:len(lines)-1], lines[len(lines)-1]+", "+proxy.String()),
			append(lines[:len(lines):len(lines)], proxy.String()),
		} {
			if g := ParseXForwardedFor(nil, ls...); len(g) == 0 || g[len(g)-1] != proxy {
				t.Fatalf("%q: rightmost of %v is not the appended %v", ls, g, proxy)
			}
		}

		// Round trip: valid addresses, formatted and joined, parse back.
		want, text := formatXFF(raw)
		back := ParseXForwardedFor(nil, text)
		if !slices.Equal(back, want[len(want)-min(len(want), MaxEntries):]) {
			t.Fatalf("round trip of %q:\n got %v\nwant %v", text, back, want)
		}

		checkStrategies(t, "X-Forwarded-For", lines, got)
	})
}

var forwardedSeeds = []string{
	"",
	`for=192.0.2.60;proto=http;by=203.0.113.43`,
	`For="[2001:db8:cafe::17]:4711"`,
	`for=192.0.2.43, for=198.51.100.17`,
	`for="_gazonk", for=unknown, for="unknown:4711", for="192.0.2.43:_p1"`,
	"for=192.0.2.1\nfor=\"[2001:db8::1]\"\n\nfor=10.0.0.1",
	`FOR=192.0.2.1;BY=x, proto=https;by=10.0.0.1;for=192.0.2.2`,
	`for=192.0.2.1;for=192.0.2.2, ;;, , for=, for=""`,
	` for = 192.0.2.1 ; proto = http ,	for="[2001:db8::1]"	`,
	`for="[::ffff:192.0.2.1]:80", for="[fe80::1%25eth0]:80", for=[2001:db8::1]:80, for=192.0.2.1:80`,
	`for="\192.0.2.\1", for="[2001:db8::\1]:\8\0", for="192.0.2.\"7"`,
	`for="192.0.2.1\", for=10.0.0.1"`,
	`for=192.0.2.1, for="192.0.2.2, for=192.0.2.3`,
	`host="a,b;c";for=192.0.2.1, for="192.0.2.1\`,
	"for=\"192.0.2.1\x01\", for=192.0.2.2",
	`for=192.0.2.1 x"y, for="192.0.2.1"x, for 192.0.2.1, =192.0.2.1, "for=192.0.2.1"`,
	strings.Repeat(`for="_x";proto=http, `, 100) + `for=192.0.2.1`,
}

func FuzzForwarded(f *testing.F) {
	for i, s := range forwardedSeeds {
		f.Add(s, []byte{byte(i), 192, 0, 2, 60, 3, 0x20, 0x01, 0x0d, 0xb8, 0xca, 0xfe, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x17, byte(i)})
	}
	f.Fuzz(func(t *testing.T, header string, raw []byte) {
		lines := strings.Split(header, "\n")
		got := ParseForwarded(nil, lines...)
		checkBounds(t, got)

		// What a proxy appends is the rightmost entry, or, on the same line
		// as a client's broken quote, no address: never one the client chose.
		proxy := addrFromBytes(raw)
		node := `"` + netip.AddrPortFrom(proxy, 4711).String() + `"`
		for _, elem := range []string{"for=" + node, "for=" + node + ";proto=https", "by=_lb;for=" + node} {
			same := append(lines[:len(lines)-1:len(lines)-1], lines[len(lines)-1]+", "+elem)
			if g := ParseForwarded(nil, same...); len(g) == 0 || g[len(g)-1] != proxy && g[len(g)-1].IsValid() {
				t.Fatalf("%q: rightmost of %v is neither the appended %v nor zero", same, g, proxy)
			}
			own := append(lines[:len(lines):len(lines)], elem)
			if g := ParseForwarded(nil, own...); len(g) == 0 || g[len(g)-1] != proxy {
				t.Fatalf("%q: rightmost of %v is not the appended %v", own, g, proxy)
			}
		}

		// Round trip: valid addresses, formatted as elements, parse back.
		want, text := formatForwarded(raw)
		back := ParseForwarded(nil, strings.Split(text, "\n")...)
		if !slices.Equal(back, want[len(want)-min(len(want), MaxEntries):]) {
			t.Fatalf("round trip of %q:\n got %v\nwant %v", text, back, want)
		}

		checkStrategies(t, "Forwarded", lines, got)
	})
}

func checkBounds(t *testing.T, got []netip.Addr) {
	t.Helper()
	if len(got) > MaxEntries {
		t.Fatalf("%d entries, more than MaxEntries", len(got))
	}
	for _, a := range got {
		if a.IsValid() && (a.Is4In6() || a.Zone() != "") {
			t.Fatalf("entry %v is not canonical", a)
		}
	}
}

// netipReading reads one X-Forwarded-For element with netip's parsers alone:
// an address, or an address and port. It also takes the two spellings netip
// does not (a bracketed IPv6 without port, an RFC 7239 obfuscated port), and
// refuses ports of more than five digits, as RFC 7239 does, and zones of
// other characters than RFC 6874 allows (netip takes any).
func netipReading(e string) (netip.Addr, bool) {
	if a, err := netip.ParseAddr(e); err == nil {
		return zoneChecked(a)
	}
	if strings.HasPrefix(e, "[") && strings.HasSuffix(e, "]") {
		e += ":0"
	}
	if i := strings.LastIndexByte(e, ':'); i >= 0 {
		port := e[i+1:]
		if isObfuscated(port) {
			e = e[:i+1] + "0"
		} else if len(port) > 5 {
			return netip.Addr{}, false
		}
	}
	if ap, err := netip.ParseAddrPort(e); err == nil {
		return zoneChecked(ap.Addr())
	}
	return netip.Addr{}, false
}

var zoneSyntax = regexp.MustCompile(`^[A-Za-z0-9._~%-]+$`)

func zoneChecked(a netip.Addr) (netip.Addr, bool) {
	if z := a.Zone(); z != "" && !zoneSyntax.MatchString(z) {
		return netip.Addr{}, false
	}
	return a.Unmap().WithZone(""), true
}

// addrFromBytes makes one address of raw: IPv4 or IPv6 as the first byte says.
func addrFromBytes(raw []byte) netip.Addr {
	a, _, _ := nextAddr(raw)
	if !a.IsValid() {
		return netip.MustParseAddr("198.51.100.17")
	}
	return a.Unmap()
}

// nextAddr takes an address off the front of raw, with the byte that chose
// it (whose other bits choose a spelling), or the zero Addr when raw is short.
func nextAddr(raw []byte) (a netip.Addr, style byte, rest []byte) {
	if len(raw) == 0 {
		return netip.Addr{}, 0, nil
	}
	style, raw = raw[0], raw[1:]
	if style&1 == 0 {
		if len(raw) < 4 {
			return netip.Addr{}, 0, nil
		}
		return netip.AddrFrom4([4]byte(raw[:4])), style >> 1, raw[4:]
	}
	if len(raw) < 16 {
		return netip.Addr{}, 0, nil
	}
	return netip.AddrFrom16([16]byte(raw[:16])), style >> 1, raw[16:]
}

// spell writes a in one of the spellings the headers use, chosen by style.
func spell(a netip.Addr, style byte) string {
	port := uint16(style) * 257
	switch style % 6 {
	case 1:
		return netip.AddrPortFrom(a, port).String() // 1.2.3.4:p, [v6]:p
	case 2:
		if a.Is6() {
			return "[" + a.String() + "]"
		}
	case 3:
		if a.Is4() {
			return "::ffff:" + a.String()
		}
		if !a.Is4In6() {
			return a.WithZone("eth0").String()
		}
	case 4:
		if a.Is6() && !a.Is4In6() {
			return "[" + a.WithZone("en0").String() + "]:" + fmt.Sprint(port)
		}
	case 5:
		return strings.ToUpper(a.StringExpanded())
	}
	return a.String()
}

// formatXFF makes an X-Forwarded-For line of the addresses in raw.
func formatXFF(raw []byte) (want []netip.Addr, text string) {
	var parts []string
	for {
		a, style, rest := nextAddr(raw)
		if !a.IsValid() {
			break
		}
		raw = rest
		want = append(want, a.Unmap())
		parts = append(parts, spell(a, style))
	}
	return want, strings.Join(parts, ", ")
}

// formatForwarded makes Forwarded lines of the addresses in raw, with quoted
// nodes, escapes, other parameters and line breaks as the style bits say.
func formatForwarded(raw []byte) (want []netip.Addr, text string) {
	var b strings.Builder
	for i := 0; ; i++ {
		a, style, rest := nextAddr(raw)
		if !a.IsValid() {
			break
		}
		raw = rest
		want = append(want, a.Unmap())
		if i > 0 {
			if style&0x40 != 0 {
				b.WriteString("\n")
			} else {
				b.WriteString(", ")
			}
		}
		node := spell(a, style)
		if style&0x20 != 0 {
			// Every byte escaped: still the same node.
			var q strings.Builder
			for j := 0; j < len(node); j++ {
				q.WriteByte('\\')
				q.WriteByte(node[j])
			}
			node = q.String()
		}
		if style&0x10 != 0 {
			b.WriteString(`proto=https;by="_lb";`)
		}
		name := "for"
		if style&0x08 != 0 {
			name = "For"
		}
		fmt.Fprintf(&b, `%s="%s"`, name, node)
		if style&0x04 != 0 {
			b.WriteString(`;host="example.com"`)
		}
	}
	return want, b.String()
}

// checkStrategies compares what the strategies find in a request carrying
// lines of header with what the parsed entries say.
func checkStrategies(t *testing.T, header string, lines []string, entries []netip.Addr) {
	t.Helper()
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "10.0.0.1:80"
	r.Header = http.Header{header: lines}

	rightmost := func(skip func(netip.Addr) bool) netip.Addr {
		for i := len(entries) - 1; i >= 0; i-- {
			if !entries[i].IsValid() || !skip(entries[i]) {
				return entries[i]
			}
		}
		return netip.Addr{}
	}
	leftmost := netip.Addr{}
	for _, a := range entries {
		if a.IsValid() && !isPrivate(a) {
			leftmost = a
			break
		}
	}
	ten := netip.MustParsePrefix("10.0.0.0/8")
	for _, tc := range []struct {
		s    Strategy
		want netip.Addr
	}{
		{must(RightmostNonPrivate(header)), rightmost(isPrivate)},
		{must(RightmostTrustedRange(header, []netip.Prefix{ten})), rightmost(ten.Contains)},
		{must(LeftmostNonPrivate(header)), leftmost},
		{must(RightmostTrustedCount(header, 1)), at(entries, len(entries)-1)},
		{must(RightmostTrustedCount(header, 3)), at(entries, len(entries)-3)},
	} {
		if got := tc.s.ClientIP(r); got != tc.want {
			t.Fatalf("%v on %q = %v, want %v from entries %v", tc.s, lines, got, tc.want, entries)
		}
	}
}

func at(entries []netip.Addr, i int) netip.Addr {
	if i < 0 {
		return netip.Addr{}
	}
	return entries[i]
}

func must(s Strategy, err error) Strategy {
	if err != nil {
		panic(err)
	}
	return s
}
