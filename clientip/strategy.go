package clientip

import (
	"fmt"
	"net/http"
	"net/netip"
	"net/textproto"
	"strings"

	"github.com/logweave/logweave/internal/httpfield"
)

// Strategy finds the address of the client that sent r. It returns the zero
// netip.Addr when it cannot tell (never a spoofable guess). A non-zero result
// is canonical: IPv4-mapped IPv6 is unmapped and there is no zone.
//
// The strategies of this package are safe for concurrent use, do not
// allocate for well-formed requests, and never panic, whatever the request
// holds (a nil request gives the zero Addr).
type Strategy interface {
	ClientIP(r *http.Request) netip.Addr
}

// RemoteAddr returns the strategy that believes the socket peer,
// http.Request.RemoteAddr ("ip:port", "[v6%zone]:port" or a bare address),
// and no header. It is the default, and the only correct choice when clients
// connect to the server directly: any header could have been written by the
// client. Behind a proxy it returns the proxy's address.
func RemoteAddr() Strategy { return remoteAddr{} }

type remoteAddr struct{}

func (remoteAddr) ClientIP(r *http.Request) netip.Addr {
	if r == nil {
		return netip.Addr{}
	}
	return parseNode(r.RemoteAddr)
}

func (remoteAddr) String() string { return "RemoteAddr()" }

// SingleHeader returns the strategy that believes the header name, which a
// trusted proxy or CDN sets to the address of its peer: X-Real-IP (nginx),
// CF-Connecting-IP (Cloudflare), True-Client-IP (Akamai, Cloudflare),
// Fastly-Client-IP (Fastly), and the like. The value may carry a port.
//
// Use it only when the server accepts traffic from that proxy or CDN alone
// (a firewall or mutual TLS sees to it): a client that reaches the server
// directly writes the header itself. A proxy that sets such a header
// replaces any copy the client sent, so a request that carries it more than
// once did not come through that proxy, and the strategy returns the zero
// Addr for it. A value that is not one address ("unknown", a list) gives the
// zero Addr too.
//
// X-Forwarded-For and Forwarded are refused with an error: they are lists
// that a client can prepend to, and need one of the Rightmost strategies.
func SingleHeader(name string) (Strategy, error) {
	if !isToken(name) {
		return nil, fmt.Errorf("clientip: SingleHeader %q: not a header name; want the header your proxy sets, such as \"X-Real-IP\" or \"CF-Connecting-IP\"", name)
	}
	key := textproto.CanonicalMIMEHeaderKey(name)
	if key == "X-Forwarded-For" || key == "Forwarded" {
		return nil, fmt.Errorf("clientip: SingleHeader %q: it is a list that the client can write the start of; use RightmostNonPrivate, RightmostTrustedCount or RightmostTrustedRange with it", name)
	}
	return singleHeader{key: key}, nil
}

type singleHeader struct{ key string }

func (s singleHeader) ClientIP(r *http.Request) netip.Addr {
	if r == nil {
		return netip.Addr{}
	}
	v := r.Header[s.key]
	if len(v) != 1 {
		return netip.Addr{}
	}
	return parseNode(httpfield.TrimOWS(v[0]))
}

func (s singleHeader) String() string { return fmt.Sprintf("SingleHeader(%q)", s.key) }

// Chain returns the strategy that asks each of strategies in turn and returns
// the first non-zero result, or the zero Addr when none has one. A typical
// use falls back to the socket peer when no proxy header is there:
//
//	Chain(lb, clientip.RemoteAddr())
//
// Mind what the fallback means: with RightmostTrustedRange first, RemoteAddr
// second, a request without the header gives the address of whoever
// connected, which is the truth, but may be your proxy's address.
//
// Chain panics if a strategy is nil, which is what a constructor returns
// with its error: that is a mistake in the program, found at start-up, not
// a request to be survived.
func Chain(strategies ...Strategy) Strategy {
	for i, s := range strategies {
		if s == nil {
			panic(fmt.Sprintf("clientip: Chain strategy %d is nil: check the error of the constructor that made it", i))
		}
	}
	return chain(append([]Strategy(nil), strategies...))
}

type chain []Strategy

func (c chain) ClientIP(r *http.Request) netip.Addr {
	for _, s := range c {
		if a := s.ClientIP(r); a.IsValid() {
			return a
		}
	}
	return netip.Addr{}
}

func (c chain) String() string {
	var b strings.Builder
	b.WriteString("Chain(")
	for i, s := range c {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprint(&b, s)
	}
	b.WriteString(")")
	return b.String()
}

// isToken reports whether s is a valid header field name (RFC 9110 section
// 5.1: a token).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTchar(s[i]) {
			return false
		}
	}
	return true
}
