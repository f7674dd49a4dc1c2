package httplog

import (
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/logweave/logweave/httplog/internal/access"
	"go.opentelemetry.io/otel/propagation"
)

// Middleware returns middleware that logs each request with logger and
// carries its trace context; see the package documentation. A nil logger
// is slog.Default(); a nil opts is the zero Options.
//
// The access line goes to the logger's handler as a slice of attributes
// when the handler implements logweave.AttrsHandler, as a
// *logweave.Handler does (and a handler that wraps one can, by passing
// the call on). Any other handler gets a slog.Record, which costs one
// allocation per access line with more than five attributes: the usual
// line has a dozen.
func Middleware(logger *slog.Logger, opts *Options) func(http.Handler) http.Handler {
	c := access.NewConfig(logger, (*access.Options)(opts), DefaultSensitiveQueryKeys)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			serve(c, next, w, r)
		})
	}
}

// flights keeps the Flights of finished requests for the next ones.
var flights = sync.Pool{New: func() any { return new(access.Flight) }}

func serve(c *access.Config, next http.Handler, w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	ctx := c.Begin(r.Context(), propagation.HeaderCarrier(r.Header), propagation.HeaderCarrier(w.Header()))
	if c.Skips(r) {
		next.ServeHTTP(w, r.WithContext(ctx))
		return
	}
	f := flights.Get().(*access.Flight)
	c.Start(f, w, r.WithContext(ctx), start)
	defer func() {
		p := recover()
		// r.Pattern is read now: net/http's ServeMux sets it on the
		// request it was given, once it has routed it.
		if f.End(f.Request().Pattern, nil, p) {
			flights.Put(f)
		}
		if p != nil && (c.RePanic() || p == http.ErrAbortHandler) {
			// ErrAbortHandler is how a handler asks net/http to drop the
			// connection quietly; it must reach the server.
			panic(p)
		}
	}()
	next.ServeHTTP(f.ResponseWriter(), f.Request())
}
