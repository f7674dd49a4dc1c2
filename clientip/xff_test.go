package clientip_test

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"github.com/logweave/logweave/clientip"
)

func TestParseXForwardedFor(t *testing.T) {
	for _, tc := range []struct {
		name  string
		lines []string
		want  []netip.Addr
	}{
		{"absent", nil, nil},
		{"empty line", []string{""}, nil},
		{"blank lines and empty elements", []string{" ", ",, ,\t,"}, nil},
		{"one", []string{"203.0.113.7"}, addrs("203.0.113.7")},
		{"three", []string{"203.0.113.7, 198.51.100.2, 10.0.0.1"}, addrs("203.0.113.7", "198.51.100.2", "10.0.0.1")},
		{"no spaces, tabs", []string{"203.0.113.7,198.51.100.2\t,\t10.0.0.1"}, addrs("203.0.113.7", "198.51.100.2", "10.0.0.1")},
		{"empty elements ignored", []string{",203.0.113.7,,, 10.0.0.1,"}, addrs("203.0.113.7", "10.0.0.1")},
		{"several lines concatenate", []string{"203.0.113.7, 198.51.100.2", "10.0.0.1", "", "10.0.0.2"},
			addrs("203.0.113.7", "198.51.100.2", "10.0.0.1", "10.0.0.2")},
		{"mixed families", []string{"2001:db8::1, 203.0.113.7, [2001:db8::2]"}, addrs("2001:db8::1", "203.0.113.7", "2001:db8::2")},
		{"ports", []string{"203.0.113.7:51234, [2001:db8::1]:443"}, addrs("203.0.113.7", "2001:db8::1")},
		{"mapped", []string{"::ffff:203.0.113.7, [::ffff:198.51.100.2]:80"}, addrs("203.0.113.7", "198.51.100.2")},
		{"zones dropped", []string{"fe80::1%eth0, [fe80::2%25en0]:80"}, addrs("fe80::1", "fe80::2")},
		{"unknown and obfuscated keep their place", []string{"203.0.113.7, unknown, _hidden, 10.0.0.1"},
			addrs("203.0.113.7", "", "", "10.0.0.1")},
		{"garbage keeps its place", []string{"<script>, 203.0.113.7 198.51.100.2, 1.2.3, 999.1.1.1, 203.0.113.9"},
			addrs("", "", "", "", "203.0.113.9")},
		{"quotes are not XFF syntax", []string{`"203.0.113.7", 10.0.0.1`}, addrs("", "10.0.0.1")},
		{"spoofed prefix", []string{"1.1.1.1, 8.8.8.8, 203.0.113.7"}, addrs("1.1.1.1", "8.8.8.8", "203.0.113.7")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkEntries(t, fmt.Sprintf("ParseXForwardedFor(%q)", tc.lines), clientip.ParseXForwardedFor(nil, tc.lines...), tc.want)
			h := http.Header{"X-Forwarded-For": tc.lines}
			checkEntries(t, "ForwardedFor(X-Forwarded-For)", clientip.ForwardedFor(h, "x-forwarded-for"), tc.want)
		})
	}
}

func TestParseXForwardedForAppends(t *testing.T) {
	dst := addrs("192.0.2.1")
	got := clientip.ParseXForwardedFor(dst, "203.0.113.7, unknown")
	checkEntries(t, "append", got, addrs("192.0.2.1", "203.0.113.7", ""))
}

// TestParseXForwardedForKeepsRightmost: an attacker who pads the header
// pushes only its own entries out of the parsed window.
func TestParseXForwardedForKeepsRightmost(t *testing.T) {
	var b strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&b, "198.51.100.%d, ", i%256)
	}
	b.WriteString("203.0.113.7")
	lines := []string{b.String(), "10.0.0.1", "10.0.0.2, 10.0.0.3"}
	got := clientip.ParseXForwardedFor(nil, lines...)
	if len(got) != clientip.MaxEntries {
		t.Fatalf("got %d entries, want MaxEntries = %d", len(got), clientip.MaxEntries)
	}
	checkEntries(t, "rightmost four", got[len(got)-4:], addrs("203.0.113.7", "10.0.0.1", "10.0.0.2", "10.0.0.3"))
	// The window is contiguous: entry -5 is the one before 203.0.113.7.
	if want := netip.MustParseAddr("198.51.100.231"); got[len(got)-5] != want {
		t.Errorf("entry -5 = %v, want %v", got[len(got)-5], want)
	}

	// Exactly MaxEntries entries: nothing dropped.
	exact := make([]string, clientip.MaxEntries)
	for i := range exact {
		exact[i] = fmt.Sprintf("192.0.2.%d", i)
	}
	got = clientip.ParseXForwardedFor(nil, strings.Join(exact, ","))
	if len(got) != clientip.MaxEntries || got[0] != netip.MustParseAddr("192.0.2.0") {
		t.Errorf("exactly MaxEntries: got %d entries starting %v", len(got), got[0])
	}
}
