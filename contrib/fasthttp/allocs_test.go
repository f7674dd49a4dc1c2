package logweavefasthttp_test

import (
	"log/slog"
	"net"
	"testing"

	"github.com/logweave/logweave"
	logweavefasthttp "github.com/logweave/logweave/contrib/fasthttp"
	"github.com/logweave/logweave/httplog"
	"github.com/valyala/fasthttp"
)

// handlerFor returns a handler with the middleware, and a request
// context to call it with again and again, as fasthttp's server does.
func handlerFor(logger *slog.Logger, opts *httplog.Options, header map[string]string) (fasthttp.RequestHandler, *fasthttp.RequestCtx) {
	h := logweavefasthttp.Middleware(logger, opts)(func(fctx *fasthttp.RequestCtx) {
		fctx.SetContentType("application/json")
		fctx.SetBodyString(`{"id":42}`)
	})
	var req fasthttp.Request
	req.Header.SetMethod(fasthttp.MethodGet) // as parsed from the wire: an unset method costs an allocation per read
	req.SetRequestURI("http://api.example.com/users/42?fields=name")
	req.Header.SetUserAgent("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36")
	req.Header.Set("traceparent", traceparent)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	fctx := new(fasthttp.RequestCtx)
	fctx.Init(&req, &net.TCPAddr{IP: net.IPv4(203, 0, 113, 9), Port: 51234}, nil)
	return h, fctx
}

// serveAgain calls h with fctx as the server does for the next request
// on a connection: the response and the user values are reset.
func serveAgain(h fasthttp.RequestHandler, fctx *fasthttp.RequestCtx) {
	fctx.Response.Reset()
	fctx.ResetUserValues()
	h(fctx)
}

// TestAllocations bounds what a request costs in allocations. Five are
// httplog.Recorder's and slog's, the same under net/http: Begin's three
// (the context holding the span, the span, and the trace id as the
// X-Request-ID answer) and Log's two (client.address as a string, and
// slog's attribute slice past five attributes). The middleware adds one,
// the copy of the access line's strings, and, with a request id from the
// client, its copy (kept in the context, next to tracectx's context
// value for it).
func TestAllocations(t *testing.T) {
	if testing.Short() || logweavefasthttp.RaceEnabled {
		t.Skip("measures allocations")
	}
	for _, tc := range []struct {
		name   string
		level  slog.Level
		opts   *httplog.Options
		header map[string]string
		max    float64
	}{
		{"line written", slog.LevelInfo, nil, nil, 6},
		{"line disabled", slog.LevelError, nil, nil, 3},
		{"request id", slog.LevelInfo, nil, map[string]string{"X-Request-ID": "abc-123"}, 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := &countingWriter{}
			h, fctx := handlerFor(logweave.New(w, &logweave.Options{Level: tc.level}), tc.opts, tc.header)
			allocs := testing.AllocsPerRun(200, func() { serveAgain(h, fctx) })
			if fctx.Response.StatusCode() != 200 {
				t.Fatalf("status %d", fctx.Response.StatusCode())
			}
			if allocs > tc.max {
				t.Errorf("%v allocations per request, want at most %v", allocs, tc.max)
			}
			t.Logf("%v allocations per request", allocs)
		})
	}
}

func BenchmarkMiddleware(b *testing.B) {
	w := &countingWriter{}
	h, fctx := handlerFor(logweave.New(w, nil), nil, nil)
	b.ReportAllocs()
	for b.Loop() {
		serveAgain(h, fctx)
	}
	if w.lines != int64(b.N) {
		b.Fatalf("%d lines for %d requests", w.lines, b.N)
	}
}

// countingWriter counts lines and discards them.
type countingWriter struct{ lines int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	for _, c := range p {
		if c == '\n' {
			w.lines++
		}
	}
	return len(p), nil
}
