package httplog_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/logweave/logweave"
	"github.com/logweave/logweave/httplog"
	"github.com/logweave/logweave/internal/logtest"
)

// passOn is a handler that wraps another and passes HandleAttrs on, as
// logweave.AttrsHandler asks of a wrapper that keeps the fast path.
type passOn struct {
	slog.Handler
	calls int
}

func (p *passOn) HandleAttrs(ctx context.Context, t time.Time, level slog.Level, msg string, attrs []slog.Attr) error {
	p.calls++
	return p.Handler.(logweave.AttrsHandler).HandleAttrs(ctx, t, level, msg, attrs)
}

// plain is a wrapper without HandleAttrs: it gets a slog.Record.
type plain struct {
	slog.Handler
	calls int
}

func (p *plain) Handle(ctx context.Context, r slog.Record) error {
	p.calls++
	return p.Handler.Handle(ctx, r)
}

// TestWrappingHandlerGetsTheAccessLine: the access line reaches a handler
// that wraps a logweave handler through HandleAttrs when the wrapper has
// it, and through Handle when it has not, the same line either way.
func TestWrappingHandlerGetsTheAccessLine(t *testing.T) {
	sink := &logtest.Sink{}
	base := logweave.New(sink, nil).Handler()
	fast, slow := &passOn{Handler: base}, &plain{Handler: base}
	ok := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	for _, h := range []slog.Handler{fast, slow} {
		httplog.Middleware(slog.New(h), nil)(ok).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/x?a=1", nil))
	}
	if fast.calls != 1 || slow.calls != 1 {
		t.Fatalf("HandleAttrs called %d times, Handle %d times; want 1 and 1", fast.calls, slow.calls)
	}
	lines := sink.WithMsg(t, httplog.AccessMessage)
	if len(lines) != 2 {
		t.Fatalf("lines %v", lines)
	}
	for k, v := range lines[0] {
		if k != "time" && k != httplog.DurationKey && k != "trace_id" && k != "span_id" && k != "request_id" && lines[1][k] != v {
			t.Errorf("%s: %v through HandleAttrs, %v through Handle", k, v, lines[1][k])
		}
	}
}
