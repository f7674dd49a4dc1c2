// Command otelsdk shows logweave beside the OpenTelemetry SDK: spans
// started by an OTel tracer put their ids on every line logged with their
// context, with no glue code. It is a module of its own so that the core
// module does not depend on the SDK.
//
//	go run ./examples/otelsdk
package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/logweave/logweave"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "otelsdk:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	// A real SDK tracer provider; in production it would have an exporter.
	tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.AlwaysSample()))
	defer func() { _ = tp.Shutdown(context.Background()) }()
	tracer := tp.Tracer("example")

	logger := logweave.New(w, &logweave.Options{Service: "otel-demo"})

	ctx, span := tracer.Start(context.Background(), "handle request")
	logger.InfoContext(ctx, "inside the request span")

	child, childSpan := tracer.Start(ctx, "query database")
	logger.InfoContext(child, "inside the child span", "db.system", "postgresql")
	childSpan.End()
	span.End()
	return nil
}
