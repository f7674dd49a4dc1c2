package logweavefasthttp_test

import (
	"log/slog"
	"net"
	"testing"

	logweavefasthttp "github.com/logweave/logweave/contrib/fasthttp"
	"github.com/logweave/logweave/httplog"
	"github.com/logweave/logweave/internal/adaptertest"
	"github.com/valyala/fasthttp"
)

// serveAgain serves, again and again, a request through a handler with
// the middleware, with the same request context, as fasthttp's server
// does for the next request on a connection: the response and the user
// values are reset.
func serveAgain(tb testing.TB, logger *slog.Logger, opts *httplog.Options, header map[string]string) func() int {
	tb.Helper()
	h := logweavefasthttp.Middleware(logger, opts)(func(fctx *fasthttp.RequestCtx) {
		fctx.SetContentType("application/json")
		fctx.SetBodyString(`{"id":42}`)
	})
	var req fasthttp.Request
	req.Header.SetMethod(fasthttp.MethodGet) // as parsed from the wire: an unset method costs an allocation per read
	req.SetRequestURI("http://api.example.com/users/42?fields=name")
	req.Header.SetUserAgent("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36")
	req.Header.Set("traceparent", adaptertest.Traceparent)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	fctx := new(fasthttp.RequestCtx)
	fctx.Init(&req, &net.TCPAddr{IP: net.IPv4(203, 0, 113, 9), Port: 51234}, nil)
	return func() int {
		fctx.Response.Reset()
		fctx.ResetUserValues()
		h(fctx)
		return fctx.Response.StatusCode()
	}
}

// TestAllocations bounds what a request costs in allocations (see
// adaptertest.AllocCases for what they are).
func TestAllocations(t *testing.T) {
	if testing.Short() || logweavefasthttp.RaceEnabled {
		t.Skip("measures allocations")
	}
	adaptertest.RunAllocs(t, adaptertest.AllocCases(), serveAgain)
}

func BenchmarkMiddleware(b *testing.B) {
	adaptertest.Bench(b, serveAgain)
}
