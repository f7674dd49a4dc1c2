package clientip

import (
	"fmt"
	"net/http"
	"net/netip"
)

// LeftmostNonPrivate returns the strategy that reads header, "X-Forwarded-For"
// or "Forwarded" (any case), from the left and returns the first valid
// address that is not private.
//
// DO NOT USE IT FOR ANYTHING THAT MATTERS: not for rate limiting, not for
// access control, not for audit logs, not for fraud checks. The leftmost
// entry is whatever the client wrote: a client that sends
// "X-Forwarded-For: 203.0.113.9" is 203.0.113.9 to this strategy, whoever it
// is, and can be a new address on every request. That is exactly what an
// attacker relies on to get past a rate limit or an allow-list.
//
// It is offered for analytics only, where a client that lies about itself
// harms nobody but itself, and where the hope is to see through proxies that
// are not yours (a corporate proxy that appends the employee's address).
// Only the rightmost MaxEntries entries are looked at, so behind a header
// padded past that the result is not even the leftmost entry.
func LeftmostNonPrivate(header string) (Strategy, error) {
	h, err := newListHeader("LeftmostNonPrivate", header)
	if err != nil {
		return nil, err
	}
	return leftmostNonPrivate{h}, nil
}

type leftmostNonPrivate struct{ h listHeader }

func (s leftmostNonPrivate) ClientIP(r *http.Request) netip.Addr {
	if r == nil {
		return netip.Addr{}
	}
	var e entries
	s.h.parse(r, &e)
	for i := range e.len() {
		if a := e.at(i); a.IsValid() && !isPrivate(a) {
			return a
		}
	}
	return netip.Addr{}
}

func (s leftmostNonPrivate) String() string {
	return fmt.Sprintf("LeftmostNonPrivate(%q)", s.h.key)
}
