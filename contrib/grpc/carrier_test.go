package logweavegrpc_test

import (
	"context"
	"slices"
	"testing"

	logweavegrpc "github.com/logweave/logweave/contrib/grpc"
	"github.com/logweave/logweave/tracectx"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc/metadata"
)

func TestMetadataCarrier(t *testing.T) {
	md := metadata.Pairs("traceparent", tp, "x-request-id", "a", "x-request-id", "b")
	c := logweavegrpc.MetadataCarrier(md)
	if got := c.Get("Traceparent"); got != tp {
		t.Errorf("Get(Traceparent) = %q", got)
	}
	if got := c.Get("X-Request-ID"); got != "a" {
		t.Errorf("Get(X-Request-ID) = %q, want the first value", got)
	}
	if got := c.Values("X-Request-ID"); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("Values = %q", got)
	}
	if got := c.Get("missing"); got != "" {
		t.Errorf("Get(missing) = %q", got)
	}
	c.Set("X-Request-ID", "c")
	if got := md["x-request-id"]; !slices.Equal(got, []string{"c"}) {
		t.Errorf("after Set: %q", got)
	}
	keys := c.Keys()
	slices.Sort(keys)
	if !slices.Equal(keys, []string{"traceparent", "x-request-id"}) {
		t.Errorf("Keys = %q", keys)
	}
	logweavegrpc.MetadataCarrier(nil).Set("k", "v") // no panic
	if got := logweavegrpc.MetadataCarrier(nil).Keys(); len(got) != 0 {
		t.Errorf("nil Keys = %q", got)
	}
}

func TestMetadataCarrierDuplicateTraceparent(t *testing.T) {
	one := logweavegrpc.MetadataCarrier(metadata.Pairs("traceparent", tp))
	two := logweavegrpc.MetadataCarrier(metadata.Pairs("traceparent", tp, "traceparent", tp))
	for _, prop := range []propagation.TextMapPropagator{tracectx.W3C{}, tracectx.Default()} {
		if sc := trace.SpanContextFromContext(prop.Extract(context.Background(), one)); sc.TraceID().String() != tpTraceID {
			t.Errorf("%T: one traceparent: got %v", prop, sc)
		}
		if sc := trace.SpanContextFromContext(prop.Extract(context.Background(), two)); sc.IsValid() {
			t.Errorf("%T: two traceparents: got %v, want no trace", prop, sc)
		}
	}
}

func TestMetadataCarrierRoundTrip(t *testing.T) {
	ctx, err := tracectx.WithRemoteHex(context.Background(), tpTraceID, tpSpanID, trace.FlagsSampled)
	if err != nil {
		t.Fatal(err)
	}
	ctx = tracectx.WithRequestID(ctx, "req-1")
	md := metadata.MD{}
	tracectx.Default().Inject(ctx, logweavegrpc.MetadataCarrier(md))
	for k := range md {
		if k != lower(k) {
			t.Errorf("Inject wrote key %q: gRPC keys are lowercase", k)
		}
	}
	got := tracectx.Default().Extract(context.Background(), logweavegrpc.MetadataCarrier(md))
	sc := trace.SpanContextFromContext(got)
	if sc.TraceID().String() != tpTraceID || sc.SpanID().String() != tpSpanID || !sc.IsSampled() {
		t.Errorf("round trip: %v", sc)
	}
	if id := tracectx.RequestID(got); id != "req-1" {
		t.Errorf("request id %q", id)
	}
}
