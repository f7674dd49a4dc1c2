package logweavegrpc_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/logweave/logweave"
	logweavegrpc "github.com/logweave/logweave/contrib/grpc"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
)

// TestMain fails the run when the tests leave goroutines of gRPC or of
// this package behind: every server is stopped and every connection closed.
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if err := checkGoroutines(5 * time.Second); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
	}
	os.Exit(code)
}

// checkGoroutines waits up to wait for the goroutines that mention gRPC or
// this package to end (a closed connection's reader takes a moment), and
// returns their stacks if some are still there.
func checkGoroutines(wait time.Duration) error {
	deadline := time.Now().Add(wait)
	for {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		var leaked []string
		for g := range strings.SplitSeq(string(buf), "\n\n") {
			if strings.Contains(g, "checkGoroutines") {
				continue // this one
			}
			if strings.Contains(g, "google.golang.org/grpc") || strings.Contains(g, "logweave/contrib/grpc") {
				leaked = append(leaked, g)
			}
		}
		if len(leaked) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d goroutines left behind:\n\n%s", len(leaked), strings.Join(leaked, "\n\n"))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// sink collects the JSON lines a logger writes, for tests to wait on.
type sink struct {
	mu    sync.Mutex
	lines []map[string]any
	bad   []string
}

func (s *sink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range bytes.Split(bytes.TrimSpace(p), []byte("\n")) {
		var m map[string]any
		if err := json.Unmarshal(l, &m); err != nil {
			s.bad = append(s.bad, string(l))
			continue
		}
		s.lines = append(s.lines, m)
	}
	return len(p), nil
}

// all returns the lines written so far, failing t if any was not JSON.
func (s *sink) all(t testing.TB) []map[string]any {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.bad) > 0 {
		t.Fatalf("lines that are not JSON: %q", s.bad)
	}
	return append([]map[string]any(nil), s.lines...)
}

// withMsg returns the lines written so far with message msg.
func (s *sink) withMsg(t testing.TB, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range s.all(t) {
		if l["msg"] == msg {
			out = append(out, l)
		}
	}
	return out
}

// wait returns the first line with message msg, waiting up to 10 seconds
// for it: a server writes a stream's line after the client saw the end.
func (s *sink) wait(t testing.TB, msg string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if ls := s.withMsg(t, msg); len(ls) > 0 {
			return ls[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("no line %q within 10s; lines: %v", msg, s.all(t))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// one returns the only line with message msg, failing when there is not
// exactly one.
func (s *sink) one(t testing.TB, msg string) map[string]any {
	t.Helper()
	ls := s.withMsg(t, msg)
	if len(ls) != 1 {
		t.Fatalf("%d lines %q, want 1; lines: %v", len(ls), msg, s.all(t))
	}
	return ls[0]
}

func newLogger() (*slog.Logger, *sink) {
	s := &sink{}
	return logweave.New(s, &logweave.Options{Service: "test", Level: slog.LevelDebug}), s
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
