package clientip_test

import (
	"fmt"
	"net/http/httptest"
	"net/netip"

	"github.com/logweave/logweave/clientip"
)

// Behind a load balancer in 10.0.0.0/8 that appends the address of its peer
// to X-Forwarded-For: the client is the rightmost address outside that range,
// whatever the client put in front of it, and a request that did not come
// through the load balancer gives no answer.
func ExampleRightmostTrustedRange() {
	lb := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	strategy, err := clientip.RightmostTrustedRange("X-Forwarded-For", lb)
	if err != nil {
		panic(err)
	}

	// The client 203.0.113.7 sent "X-Forwarded-For: 198.51.100.1" to look
	// like someone else; the load balancer 10.0.0.5 appended what it saw.
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "10.0.0.5:40112"
	r.Header.Set("X-Forwarded-For", "198.51.100.1, 203.0.113.7")
	fmt.Println(strategy.ClientIP(r))

	// The same header sent straight to the server, bypassing the load
	// balancer: the peer is not trusted, so the header means nothing.
	r.RemoteAddr = "203.0.113.7:51234"
	fmt.Println(strategy.ClientIP(r).IsValid())

	// Output:
	// 203.0.113.7
	// false
}

// The leftmost X-Forwarded-For entry is whatever the client wrote. Here the
// client 203.0.113.7 claims to be 192.0.2.1 and the load balancer appends
// the truth: the leftmost strategy believes the claim, the rightmost does not.
func ExampleLeftmostNonPrivate() {
	leftmost, _ := clientip.LeftmostNonPrivate("X-Forwarded-For")
	rightmost, _ := clientip.RightmostNonPrivate("X-Forwarded-For")

	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "10.0.0.5:40112"
	r.Header.Set("X-Forwarded-For", "192.0.2.1, 203.0.113.7")

	fmt.Println("leftmost: ", leftmost.ClientIP(r), "(what the client claims)")
	fmt.Println("rightmost:", rightmost.ClientIP(r), "(what the load balancer saw)")

	// A new claim on every request gets past any rate limit keyed on it.
	r.Header.Set("X-Forwarded-For", "192.0.2.2, 203.0.113.7")
	fmt.Println("leftmost: ", leftmost.ClientIP(r))

	// Output:
	// leftmost:  192.0.2.1 (what the client claims)
	// rightmost: 203.0.113.7 (what the load balancer saw)
	// leftmost:  192.0.2.2
}

// Behind a CDN and then a load balancer, both appending: the client is the
// second entry from the right.
func ExampleRightmostTrustedCount() {
	strategy, err := clientip.RightmostTrustedCount("X-Forwarded-For", 2)
	if err != nil {
		panic(err)
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "10.0.0.5:40112"
	// The client wrote 192.0.2.1, the CDN appended the client, the load
	// balancer appended the CDN's edge.
	r.Header.Set("X-Forwarded-For", "192.0.2.1, 203.0.113.7, 198.51.100.20")
	fmt.Println(strategy.ClientIP(r))

	_, err = clientip.RightmostTrustedCount("X-Forwarded-For", 0)
	fmt.Println(err)

	// Output:
	// 203.0.113.7
	// clientip: RightmostTrustedCount 0: want a count of proxies >= 1
}

// Behind a CDN that sets one header with the client's address, when the
// origin accepts connections from the CDN alone.
func ExampleSingleHeader() {
	strategy, err := clientip.SingleHeader("CF-Connecting-IP")
	if err != nil {
		panic(err)
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "198.41.128.1:40112"
	r.Header.Set("CF-Connecting-IP", "2001:db8::7")
	fmt.Println(strategy.ClientIP(r))

	_, err = clientip.SingleHeader("X-Forwarded-For")
	fmt.Println(err)

	// Output:
	// 2001:db8::7
	// clientip: SingleHeader "X-Forwarded-For": it is a list that the client can write the start of; use RightmostNonPrivate, RightmostTrustedCount or RightmostTrustedRange with it
}

// Prefer the load balancer's header, and fall back to the socket peer for
// requests that reach the server some other way (a health check).
func ExampleChain() {
	lb, _ := clientip.RightmostTrustedRange("Forwarded", []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")})
	strategy := clientip.Chain(lb, clientip.RemoteAddr())

	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "10.0.0.5:40112"
	r.Header.Set("Forwarded", `for="[2001:db8::7]:51234";proto=https`)
	fmt.Println(strategy.ClientIP(r))

	r = httptest.NewRequest("GET", "/healthz", nil)
	r.RemoteAddr = "10.0.0.9:40112"
	fmt.Println(strategy.ClientIP(r))

	// Output:
	// 2001:db8::7
	// 10.0.0.9
}

// The parsers keep one entry per hop, the zero Addr where a hop gave no
// address, so positions from the right stay right.
func ExampleParseForwarded() {
	entries := clientip.ParseForwarded(nil,
		`for=unknown, For="[2001:db8:cafe::17]:4711"`,
		`for=192.0.2.60;proto=http;by=203.0.113.43, for="_gazonk"`)
	for _, a := range entries {
		fmt.Println(a.IsValid(), a)
	}

	// Output:
	// false invalid IP
	// true 2001:db8:cafe::17
	// true 192.0.2.60
	// false invalid IP
}

// With an array for dst, parsing allocates nothing.
func ExampleParseXForwardedFor() {
	var buf [clientip.MaxEntries]netip.Addr
	entries := clientip.ParseXForwardedFor(buf[:0], "203.0.113.7:51234, ::ffff:198.51.100.1", "garbage, [2001:db8::1]:443")
	fmt.Println(entries)

	// Output:
	// [203.0.113.7 198.51.100.1 invalid IP 2001:db8::1]
}
