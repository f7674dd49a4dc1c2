// Package clientip finds the address of the client that sent an HTTP
// request, when proxies, load balancers and CDNs stand between the client
// and the server.
//
// The socket peer, http.Request.RemoteAddr, is the one address nobody can
// forge, but behind a proxy it is the proxy's. Proxies pass the client's
// address on in headers, and any header can also be written by the client.
// The whole art is to believe only what your own infrastructure wrote, and
// that depends on the deployment, so the package offers one Strategy per
// deployment and no default guess:
//
//	type Strategy interface {
//		ClientIP(r *http.Request) netip.Addr
//	}
//
// A Strategy returns the zero netip.Addr when it cannot tell, never an
// address the client may have chosen. Pick one at start-up, for example
//
//	strategy, err := clientip.RightmostTrustedRange("X-Forwarded-For", lbPrefixes)
//
// and hand it to the access-log middleware (it fills client.address).
//
// # Choosing a strategy
//
// No proxy: clients connect to the server itself. Use RemoteAddr. Every
// header is the client's own writing, so believe none.
//
// Behind one CDN or proxy that sets a single header to the client's address
// (CF-Connecting-IP, True-Client-IP, Fastly-Client-IP, nginx's X-Real-IP):
// use SingleHeader with that header, and only if the origin accepts
// connections from that CDN alone (a firewall allowing only its ranges,
// authenticated origin pulls, a private link). If clients can reach the
// origin directly, they can send the header themselves.
//
// Behind N reverse proxies of yours, each appending to X-Forwarded-For or
// Forwarded (a load balancer: N = 1; a CDN and a load balancer, both
// appending: N = 2): use RightmostTrustedCount with N. Each proxy appends the
// address of its peer, so the client is the N-th entry from the right.
// N must be exact: one too many and the answer is the client's own claim.
//
// Behind proxies whose addresses you know (your load balancers' subnet, a
// CDN's published ranges): use RightmostTrustedRange with those prefixes. It
// walks from the right past your proxies and returns the first address that
// is not one of them; it also checks that the socket peer is one of them,
// so a request that bypassed the proxies gets no answer. It survives a
// change in the number of hops, and is the choice when in doubt.
//
// Behind proxies that all have private addresses (a Kubernetes ingress, a
// cloud load balancer inside a VPC), and no client has one: RightmostNonPrivate
// needs no configuration; it returns the rightmost address that is not
// private. It is fooled when clients themselves have private addresses
// (an internal service reached from the office network); use
// RightmostTrustedRange there.
//
// Chain combines strategies, the first non-zero answer winning, for example
// a proxy header with RemoteAddr as the fallback for health checks.
//
// # Why not the leftmost X-Forwarded-For entry
//
// X-Forwarded-For grows to the right: each proxy appends the address it
// received the request from. The leftmost entry is therefore the first thing
// in the header, and a client can send the header already filled:
//
//	client 203.0.113.7 sends   X-Forwarded-For: 192.0.2.1
//	the load balancer appends  X-Forwarded-For: 192.0.2.1, 203.0.113.7
//
// "Take the first entry" answers 192.0.2.1, the client's invention, and a new
// one on every request if the client likes. Rate limits, allow-lists, audit
// trails and fraud checks keyed on it are exactly what attackers get past
// this way. Only the right end, written by your proxies, can be trusted, and
// only as far as your proxies go. LeftmostNonPrivate exists, with that
// warning, for analytics alone.
//
// # Parsing
//
// Every line of the header is read, in order, as RFC 9110 combines repeated
// fields; X-Forwarded-For as a comma-separated list, Forwarded as RFC 7239
// (for= parameters in any case, quoted strings with escapes, ports,
// bracketed IPv6, "unknown" and obfuscated identifiers). The unspecified
// address (0.0.0.0, ::) holds no address either: from RemoteAddr, a
// single-IP header or a list, it is the zero Addr, never a client IP. The
// parsers, ParseXForwardedFor, ParseForwarded and ForwardedFor, are
// exported for use on their own. An entry that holds no address keeps its position as the
// zero Addr, so counting from the right is not fooled, and the strategies
// that walk from the right stop at it rather than look past it into what the
// client wrote.
//
// Work is bounded: only the rightmost MaxEntries (64) entries of a request
// are kept, in a fixed-size array, so an attacker's megabyte of header costs
// one linear scan and no memory that grows with it. Well-formed requests are
// handled without allocating.
//
// Addresses come out canonical: IPv4-mapped IPv6 (::ffff:192.0.2.1) as IPv4,
// without port, without zone.
//
// # Private addresses
//
// RightmostNonPrivate and LeftmostNonPrivate skip these, which a proxy may
// have but a client on the Internet cannot connect from:
//
//   - private: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 (RFC 1918) and
//     fc00::/7 (IPv6 unique local, RFC 4193);
//   - shared address space 100.64.0.0/10 (carrier-grade NAT, RFC 6598);
//   - loopback: 127.0.0.0/8, ::1;
//   - link-local unicast: 169.254.0.0/16, fe80::/10;
//   - multicast, link-local multicast included: 224.0.0.0/4, ff00::/8;
//   - unspecified: 0.0.0.0, :: (which the parsers already read as no
//     address, so it is never returned).
package clientip
