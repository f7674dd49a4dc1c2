package logweavegrpc

import (
	"context"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/logweave/logweave/tracectx"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
)

// UnaryClientInterceptor returns a client interceptor that sends each
// unary call as a child span of the trace in its context, with the trace
// context and request id in its metadata, and logs the call with logger
// when it returns. A nil logger is slog.Default(); a nil opts is the zero
// Options.
func UnaryClientInterceptor(logger *slog.Logger, opts *Options) grpc.UnaryClientInterceptor {
	c := newConfig(logger, opts)
	return c.unaryClient
}

// StreamClientInterceptor returns a client interceptor that sends each
// streaming call as UnaryClientInterceptor sends a unary one, and logs it
// with logger when it ends: when RecvMsg reports the end of the stream
// (io.EOF, which is OK, or an error), when the single response of a
// client-streaming call arrives, or when the call's context is canceled or
// its deadline passes, whichever comes first. A stream that the caller
// neither reads to its end nor cancels never ends, in gRPC as here, and is
// not logged. A nil logger is slog.Default(); a nil opts is the zero
// Options.
func StreamClientInterceptor(logger *slog.Logger, opts *Options) grpc.StreamClientInterceptor {
	c := newConfig(logger, opts)
	return c.streamClient
}

func (c *config) unaryClient(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	ctx = c.outgoing(ctx)
	start := time.Now()
	err := invoker(ctx, method, req, reply, cc, opts...)
	if !c.skipped(method) {
		c.logClient(ctx, method, target(cc), start, err, nil)
	}
	return err
}

func (c *config) streamClient(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	ctx = c.outgoing(ctx)
	start := time.Now()
	cs, err := streamer(ctx, desc, cc, method, opts...)
	skipped := c.skipped(method)
	if err != nil {
		if !skipped {
			c.logClient(ctx, method, target(cc), start, err, nil)
		}
		return cs, err
	}
	if skipped {
		return cs, nil
	}
	s := &clientStream{
		ClientStream:  cs,
		c:             c,
		ctx:           ctx,
		method:        method,
		target:        target(cc),
		start:         start,
		serverStreams: desc != nil && desc.ServerStreams,
	}
	s.stop.Store(stopFunc(context.AfterFunc(ctx, func() { s.finish(ctx.Err()) })))
	return s, nil
}

// outgoing returns ctx with the call's span and with the trace context
// and request id written into its outgoing metadata, merged into what is
// there: a key the propagator writes replaces the caller's, so a call that
// forwards its incoming metadata does not send two traceparents.
//
// The call gets a span id of its own (tracectx.NewChild), so the callee's
// lines name this call as their parent. When the context holds a
// recording span, an OpenTelemetry SDK is at work and its gRPC stats
// handler, which runs after the interceptors, starts the real child span:
// a span id made up here would be a parent the tracing back end never
// hears of, so the context is left as it is.
func (c *config) outgoing(ctx context.Context) context.Context {
	if ctx == nil {
		ctx = context.Background()
	}
	if !trace.SpanFromContext(ctx).IsRecording() {
		ctx = tracectx.NewChild(ctx)
	}
	md, ok := metadata.FromOutgoingContext(ctx)
	if !ok {
		md = make(metadata.MD, 4)
	}
	c.prop.Inject(ctx, MetadataCarrier(md))
	return metadata.NewOutgoingContext(ctx, md)
}

// stopFunc is the stop function of context.AfterFunc, typed so that it
// can live in an atomic.Value.
type stopFunc func() bool

// clientStream logs the call when the stream ends, and counts messages.
type clientStream struct {
	grpc.ClientStream
	c             *config
	ctx           context.Context
	method        string
	target        string
	start         time.Time
	serverStreams bool
	counts        counts
	done          atomic.Bool
	stop          atomic.Value // stopFunc: stops watching ctx once the call ended
}

// SendMsg sends a message and counts it. Its io.EOF only says the stream
// is over; the status comes from RecvMsg, which logs the call.
func (s *clientStream) SendMsg(m any) error {
	err := s.ClientStream.SendMsg(m)
	if err == nil {
		s.counts.sent.Add(1)
	}
	return err
}

// RecvMsg receives a message and counts it; the end of the stream, or the
// single response of a stream without server streaming, ends the call.
func (s *clientStream) RecvMsg(m any) error {
	err := s.ClientStream.RecvMsg(m)
	switch {
	case err == nil:
		s.counts.received.Add(1)
		if !s.serverStreams {
			s.finish(nil)
		}
	case err == io.EOF:
		s.finish(nil)
	default:
		s.finish(err)
	}
	return err
}

// finish logs the call, once, however it ended.
func (s *clientStream) finish(err error) {
	if !s.done.CompareAndSwap(false, true) {
		return
	}
	if stop, ok := s.stop.Load().(stopFunc); ok {
		stop()
	}
	s.c.logClient(s.ctx, s.method, s.target, s.start, err, &s.counts)
}

// errorOutcome returns the code and message of a call that returned err,
// as the caller sees them.
func errorOutcome(err error) (codes.Code, string) {
	if err == nil {
		return codes.OK, ""
	}
	return outcome(context.Background(), err)
}

// logClient writes the line of a call this client made.
func (c *config) logClient(ctx context.Context, fullMethod, target string, start time.Time, err error, n *counts) {
	duration := time.Since(start)
	code, msg := errorOutcome(err)
	level := c.level(code, duration)
	if !c.logger.Enabled(ctx, level) {
		return
	}
	var buf [16]slog.Attr
	attrs := append(buf[:0],
		slog.String(SystemKey, "grpc"),
		slog.String(MethodKey, methodName(fullMethod)),
		slog.String(StatusNameKey, CodeName(code)),
		slog.Float64(ClientDurationKey, duration.Seconds()),
	)
	if host, port := targetHostPort(target); host != "" {
		attrs = append(attrs, slog.String(ServerAddressKey, host))
		if port > 0 {
			attrs = append(attrs, slog.Int(ServerPortKey, port))
		}
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
	c.logger.LogAttrs(ctx, level, ClientMessage, attrs...)
}

func target(cc *grpc.ClientConn) string {
	if cc == nil {
		return ""
	}
	return cc.Target()
}

// targetHostPort returns the host and port a client connection's target
// names: "dns:///api.example.com:443", "dns://8.8.8.8/api:443",
// "passthrough:///10.0.0.1:50051" and "api:443" name a host and a port;
// "unix:///run/api.sock" and "unix:api.sock" name a socket path, returned
// as the host. A target without a port has port 0.
func targetHostPort(target string) (host string, port int) {
	endpoint := target
	if scheme, rest, ok := strings.Cut(target, "://"); ok {
		endpoint = rest
		if scheme != "unix" {
			// Drop the authority ("dns://8.8.8.8/host:port").
			if _, after, ok := strings.Cut(rest, "/"); ok {
				endpoint = after
			}
		}
	} else if path, ok := strings.CutPrefix(target, "unix:"); ok {
		return path, 0
	}
	if strings.HasPrefix(endpoint, "/") {
		return endpoint, 0 // a socket path
	}
	h, p, err := net.SplitHostPort(endpoint)
	if err != nil {
		return endpoint, 0
	}
	port, err = strconv.Atoi(p)
	if err != nil || port < 0 {
		return endpoint, 0 // not a port: "unix-abstract:name" and the like
	}
	return h, port
}
