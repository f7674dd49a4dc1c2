package logweavegrpc_test

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	logweavegrpc "github.com/logweave/logweave/contrib/grpc"
	"github.com/logweave/logweave/internal/logtest"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
)

// TestMain fails the run when the tests leave goroutines of gRPC or of
// this package behind: every server is stopped and every connection closed
// (a closed connection's reader takes a moment, hence the wait).
func TestMain(m *testing.M) {
	logtest.Main(m, 5*time.Second, "google.golang.org/grpc", "logweave/contrib/grpc")
}

// one returns the only line with message msg written so far, failing when
// there is not exactly one: unlike Sink.Wait, it does not wait, for lines
// that must be written before the call returns.
func one(t testing.TB, s *logtest.Sink, msg string) map[string]any {
	t.Helper()
	ls := s.WithMsg(t, msg)
	if len(ls) != 1 {
		t.Fatalf("%d lines %q, want 1; lines: %v", len(ls), msg, s.Lines(t))
	}
	return ls[0]
}

// Messages the test health service logs from its handlers.
const (
	handlerMsg = "handling"
)

// healthServer is a grpc.health.v1.Health service whose behavior the
// requested service name picks, so that tests control what a call does:
//
//	Check: "ok", "code:N" (fail with code N), "plain" (an error without a
//	status), "panic", "block" (until the context ends), "ctxerr" (block,
//	then return ctx.Err()).
//	Watch: "count:N" (send N messages, end OK), "block" (send one, then
//	return when the context ends), "panic" (after one message).
type healthServer struct {
	healthpb.UnimplementedHealthServer
	logger *slog.Logger
}

func (h *healthServer) Check(ctx context.Context, req *healthpb.HealthCheckRequest) (*healthpb.HealthCheckResponse, error) {
	h.logger.InfoContext(ctx, handlerMsg, "service", req.GetService())
	serving := &healthpb.HealthCheckResponse{Status: healthpb.HealthCheckResponse_SERVING}
	switch s := req.GetService(); {
	case s == "" || s == "ok":
		return serving, nil
	case strings.HasPrefix(s, "code:"):
		n, _ := strconv.Atoi(strings.TrimPrefix(s, "code:"))
		return nil, status.Errorf(codes.Code(n), "failing with %s on purpose", codes.Code(n))
	case s == "plain":
		return nil, errors.New("a plain error")
	case s == "panic":
		panicInHandler("secret panic value: password=hunter2")
	case s == "block":
		<-ctx.Done()
		return serving, nil
	case s == "ctxerr":
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return nil, status.Errorf(codes.NotFound, "unknown service %q", req.GetService())
}

// panicInHandler is a named frame the stack of a panic must show.
func panicInHandler(v string) {
	panic(v)
}

func (h *healthServer) Watch(req *healthpb.HealthCheckRequest, stream grpc.ServerStreamingServer[healthpb.HealthCheckResponse]) error {
	ctx := stream.Context()
	h.logger.InfoContext(ctx, handlerMsg, "service", req.GetService())
	msg := &healthpb.HealthCheckResponse{Status: healthpb.HealthCheckResponse_SERVING}
	switch s := req.GetService(); {
	case strings.HasPrefix(s, "count:"):
		n, _ := strconv.Atoi(strings.TrimPrefix(s, "count:"))
		for range n {
			if err := stream.Send(msg); err != nil {
				return err
			}
		}
		return nil
	case s == "block":
		if err := stream.Send(msg); err != nil {
			return err
		}
		<-ctx.Done()
		return ctx.Err()
	case s == "panic":
		if err := stream.Send(msg); err != nil {
			return err
		}
		panicInHandler("stream panic")
	}
	return status.Errorf(codes.NotFound, "unknown service %q", req.GetService())
}

// noSkip logs every call, health checks included: the tests use the
// health service, which DefaultSkipMethods silences.
var noSkip = &logweavegrpc.Options{SkipMethods: []string{}}

// startServer serves the test health service on a loopback TCP port with
// the server interceptors, and stops it when the test ends. It returns the
// address.
func startServer(t testing.TB, logger *slog.Logger, opts *logweavegrpc.Options) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer(
		grpc.ChainUnaryInterceptor(logweavegrpc.UnaryServerInterceptor(logger, opts)),
		grpc.ChainStreamInterceptor(logweavegrpc.StreamServerInterceptor(logger, opts)),
	)
	healthpb.RegisterHealthServer(srv, &healthServer{logger: logger})
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()
	t.Cleanup(func() {
		srv.Stop()
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return lis.Addr().String()
}

// dial connects to addr, closing the connection when the test ends (before
// the server stops: cleanups run last first).
func dial(t testing.TB, addr string, opts ...grpc.DialOption) healthpb.HealthClient {
	t.Helper()
	opts = append(opts, grpc.WithTransportCredentials(insecure.NewCredentials()))
	conn, err := grpc.NewClient("passthrough:///"+addr, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return healthpb.NewHealthClient(conn)
}

// dialLogged is dial with the client interceptors logging to logger.
func dialLogged(t testing.TB, addr string, logger *slog.Logger, opts *logweavegrpc.Options) healthpb.HealthClient {
	return dial(t, addr,
		grpc.WithChainUnaryInterceptor(logweavegrpc.UnaryClientInterceptor(logger, opts)),
		grpc.WithChainStreamInterceptor(logweavegrpc.StreamClientInterceptor(logger, opts)),
	)
}

// testCtx is a context for one call, canceled when the test ends.
func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// want fails t unless line[key] is want (numbers compare as float64, as
// JSON decodes them).
func want(t testing.TB, line map[string]any, key string, want any) {
	t.Helper()
	if n, ok := want.(int); ok {
		want = float64(n)
	}
	if got, ok := line[key]; !ok || got != want {
		t.Errorf("%s = %v (present %v), want %v; line: %v", key, got, ok, want, line)
	}
}

// absent fails t if line has key.
func absent(t testing.TB, line map[string]any, key string) {
	t.Helper()
	if v, ok := line[key]; ok {
		t.Errorf("%s = %v, want no such key; line: %v", key, v, line)
	}
}

// str returns line[key] as a string, "" when absent.
func str(line map[string]any, key string) string {
	s, _ := line[key].(string)
	return s
}
