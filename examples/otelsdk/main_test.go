package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/logweave/logweave"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// TestSDKSpansCorrelate checks that the ids logweave writes are those of
// the spans the real OpenTelemetry SDK started.
func TestSDKSpansCorrelate(t *testing.T) {
	tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.AlwaysSample()))
	defer func() { _ = tp.Shutdown(context.Background()) }()
	var buf bytes.Buffer
	logger := logweave.New(&buf, &logweave.Options{Service: "t"})

	ctx, span := tp.Tracer("t").Start(context.Background(), "op")
	logger.InfoContext(ctx, "in span")
	span.End()
	sc := span.SpanContext()

	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatal(err)
	}
	if line["trace_id"] != sc.TraceID().String() || line["span_id"] != sc.SpanID().String() || line["trace_flags"] != "01" {
		t.Fatalf("line %v, span %s/%s", line, sc.TraceID(), sc.SpanID())
	}

	// An unsampled span still has ids worth logging.
	tp2 := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.NeverSample()))
	buf.Reset()
	ctx, span = tp2.Tracer("t").Start(context.Background(), "op")
	logger.InfoContext(ctx, "unsampled")
	if want := span.SpanContext().TraceID().String(); !strings.Contains(buf.String(), `"trace_id":"`+want+`"`) ||
		!strings.Contains(buf.String(), `"trace_flags":"00"`) {
		t.Fatalf("unsampled span: %s", buf.String())
	}
}

func TestDemo(t *testing.T) {
	var buf bytes.Buffer
	if err := run(&buf); err != nil {
		t.Fatal(err)
	}
	var a, b map[string]any
	ls := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(ls) != 2 || json.Unmarshal([]byte(ls[0]), &a) != nil || json.Unmarshal([]byte(ls[1]), &b) != nil {
		t.Fatalf("want two JSON lines: %s", buf.String())
	}
	if a["trace_id"] == nil || a["trace_id"] != b["trace_id"] || a["span_id"] == b["span_id"] {
		t.Fatalf("parent and child span must share the trace: %v / %v", a, b)
	}
}
