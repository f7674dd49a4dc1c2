package logweavegrpc

import (
	"context"
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

// Keys of the lines. Those up to ErrorTypeKey are the names of the
// OpenTelemetry semantic conventions (release v1.40.0, the one the
// required go.opentelemetry.io/otel carries), and a test holds them to it.
// That release renamed rpc.system to rpc.system.name, made rpc.method the
// fully-qualified method, and replaced rpc.service and the numeric
// rpc.grpc.status_code with rpc.method and rpc.response.status_code: the
// lines follow it and write neither of the old two.
const (
	SystemKey         = "rpc.system.name"          // always "grpc"
	MethodKey         = "rpc.method"               // "pkg.Service/Method": the full method without its leading slash
	StatusNameKey     = "rpc.response.status_code" // the status code's name ("NOT_FOUND"), see CodeName
	ServerDurationKey = "rpc.server.call.duration" // seconds, named after the semantic conventions' metric
	ClientDurationKey = "rpc.client.call.duration" // seconds, named after the semantic conventions' metric
	ClientAddressKey  = "client.address"           // the peer's IP, without the port (behind a proxy, the proxy's)
	ServerAddressKey  = "server.address"           // the host of the client connection's target
	ServerPortKey     = "server.port"              // the port of the client connection's target
	ErrorTypeKey      = "error.type"               // "panic" for a recovered panic

	// ErrorKey, PanicKey and StackKey are logweave's names, outside the
	// conventions' namespaces.
	ErrorKey = "error" // the status message of a call that did not end OK
	PanicKey = "panic" // the panic value, on the server's line only
	StackKey = "stack" // the panicking goroutine's stack, bounded

	// MessagesReceivedKey and MessagesSentKey count the messages a stream
	// received and sent successfully (RecvMsg and SendMsg calls that
	// returned nil). They are logweave's names, outside the conventions'
	// rpc namespace: the conventions have no count of messages per call
	// (v1.40.0 dropped even the per-message rpc.message.* attributes). Unary
	// calls have none.
	MessagesReceivedKey = "grpc.messages.received"
	MessagesSentKey     = "grpc.messages.sent"
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
// client sent, or else the trace id (see extract).
func requestIDHeader(ctx context.Context) metadata.MD {
	return metadata.MD{RequestIDMetadataKey: []string{tracectx.RequestID(ctx)}}
}

// RequestIDMetadataKey is the response header that carries the request id.
const RequestIDMetadataKey = "x-request-id"

// extract returns ctx with the call's trace context and request id; see
// tracectx.ExtractOrStart. As in httplog, a trace that arrived from the
// caller stays as it came: the lines carry the caller's span id, the one
// span the tracing back end knows when this server records none itself.
//
// Without a request id from the client, the trace id is the request id
// too, in the context as in the x-request-id answered, so that every line
// has the request_id the client was told (one allocation).
func (c *config) extract(ctx context.Context) context.Context {
	ctx, _ = tracectx.ExtractOrStart(ctx, c.prop, &incomingCarrier{ctx: ctx})
	if tracectx.RequestID(ctx) == "" {
		ctx = tracectx.WithRequestID(ctx, trace.SpanContextFromContext(ctx).TraceID().String())
	}
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
	var buf [16]slog.Attr
	attrs := append(buf[:0],
		slog.String(SystemKey, "grpc"),
		slog.String(MethodKey, methodName(fullMethod)),
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
			panicAttr(p.value),
			slog.String(StackKey, p.stack),
		)
	}
	c.logger.LogAttrs(ctx, level, AccessMessage, attrs...)
}

// methodName is rpc.method for a full method name: "/pkg.Service/Method"
// without its leading slash, as the semantic conventions write it.
func methodName(fullMethod string) string {
	return strings.TrimPrefix(fullMethod, "/")
}

// panicAttr is the attribute that holds a recovered panic's value v (see
// stack.Value).
func panicAttr(v any) slog.Attr { return slog.Attr{Key: PanicKey, Value: stack.Value(v)} }

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
