package logweavegrpc_test

import (
	"context"
	"testing"

	"github.com/logweave/logweave"
	logweavegrpc "github.com/logweave/logweave/contrib/grpc"
	"github.com/logweave/logweave/internal/logtest"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
)

// TestPanicValuesRedactedAsStructuredValues: a panic value that is not a
// string or an error reaches the handler as the value it is, so that its
// redaction sees field and key names (fmt.Sprint's "{bob hunter2}" has
// none); strings and errors stay text.
func TestPanicValuesRedactedAsStructuredValues(t *testing.T) {
	for _, tc := range logtest.PanicCases {
		t.Run(tc.Name, func(t *testing.T) {
			var buf logtest.Sink
			logger := logweave.New(&buf, nil)
			handler := func(context.Context, any) (any, error) { panic(tc.Value) }
			unary := logweavegrpc.UnaryServerInterceptor(logger, nil)
			if _, err := unary(context.Background(), nil, &grpc.UnaryServerInfo{FullMethod: "/pkg.Svc/Do"}, handler); err == nil {
				t.Fatal("want codes.Internal")
			}
			stream := logweavegrpc.StreamServerInterceptor(logger, nil)
			streamHandler := func(any, grpc.ServerStream) error { panic(tc.Value) }
			if err := stream(nil, fakeServerStream{}, &grpc.StreamServerInfo{FullMethod: "/pkg.Svc/Feed"}, streamHandler); err == nil {
				t.Fatal("want codes.Internal")
			}
			lines := buf.WithMsg(t, logweavegrpc.AccessMessage)
			if len(lines) != 2 {
				t.Fatalf("%d access lines, want 2", len(lines))
			}
			for _, a := range lines {
				logtest.CheckPanic(t, &buf, a, logweavegrpc.PanicKey, tc)
			}
		})
	}
}

// fakeServerStream is a grpc.ServerStream outside a server, enough for a
// handler that does nothing with it.
type fakeServerStream struct{ grpc.ServerStream }

func (fakeServerStream) Context() context.Context    { return context.Background() }
func (fakeServerStream) SetHeader(metadata.MD) error { return nil }
