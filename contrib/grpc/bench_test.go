package logweavegrpc_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"testing"

	"github.com/logweave/logweave"
	logweavegrpc "github.com/logweave/logweave/contrib/grpc"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
)

// BenchmarkUnaryServerInterceptor measures what the interceptor adds to a
// unary call: reading the trace context and request id from the incoming
// metadata, the handler's context, and the access line, written as JSON to
// io.Discard. The metadata is what a gRPC client sends with a traceparent
// and an x-request-id.
func BenchmarkUnaryServerInterceptor(b *testing.B) {
	md := metadata.MD{
		":authority":           {"127.0.0.1:50051"},
		"content-type":         {"application/grpc"},
		"user-agent":           {"grpc-go/1.85.0"},
		"grpc-accept-encoding": {"gzip"},
		"traceparent":          {tp},
		"x-request-id":         {"9f2c1e0a-5b7d-4c3e-8a1f-2d6b0e4c7a91"},
	}
	base := peer.NewContext(context.Background(), &peer.Peer{Addr: &net.TCPAddr{IP: net.IPv4(10, 1, 2, 3), Port: 43210}})
	info := &grpc.UnaryServerInfo{FullMethod: "/shop.v1.Orders/GetOrder"}
	handler := func(ctx context.Context, req any) (any, error) { return req, nil }

	cases := []struct {
		name  string
		md    metadata.MD
		level slog.Level
	}{
		{"traceparent", md, slog.LevelInfo},
		{"no-trace", metadata.MD{":authority": {"127.0.0.1:50051"}, "content-type": {"application/grpc"}}, slog.LevelInfo},
		{"line-disabled", md, slog.LevelError},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			logger := logweave.New(io.Discard, &logweave.Options{Service: "orders", Level: c.level})
			ic := logweavegrpc.UnaryServerInterceptor(logger, nil)
			ctx := metadata.NewIncomingContext(base, c.md)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ic(ctx, "req", info, handler); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
