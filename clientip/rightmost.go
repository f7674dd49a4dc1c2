package clientip

import (
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"net/textproto"
)

// listHeader is the forwarding header a list strategy reads.
type listHeader struct {
	key       string // canonical name: "X-Forwarded-For" or "Forwarded"
	forwarded bool   // RFC 7239 syntax
}

// newListHeader checks the header name given to constructor fn.
func newListHeader(fn, name string) (listHeader, error) {
	switch key := textproto.CanonicalMIMEHeaderKey(name); key {
	case "X-Forwarded-For":
		return listHeader{key: key}, nil
	case "Forwarded":
		return listHeader{key: key, forwarded: true}, nil
	}
	return listHeader{}, fmt.Errorf("clientip: %s %q: want \"X-Forwarded-For\" or \"Forwarded\", the lists that proxies append to; for a header that holds one address use SingleHeader", fn, name)
}

// parse fills e from the header of r.
func (h listHeader) parse(r *http.Request, e *entries) {
	e.parse(r.Header[h.key], h.forwarded)
}

// RightmostNonPrivate returns the strategy that reads header, "X-Forwarded-For"
// or "Forwarded" (any case), from the right and returns the first address
// that is not private (see the package documentation for the list: RFC 1918,
// 100.64.0.0/10, fc00::/7, loopback, link-local, multicast, unspecified).
//
// It fits when every proxy in front of the server has a private address and
// appends to the header, and clients cannot reach the server but through
// them: the rightmost public address is then the one your outermost proxy
// saw. It needs no configuration, and adding a proxy does not break it. It
// is wrong when a client itself has a private address (an office network
// reaching an internal service): that entry is skipped, and the next one to
// the left, which the client wrote, is returned; use RightmostTrustedRange
// or RightmostTrustedCount there.
//
// An entry that holds no address ("unknown", an obfuscated identifier,
// garbage) before a public one is found stops the search with the zero Addr:
// what lies to its left may be the client's own writing.
func RightmostNonPrivate(header string) (Strategy, error) {
	h, err := newListHeader("RightmostNonPrivate", header)
	if err != nil {
		return nil, err
	}
	return rightmostNonPrivate{h}, nil
}

type rightmostNonPrivate struct{ h listHeader }

func (s rightmostNonPrivate) ClientIP(r *http.Request) netip.Addr {
	if r == nil {
		return netip.Addr{}
	}
	var e entries
	s.h.parse(r, &e)
	return rightmostOutside(&e, isPrivate)
}

// rightmostOutside walks e from the right, past the entries inside (the
// proxies), and returns the first one outside. It stops with the zero Addr
// at an entry with no address: looking past it would reach what the client
// itself wrote.
func rightmostOutside(e *entries, inside func(netip.Addr) bool) netip.Addr {
	for i := e.len() - 1; i >= 0; i-- {
		a := e.at(i)
		if !a.IsValid() {
			return netip.Addr{}
		}
		if !inside(a) {
			return a
		}
	}
	return netip.Addr{}
}

func (s rightmostNonPrivate) String() string {
	return fmt.Sprintf("RightmostNonPrivate(%q)", s.h.key)
}

// RightmostTrustedCount returns the strategy for a server behind count
// reverse proxies of yours that each append the address of their peer to
// header ("X-Forwarded-For" or "Forwarded", any case). The client's address
// is then the count-th entry from the right: with one load balancer, the
// rightmost; with a CDN in front of the load balancer, the second from the
// right. The result is the zero Addr when the header has fewer entries than
// count (the request skipped a proxy) or when that entry holds no address.
//
// count must be between 1 and MaxEntries, and must match the deployment
// exactly: one too many, and the result is an address the client wrote.
// Where the proxies' addresses are known, RightmostTrustedRange is more
// robust to a change of topology.
func RightmostTrustedCount(header string, count int) (Strategy, error) {
	h, err := newListHeader("RightmostTrustedCount", header)
	if err != nil {
		return nil, err
	}
	if count < 1 {
		return nil, fmt.Errorf("clientip: RightmostTrustedCount %d: want a count of proxies >= 1", count)
	}
	if count > MaxEntries {
		return nil, fmt.Errorf("clientip: RightmostTrustedCount %d: want at most %d proxies, the entries kept per request (MaxEntries)", count, MaxEntries)
	}
	return rightmostTrustedCount{h, count}, nil
}

type rightmostTrustedCount struct {
	h     listHeader
	count int
}

func (s rightmostTrustedCount) ClientIP(r *http.Request) netip.Addr {
	if r == nil {
		return netip.Addr{}
	}
	var e entries
	s.h.parse(r, &e)
	i := e.len() - s.count
	if i < 0 {
		return netip.Addr{}
	}
	return e.at(i)
}

func (s rightmostTrustedCount) String() string {
	return fmt.Sprintf("RightmostTrustedCount(%q, %d)", s.h.key, s.count)
}

// RightmostTrustedRange returns the strategy for a server behind proxies
// whose addresses lie in the trusted prefixes (your load balancers' subnet,
// your CDN's published ranges) and that each append the address of their
// peer to header ("X-Forwarded-For" or "Forwarded", any case). It returns the
// rightmost entry that is not in a trusted prefix.
//
// The socket peer (http.Request.RemoteAddr) must itself be in a trusted
// prefix, else the result is the zero Addr: a peer you do not trust may be
// the client, and the header its own writing. The result is also the zero
// Addr when the entry found holds no address, and when every entry is
// trusted (the request came from inside, or the header is missing; Chain
// with RemoteAddr to fall back to the peer).
//
// trusted must hold at least one valid prefix. The prefixes are copied;
// IPv4-mapped IPv6 prefixes (::ffff:10.0.0.0/104) are turned into IPv4 ones
// (10.0.0.0/8), since the addresses compared with them are unmapped.
func RightmostTrustedRange(header string, trusted []netip.Prefix) (Strategy, error) {
	h, err := newListHeader("RightmostTrustedRange", header)
	if err != nil {
		return nil, err
	}
	if len(trusted) == 0 {
		return nil, errors.New("clientip: RightmostTrustedRange with no trusted prefix: want the ranges of your proxies, such as 10.0.0.0/8")
	}
	ranges := make([]netip.Prefix, len(trusted))
	for i, p := range trusted {
		if !p.IsValid() {
			return nil, fmt.Errorf("clientip: RightmostTrustedRange trusted[%d] is not a valid prefix: build it with netip.ParsePrefix or netip.PrefixFrom", i)
		}
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		ranges[i] = p.Masked()
	}
	return rightmostTrustedRange{h, ranges}, nil
}

type rightmostTrustedRange struct {
	h       listHeader
	trusted []netip.Prefix
}

func (s rightmostTrustedRange) ClientIP(r *http.Request) netip.Addr {
	if r == nil || !s.isTrusted(parseNode(r.RemoteAddr)) {
		return netip.Addr{}
	}
	var e entries
	s.h.parse(r, &e)
	return rightmostOutside(&e, s.isTrusted)
}

// isTrusted reports whether a lies in a trusted prefix; the zero Addr does not.
func (s rightmostTrustedRange) isTrusted(a netip.Addr) bool {
	for _, p := range s.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func (s rightmostTrustedRange) String() string {
	return fmt.Sprintf("RightmostTrustedRange(%q, %v)", s.h.key, s.trusted)
}
