package clientip_test

import (
	"net/netip"
	"testing"

	"github.com/logweave/logweave/clientip"
)

// The unspecified address (0.0.0.0, ::) is "cannot tell", the zero Addr,
// wherever it stands: as the socket peer, in a single-IP header, and as the
// entry a rightmost strategy lands on. These cases follow the test vectors
// of realclientip-go (realclientip_test.go: "zero RemoteAddr IP",
// "unspecified RemoteAddr IP", "zero IP", "none acceptable", "zero value at
// count index"), in this package's terms.
func TestUnspecifiedIsNoAddress(t *testing.T) {
	runCases(t, clientip.RemoteAddr(), []strategyCase{
		{"v4", "0.0.0.0", nil, ""},
		{"v4 and port", "0.0.0.0:8080", nil, ""},
		{"v6", "::", nil, ""},
		{"v6 and port", "[::]:8080", nil, ""},
		{"mapped", "[::ffff:0.0.0.0]:8080", nil, ""},
	})
	runCases(t, must(clientip.SingleHeader("True-Client-IP")), []strategyCase{
		{"v4", "10.0.0.1:1", []string{"X-Real-IP: ::1", "True-Client-IP: 0.0.0.0", "X-Forwarded-For: 3.3.3.3"}, ""},
		{"v6", "10.0.0.1:1", []string{"True-Client-IP: ::"}, ""},
		{"v6 with port", "10.0.0.1:1", []string{"True-Client-IP: [::]:443"}, ""},
	})
	runCases(t, must(clientip.RightmostNonPrivate("X-Forwarded-For")), []strategyCase{
		{"none acceptable", "10.0.0.1:1", []string{"X-Forwarded-For: ::1, nope", "X-Forwarded-For: 192.168.1.1, !?!, ::, 0.0.0.0"}, ""},
		// An entry with no address stops the search: what lies left of it
		// may be the client's own writing.
		{"unspecified stops the search", "10.0.0.1:1", []string{"X-Forwarded-For: 203.0.113.7, 0.0.0.0, 10.0.0.2"}, ""},
	})
	runCases(t, must(clientip.RightmostNonPrivate("Forwarded")), []strategyCase{
		{"none acceptable", "10.0.0.1:1", []string{`Forwarded: For="", For="::ffff:192.168.1.1"`, `Forwarded: host=what;for=:48485;proto=https,For="::ffff:ac15:0006%zone", For="::", For=0.0.0.0`}, ""},
	})
	runCases(t, must(clientip.RightmostTrustedCount("Forwarded", 2)), []strategyCase{
		{"zero value at the count", "10.0.0.1:1", []string{`Forwarded: For="::ffff:bc15:0006"`, `Forwarded: For=0.0.0.0`, `Forwarded: host=what;for=6.6.6.6;proto=https`}, ""},
		{"unspecified v6 at the count", "10.0.0.1:1", []string{`Forwarded: for=1.1.1.1, for="[::]:80", for=6.6.6.6`}, ""},
	})
	runCases(t, must(clientip.RightmostTrustedCount("X-Forwarded-For", 1)), []strategyCase{
		{"rightmost is unspecified", "10.0.0.1:1", []string{"X-Forwarded-For: 203.0.113.7, 0.0.0.0"}, ""},
	})
	lb := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	runCases(t, must(clientip.RightmostTrustedRange("X-Forwarded-For", lb)), []strategyCase{
		{"first untrusted is unspecified", "10.0.0.1:1", []string{"X-Forwarded-For: 203.0.113.7, ::, 10.0.0.2"}, ""},
		{"unspecified peer is not trusted", "0.0.0.0:1", []string{"X-Forwarded-For: 203.0.113.7"}, ""},
	})
	runCases(t, must(clientip.LeftmostNonPrivate("X-Forwarded-For")), []strategyCase{
		{"skipped like garbage", "10.0.0.1:1", []string{"X-Forwarded-For: 0.0.0.0, ::, 203.0.113.7"}, "203.0.113.7"},
	})
	ips := clientip.ParseXForwardedFor(nil, "0.0.0.0, 203.0.113.7, [::]:1")
	if len(ips) != 3 || ips[0].IsValid() || ips[1] != netip.MustParseAddr("203.0.113.7") || ips[2].IsValid() {
		t.Errorf("ParseXForwardedFor kept an unspecified address: %v", ips)
	}
}
