package logweavegrpc_test

import (
	"context"
	"errors"
	"io"
	"net"
	"strconv"
	"testing"
	"time"

	logweavegrpc "github.com/logweave/logweave/contrib/grpc"
	"github.com/logweave/logweave/internal/logtest"
	"github.com/logweave/logweave/tracectx"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// callerCtx is the context of a request this service is handling: the
// trace tp arrived with it, and request id req-42.
func callerCtx(t testing.TB) context.Context {
	ctx, err := tracectx.WithRemoteHex(testCtx(t), tpTraceID, tpSpanID, trace.FlagsSampled)
	if err != nil {
		t.Fatal(err)
	}
	return tracectx.WithRequestID(ctx, "req-42")
}

func TestClientChildSpanReachesServer(t *testing.T) {
	serverLogger, serverLogs := logtest.NewLogger()
	clientLogger, clientLogs := logtest.NewLogger()
	addr := startServer(t, serverLogger, noSkip)
	client := dialLogged(t, addr, clientLogger, noSkip)

	if err := check(callerCtx(t), client, "ok"); err != nil {
		t.Fatal(err)
	}

	c := one(t, clientLogs, logweavegrpc.ClientMessage)
	want(t, c, "level", "INFO")
	want(t, c, "trace_id", tpTraceID)
	want(t, c, "request_id", "req-42")
	childSpan := str(c, "span_id")
	if _, err := trace.SpanIDFromHex(childSpan); err != nil || childSpan == tpSpanID {
		t.Fatalf("client line span_id %q, want a new span id in the trace", childSpan)
	}
	want(t, c, logweavegrpc.SystemKey, "grpc")
	want(t, c, logweavegrpc.MethodKey, "grpc.health.v1.Health/Check")
	// The names semantic conventions v1.40.0 dropped are not written.
	absent(t, c, "rpc.service")
	absent(t, c, "rpc.grpc.status_code")
	absent(t, c, "rpc.system")
	want(t, c, logweavegrpc.StatusNameKey, "OK")
	host, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	want(t, c, logweavegrpc.ServerAddressKey, host)
	want(t, c, logweavegrpc.ServerPortKey, p)
	if d, ok := c[logweavegrpc.ClientDurationKey].(float64); !ok || d <= 0 {
		t.Errorf("%s = %v, want seconds > 0", logweavegrpc.ClientDurationKey, c[logweavegrpc.ClientDurationKey])
	}
	absent(t, c, logweavegrpc.ErrorKey)

	// The server's lines are in the client's trace, under the call's span.
	for _, l := range []map[string]any{one(t, serverLogs, handlerMsg), one(t, serverLogs, logweavegrpc.AccessMessage)} {
		want(t, l, "trace_id", tpTraceID)
		want(t, l, "span_id", childSpan)
		want(t, l, "request_id", "req-42")
	}
}

func TestClientCodesToLevels(t *testing.T) {
	serverLogger, _ := logtest.NewLogger()
	clientLogger, clientLogs := logtest.NewLogger()
	client := dialLogged(t, startServer(t, serverLogger, noSkip), clientLogger, noSkip)
	cases := []struct {
		service string
		code    codes.Code
		level   string
	}{
		{"code:5", codes.NotFound, "WARN"},
		{"code:6", codes.AlreadyExists, "WARN"},
		{"code:14", codes.Unavailable, "ERROR"},
		{"panic", codes.Internal, "ERROR"},
	}
	for i, c := range cases {
		err := check(callerCtx(t), client, c.service)
		if status.Code(err) != c.code {
			t.Fatalf("%s: got %v, want %v", c.service, err, c.code)
		}
		l := clientLogs.WithMsg(t, logweavegrpc.ClientMessage)[i]
		want(t, l, "level", c.level)
		want(t, l, logweavegrpc.StatusNameKey, logweavegrpc.CodeName(c.code))
		want(t, l, logweavegrpc.ErrorKey, status.Convert(err).Message())
	}
}

// A client that forwards its incoming metadata as outgoing metadata
// (a common proxy pattern) must not send two traceparents, which the
// server would reject: the interceptor's value replaces the forwarded one.
func TestClientReplacesForwardedTraceparent(t *testing.T) {
	serverLogger, serverLogs := logtest.NewLogger()
	clientLogger, clientLogs := logtest.NewLogger()
	client := dialLogged(t, startServer(t, serverLogger, noSkip), clientLogger, noSkip)

	forwarded := metadata.Pairs("traceparent", tp, "x-custom", "kept")
	ctx := metadata.NewOutgoingContext(callerCtx(t), forwarded)
	if err := check(ctx, client, "ok"); err != nil {
		t.Fatal(err)
	}
	childSpan := str(one(t, clientLogs, logweavegrpc.ClientMessage), "span_id")
	h := one(t, serverLogs, handlerMsg)
	want(t, h, "trace_id", tpTraceID)
	want(t, h, "span_id", childSpan)
	if got := forwarded.Get("traceparent"); len(got) != 1 || got[0] != tp {
		t.Errorf("the caller's metadata was modified: %v", forwarded)
	}
}

// recordingSpan stands for a span an OpenTelemetry SDK records.
type recordingSpan struct {
	noop.Span
	sc trace.SpanContext
}

func (s recordingSpan) IsRecording() bool              { return true }
func (s recordingSpan) SpanContext() trace.SpanContext { return s.sc }

// With a recording span in the context, the SDK's stats handler makes the
// child span; the interceptor invents no span id of its own.
func TestClientKeepsRecordingSpan(t *testing.T) {
	serverLogger, serverLogs := logtest.NewLogger()
	clientLogger, clientLogs := logtest.NewLogger()
	client := dialLogged(t, startServer(t, serverLogger, noSkip), clientLogger, noSkip)

	sc := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{0xaa, 1}, SpanID: trace.SpanID{0xbb, 2}, TraceFlags: trace.FlagsSampled,
	})
	ctx := trace.ContextWithSpan(testCtx(t), recordingSpan{sc: sc})
	if err := check(ctx, client, "ok"); err != nil {
		t.Fatal(err)
	}
	want(t, one(t, clientLogs, logweavegrpc.ClientMessage), "span_id", sc.SpanID().String())
	h := one(t, serverLogs, handlerMsg)
	want(t, h, "trace_id", sc.TraceID().String())
	want(t, h, "span_id", sc.SpanID().String())
}

func TestClientWithoutTraceStartsOne(t *testing.T) {
	serverLogger, serverLogs := logtest.NewLogger()
	clientLogger, clientLogs := logtest.NewLogger()
	client := dialLogged(t, startServer(t, serverLogger, noSkip), clientLogger, noSkip)
	if err := check(testCtx(t), client, "ok"); err != nil {
		t.Fatal(err)
	}
	c := one(t, clientLogs, logweavegrpc.ClientMessage)
	h := one(t, serverLogs, handlerMsg)
	if str(c, "trace_id") == "" || str(h, "trace_id") != str(c, "trace_id") || str(h, "span_id") != str(c, "span_id") {
		t.Errorf("client line %v and server line %v are not in one trace", c, h)
	}
}

func TestClientStream(t *testing.T) {
	serverLogger, serverLogs := logtest.NewLogger()
	clientLogger, clientLogs := logtest.NewLogger()
	client := dialLogged(t, startServer(t, serverLogger, noSkip), clientLogger, noSkip)

	stream, err := client.Watch(callerCtx(t), &healthpb.HealthCheckRequest{Service: "count:2"})
	if err != nil {
		t.Fatal(err)
	}
	for err == nil {
		_, err = stream.Recv()
	}
	if err != io.EOF {
		t.Fatal(err)
	}
	// Logged when Recv saw the end: no waiting.
	c := one(t, clientLogs, logweavegrpc.ClientMessage)
	want(t, c, "level", "INFO")
	want(t, c, logweavegrpc.MethodKey, "grpc.health.v1.Health/Watch")
	want(t, c, logweavegrpc.StatusNameKey, "OK")
	want(t, c, logweavegrpc.MessagesReceivedKey, 2)
	want(t, c, logweavegrpc.MessagesSentKey, 1)
	want(t, c, "trace_id", tpTraceID)
	a := serverLogs.Wait(t, logweavegrpc.AccessMessage, 1)[0]
	want(t, a, "span_id", str(c, "span_id"))
}

func TestClientCancelsStreamLogged(t *testing.T) {
	serverLogger, serverLogs := logtest.NewLogger()
	clientLogger, clientLogs := logtest.NewLogger()
	client := dialLogged(t, startServer(t, serverLogger, noSkip), clientLogger, noSkip)

	ctx, cancel := context.WithCancel(callerCtx(t))
	stream, err := client.Watch(ctx, &healthpb.HealthCheckRequest{Service: "block"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stream.Recv(); err != nil {
		t.Fatal(err)
	}
	cancel() // and never call Recv again: the cancellation alone ends the call
	c := clientLogs.Wait(t, logweavegrpc.ClientMessage, 1)[0]
	want(t, c, "level", "WARN")
	want(t, c, logweavegrpc.StatusNameKey, logweavegrpc.CodeName(codes.Canceled))
	want(t, c, logweavegrpc.MessagesReceivedKey, 1)
	want(t, serverLogs.Wait(t, logweavegrpc.AccessMessage, 1)[0], logweavegrpc.StatusNameKey, logweavegrpc.CodeName(codes.Canceled))

	// A Recv after the cancellation does not log the call again.
	if _, err := stream.Recv(); status.Code(err) != codes.Canceled {
		t.Fatalf("Recv: %v, want Canceled", err)
	}
	if n := len(clientLogs.WithMsg(t, logweavegrpc.ClientMessage)); n != 1 {
		t.Errorf("%d client lines, want 1", n)
	}
}

func TestClientDeadline(t *testing.T) {
	serverLogger, _ := logtest.NewLogger()
	clientLogger, clientLogs := logtest.NewLogger()
	client := dialLogged(t, startServer(t, serverLogger, noSkip), clientLogger, noSkip)
	ctx, cancel := context.WithTimeout(callerCtx(t), 100*time.Millisecond)
	defer cancel()
	if err := check(ctx, client, "ctxerr"); status.Code(err) != codes.DeadlineExceeded {
		t.Fatalf("got %v, want DeadlineExceeded", err)
	}
	c := one(t, clientLogs, logweavegrpc.ClientMessage)
	want(t, c, "level", "ERROR")
	want(t, c, logweavegrpc.StatusNameKey, "DEADLINE_EXCEEDED")
}

func TestClientSkipsHealthByDefault(t *testing.T) {
	serverLogger, serverLogs := logtest.NewLogger()
	clientLogger, clientLogs := logtest.NewLogger()
	client := dialLogged(t, startServer(t, serverLogger, noSkip), clientLogger, nil)
	if err := check(callerCtx(t), client, "ok"); err != nil {
		t.Fatal(err)
	}
	if n := len(clientLogs.WithMsg(t, logweavegrpc.ClientMessage)); n != 0 {
		t.Errorf("%d client lines for a health check, want none", n)
	}
	want(t, one(t, serverLogs, handlerMsg), "trace_id", tpTraceID) // still propagated
}

// fakeClientStream answers RecvMsg with the errors it is given, in order.
type fakeClientStream struct {
	grpc.ClientStream
	ctx  context.Context
	recv []error
}

func (f *fakeClientStream) Context() context.Context { return f.ctx }
func (f *fakeClientStream) SendMsg(any) error        { return nil }
func (f *fakeClientStream) CloseSend() error         { return nil }
func (f *fakeClientStream) RecvMsg(any) error {
	err := f.recv[0]
	f.recv = f.recv[1:]
	return err
}

// A client-streaming call (no server streaming) ends with its one
// response: gRPC's RecvMsg returns nil for it and has read the status.
func TestClientStreamingCallEndsWithResponse(t *testing.T) {
	logger, logs := logtest.NewLogger()
	ic := logweavegrpc.StreamClientInterceptor(logger, noSkip)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	desc := &grpc.StreamDesc{StreamName: "Upload", ClientStreams: true}
	cs, err := ic(ctx, desc, nil, "/pkg.Svc/Upload", func(ctx context.Context, _ *grpc.StreamDesc, _ *grpc.ClientConn, _ string, _ ...grpc.CallOption) (grpc.ClientStream, error) {
		return &fakeClientStream{ctx: ctx, recv: []error{nil}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := cs.SendMsg("chunk"); err != nil {
			t.Fatal(err)
		}
	}
	if err := cs.CloseSend(); err != nil {
		t.Fatal(err)
	}
	if err := cs.RecvMsg(new(string)); err != nil {
		t.Fatal(err)
	}
	c := one(t, logs, logweavegrpc.ClientMessage)
	want(t, c, logweavegrpc.StatusNameKey, "OK")
	want(t, c, logweavegrpc.MessagesSentKey, 3)
	want(t, c, logweavegrpc.MessagesReceivedKey, 1)
	absent(t, c, logweavegrpc.ServerAddressKey) // no connection, no target

	cancel() // after the end: no second line
	time.Sleep(20 * time.Millisecond)
	if n := len(logs.WithMsg(t, logweavegrpc.ClientMessage)); n != 1 {
		t.Errorf("%d lines, want 1", n)
	}
}

func TestClientStreamerError(t *testing.T) {
	logger, logs := logtest.NewLogger()
	ic := logweavegrpc.StreamClientInterceptor(logger, noSkip)
	_, err := ic(context.Background(), &grpc.StreamDesc{ServerStreams: true}, nil, "/pkg.Svc/Feed", func(context.Context, *grpc.StreamDesc, *grpc.ClientConn, string, ...grpc.CallOption) (grpc.ClientStream, error) {
		return nil, status.Error(codes.Unavailable, "no connection")
	})
	if status.Code(err) != codes.Unavailable {
		t.Fatalf("got %v", err)
	}
	c := one(t, logs, logweavegrpc.ClientMessage)
	want(t, c, "level", "ERROR")
	want(t, c, logweavegrpc.StatusNameKey, logweavegrpc.CodeName(codes.Unavailable))
	want(t, c, logweavegrpc.ErrorKey, "no connection")
	absent(t, c, logweavegrpc.MessagesSentKey)
}

// The invoker gets the trace context in the outgoing metadata.
func TestClientInjectsMetadata(t *testing.T) {
	logger, _ := logtest.NewLogger()
	ic := logweavegrpc.UnaryClientInterceptor(logger, noSkip)
	var md metadata.MD
	err := ic(callerCtx(t), "/pkg.Svc/Do", nil, nil, nil, func(ctx context.Context, _ string, _, _ any, _ *grpc.ClientConn, _ ...grpc.CallOption) error {
		md, _ = metadata.FromOutgoingContext(ctx)
		return errors.New("boom")
	})
	if status.Code(err) != codes.Unknown {
		t.Fatalf("got %v", err)
	}
	if got := md.Get("x-request-id"); len(got) != 1 || got[0] != "req-42" {
		t.Errorf("x-request-id = %q, want req-42", got)
	}
	if got := md.Get("traceparent"); len(got) != 1 || len(got[0]) != 55 || got[0][3:35] != tpTraceID {
		t.Errorf("traceparent = %q, want one in trace %s", got, tpTraceID)
	}
	if got := md.Get("b3"); len(got) != 1 {
		t.Errorf("b3 = %q, want one", got)
	}
	for k := range md {
		if k != lower(k) {
			t.Errorf("metadata key %q is not lowercase", k)
		}
	}
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
