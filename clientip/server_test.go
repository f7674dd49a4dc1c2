package clientip_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/netip"
	"net/url"
	"testing"
	"time"

	"github.com/logweave/logweave/clientip"
)

// strategiesUnderTest are computed by the handler of the server tests, by name.
func strategiesUnderTest(trusted ...netip.Prefix) map[string]clientip.Strategy {
	inRange := must(clientip.RightmostTrustedRange("X-Forwarded-For", trusted))
	return map[string]clientip.Strategy{
		"RemoteAddr":                     clientip.RemoteAddr(),
		"SingleHeader(X-Real-IP)":        must(clientip.SingleHeader("X-Real-IP")),
		"RightmostNonPrivate(XFF)":       must(clientip.RightmostNonPrivate("X-Forwarded-For")),
		"RightmostNonPrivate(Forwarded)": must(clientip.RightmostNonPrivate("Forwarded")),
		"RightmostTrustedCount(XFF, 1)":  must(clientip.RightmostTrustedCount("X-Forwarded-For", 1)),
		"RightmostTrustedRange(XFF)":     inRange,
		"RightmostTrustedRange(Fwd)":     must(clientip.RightmostTrustedRange("Forwarded", trusted)),
		"LeftmostNonPrivate(XFF)":        must(clientip.LeftmostNonPrivate("X-Forwarded-For")),
		"Chain(Range, RemoteAddr)":       clientip.Chain(inRange, clientip.RemoteAddr()),
	}
}

// reportingHandler answers with the result of every strategy, as JSON.
func reportingHandler(strategies map[string]clientip.Strategy) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		out := map[string]string{}
		for name, s := range strategies {
			if a := s.ClientIP(r); a.IsValid() {
				out[name] = a.String()
			} else {
				out[name] = "zero"
			}
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(out)
	})
}

// forge sends a GET with forged forwarding headers, two X-Forwarded-For
// lines among them, through client, and returns what the handler reported.
func forge(t *testing.T, client *http.Client, target string) map[string]string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", target, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header["X-Forwarded-For"] = []string{"203.0.113.66, 10.0.0.1", "198.51.100.66"}
	req.Header.Set("X-Real-IP", "192.0.2.66")
	req.Header.Set("Forwarded", `for="[2001:db8::66]:4711";proto=https`)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %s", resp.Status)
	}
	var got map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	return got
}

func checkReport(t *testing.T, got, want map[string]string) {
	t.Helper()
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s = %s, want %s", name, got[name], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("report has %d strategies, want %d: %v", len(got), len(want), got)
	}
}

// TestServerDirect: a client talks to the server with no proxy in between
// and forges every header. Only the socket peer is the truth; the strategies
// that believe headers report what the client wrote, which is why the
// package documentation ties each to a deployment, and the one that checks
// the peer (RightmostTrustedRange) refuses.
func TestServerDirect(t *testing.T) {
	srv := httptest.NewServer(reportingHandler(strategiesUnderTest(netip.MustParsePrefix("10.0.0.0/8"))))
	defer srv.Close()
	got := forge(t, srv.Client(), srv.URL)
	checkReport(t, got, map[string]string{
		"RemoteAddr":                     "127.0.0.1",
		"SingleHeader(X-Real-IP)":        "192.0.2.66",    // forged: only behind a proxy that sets it
		"RightmostNonPrivate(XFF)":       "198.51.100.66", // forged: only behind proxies that append
		"RightmostNonPrivate(Forwarded)": "2001:db8::66",  // forged, likewise
		"RightmostTrustedCount(XFF, 1)":  "198.51.100.66", // forged: there is no proxy to count
		"RightmostTrustedRange(XFF)":     "zero",          // the peer is not a trusted proxy
		"RightmostTrustedRange(Fwd)":     "zero",
		"LeftmostNonPrivate(XFF)":        "203.0.113.66", // forged, as always
		"Chain(Range, RemoteAddr)":       "127.0.0.1",
	})
}

// TestServerBehindReverseProxy: the same forged request, but from a client
// at 127.0.0.2 through a reverse proxy at 127.0.0.1 that appends the client's
// address to X-Forwarded-For (as net/http/httputil does by default) and to
// Forwarded (on a line of its own). Trusting the proxy at 127.0.0.1/32, the
// strategies find 127.0.0.2.
func TestServerBehindReverseProxy(t *testing.T) {
	probe, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("cannot use 127.0.0.2 here (%v): the loopback range is not routed", err)
	}
	probe.Close()

	backend := httptest.NewServer(reportingHandler(strategiesUnderTest(netip.MustParsePrefix("127.0.0.1/32"))))
	defer backend.Close()
	target, err := url.Parse(backend.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httptest.NewServer(&httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			pr.Out.Header["X-Forwarded-For"] = pr.In.Header["X-Forwarded-For"]
			pr.SetXForwarded()
			peer := netip.MustParseAddrPort(pr.In.RemoteAddr)
			pr.Out.Header["Forwarded"] = append(pr.In.Header.Values("Forwarded"), `for="`+peer.String()+`"`)
		},
	})
	defer proxy.Close()

	transport := proxy.Client().Transport.(*http.Transport).Clone()
	transport.DialContext = (&net.Dialer{
		LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)},
		Timeout:   5 * time.Second,
	}).DialContext
	defer transport.CloseIdleConnections()
	got := forge(t, &http.Client{Transport: transport, Timeout: 10 * time.Second}, proxy.URL)
	checkReport(t, got, map[string]string{
		"RemoteAddr":                    "127.0.0.1", // the proxy
		"SingleHeader(X-Real-IP)":       "192.0.2.66",
		"RightmostTrustedCount(XFF, 1)": "127.0.0.2",
		"RightmostTrustedRange(XFF)":    "127.0.0.2",
		"RightmostTrustedRange(Fwd)":    "127.0.0.2",
		"Chain(Range, RemoteAddr)":      "127.0.0.2",
		// RightmostNonPrivate skips the client's loopback address, as it
		// skips every private one, and lands on the forgery: the documented
		// reason not to use it where clients have private addresses.
		"RightmostNonPrivate(XFF)":       "198.51.100.66",
		"RightmostNonPrivate(Forwarded)": "2001:db8::66",
		"LeftmostNonPrivate(XFF)":        "203.0.113.66",
	})
}
