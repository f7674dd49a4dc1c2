package adapter_test

import (
	"context"
	"testing"

	"github.com/logweave/logweave/httplog/adapter"
	"github.com/logweave/logweave/internal/logtest"
	"github.com/logweave/logweave/tracectx"
	"go.opentelemetry.io/otel/trace"
)

// frameworkCtx stands for a framework's request type that implements
// context.Context without the request's values.
type frameworkCtx struct{ context.Context }

func TestBindLogger(t *testing.T) {
	base, sink := logtest.NewLogger()
	req := tracectx.WithRequestID(tracectx.NewRoot(context.Background()), "req-1")
	tid := trace.SpanContextFromContext(req).TraceID().String()
	other := tracectx.NewRoot(context.Background())

	l := adapter.BindLogger(base, req, func(ctx context.Context) bool { _, ok := ctx.(frameworkCtx); return ok })
	l.Info("plain")
	l.InfoContext(context.TODO(), "todo")
	l.InfoContext(frameworkCtx{context.Background()}, "framework")
	l.With("k", 1).WithGroup("g").Info("derived", "x", 2)
	l.InfoContext(other, "own context")

	lines := sink.Lines(t)
	for _, m := range lines[:4] {
		if m["trace_id"] != tid || m["request_id"] != "req-1" {
			t.Errorf("%v: want the request's trace", m)
		}
	}
	if lines[4]["trace_id"] != trace.SpanContextFromContext(other).TraceID().String() {
		t.Errorf("an explicit context must be kept: %v", lines[4])
	}
	if g, _ := lines[3]["g"].(map[string]any); lines[3]["k"] == nil || g["x"] == nil {
		t.Errorf("derived logger lost attrs: %v", lines[3])
	}
}
