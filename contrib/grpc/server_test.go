package logweavegrpc_test

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	logweavegrpc "github.com/logweave/logweave/contrib/grpc"
	"github.com/logweave/logweave/internal/logtest"
	"github.com/logweave/logweave/tracectx"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
)

const (
	tpTraceID = "4bf92f3577b34da6a3ce929d0e0e4736"
	tpSpanID  = "00f067aa0ba902b7"
	tp        = "00-" + tpTraceID + "-" + tpSpanID + "-01"
)

func check(ctx context.Context, c healthpb.HealthClient, service string) error {
	_, err := c.Check(ctx, &healthpb.HealthCheckRequest{Service: service})
	return err
}

func TestUnaryOKCarriesTraceparent(t *testing.T) {
	logger, logs := logtest.NewLogger()
	client := dial(t, startServer(t, logger, noSkip))

	ctx := metadata.AppendToOutgoingContext(testCtx(t), "traceparent", tp, "x-request-id", "req-7")
	if err := check(ctx, client, "ok"); err != nil {
		t.Fatal(err)
	}

	h := one(t, logs, handlerMsg)
	want(t, h, "trace_id", tpTraceID)
	want(t, h, "span_id", tpSpanID) // the caller's span, as it came
	want(t, h, "request_id", "req-7")

	a := one(t, logs, logweavegrpc.AccessMessage)
	want(t, a, "level", "INFO")
	want(t, a, "trace_id", tpTraceID)
	want(t, a, "span_id", tpSpanID)
	want(t, a, "request_id", "req-7")
	want(t, a, logweavegrpc.SystemKey, "grpc")
	want(t, a, logweavegrpc.MethodKey, "grpc.health.v1.Health/Check")
	// The names semantic conventions v1.40.0 dropped are not written.
	absent(t, a, "rpc.service")
	absent(t, a, "rpc.grpc.status_code")
	absent(t, a, "rpc.system")
	want(t, a, logweavegrpc.StatusNameKey, "OK")
	want(t, a, logweavegrpc.ClientAddressKey, "127.0.0.1")
	if d, ok := a[logweavegrpc.ServerDurationKey].(float64); !ok || d <= 0 || d > 10 {
		t.Errorf("%s = %v, want seconds > 0", logweavegrpc.ServerDurationKey, a[logweavegrpc.ServerDurationKey])
	}
	for _, k := range []string{logweavegrpc.ErrorKey, logweavegrpc.PanicKey, logweavegrpc.MessagesSentKey, logweavegrpc.MessagesReceivedKey} {
		absent(t, a, k)
	}
}

func TestCodesToLevels(t *testing.T) {
	logger, logs := logtest.NewLogger()
	client := dial(t, startServer(t, logger, noSkip))

	cases := []struct {
		service string
		code    codes.Code
		level   string
	}{
		{"ok", codes.OK, "INFO"},
		{"code:3", codes.InvalidArgument, "WARN"},
		{"code:5", codes.NotFound, "WARN"},
		{"code:7", codes.PermissionDenied, "WARN"},
		{"code:16", codes.Unauthenticated, "WARN"},
		{"code:9", codes.FailedPrecondition, "WARN"},
		{"code:2", codes.Unknown, "ERROR"},
		{"code:8", codes.ResourceExhausted, "ERROR"},
		{"code:13", codes.Internal, "ERROR"},
		{"code:14", codes.Unavailable, "ERROR"},
		{"code:15", codes.DataLoss, "ERROR"},
		{"plain", codes.Unknown, "ERROR"}, // an error without a status is Unknown, as gRPC sends it
	}
	for i, c := range cases {
		err := check(testCtx(t), client, c.service)
		if got := status.Code(err); got != c.code {
			t.Fatalf("%s: client got %v, want %v", c.service, got, c.code)
		}
		lines := logs.WithMsg(t, logweavegrpc.AccessMessage)
		if len(lines) != i+1 {
			t.Fatalf("%s: %d access lines, want %d", c.service, len(lines), i+1)
		}
		a := lines[i]
		want(t, a, "level", c.level)
		want(t, a, logweavegrpc.StatusNameKey, logweavegrpc.CodeName(c.code))
		if c.code == codes.OK {
			absent(t, a, logweavegrpc.ErrorKey)
		} else if msg := status.Convert(err).Message(); str(a, logweavegrpc.ErrorKey) != msg {
			t.Errorf("%s: error = %q, want the status message %q", c.service, str(a, logweavegrpc.ErrorKey), msg)
		}
	}
}

func TestDefaultLevel(t *testing.T) {
	want := map[codes.Code]slog.Level{
		codes.OK:                 slog.LevelInfo,
		codes.Canceled:           slog.LevelWarn,
		codes.InvalidArgument:    slog.LevelWarn,
		codes.NotFound:           slog.LevelWarn,
		codes.AlreadyExists:      slog.LevelWarn,
		codes.PermissionDenied:   slog.LevelWarn,
		codes.Unauthenticated:    slog.LevelWarn,
		codes.FailedPrecondition: slog.LevelWarn,
		codes.OutOfRange:         slog.LevelWarn,
		codes.Unknown:            slog.LevelError,
		codes.DeadlineExceeded:   slog.LevelError,
		codes.ResourceExhausted:  slog.LevelError,
		codes.Aborted:            slog.LevelError,
		codes.Unimplemented:      slog.LevelError,
		codes.Internal:           slog.LevelError,
		codes.Unavailable:        slog.LevelError,
		codes.DataLoss:           slog.LevelError,
		codes.Code(99):           slog.LevelError,
	}
	for code, level := range want {
		if got := logweavegrpc.DefaultLevel(code, time.Second); got != level {
			t.Errorf("DefaultLevel(%v) = %v, want %v", code, got, level)
		}
	}
	names := map[codes.Code]string{codes.OK: "OK", codes.Canceled: "CANCELLED", codes.DeadlineExceeded: "DEADLINE_EXCEEDED",
		codes.Unauthenticated: "UNAUTHENTICATED", codes.Code(99): "99"}
	for code, name := range names {
		if got := logweavegrpc.CodeName(code); got != name {
			t.Errorf("CodeName(%d) = %q, want %q", code, got, name)
		}
	}
}

func TestOptionsLevel(t *testing.T) {
	logger, logs := logtest.NewLogger()
	var gotCode codes.Code
	var gotDur time.Duration
	opts := &logweavegrpc.Options{SkipMethods: []string{}, Level: func(c codes.Code, d time.Duration) slog.Level {
		gotCode, gotDur = c, d
		return slog.LevelDebug
	}}
	client := dial(t, startServer(t, logger, opts))
	if err := check(testCtx(t), client, "code:5"); status.Code(err) != codes.NotFound {
		t.Fatal(err)
	}
	want(t, one(t, logs, logweavegrpc.AccessMessage), "level", "DEBUG")
	if gotCode != codes.NotFound || gotDur <= 0 {
		t.Errorf("Level got (%v, %v), want (NotFound, > 0)", gotCode, gotDur)
	}
}

func TestPanicRecovered(t *testing.T) {
	logger, logs := logtest.NewLogger()
	opts := &logweavegrpc.Options{SkipMethods: []string{}, MaxStackBytes: 1024}
	client := dial(t, startServer(t, logger, opts))

	err := check(testCtx(t), client, "panic")
	st := status.Convert(err)
	if st.Code() != codes.Internal || st.Message() != logweavegrpc.PanicMessage {
		t.Fatalf("client got %v, want Internal %q", err, logweavegrpc.PanicMessage)
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("the panic value reached the client: %v", err)
	}

	a := one(t, logs, logweavegrpc.AccessMessage)
	want(t, a, "level", "ERROR")
	want(t, a, logweavegrpc.StatusNameKey, "INTERNAL")
	want(t, a, logweavegrpc.ErrorTypeKey, "panic")
	// In the log, with the secret masked by the handler's default redaction.
	want(t, a, logweavegrpc.PanicKey, "secret panic value: password=[REDACTED]")
	stack := str(a, logweavegrpc.StackKey)
	if !strings.Contains(stack, "goroutine ") || !strings.Contains(stack, "panicInHandler") {
		t.Errorf("stack does not show the panicking frame:\n%s", stack)
	}
	if len(stack) > 1024+len("...(stack truncated)\n") {
		t.Errorf("stack is %d bytes, want at most MaxStackBytes (1024) and the marker", len(stack))
	}

	// The server goes on serving.
	if err := check(testCtx(t), client, "ok"); err != nil {
		t.Fatalf("call after the panic: %v", err)
	}

	// A panic in a stream handler, after a message was sent.
	stream, err := client.Watch(testCtx(t), &healthpb.HealthCheckRequest{Service: "panic"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stream.Recv(); err != nil {
		t.Fatalf("first message: %v", err)
	}
	_, err = stream.Recv()
	if st := status.Convert(err); st.Code() != codes.Internal || st.Message() != logweavegrpc.PanicMessage {
		t.Fatalf("stream ended with %v, want Internal %q", err, logweavegrpc.PanicMessage)
	}
	var sl map[string]any
	for _, l := range logs.WithMsg(t, logweavegrpc.AccessMessage) {
		if l[logweavegrpc.MethodKey] == "grpc.health.v1.Health/Watch" {
			sl = l
		}
	}
	if sl == nil {
		t.Fatal("no access line for the panicking stream")
	}
	want(t, sl, "level", "ERROR")
	want(t, sl, logweavegrpc.PanicKey, "stream panic")
	want(t, sl, logweavegrpc.MessagesSentKey, 1)
}

func TestB3(t *testing.T) {
	const tid, sid = "80f198ee56343ba864fe8b2a57d3eff7", "e457b5a2e4d86bd1"
	cases := map[string][]string{
		"single":   {"b3", tid + "-" + sid + "-1"},
		"multiple": {"x-b3-traceid", tid, "x-b3-spanid", sid, "x-b3-sampled", "1"},
	}
	for name, kv := range cases {
		t.Run(name, func(t *testing.T) {
			logger, logs := logtest.NewLogger()
			client := dial(t, startServer(t, logger, noSkip))
			if err := check(metadata.AppendToOutgoingContext(testCtx(t), kv...), client, "ok"); err != nil {
				t.Fatal(err)
			}
			for _, l := range []map[string]any{one(t, logs, handlerMsg), one(t, logs, logweavegrpc.AccessMessage)} {
				want(t, l, "trace_id", tid)
				want(t, l, "span_id", sid)
			}
		})
	}
}

func TestRequestID(t *testing.T) {
	cases := []struct{ key, value, want string }{
		{"x-request-id", "req-1", "req-1"},
		{"x-correlation-id", "corr-2", "corr-2"},   // a common alias
		{"x-request-id", "bad id with spaces", ""}, // refused: the trace id stands in
	}
	for _, c := range cases {
		t.Run(c.key+"="+c.value, func(t *testing.T) {
			logger, logs := logtest.NewLogger()
			client := dial(t, startServer(t, logger, noSkip))
			if err := check(metadata.AppendToOutgoingContext(testCtx(t), c.key, c.value), client, "ok"); err != nil {
				t.Fatal(err)
			}
			for _, l := range []map[string]any{one(t, logs, handlerMsg), one(t, logs, logweavegrpc.AccessMessage)} {
				if c.want == "" {
					want(t, l, "request_id", l["trace_id"].(string))
				} else {
					want(t, l, "request_id", c.want)
				}
			}
		})
	}
}

func TestInvalidTraceparentStartsNewTrace(t *testing.T) {
	cases := map[string][]string{
		"uppercase":  {"traceparent", strings.ToUpper(tp)},
		"zero trace": {"traceparent", "00-00000000000000000000000000000000-" + tpSpanID + "-01"},
		"garbage":    {"traceparent", "not a traceparent"},
		"oversized":  {"traceparent", tp + "-" + strings.Repeat("a", 2000)},
		"duplicate":  {"traceparent", tp, "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"},
	}
	for name, kv := range cases {
		t.Run(name, func(t *testing.T) {
			logger, logs := logtest.NewLogger()
			client := dial(t, startServer(t, logger, noSkip))
			if err := check(metadata.AppendToOutgoingContext(testCtx(t), kv...), client, "ok"); err != nil {
				t.Fatalf("call failed: %v", err)
			}
			h, a := one(t, logs, handlerMsg), one(t, logs, logweavegrpc.AccessMessage)
			want(t, a, "level", "INFO")
			tid := str(h, "trace_id")
			if _, err := trace.TraceIDFromHex(tid); err != nil {
				t.Fatalf("handler line has no valid trace id: %v", h)
			}
			for _, v := range kv {
				if strings.Contains(strings.ToLower(v), tid) {
					t.Errorf("trace id %s came from the invalid metadata %q", tid, kv)
				}
			}
			want(t, a, "trace_id", tid)
			want(t, a, "span_id", str(h, "span_id"))
		})
	}
}

func TestServerStreamCounts(t *testing.T) {
	logger, logs := logtest.NewLogger()
	client := dial(t, startServer(t, logger, noSkip))

	ctx := metadata.AppendToOutgoingContext(testCtx(t), "traceparent", tp)
	stream, err := client.Watch(ctx, &healthpb.HealthCheckRequest{Service: "count:3"})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		if _, err := stream.Recv(); err != nil {
			if err != io.EOF {
				t.Fatal(err)
			}
			break
		}
		n++
	}
	if n != 3 {
		t.Fatalf("received %d messages, want 3", n)
	}
	// The handler's stream context carries the trace.
	want(t, logs.Wait(t, handlerMsg, 1)[0], "trace_id", tpTraceID)
	a := logs.Wait(t, logweavegrpc.AccessMessage, 1)[0]
	want(t, a, "level", "INFO")
	want(t, a, "trace_id", tpTraceID)
	want(t, a, logweavegrpc.MethodKey, "grpc.health.v1.Health/Watch")
	want(t, a, logweavegrpc.StatusNameKey, "OK")
	want(t, a, logweavegrpc.MessagesReceivedKey, 1) // the request
	want(t, a, logweavegrpc.MessagesSentKey, 3)
	want(t, a, logweavegrpc.ClientAddressKey, "127.0.0.1")
}

func TestClientCancelsStream(t *testing.T) {
	logger, logs := logtest.NewLogger()
	client := dial(t, startServer(t, logger, noSkip))

	ctx, cancel := context.WithCancel(testCtx(t))
	stream, err := client.Watch(ctx, &healthpb.HealthCheckRequest{Service: "block"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stream.Recv(); err != nil {
		t.Fatal(err)
	}
	cancel()
	if _, err := stream.Recv(); status.Code(err) != codes.Canceled {
		t.Fatalf("Recv after cancel: %v, want Canceled", err)
	}
	a := logs.Wait(t, logweavegrpc.AccessMessage, 1)[0]
	want(t, a, "level", "WARN")
	want(t, a, logweavegrpc.StatusNameKey, "CANCELLED")
	want(t, a, logweavegrpc.MessagesSentKey, 1)
	if str(a, logweavegrpc.ErrorKey) == "" {
		t.Errorf("no error message: %v", a)
	}
}

func TestDeadlineExceeded(t *testing.T) {
	// The handler returns ctx.Err(): Canceled when the client's reset
	// arrived first, DeadlineExceeded when the server's timer fired first.
	// Either way the line says DeadlineExceeded, which the client got.
	for i := range 3 {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			const service = "ctxerr"
			logger, logs := logtest.NewLogger()
			client := dial(t, startServer(t, logger, noSkip))
			ctx, cancel := context.WithTimeout(testCtx(t), 300*time.Millisecond)
			defer cancel()
			if err := check(ctx, client, service); status.Code(err) != codes.DeadlineExceeded {
				t.Fatalf("client got %v, want DeadlineExceeded", err)
			}
			a := logs.Wait(t, logweavegrpc.AccessMessage, 1)[0]
			want(t, a, "level", "ERROR")
			want(t, a, logweavegrpc.StatusNameKey, "DEADLINE_EXCEEDED")
		})
	}
}

func TestSkipMethods(t *testing.T) {
	t.Run("default skips health", func(t *testing.T) {
		logger, logs := logtest.NewLogger()
		client := dial(t, startServer(t, logger, nil))
		ctx := metadata.AppendToOutgoingContext(testCtx(t), "traceparent", tp)
		if err := check(ctx, client, "ok"); err != nil {
			t.Fatal(err)
		}
		// The unary access line would be written before the response.
		if n := len(logs.WithMsg(t, logweavegrpc.AccessMessage)); n != 0 {
			t.Errorf("%d access lines for a health check, want none", n)
		}
		want(t, one(t, logs, handlerMsg), "trace_id", tpTraceID) // still traced

		// A panic is logged all the same.
		if err := check(ctx, client, "panic"); status.Code(err) != codes.Internal {
			t.Fatalf("got %v, want Internal", err)
		}
		a := one(t, logs, logweavegrpc.AccessMessage)
		want(t, a, logweavegrpc.ErrorTypeKey, "panic")
		want(t, a, "trace_id", tpTraceID)
	})
	t.Run("exact method", func(t *testing.T) {
		logger, logs := logtest.NewLogger()
		client := dial(t, startServer(t, logger, &logweavegrpc.Options{SkipMethods: []string{"/grpc.health.v1.Health/Check"}}))
		if err := check(testCtx(t), client, "ok"); err != nil {
			t.Fatal(err)
		}
		if n := len(logs.WithMsg(t, logweavegrpc.AccessMessage)); n != 0 {
			t.Errorf("%d access lines for a skipped method, want none", n)
		}
		stream, err := client.Watch(testCtx(t), &healthpb.HealthCheckRequest{Service: "count:1"})
		if err != nil {
			t.Fatal(err)
		}
		for err == nil {
			_, err = stream.Recv()
		}
		want(t, logs.Wait(t, logweavegrpc.AccessMessage, 1)[0], logweavegrpc.MethodKey, "grpc.health.v1.Health/Watch")
	})
}

// A span already in the context (an OpenTelemetry stats handler ran
// before the interceptor) is kept; the request id is still read.
func TestExistingSpanKept(t *testing.T) {
	logger, logs := logtest.NewLogger()
	ic := logweavegrpc.UnaryServerInterceptor(logger, noSkip)

	existing := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{1, 2, 3}, SpanID: trace.SpanID{4, 5, 6}, TraceFlags: trace.FlagsSampled,
	})
	ctx := trace.ContextWithSpanContext(context.Background(), existing)
	ctx = metadata.NewIncomingContext(ctx, metadata.Pairs("traceparent", tp, "x-request-id", "r-1"))
	var inHandler trace.SpanContext
	_, err := ic(ctx, nil, &grpc.UnaryServerInfo{FullMethod: "/pkg.Svc/Do"}, func(ctx context.Context, _ any) (any, error) {
		inHandler = trace.SpanContextFromContext(ctx)
		if tracectx.RequestID(ctx) != "r-1" {
			t.Errorf("request id %q, want r-1", tracectx.RequestID(ctx))
		}
		return "resp", nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !inHandler.Equal(existing) {
		t.Errorf("handler got span %v, want the existing %v", inHandler, existing)
	}
	a := one(t, logs, logweavegrpc.AccessMessage)
	want(t, a, "trace_id", existing.TraceID().String())
	want(t, a, logweavegrpc.MethodKey, "pkg.Svc/Do")
	absent(t, a, logweavegrpc.ClientAddressKey) // no peer in the context
}

// A handler that returns no error after its client went away did not
// answer OK: the client got Canceled, and the line says so.
func TestHandlerOKAfterCancel(t *testing.T) {
	logger, logs := logtest.NewLogger()
	ic := logweavegrpc.UnaryServerInterceptor(logger, noSkip)
	ctx, cancel := context.WithCancel(context.Background())
	ctx = peer.NewContext(ctx, &peer.Peer{Addr: fakeAddr("[2001:db8::1]:4242")})
	_, err := ic(ctx, nil, &grpc.UnaryServerInfo{FullMethod: "/pkg.Svc/Do"}, func(ctx context.Context, _ any) (any, error) {
		cancel()
		return "resp", nil
	})
	if err != nil {
		t.Fatal(err)
	}
	a := one(t, logs, logweavegrpc.AccessMessage)
	want(t, a, "level", "WARN")
	want(t, a, logweavegrpc.StatusNameKey, logweavegrpc.CodeName(codes.Canceled))
	want(t, a, logweavegrpc.ClientAddressKey, "2001:db8::1")
}

// fakeAddr is a net.Addr of another kind than TCP.
type fakeAddr string

func (a fakeAddr) Network() string { return "fake" }
func (a fakeAddr) String() string  { return string(a) }

// A client's deadline usually reaches the server as a reset of the call,
// which cancels the handler's context a moment before the server's own
// deadline: the line says DeadlineExceeded, what the client got. A
// cancellation well before the deadline stays Canceled.
func TestCanceledAtDeadline(t *testing.T) {
	cases := []struct {
		name     string
		cancelAt time.Duration // before the deadline
		want     codes.Code
	}{
		{"at the deadline", 5 * time.Millisecond, codes.DeadlineExceeded},
		{"early", 150 * time.Millisecond, codes.Canceled},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			logger, logs := logtest.NewLogger()
			ic := logweavegrpc.UnaryServerInterceptor(logger, noSkip)
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			deadline, _ := ctx.Deadline()
			_, err := ic(ctx, nil, &grpc.UnaryServerInfo{FullMethod: "/pkg.Svc/Do"}, func(ctx context.Context, _ any) (any, error) {
				time.Sleep(time.Until(deadline) - c.cancelAt)
				cancel() // what a reset of the call does
				return nil, ctx.Err()
			})
			if err == nil {
				t.Fatal("no error")
			}
			want(t, one(t, logs, logweavegrpc.AccessMessage), logweavegrpc.StatusNameKey, logweavegrpc.CodeName(c.want))
		})
	}
}

// TestRequestIDReturnedInHeader checks that the client gets the request id
// back in the response header: its own, or else the trace id.
func TestRequestIDReturnedInHeader(t *testing.T) {
	logger, logs := logtest.NewLogger()
	client := dial(t, startServer(t, logger, noSkip))
	var header metadata.MD
	ctx := metadata.AppendToOutgoingContext(testCtx(t), "x-request-id", "req-hdr")
	if _, err := client.Check(ctx, &healthpb.HealthCheckRequest{Service: "ok"}, grpc.Header(&header)); err != nil {
		t.Fatal(err)
	}
	if got := header.Get(logweavegrpc.RequestIDMetadataKey); len(got) != 1 || got[0] != "req-hdr" {
		t.Fatalf("x-request-id header %q, want the client's", got)
	}
	one(t, logs, logweavegrpc.AccessMessage)

	logger, logs = logtest.NewLogger()
	client = dial(t, startServer(t, logger, noSkip))
	header = nil
	if _, err := client.Check(testCtx(t), &healthpb.HealthCheckRequest{Service: "ok"}, grpc.Header(&header)); err != nil {
		t.Fatal(err)
	}
	a := one(t, logs, logweavegrpc.AccessMessage)
	if got := header.Get(logweavegrpc.RequestIDMetadataKey); len(got) != 1 || got[0] != str(a, "trace_id") {
		t.Fatalf("x-request-id header %q, want the trace id %v", got, a["trace_id"])
	}
}
