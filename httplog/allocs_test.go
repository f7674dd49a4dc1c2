//go:build !race

// The race detector allocates on its own account, so these checks run only
// without it, as in the core module.

package httplog_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/logweave/logweave"
	"github.com/logweave/logweave/httplog"
)

// requestAllocs counts the allocations of one request through Middleware
// logging with h.
func requestAllocs(h slog.Handler) float64 {
	mw := httplog.Middleware(slog.New(h), nil)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	}))
	req := httptest.NewRequest("GET", "/users/42?fields=name", nil)
	req.Header.Set("User-Agent", "test/1.0")
	w := &nopWriter{h: http.Header{}}
	return testing.AllocsPerRun(200, func() {
		clear(w.h)
		mw.ServeHTTP(w, req)
	})
}

// TestWrappingHandlerDoesNotAllocateMore: a handler that wraps a logweave
// handler and passes HandleAttrs on costs what the logweave handler does;
// one without HandleAttrs costs the slog.Record's copy of the attributes
// past its five inline ones, one allocation, as Middleware's
// documentation says.
func TestWrappingHandlerDoesNotAllocateMore(t *testing.T) {
	base := logweave.New(io.Discard, nil).Handler()
	direct := requestAllocs(base)
	if got := requestAllocs(&passOn{Handler: base}); got != direct {
		t.Errorf("through a wrapper with HandleAttrs: %v allocations, want %v as without it", got, direct)
	}
	if got := requestAllocs(&plain{Handler: base}); got != direct+1 {
		t.Errorf("through a wrapper without HandleAttrs: %v allocations, want %v", got, direct+1)
	}
}
