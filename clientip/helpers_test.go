package clientip_test

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strings"
	"testing"
)

// addrs parses the expected entries of a table; "" is the zero Addr.
func addrs(ss ...string) []netip.Addr {
	if len(ss) == 0 {
		return nil
	}
	out := make([]netip.Addr, len(ss))
	for i, s := range ss {
		if s != "" {
			out[i] = netip.MustParseAddr(s)
		}
	}
	return out
}

// addr parses one expected address; "" is the zero Addr.
func addr(s string) netip.Addr {
	if s == "" {
		return netip.Addr{}
	}
	return netip.MustParseAddr(s)
}

// request builds a request from remote with the header lines given as
// "Name: value" strings; a name given twice makes two lines.
func request(remote string, lines ...string) *http.Request {
	r := httptest.NewRequest("GET", "http://example.com/", nil)
	r.RemoteAddr = remote
	for _, l := range lines {
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			panic("header line without colon: " + l)
		}
		r.Header.Add(name, strings.TrimLeft(value, " "))
	}
	return r
}

func checkEntries(t *testing.T, what string, got, want []netip.Addr) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s\n got %v\nwant %v", what, got, want)
	}
}
