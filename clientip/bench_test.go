package clientip_test

import (
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"github.com/logweave/logweave/clientip"
)

// The typical request: a client behind a CDN and a load balancer.
const typicalXFF = "203.0.113.7, 198.51.100.17, 10.0.0.2"

func benchStrategy(b *testing.B, s clientip.Strategy, r *http.Request, want string) {
	b.Helper()
	if got := s.ClientIP(r); got != addr(want) {
		b.Fatalf("%v = %v, want %v", s, got, addr(want))
	}
	b.ReportAllocs()
	for b.Loop() {
		s.ClientIP(r)
	}
}

func BenchmarkRemoteAddr(b *testing.B) {
	benchStrategy(b, clientip.RemoteAddr(), request("203.0.113.7:51234"), "203.0.113.7")
}

func BenchmarkSingleHeader(b *testing.B) {
	benchStrategy(b, must(clientip.SingleHeader("CF-Connecting-IP")), request("198.41.128.1:1", "CF-Connecting-IP: 2001:db8::7"), "2001:db8::7")
}

func BenchmarkRightmostNonPrivate(b *testing.B) {
	benchStrategy(b, must(clientip.RightmostNonPrivate("X-Forwarded-For")), request("10.0.0.3:1", "X-Forwarded-For: "+typicalXFF), "198.51.100.17")
}

func BenchmarkRightmostNonPrivateForwarded(b *testing.B) {
	benchStrategy(b, must(clientip.RightmostNonPrivate("Forwarded")),
		request("10.0.0.3:1", `Forwarded: for=203.0.113.7;proto=https, for="[2001:db8::17]:4711", for=10.0.0.2`), "2001:db8::17")
}

func BenchmarkRightmostTrustedCount(b *testing.B) {
	benchStrategy(b, must(clientip.RightmostTrustedCount("X-Forwarded-For", 2)), request("10.0.0.3:1", "X-Forwarded-For: "+typicalXFF), "198.51.100.17")
}

func BenchmarkRightmostTrustedRange(b *testing.B) {
	s := must(clientip.RightmostTrustedRange("X-Forwarded-For", []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}))
	benchStrategy(b, s, request("10.0.0.3:1", "X-Forwarded-For: "+typicalXFF), "198.51.100.17")
}

func BenchmarkLeftmostNonPrivate(b *testing.B) {
	benchStrategy(b, must(clientip.LeftmostNonPrivate("X-Forwarded-For")), request("10.0.0.3:1", "X-Forwarded-For: "+typicalXFF), "203.0.113.7")
}

// hostileXFF is about 1 MB, net/http's default MaxHeaderBytes, of entries
// that nearly look like addresses, the costliest kind to parse.
var hostileXFF = strings.Repeat("1.2.3, ", 1<<20/7) + "203.0.113.7"

// BenchmarkRightmostNonPrivateHostile: the time grows with the header (it is
// read once), the memory does not.
func BenchmarkRightmostNonPrivateHostile(b *testing.B) {
	benchStrategy(b, must(clientip.RightmostNonPrivate("X-Forwarded-For")), request("10.0.0.3:1", "X-Forwarded-For: "+hostileXFF), "203.0.113.7")
}

func BenchmarkParseXForwardedFor(b *testing.B) {
	var buf [clientip.MaxEntries]netip.Addr
	b.ReportAllocs()
	for b.Loop() {
		clientip.ParseXForwardedFor(buf[:0], typicalXFF)
	}
}

func BenchmarkParseXForwardedForHostile(b *testing.B) {
	var buf [clientip.MaxEntries]netip.Addr
	b.SetBytes(int64(len(hostileXFF)))
	b.ReportAllocs()
	for b.Loop() {
		clientip.ParseXForwardedFor(buf[:0], hostileXFF)
	}
}

func BenchmarkParseForwardedHostile(b *testing.B) {
	hostile := strings.Repeat(`for="1.2.3\4";by=x, `, 1<<20/20) + "for=203.0.113.7"
	var buf [clientip.MaxEntries]netip.Addr
	b.SetBytes(int64(len(hostile)))
	b.ReportAllocs()
	for b.Loop() {
		clientip.ParseForwarded(buf[:0], hostile)
	}
}
