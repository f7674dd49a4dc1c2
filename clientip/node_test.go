package clientip

import (
	"net/netip"
	"testing"
)

func TestParseNode(t *testing.T) {
	for _, tc := range []struct {
		in, want string // want "" is the zero Addr
	}{
		{"192.0.2.43", "192.0.2.43"},
		{"192.0.2.43:47011", "192.0.2.43"},
		{"192.0.2.43:0", "192.0.2.43"},
		{"192.0.2.43:65535", "192.0.2.43"},
		{"192.0.2.43:_hidden-port.1", "192.0.2.43"},
		{"2001:db8:cafe::17", "2001:db8:cafe::17"},
		{"2001:DB8:CAFE::17", "2001:db8:cafe::17"},
		{"[2001:db8:cafe::17]", "2001:db8:cafe::17"},
		{"[2001:db8:cafe::17]:4711", "2001:db8:cafe::17"},
		{"[2001:db8:cafe::17]:_p", "2001:db8:cafe::17"},
		{"fe80::1%eth0", "fe80::1"},
		{"[fe80::1%eth0]:8080", "fe80::1"},
		{"[fe80::1%25en0]", "fe80::1"},
		{"::ffff:192.0.2.1", "192.0.2.1"},
		{"[::ffff:192.0.2.1]:443", "192.0.2.1"},
		{"::ffff:c000:0201", "192.0.2.1"},
		{"::", ""}, // unspecified: "no address", never a client
		{"0.0.0.0", ""},
		{"0.0.0.0:80", ""},
		{"[::]:80", ""},
		{"0:0:0:0:0:0:0:0", ""},
		{"::ffff:0.0.0.0", ""},
		{"[::ffff:0.0.0.0]:1", ""},
		{"0.0.0.1", "0.0.0.1"}, // in 0.0.0.0/8 but not unspecified: an address
		{"ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},

		{"", ""},
		{"unknown", ""},
		{"UNKNOWN", ""},
		{"_hidden", ""},
		{"_", ""},
		{"192.0.2", ""},
		{"192.0.2.256", ""},
		{"192.0.2.043", ""}, // leading zeros are octal to some readers: refused
		{"192.0.2.43:", ""},
		{"192.0.2.43:65536", ""},
		{"192.0.2.43:123456", ""},
		{"192.0.2.43:-1", ""},
		{"192.0.2.43:_", ""},
		{"192.0.2.43:_a/b", ""},
		{"192.0.2.43%eth0", ""},
		{"192.0.2.43%eth0:80", ""},
		{"[192.0.2.43]", ""},
		{"[192.0.2.43]:80", ""},
		{"[2001:db8::1", ""},
		{"2001:db8::1]", ""},
		{"[2001:db8::1]80", ""},
		{"[2001:db8::1]:", ""},
		{"[2001:db8::1]:99999", ""},
		{"[]", ""},
		{"[]:80", ""},
		{"fe80::1%", ""},
		{"[fe80::1%]:80", ""},
		{"::ffff:192.0.2.1:80", ""}, // unbracketed IPv6 with a port: ambiguous
		{"2001:db8:::1", ""},
		{" 192.0.2.1", ""}, // callers trim; the parser does not guess
		{"192.0.2.1 ", ""},
		{"\"192.0.2.1\"", ""},
		{"192.0.2.1,192.0.2.2", ""},
		{"ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.2550", ""},
		{"example.com", ""},
		{"example.com:80", ""},
		{"abcd", ""},
		{"1e3", ""},
	} {
		got := parseNode(tc.in)
		var want netip.Addr
		if tc.want != "" {
			want = netip.MustParseAddr(tc.want)
		}
		if got != want {
			t.Errorf("parseNode(%q) = %v, want %v", tc.in, got, want)
		}
	}
}

func TestIsPrivate(t *testing.T) {
	for _, tc := range []struct {
		addr    string
		private bool
	}{
		{"10.1.2.3", true},
		{"172.16.0.1", true},
		{"172.31.255.255", true},
		{"172.32.0.1", false},
		{"192.168.1.1", true},
		{"100.64.0.1", true},
		{"100.127.255.255", true},
		{"100.128.0.1", false},
		{"100.63.255.255", false},
		{"127.0.0.1", true},
		{"127.255.0.9", true},
		{"169.254.1.1", true},
		{"224.0.0.1", true},
		{"239.1.2.3", true},
		{"0.0.0.0", true},
		{"::", true},
		{"::1", true},
		{"fe80::1", true},
		{"fc00::1", true},
		{"fd12:3456::1", true},
		{"ff02::1", true},
		{"ff0e::1", true},
		{"8.8.8.8", false},
		{"192.0.2.1", false},
		{"2001:db8::1", false},
		{"2606:4700::1111", false},
	} {
		if got := isPrivate(netip.MustParseAddr(tc.addr)); got != tc.private {
			t.Errorf("isPrivate(%s) = %v, want %v", tc.addr, got, tc.private)
		}
	}
}

func TestParseNodeZones(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"fe80::1%eth0.100", "fe80::1"},
		{"fe80::1%en_0-a~b", "fe80::1"},
		{"fe80::1%25eth0", "fe80::1"},
		{"fe80::1%7", "fe80::1"},
		{"[fe80::1%eth0]:80", "fe80::1"},
		{"fe80::1%a][fe80::2]", ""},
		{"fe80::1%a b", ""},
		{"fe80::1%a\"b", ""},
		{"fe80::1%a/b", ""},
		{"[fe80::1%a]b]:80", ""},
	} {
		got := parseNode(tc.in)
		var want netip.Addr
		if tc.want != "" {
			want = netip.MustParseAddr(tc.want)
		}
		if got != want {
			t.Errorf("parseNode(%q) = %v, want %v", tc.in, got, want)
		}
	}
}

// TestParseIPv4AgreesWithNetip: the allocation-free IPv4 reader accepts what
// netip.ParseAddr accepts as IPv4, and nothing else.
func TestParseIPv4AgreesWithNetip(t *testing.T) {
	for _, s := range []string{
		"0.0.0.0", "255.255.255.255", "1.2.3.4", "10.0.0.1", "100.64.0.0", "192.0.2.199",
		"", ".", "...", "1.2.3", "1.2.3.4.", ".1.2.3.4", "1..2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.256",
		"01.2.3.4", "1.02.3.4", "1.2.3.00", "0.0.0.00", "1000.1.1.1", "1.2.3.-4", "1.2.3.4a", "a.b.c.d",
		"1.2.3.2555", "99999999999999999999.1.1.1", "1.2.3. 4", "1,2.3.4",
	} {
		want, err := netip.ParseAddr(s)
		if err != nil || !want.Is4() {
			want = netip.Addr{}
		}
		if got := parseIPv4(s); got != want {
			t.Errorf("parseIPv4(%q) = %v, want %v", s, got, want)
		}
	}
}
