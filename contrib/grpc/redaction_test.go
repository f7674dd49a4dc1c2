package logweavegrpc_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
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
	type credentials struct{ User, Password string }
	for _, tc := range []struct {
		name   string
		value  any
		secret string
		keep   string
	}{
		{"struct", credentials{"bob", "hunter2"}, "hunter2", "bob"},
		{"map", map[string]string{"token": "abc123", "user": "bob"}, "abc123", "bob"},
		{"string", "boom", "", "boom"},
		{"error", errors.New("boom: an error"), "", "boom: an error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf logtest.Sink
			logger := logweave.New(&buf, nil)
			handler := func(context.Context, any) (any, error) { panic(tc.value) }
			unary := logweavegrpc.UnaryServerInterceptor(logger, nil)
			if _, err := unary(context.Background(), nil, &grpc.UnaryServerInfo{FullMethod: "/pkg.Svc/Do"}, handler); err == nil {
				t.Fatal("want codes.Internal")
			}
			stream := logweavegrpc.StreamServerInterceptor(logger, nil)
			streamHandler := func(any, grpc.ServerStream) error { panic(tc.value) }
			if err := stream(nil, fakeServerStream{}, &grpc.StreamServerInfo{FullMethod: "/pkg.Svc/Feed"}, streamHandler); err == nil {
				t.Fatal("want codes.Internal")
			}
			lines := buf.WithMsg(t, logweavegrpc.AccessMessage)
			if len(lines) != 2 {
				t.Fatalf("%d access lines, want 2", len(lines))
			}
			for _, a := range lines {
				if tc.secret != "" && strings.Contains(buf.String(), tc.secret) {
					t.Errorf("the secret is in the line: panic = %v", a[logweavegrpc.PanicKey])
				}
				if got, _ := json.Marshal(a[logweavegrpc.PanicKey]); !strings.Contains(string(got), tc.keep) {
					t.Errorf("panic = %s, want it to show %q", got, tc.keep)
				}
			}
		})
	}
}

// fakeServerStream is a grpc.ServerStream outside a server, enough for a
// handler that does nothing with it.
type fakeServerStream struct{ grpc.ServerStream }

func (fakeServerStream) Context() context.Context    { return context.Background() }
func (fakeServerStream) SetHeader(metadata.MD) error { return nil }
