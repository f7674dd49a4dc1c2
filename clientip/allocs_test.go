//go:build !race

// The race detector allocates on its own, so these guards run without it.

package clientip_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/logweave/logweave/clientip"
)

// TestClientIPDoesNotAllocate: finding the client of a well-formed request,
// on every strategy, costs no allocation.
func TestClientIPDoesNotAllocate(t *testing.T) {
	lb := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	for _, tc := range []struct {
		s     clientip.Strategy
		lines []string
	}{
		{clientip.RemoteAddr(), nil},
		{must(clientip.SingleHeader("X-Real-IP")), []string{"X-Real-IP: 203.0.113.7"}},
		{must(clientip.RightmostNonPrivate("X-Forwarded-For")), []string{"X-Forwarded-For: " + typicalXFF}},
		{must(clientip.RightmostNonPrivate("X-Forwarded-For")), []string{"X-Forwarded-For: 203.0.113.7, [2001:db8::1]:443", "X-Forwarded-For: fe80::1%eth0"}},
		{must(clientip.RightmostNonPrivate("Forwarded")), []string{`Forwarded: for=203.0.113.7;proto=https, for="[2001:db8::17]:4711", for=10.0.0.2`}},
		{must(clientip.RightmostTrustedCount("X-Forwarded-For", 2)), []string{"X-Forwarded-For: " + typicalXFF}},
		{must(clientip.RightmostTrustedRange("X-Forwarded-For", lb)), []string{"X-Forwarded-For: " + typicalXFF}},
		{must(clientip.LeftmostNonPrivate("X-Forwarded-For")), []string{"X-Forwarded-For: " + typicalXFF}},
		{clientip.Chain(must(clientip.SingleHeader("X-Real-IP")), clientip.RemoteAddr()), nil},
		// A padded header costs time, not memory.
		{must(clientip.RightmostNonPrivate("X-Forwarded-For")), []string{"X-Forwarded-For: " + padding + "203.0.113.7"}},
	} {
		r := request("10.0.0.3:51234", tc.lines...)
		if !tc.s.ClientIP(r).IsValid() {
			t.Fatalf("%v found nothing in %q", tc.s, tc.lines)
		}
		if n := testing.AllocsPerRun(100, func() { tc.s.ClientIP(r) }); n != 0 {
			t.Errorf("%v on %q: %v allocations per call, want 0", tc.s, tc.lines, n)
		}
	}
}

// TestParseDoesNotAllocate: with room in dst the parsers allocate nothing
// for well-formed headers, and for hostile ones at most one error per
// entry kept, however long the header.
func TestParseDoesNotAllocate(t *testing.T) {
	var buf [clientip.MaxEntries]netip.Addr
	if n := testing.AllocsPerRun(100, func() { clientip.ParseXForwardedFor(buf[:0], typicalXFF, "2001:db8::1") }); n != 0 {
		t.Errorf("ParseXForwardedFor: %v allocations, want 0", n)
	}
	if n := testing.AllocsPerRun(100, func() {
		clientip.ParseForwarded(buf[:0], `for=203.0.113.7;proto=https, for="[2001:db8::17]:4711", for=unknown, for="_x"`)
	}); n != 0 {
		t.Errorf("ParseForwarded: %v allocations, want 0", n)
	}
	if n := testing.AllocsPerRun(10, func() { clientip.ParseXForwardedFor(buf[:0], hostileXFF) }); n != 0 {
		t.Errorf("ParseXForwardedFor of IPv4-like garbage: %v allocations, want 0", n)
	}
	hostileV6 := strings.Repeat("1::2::3, ", 100_000)
	if n := testing.AllocsPerRun(10, func() { clientip.ParseXForwardedFor(buf[:0], hostileV6) }); n > clientip.MaxEntries {
		t.Errorf("ParseXForwardedFor of IPv6-like garbage: %v allocations, want at most MaxEntries", n)
	}
	hostileFwd := strings.Repeat(`for="1::2::\3", `, 100_000)
	if n := testing.AllocsPerRun(10, func() { clientip.ParseForwarded(buf[:0], hostileFwd) }); n > 2*clientip.MaxEntries {
		t.Errorf("ParseForwarded of escaped IPv6-like garbage: %v allocations, want at most 2*MaxEntries", n)
	}
}
