// Package logweavegrpc logs gRPC calls and carries their trace context,
// as package httplog does for net/http.
//
// On a server, UnaryServerInterceptor and StreamServerInterceptor read the
// trace context and request id that arrive in a call's metadata (W3C
// traceparent/tracestate, B3 and x-request-id by default), or start a new
// trace when none valid arrives, and put them in the context the handler
// gets, so every line the handler logs with that context carries trace_id,
// span_id and request_id. When the call ends they write one access line
// with the names of OpenTelemetry's semantic conventions v1.40.0:
// rpc.system.name ("grpc"), rpc.method ("pkg.Service/Method"),
// rpc.response.status_code (the code's name, "NOT_FOUND"), the duration
// (rpc.server.call.duration, in seconds), client.address and, for
// streams, the number of messages each way (grpc.messages.received and
// grpc.messages.sent, logweave's names). A handler that panics is
// recovered: the panic and a bounded stack are logged, the client gets
// codes.Internal with a generic message, and the server goes on.
//
//	logger := logweave.New(os.Stdout, &logweave.Options{Service: "users"})
//	srv := grpc.NewServer(
//		grpc.ChainUnaryInterceptor(logweavegrpc.UnaryServerInterceptor(logger, nil)),
//		grpc.ChainStreamInterceptor(logweavegrpc.StreamServerInterceptor(logger, nil)),
//	)
//
// On a client, UnaryClientInterceptor and StreamClientInterceptor give each
// call a span id of its own in the caller's trace (tracectx.NewChild),
// write the trace context and request id into the outgoing metadata, and
// log one line per call when it ends.
//
// The access line's level follows the status code (DefaultLevel): INFO for
// OK, WARN for the codes that say the caller was wrong or gave up, ERROR
// for those that say the server failed. Options.Level changes that, and
// Options.SkipMethods silences health checks (by default the whole
// grpc.health.v1.Health service).
//
// MetadataCarrier adapts metadata.MD to OpenTelemetry's
// propagation.TextMapCarrier for code that propagates by hand.
//
// # With an OpenTelemetry SDK
//
// When an OpenTelemetry stats handler (otelgrpc.NewServerHandler) runs on a
// server, it has already extracted the caller's context and started a
// server span before any interceptor runs; the server interceptors keep
// that span, so log lines join it, and only add the request id. On a
// client, stats handlers run after the interceptors: when the context
// already holds a recording span, the client interceptors make no span id
// of their own, since the SDK's handler starts the real child span and
// writes it into the metadata itself.
//
// # Package name
//
// The import path ends in grpc, but the package is named logweavegrpc: a
// package named grpc would shadow google.golang.org/grpc in every file that
// uses both, and grpclog is the name of gRPC's own logging package
// (google.golang.org/grpc/grpclog). Import it as
//
//	import logweavegrpc "github.com/logweave/logweave/contrib/grpc"
package logweavegrpc
