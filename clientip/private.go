package clientip

import "net/netip"

// sharedAddressSpace is 100.64.0.0/10 (RFC 6598), the carrier-grade NAT range
// that cloud networks and overlay VPNs also hand to proxies. netip has no
// predicate for it.
var sharedAddressSpace = netip.PrefixFrom(netip.AddrFrom4([4]byte{100, 64, 0, 0}), 10)

// isPrivate reports whether a is an address that a proxy of yours may have,
// but that no client on the Internet can reach you from, so the NonPrivate
// strategies skip it. The list (keep it in step with doc.go):
//
//   - private: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 (RFC 1918) and the
//     IPv6 unique local addresses fc00::/7 (RFC 4193);
//   - shared address space 100.64.0.0/10 (RFC 6598, carrier-grade NAT);
//   - loopback: 127.0.0.0/8, ::1;
//   - link-local unicast: 169.254.0.0/16, fe80::/10;
//   - multicast, link-local included: 224.0.0.0/4, ff00::/8;
//   - unspecified: 0.0.0.0, ::.
//
// a must be canonical (unmapped), as every address this package returns is.
func isPrivate(a netip.Addr) bool {
	return a.IsPrivate() ||
		sharedAddressSpace.Contains(a) ||
		a.IsLoopback() ||
		a.IsLinkLocalUnicast() ||
		a.IsLinkLocalMulticast() ||
		a.IsMulticast() ||
		a.IsUnspecified()
}
