package logweavegrpc_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"slices"

	"github.com/logweave/logweave"
	logweavegrpc "github.com/logweave/logweave/contrib/grpc"
	"github.com/logweave/logweave/tracectx"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// exampleHealth is the service of the example: gRPC's own health service.
type exampleHealth struct {
	healthpb.UnimplementedHealthServer
	logger *slog.Logger
}

func (h exampleHealth) Check(ctx context.Context, req *healthpb.HealthCheckRequest) (*healthpb.HealthCheckResponse, error) {
	// Lines logged with the call's context carry its trace and request id.
	h.logger.InfoContext(ctx, "checking", "service", req.GetService())
	return &healthpb.HealthCheckResponse{Status: healthpb.HealthCheckResponse_SERVING}, nil
}

// A server and a client on loopback, both with the interceptors: the
// server's lines are in the client's trace, with its request id.
func Example() {
	// Health checks get no line by default (DefaultSkipMethods); this
	// example logs them because the health service is the one gRPC ships.
	opts := &logweavegrpc.Options{SkipMethods: []string{}}

	serverLogger := logweave.New(os.Stdout, &logweave.Options{Service: "users", ReplaceAttr: stable})
	srv := grpc.NewServer(
		grpc.ChainUnaryInterceptor(logweavegrpc.UnaryServerInterceptor(serverLogger, opts)),
		grpc.ChainStreamInterceptor(logweavegrpc.StreamServerInterceptor(serverLogger, opts)),
	)
	healthpb.RegisterHealthServer(srv, exampleHealth{logger: serverLogger})
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()
	defer func() { srv.Stop(); <-served }()

	clientLogger := logweave.New(os.Stdout, &logweave.Options{Service: "api", ReplaceAttr: stable})
	conn, err := grpc.NewClient("passthrough:///"+lis.Addr().String(),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithChainUnaryInterceptor(logweavegrpc.UnaryClientInterceptor(clientLogger, opts)),
		grpc.WithChainStreamInterceptor(logweavegrpc.StreamClientInterceptor(clientLogger, opts)),
	)
	if err != nil {
		panic(err)
	}
	defer conn.Close()

	// The context of a request the client is serving: its trace and
	// request id arrived with it (httplog.Middleware put them there).
	ctx, _ := tracectx.WithRemoteHex(context.Background(),
		"4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", trace.FlagsSampled)
	ctx = tracectx.WithRequestID(ctx, "req-1")

	resp, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{Service: "users"})
	fmt.Println(resp.GetStatus(), err)
	// Output:
	// {"level":"INFO","msg":"checking","service.name":"users","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","request_id":"req-1","service":"users"}
	// {"level":"INFO","msg":"grpc request","service.name":"users","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","request_id":"req-1","rpc.system.name":"grpc","rpc.method":"grpc.health.v1.Health/Check","rpc.response.status_code":"OK","client.address":"127.0.0.1"}
	// {"level":"INFO","msg":"grpc client request","service.name":"api","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","request_id":"req-1","rpc.system.name":"grpc","rpc.method":"grpc.health.v1.Health/Check","rpc.response.status_code":"OK","server.address":"127.0.0.1"}
	// SERVING <nil>
}

// The server interceptor called directly, as gRPC calls it: the trace and
// request id come from the incoming metadata, and a NotFound is logged at
// WARN with its message.
func ExampleUnaryServerInterceptor() {
	logger := logweave.New(os.Stdout, &logweave.Options{Service: "shop", ReplaceAttr: stable})
	interceptor := logweavegrpc.UnaryServerInterceptor(logger, nil)

	md := metadata.Pairs(
		"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
		"x-request-id", "req-9",
	)
	ctx := metadata.NewIncomingContext(context.Background(), md)
	info := &grpc.UnaryServerInfo{FullMethod: "/shop.v1.Orders/GetOrder"}
	getOrder := func(ctx context.Context, req any) (any, error) {
		logger.InfoContext(ctx, "looking up order", "id", req)
		return nil, status.Errorf(codes.NotFound, "order %v not found", req)
	}

	_, err := interceptor(ctx, 42, info, getOrder)
	fmt.Println(status.Code(err))
	// Output:
	// {"level":"INFO","msg":"looking up order","service.name":"shop","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","request_id":"req-9","id":42}
	// {"level":"WARN","msg":"grpc request","service.name":"shop","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","request_id":"req-9","rpc.system.name":"grpc","rpc.method":"shop.v1.Orders/GetOrder","rpc.response.status_code":"NOT_FOUND","error":"order 42 not found"}
	// NotFound
}

// MetadataCarrier lets any OpenTelemetry propagator write gRPC metadata;
// keys come out lowercase, as gRPC wants them.
func ExampleMetadataCarrier() {
	ctx, _ := tracectx.WithRemoteHex(context.Background(),
		"4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", trace.FlagsSampled)
	ctx = tracectx.WithRequestID(ctx, "req-1")

	md := metadata.MD{}
	tracectx.Default().Inject(ctx, logweavegrpc.MetadataCarrier(md))
	keys := logweavegrpc.MetadataCarrier(md).Keys()
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Println(k, md[k])
	}
	// Output:
	// b3 [4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1]
	// traceparent [00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01]
	// x-request-id [req-1]
}

// stable drops the fields that change from run to run (time, span ids
// made up per call, durations, the server's port), so the examples'
// output can be checked.
func stable(groups []string, a slog.Attr) slog.Attr {
	switch a.Key {
	case slog.TimeKey, logweave.SpanIDKey, logweave.TraceFlagsKey,
		logweavegrpc.ServerDurationKey, logweavegrpc.ClientDurationKey, logweavegrpc.ServerPortKey:
		return slog.Attr{}
	}
	return a
}
