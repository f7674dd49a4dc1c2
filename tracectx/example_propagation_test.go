package tracectx_test

import (
	"context"
	"fmt"
	"net/http"

	"github.com/logweave/logweave/tracectx"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

func ExampleW3C() {
	// A server receives a request with W3C Trace Context headers...
	in := http.Header{}
	in.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	in.Set("tracestate", "rojo=00f067aa0ba902b7, congo=t61rcWkgMzE")
	ctx := tracectx.W3C{}.Extract(context.Background(), propagation.HeaderCarrier(in))

	sc := trace.SpanContextFromContext(ctx)
	fmt.Println(sc.TraceID(), sc.SpanID(), sc.IsSampled(), sc.IsRemote())

	// ...and passes the trace on to the next service, with its own span id.
	out := http.Header{}
	tracectx.W3C{}.Inject(tracectx.NewChild(ctx), propagation.HeaderCarrier(out))
	fmt.Println(out.Get("traceparent")[:36] + "…")
	fmt.Println(out.Get("tracestate"))

	// A malformed header is ignored: no trace, nothing changed.
	in.Set("traceparent", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01")
	fmt.Println(trace.SpanContextFromContext(tracectx.W3C{}.Extract(context.Background(), propagation.HeaderCarrier(in))).IsValid())
	// Output:
	// 4bf92f3577b34da6a3ce929d0e0e4736 00f067aa0ba902b7 true true
	// 00-4bf92f3577b34da6a3ce929d0e0e4736-…
	// rojo=00f067aa0ba902b7,congo=t61rcWkgMzE
	// false
}

func ExampleB3() {
	in := http.Header{}
	in.Set("b3", "a3ce929d0e0e4736-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90")
	ctx := tracectx.B3{}.Extract(context.Background(), propagation.HeaderCarrier(in))
	sc := trace.SpanContextFromContext(ctx)
	fmt.Println(sc.TraceID(), sc.SpanID(), sc.IsSampled())

	// Older peers want one header per field.
	out := http.Header{}
	tracectx.B3{InjectMultiple: true}.Inject(ctx, propagation.HeaderCarrier(out))
	fmt.Println(out.Get("X-B3-TraceId"), out.Get("X-B3-SpanId"), out.Get("X-B3-Sampled"))
	// Output:
	// 0000000000000000a3ce929d0e0e4736 e457b5a2e4d86bd1 true
	// 0000000000000000a3ce929d0e0e4736 e457b5a2e4d86bd1 1
}

func ExampleRequestIDPropagator() {
	prop := tracectx.RequestIDPropagator{Headers: tracectx.CommonRequestIDHeaders}

	in := http.Header{}
	in.Set("X-Request-ID", "bad id with spaces") // ignored: not a valid id
	in.Set("X-Correlation-ID", "f47ac10b-58cc-4372-a567-0e02b2c3d479")
	ctx := prop.Extract(context.Background(), propagation.HeaderCarrier(in))
	fmt.Println(tracectx.RequestID(ctx))

	out := http.Header{}
	prop.Inject(ctx, propagation.HeaderCarrier(out))
	fmt.Println(out)
	// Output:
	// f47ac10b-58cc-4372-a567-0e02b2c3d479
	// map[X-Request-Id:[f47ac10b-58cc-4372-a567-0e02b2c3d479]]
}

func ExampleComposite() {
	// W3C first: when a caller sends both formats, traceparent wins.
	prop := tracectx.Composite(tracectx.W3C{}, tracectx.B3{}, tracectx.RequestIDPropagator{})
	fmt.Println(prop.Fields())

	in := http.Header{}
	in.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	in.Set("b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1")
	in.Set("X-Request-ID", "req-42")
	ctx := prop.Extract(context.Background(), propagation.HeaderCarrier(in))
	fmt.Println(trace.SpanContextFromContext(ctx).TraceID(), tracectx.RequestID(ctx))

	// It plugs into an OpenTelemetry SDK as the global propagator too:
	//	otel.SetTextMapPropagator(prop)

	// Output:
	// [traceparent tracestate b3 X-Request-ID]
	// 4bf92f3577b34da6a3ce929d0e0e4736 req-42
}

func ExampleExtractOrStart() {
	handle := func(r *http.Request) {
		ctx, fromCaller := tracectx.ExtractOrStart(r.Context(), nil, propagation.HeaderCarrier(r.Header))
		sc := trace.SpanContextFromContext(ctx)
		if fromCaller {
			fmt.Println("continuing", sc.TraceID())
		} else {
			fmt.Println("new trace", sc.IsValid())
		}
	}

	r, _ := http.NewRequest("GET", "http://example.com/", nil)
	handle(r)
	r.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	handle(r)
	// Output:
	// new trace true
	// continuing 4bf92f3577b34da6a3ce929d0e0e4736
}
