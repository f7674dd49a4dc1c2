package logweavegrpc

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync/atomic"
	"time"

	"github.com/logweave/logweave/internal/stack"
	"github.com/logweave/logweave/tracectx"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
)

// Keys of the lines, from the OpenTelemetry semantic conventions for RPC
// where they have one.
const (
	SystemKey         = "rpc.system"               // always "grpc"
	ServiceKey        = "rpc.service"              // "pkg.Service" of "/pkg.Service/Method"
	MethodKey         = "rpc.method"               // "Method" of "/pkg.Service/Method"
	StatusCodeKey     = "rpc.grpc.status_code"     // the status code as a number
	StatusNameKey     = "rpc.response.status_code" // the status code's name, see CodeName
	ServerDurationKey = "rpc.server.call.duration" // seconds, as the semantic conventions' metric
	ClientDurationKey = "rpc.client.call.duration" // seconds, as the semantic conventions' metric
	ClientAddressKey  = "client.address"           // the peer's IP, without the port
	ServerAddressKey  = "server.address"           // the host of the client connection's target
	ServerPortKey     = "server.port"              // the port of the client connection's target
	ErrorKey          = "error"                    // the status message of a call that did not end OK
	ErrorTypeKey      = "error.type"               // "panic" for a recovered panic
	PanicKey          = "panic"                    // the panic value, on the server's line only
	StackKey          = "stack"                    // the panicking goroutine's stack, bounded

	// MessagesReceivedKey and MessagesSentKey count the messages a stream
	// received and sent successfully (RecvMsg and SendMsg calls that
	// returned nil). They are logweave's names: the semantic conventions
	// describe messages one by one (rpc.message.*), not counts per call.
	// Unary calls have none.
	MessagesReceivedKey = "rpc.messages.received"
	MessagesSentKey     = "rpc.messages.sent"
)

// Messages of the lines.
const (
	// AccessMessage is the message of the server's line for each call.
	AccessMessage = "grpc request"
	// ClientMessage is the message of the client's line for each call.
	ClientMessage = "grpc client request"
)

// PanicMessage is the status message a client gets, with codes.Internal,
// when the handler panicked. The panic value stays in the server's log: it
// may hold anything, and the client has no use for it.
const PanicMessage = "internal error"

// UnaryServerInterceptor returns a server interceptor that logs each unary
// call with logger and carries its trace context; see the package
// documentation. A nil logger is slog.Default(); a nil opts is the zero
// Options.
func UnaryServerInterceptor(logger *slog.Logger, opts *Options) grpc.UnaryServerInterceptor {
	c := newConfig(logger, opts)
	return c.unaryServer
}

// StreamServerInterceptor returns a server interceptor that logs each
// streaming call with logger and carries its trace context: the handler's
// stream returns it from Context. See the package documentation. A nil
// logger is slog.Default(); a nil opts is the zero Options.
func StreamServerInterceptor(logger *slog.Logger, opts *Options) grpc.StreamServerInterceptor {
	c := newConfig(logger, opts)
	return c.streamServer
}

func (c *config) unaryServer(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	start := time.Now()
	ctx = c.extract(ctx)
	// Fails only outside a real server (a direct call in a test): nothing
	// to send the header to then.
	_ = grpc.SetHeader(ctx, requestIDHeader(ctx))
	resp, p, err := callUnary(ctx, req, handler, c.maxStack)
	if p != nil || !c.skipped(info.FullMethod) {
		c.logServer(ctx, info.FullMethod, start, err, p, nil)
	}
	return resp, err
}

func (c *config) streamServer(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	start := time.Now()
	s := &serverStream{ServerStream: ss, ctx: c.extract(ss.Context())}
	_ = ss.SetHeader(requestIDHeader(s.ctx))
	p, err := callStream(srv, s, handler, c.maxStack)
	if p != nil || !c.skipped(info.FullMethod) {
		c.logServer(s.ctx, info.FullMethod, start, err, p, &s.counts)
	}
	return err
}

// requestIDHeader is the response header metadata that hands the request
// id back to the client, as httplog's X-Request-ID does: the one the
// client sent, or else the trace id.
func requestIDHeader(ctx context.Context) metadata.MD {
	id := tracectx.RequestID(ctx)
	if id == "" {
		id = trace.SpanContextFromContext(ctx).TraceID().String()
	}
	return metadata.MD{RequestIDMetadataKey: []string{id}}
}

// RequestIDMetadataKey is the response header that carries the request id.
const RequestIDMetadataKey = "x-request-id"

// extract returns ctx with the call's trace context and request id; see
// tracectx.ExtractOrStart. As in httplog, a trace that arrived from the
// caller stays as it came: the lines carry the caller's span id, the one
// span the tracing back end knows when this server records none itself.
func (c *config) extract(ctx context.Context) context.Context {
	ctx, _ = tracectx.ExtractOrStart(ctx, c.prop, &incomingCarrier{ctx: ctx})
	return ctx
}

// recovered is a panic a handler raised, with the stack where it did.
type recovered struct {
	value any
	stack string
}

// callUnary runs the handler and turns a panic into codes.Internal.
func callUnary(ctx context.Context, req any, handler grpc.UnaryHandler, maxStack int) (resp any, p *recovered, err error) {
	defer func() {
		if v := recover(); v != nil {
			p = &recovered{value: v, stack: stack.Bounded(maxStack)}
			resp, err = nil, status.Error(codes.Internal, PanicMessage)
		}
	}()
	resp, err = handler(ctx, req)
	return resp, nil, err
}

// callStream runs the handler and turns a panic into codes.Internal.
func callStream(srv any, ss grpc.ServerStream, handler grpc.StreamHandler, maxStack int) (p *recovered, err error) {
	defer func() {
		if v := recover(); v != nil {
			p = &recovered{value: v, stack: stack.Bounded(maxStack)}
			err = status.Error(codes.Internal, PanicMessage)
		}
	}()
	return nil, handler(srv, ss)
}

// counts are a stream's successful RecvMsg and SendMsg calls. gRPC lets one
// goroutine send while another receives, so they are atomic.
type counts struct {
	received, sent atomic.Int64
}

// serverStream is the stream a handler gets: Context returns the context
// with the call's trace, and messages are counted.
type serverStream struct {
	grpc.ServerStream
	ctx    context.Context
	counts counts
}

// Context returns the call's context with its trace context and request id.
func (s *serverStream) Context() context.Context { return s.ctx }

// RecvMsg receives a message and counts it.
func (s *serverStream) RecvMsg(m any) error {
	err := s.ServerStream.RecvMsg(m)
	if err == nil {
		s.counts.received.Add(1)
	}
	return err
}

// SendMsg sends a message and counts it.
func (s *serverStream) SendMsg(m any) error {
	err := s.ServerStream.SendMsg(m)
	if err == nil {
		s.counts.sent.Add(1)
	}
	return err
}

// outcome returns the code and message the peer gets for err, as gRPC
// computes them: a status error keeps its code; another error is Unknown,
// but a context error is Canceled or DeadlineExceeded.
//
// A handler that returned no error after its call was canceled did not
// answer the client: the client reset the call (it canceled, or its
// deadline passed first), and its answer goes nowhere; the call is
// Canceled. One that returned no error after the server's own deadline
// passed is OK: gRPC still sends its answer, which may reach the client
// in time.
func outcome(ctx context.Context, err error) (codes.Code, string) {
	if err == nil {
		if ctx.Err() == context.Canceled {
			return codes.Canceled, context.Canceled.Error()
		}
		return codes.OK, ""
	}
	s, ok := status.FromError(err)
	if !ok {
		s = status.FromContextError(err)
	}
	return s.Code(), s.Message()
}

// clientDeadlineMessage is the error logged for a call that a client
// canceled at its deadline; see serverOutcome.
const clientDeadlineMessage = "context deadline exceeded: the client reset the call at its deadline"

// serverOutcome is outcome for a call this server handled, with one
// correction. A client's deadline usually reaches the server as a
// cancellation: the client's timer fires first (the server's started when
// the request arrived, later), and the client resets the stream, which
// cancels the handler's context before the server's own deadline passes.
// Logged as Canceled, a server too slow for its clients would look like
// clients giving up. So a call canceled when less than a tenth of its
// timeout remained (or none) is logged as DeadlineExceeded, which is what
// the client got.
func serverOutcome(ctx context.Context, start time.Time, err error) (codes.Code, string) {
	code, msg := outcome(ctx, err)
	if code != codes.Canceled || ctx.Err() != context.Canceled {
		return code, msg
	}
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < deadline.Sub(start)/10 {
		return codes.DeadlineExceeded, clientDeadlineMessage
	}
	return code, msg
}

// logServer writes the access line of a call that ended.
func (c *config) logServer(ctx context.Context, fullMethod string, start time.Time, err error, p *recovered, n *counts) {
	duration := time.Since(start)
	code, msg := serverOutcome(ctx, start, err)
	if p != nil {
		code, msg = codes.Internal, PanicMessage
	}
	level := c.level(code, duration)
	if !c.logger.Enabled(ctx, level) {
		return
	}
	service, method := splitMethod(fullMethod)
	var buf [16]slog.Attr
	attrs := append(buf[:0],
		slog.String(SystemKey, "grpc"),
		slog.String(ServiceKey, service),
		slog.String(MethodKey, method),
		slog.Int(StatusCodeKey, int(code)),
		slog.String(StatusNameKey, CodeName(code)),
		slog.Float64(ServerDurationKey, duration.Seconds()),
	)
	if addr := peerAddress(ctx); addr != "" {
		attrs = append(attrs, slog.String(ClientAddressKey, addr))
	}
	if n != nil {
		attrs = append(attrs,
			slog.Int64(MessagesReceivedKey, n.received.Load()),
			slog.Int64(MessagesSentKey, n.sent.Load()),
		)
	}
	if code != codes.OK {
		attrs = append(attrs, slog.String(ErrorKey, msg))
	}
	if p != nil {
		attrs = append(attrs,
			slog.String(ErrorTypeKey, "panic"),
			slog.String(PanicKey, fmt.Sprint(p.value)),
			slog.String(StackKey, p.stack),
		)
	}
	c.logger.LogAttrs(ctx, level, AccessMessage, attrs...)
}

// splitMethod splits "/pkg.Service/Method" into "pkg.Service" and
// "Method". A name without the service part is all method.
func splitMethod(fullMethod string) (service, method string) {
	name := strings.TrimPrefix(fullMethod, "/")
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		return name[:i], name[i+1:]
	}
	return "", name
}

// peerAddress returns the IP of the call's peer without the port, the
// whole address when it has no port (a Unix socket), or "".
func peerAddress(ctx context.Context) string {
	p, ok := peer.FromContext(ctx)
	if !ok || p.Addr == nil {
		return ""
	}
	switch a := p.Addr.(type) {
	case *net.TCPAddr:
		if a.IP != nil {
			return a.IP.String()
		}
	case *net.UDPAddr:
		if a.IP != nil {
			return a.IP.String()
		}
	}
	s := p.Addr.String()
	if host, _, err := net.SplitHostPort(s); err == nil {
		return host
	}
	return s
}
