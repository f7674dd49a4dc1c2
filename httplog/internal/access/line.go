package access

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/logweave/logweave/internal/stack"
)

// Exchange is adapter.Exchange field for field (see the package
// documentation); package adapter documents the fields.
type Exchange struct {
	Method               string
	Route                string
	Path                 string
	RawQuery             string
	Status               int
	RequestBodySize      int64
	ResponseBodySize     int64
	Duration             time.Duration
	End                  time.Time
	ClientIP             netip.Addr
	Request              *http.Request
	UserAgent            string
	Protocol             string
	Host                 string
	RequestHeader        http.Header
	ResponseHeader       http.Header
	Error                error
	Panic                any
	Stack                string
	RequestBody          []byte
	RequestBodyCaptured  bool
	ResponseBody         []byte
	ResponseBodyCaptured bool
	RequestContentType   string
	ResponseContentType  string
}

// Level returns the level of the access line of a request with this
// outcome: Options.Level's, or by default ERROR for 5xx and panics, WARN
// for 4xx and slow requests, INFO otherwise.
func (c *Config) Level(status int, d time.Duration, panicked bool) slog.Level {
	if c.level != nil {
		return c.level(status, d)
	}
	level := slog.LevelInfo
	switch {
	case panicked || status >= 500:
		level = slog.LevelError
	case status >= 400:
		level = slog.LevelWarn
	}
	if c.slow > 0 && d >= c.slow && level < slog.LevelWarn {
		level = slog.LevelWarn
	}
	return level
}

// ClientIP returns the client's address by the configured strategy.
func (c *Config) ClientIP(r *http.Request) netip.Addr { return c.clientIP.ClientIP(r) }

// PanicStack returns the calling goroutine's stack, bounded by
// Options.MaxStackBytes, for Exchange.Stack.
func (c *Config) PanicStack() string { return stack.Bounded(c.maxStack) }

// Log writes the access line for e, unless its level is disabled or the
// route is skipped or sampled out.
func (c *Config) Log(ctx context.Context, e *Exchange) {
	level := c.Level(e.Status, e.Duration, e.Panic != nil)
	if c.logger.Enabled(ctx, level) {
		l := NewLine()
		c.logAt(ctx, level, e, l)
		l.Free()
	}
}

// logAt is Log once the level is known to be enabled, with l for the
// attributes.
func (c *Config) logAt(ctx context.Context, level slog.Level, e *Exchange, l *Line) {
	panicked := e.Panic != nil
	if !panicked && e.Status < 500 && (c.skipRoutes != nil || c.sample != nil) {
		key := e.Route
		if key == "" {
			key = e.Path
		}
		if c.skipRoutes[key] {
			return
		}
		if s := c.sample[key]; s != nil && !s.keep() {
			return
		}
	}

	attrs := append(l.Attrs(), slog.String(MethodKey, e.Method))
	if e.Route != "" {
		attrs = append(attrs, slog.String(RouteKey, e.Route))
	}
	attrs = append(attrs, slog.String(PathKey, e.Path))
	if e.RawQuery != "" {
		attrs = append(attrs, slog.String(QueryKey, maskQuery(e.RawQuery, c.sensitiveQuery)))
	}
	attrs = append(attrs,
		slog.Int(StatusKey, e.Status),
		slog.Int64(RequestBodyKey, e.RequestBodySize),
		slog.Int64(ResponseBodyKey, e.ResponseBodySize),
		slog.Float64(DurationKey, e.Duration.Seconds()),
	)
	ip := e.ClientIP
	if !ip.IsValid() && e.Request != nil {
		ip = c.clientIP.ClientIP(e.Request)
	}
	if ip.IsValid() {
		attrs = append(attrs, slog.String(ClientAddressKey, addrText(ip, e.Request)))
	}
	if e.UserAgent != "" {
		attrs = append(attrs, slog.String(UserAgentKey, e.UserAgent))
	}
	if e.Protocol != "" {
		attrs = append(attrs, slog.String(ProtocolVersionKey, e.Protocol))
	}
	if e.Host != "" {
		attrs = append(attrs, slog.String(ServerAddressKey, e.Host))
	}
	attrs = appendHeaders(attrs, c.reqHeaders, e.RequestHeader)
	attrs = appendHeaders(attrs, c.respHeaders, e.ResponseHeader)
	if e.RequestBodyCaptured {
		body := maskBody(e.RequestBody, contentType(e.RequestContentType, e.RequestHeader), c.sensitiveQuery)
		attrs = appendBody(attrs, RequestBodyContentKey, body, len(e.RequestBody), e.RequestBodySize)
	}
	if e.ResponseBodyCaptured {
		body := maskBody(e.ResponseBody, contentType(e.ResponseContentType, e.ResponseHeader), c.sensitiveQuery)
		attrs = appendBody(attrs, ResponseBodyContentKey, body, len(e.ResponseBody), e.ResponseBodySize)
	}
	switch {
	case panicked:
		attrs = append(attrs,
			slog.String(ErrorTypeKey, "panic"),
			panicAttr(e.Panic),
			slog.String(StackKey, e.Stack),
		)
	case e.Status == StatusClientClosedRequest:
		attrs = append(attrs, slog.String(ErrorTypeKey, "client_closed_request"))
	case e.Status >= 500:
		attrs = append(attrs, slog.String(ErrorTypeKey, strconv.Itoa(e.Status)))
	}
	if e.Error != nil {
		attrs = append(attrs, slog.String(ErrorMessageKey, e.Error.Error()))
	}
	l.Emit(ctx, c.logger, e.End, level, AccessMessage, attrs)
}

func appendHeaders(attrs []slog.Attr, fields []headerField, h http.Header) []slog.Attr {
	for _, f := range fields {
		vals := h[f.name]
		if len(vals) == 0 {
			continue
		}
		v := vals[0]
		if len(vals) > 1 {
			v = strings.Join(vals, ", ")
		}
		if f.masked {
			v = Mask
		}
		attrs = append(attrs, slog.String(f.key, v))
	}
	return attrs
}

// panicAttr is the attribute that holds a recovered panic's value v (see
// stack.Value).
func panicAttr(v any) slog.Attr { return slog.Attr{Key: PanicKey, Value: stack.Value(v)} }

// addrText is ip.String() without its allocation in the common case: the
// client is the peer, and the host part of RemoteAddr already holds the
// address's text. That text is reused when it is the canonical one; an
// address found elsewhere, or spelled otherwise (an upper-case IPv6), is
// formatted once.
func addrText(ip netip.Addr, r *http.Request) string {
	var buf [64]byte // an IPv6 address with a zone fits
	text := ip.AppendTo(buf[:0])
	if r != nil {
		if host := hostOnly(r.RemoteAddr); string(text) == host {
			return host
		}
	}
	return string(text)
}
