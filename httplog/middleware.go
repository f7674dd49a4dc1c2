// Package httplog logs net/http requests and carries their trace context.
//
// Middleware wraps a handler: it reads the trace context and request id
// that arrive with a request (or starts a trace), puts them in the
// request's context so that every line the handler logs with it carries
// them, and writes one access line when the request ends, with the status
// the client really got, the bytes, the duration and the client's address,
// under OpenTelemetry's semantic-convention names.
package httplog

import (
	"context"
	"fmt"
	"github.com/logweave/logweave"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/logweave/logweave/clientip"
	"github.com/logweave/logweave/internal/stack"
	"github.com/logweave/logweave/tracectx"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// Keys of the access line. Those up to ErrorTypeKey are the names of the
// OpenTelemetry semantic conventions (release v1.40.0, the one the
// required go.opentelemetry.io/otel carries), and a test holds them to
// it; the rest are logweave's, as each says.
const (
	MethodKey          = "http.request.method"
	RouteKey           = "http.route"
	PathKey            = "url.path"
	QueryKey           = "url.query"
	StatusKey          = "http.response.status_code"
	RequestBodyKey     = "http.request.body.size"
	ResponseBodyKey    = "http.response.body.size"
	DurationKey        = "http.server.request.duration" // seconds, named after the semantic conventions' metric
	ClientAddressKey   = "client.address"
	UserAgentKey       = "user_agent.original"
	ProtocolVersionKey = "network.protocol.version"
	ServerAddressKey   = "server.address"
	ErrorTypeKey       = "error.type"
	// ErrorMessageKey holds the error a handler returned (Exchange.Error).
	// The semantic conventions defined error.message and deprecated it in
	// v1.40.0 in favor of names of each domain, of which HTTP has none
	// for it; the key stays, meaning what it meant there.
	ErrorMessageKey = "error.message"
	PanicKey        = "panic" // logweave's: a recovered panic's value, structured unless a string or an error
	StackKey        = "stack" // logweave's: the panicking goroutine's stack, bounded
	// RequestBodyContentKey and ResponseBodyContentKey hold captured
	// bodies (see Options.MaxBodyBytes), with ".truncated" appended for
	// the flag of a body cut at the limit. They are logweave's: the
	// semantic conventions define only the sizes.
	RequestBodyContentKey  = "http.request.body"
	ResponseBodyContentKey = "http.response.body"
)

// Prefixes of the keys of logged headers (Options.RequestHeaders and
// ResponseHeaders), followed by the header's name in lower case, as the
// semantic conventions' http.request.header.<key> and
// http.response.header.<key>. A header is logged as one string, its values
// joined by ", ", where the conventions use an array of strings.
const (
	RequestHeaderPrefix  = "http.request.header."
	ResponseHeaderPrefix = "http.response.header."
)

// StatusClientClosedRequest is logged when the client went away before the
// response was complete (nginx's 499): not a server error.
const StatusClientClosedRequest = 499

// AccessMessage is the message of the access line.
const AccessMessage = "http request"

// Middleware returns middleware that logs each request with logger and
// carries its trace context; see the package documentation. A nil opts
// is the zero Options.
func Middleware(logger *slog.Logger, opts *Options) func(http.Handler) http.Handler {
	c := newConfig(logger, opts)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c.serve(next, w, r)
		})
	}
}

// config is Options with the defaults applied, read by every request.
type config struct {
	logger          *slog.Logger
	prop            propagation.TextMapPropagator
	clientIP        clientip.Strategy
	requestIDHeader string
	traceparent     bool
	level           func(int, time.Duration) slog.Level
	slow            time.Duration
	skip            func(*http.Request) bool
	skipPaths       map[string]bool
	skipPrefixes    []string
	route           func(*http.Request) string
	reqHeaders      []headerField
	respHeaders     []headerField
	sensitiveQuery  map[string]bool
	rePanic         bool
	maxStack        int
	skipRoutes      map[string]bool
	sample          map[string]*sampler
	bodyTypes       []string
	maxBody         int
}

// sampler keeps one request in every n.
type sampler struct {
	n     uint64
	count atomic.Uint64
}

func (s *sampler) keep() bool { return s.count.Add(1)%s.n == 1 || s.n == 1 }

// headerField is a header to log and the key it is logged under.
type headerField struct {
	name, key string
	masked    bool
}

func newConfig(logger *slog.Logger, o *Options) *config {
	if logger == nil {
		logger = slog.Default()
	}
	if o == nil {
		o = &Options{}
	}
	c := &config{
		logger:          logger,
		prop:            o.Propagator,
		clientIP:        o.ClientIP,
		requestIDHeader: o.RequestIDHeader,
		traceparent:     o.ResponseTraceparent,
		level:           o.Level,
		slow:            o.SlowThreshold,
		skip:            o.Skip,
		skipPrefixes:    o.SkipPrefixes,
		route:           o.Route,
		rePanic:         o.RePanic,
		maxStack:        o.MaxStackBytes,
	}
	if c.prop == nil {
		c.prop = tracectx.Default()
	}
	if c.clientIP == nil {
		c.clientIP = clientip.RemoteAddr()
	}
	switch c.requestIDHeader {
	case "":
		c.requestIDHeader = "X-Request-Id"
	case "-":
		c.requestIDHeader = ""
	default:
		c.requestIDHeader = http.CanonicalHeaderKey(c.requestIDHeader)
	}
	if c.route == nil {
		c.route = func(r *http.Request) string { return r.Pattern }
	}
	if len(o.SkipPaths) > 0 {
		c.skipPaths = make(map[string]bool, len(o.SkipPaths))
		for _, p := range o.SkipPaths {
			c.skipPaths[p] = true
		}
	}
	keys := o.SensitiveQueryKeys
	if keys == nil {
		keys = DefaultSensitiveQueryKeys
	}
	c.sensitiveQuery = make(map[string]bool, len(keys))
	for _, k := range keys {
		c.sensitiveQuery[strings.ToLower(k)] = true
	}
	if len(o.SkipRoutes) > 0 {
		c.skipRoutes = make(map[string]bool, len(o.SkipRoutes))
		for _, r := range o.SkipRoutes {
			c.skipRoutes[r] = true
		}
	}
	for route, n := range o.SampleRoutes {
		if n <= 1 {
			continue // one in one, or nonsense: log every request
		}
		if c.sample == nil {
			c.sample = make(map[string]*sampler, len(o.SampleRoutes))
		}
		c.sample[route] = &sampler{n: uint64(n)}
	}
	if o.MaxBodyBytes > 0 && len(o.BodyContentTypes) > 0 {
		c.bodyTypes = o.BodyContentTypes
		c.maxBody = o.MaxBodyBytes
	}
	c.reqHeaders = headerFields(RequestHeaderPrefix, o.RequestHeaders)
	c.respHeaders = headerFields(ResponseHeaderPrefix, o.ResponseHeaders)
	return c
}

func headerFields(prefix string, names []string) []headerField {
	fields := make([]headerField, 0, len(names))
	for _, n := range names {
		fields = append(fields, headerField{
			name:   http.CanonicalHeaderKey(n),
			key:    prefix + strings.ToLower(n),
			masked: IsSensitiveHeader(n),
		})
	}
	return fields
}

func (c *config) skipped(r *http.Request) bool {
	if c.skipPaths[r.URL.Path] {
		return true
	}
	for _, p := range c.skipPrefixes {
		if strings.HasPrefix(r.URL.Path, p) {
			return true
		}
	}
	return c.skip != nil && c.skip(r)
}

// Flight is one request on its way through the middleware or a Recorder:
// the wrapped response writer (status, bytes, hijack, write errors,
// captured body) and the wrapped request body. Framework adapters get one
// from Recorder.Start, run the framework's chain with its Request and
// ResponseWriter, and call End. A Flight is pooled: it must not be used
// after End.
type Flight struct {
	rw    responseWriter
	body  countingBody
	c     *config
	r     *http.Request
	start time.Time
	stack string // set by SetPanicStack
}

var flightPool = sync.Pool{New: func() any { return new(Flight) }}

// start wraps w and r (which already carries ctx) for one request.
func (c *config) start(w http.ResponseWriter, r *http.Request, start time.Time) *Flight {
	f := flightPool.Get().(*Flight)
	f.c, f.start = c, start
	f.rw.reset(w, r)
	if r.Body != nil && r.Body != http.NoBody {
		f.body = countingBody{rc: r.Body, capture: f.body.capture[:0]}
		if c.capturesBody(r.Header) {
			f.body.limit = c.maxBody
		}
		r.Body = &f.body
	}
	if c.maxBody > 0 {
		f.rw.capture = f.rw.capture[:0]
		f.rw.captureLimit = -1 // decided at the first write, from the response's Content-Type
		f.rw.wantCapture = c.capturesBody
		f.rw.maxCapture = c.maxBody
	}
	f.r = r
	return f
}

// Request returns the request to hand to the handlers: it carries the
// trace context, and its body is counted.
func (f *Flight) Request() *http.Request { return f.r }

// ResponseWriter returns the writer to hand to the handlers. It keeps
// every optional interface of the writer it wraps.
func (f *Flight) ResponseWriter() http.ResponseWriter { return &f.rw }

// Status returns the status sent so far, 0 when none was.
func (f *Flight) Status() int { return f.rw.status }

// Hijacked reports whether the handler took the connection over
// (WebSocket): the response is then the handler's, and an adapter must not
// write an error response on it.
func (f *Flight) Hijacked() bool { return f.rw.hijacked }

// SetPanicStack gives End the stack of a panic that was recovered
// elsewhere (a framework's recovery middleware that ran first), for the
// access line; by default End takes the stack of its caller.
func (f *Flight) SetPanicStack(stack string) { f.stack = stack }

// AddResponseBytes counts n body bytes that the framework will send after
// End (Gin writes its default 404 and 405 bodies once the middleware chain
// returned), so that http.response.body.size is what the client gets.
func (f *Flight) AddResponseBytes(n int64) { f.rw.bytes += n }

// NoRoute, passed as End's route, says that the framework matched no
// route (its own 404 or 405), so Options.Route is not asked for one.
const NoRoute = "\x00no route"

// End writes the access line and recycles the Flight. route is the route
// template the framework matched ("" for none: Options.Route, r.Pattern
// by default, is asked then); err is the error the handler returned, if
// any, logged as error.message; recovered is the value of a panic the
// caller recovered (nil for none). End never panics again: re-panicking
// (Options.RePanic, http.ErrAbortHandler) is the caller's decision.
func (f *Flight) End(route string, err error, recovered any) {
	f.c.finish(f, route, err, recovered)
	f.rw = responseWriter{capture: f.rw.capture[:0]}
	f.body = countingBody{capture: f.body.capture[:0]}
	f.r, f.c, f.stack = nil, nil, ""
	if cap(f.rw.capture) <= maxPooledCapture && cap(f.body.capture) <= maxPooledCapture {
		flightPool.Put(f)
	}
}

func (c *config) serve(next http.Handler, w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	ctx := c.begin(r.Context(), propagation.HeaderCarrier(r.Header), propagation.HeaderCarrier(w.Header()))
	if c.skipped(r) {
		next.ServeHTTP(w, r.WithContext(ctx))
		return
	}
	f := c.start(w, r.WithContext(ctx), start)
	defer func() {
		p := recover()
		f.End("", nil, p)
		if p != nil && (c.rePanic || p == http.ErrAbortHandler) {
			// ErrAbortHandler is how a handler asks net/http to drop the
			// connection quietly; it must reach the server.
			panic(p)
		}
	}()
	next.ServeHTTP(&f.rw, f.r)
}

// begin reads the request's trace context and request id into ctx and
// answers with the request id (and traceparent) on out. A span already in
// ctx (from an OTel middleware that ran first) is kept; without one and
// without a valid incoming trace, a new trace starts.
//
// A trace that arrived from the caller stays as it came: the lines carry
// the caller's span id. Without an SDK this server records no span of its
// own, so a span id made up here would point at nothing in the tracing
// back end, while the caller's span is there; calls this server makes
// (Transport) become children of it.
func (c *config) begin(ctx context.Context, in, out propagation.TextMapCarrier) context.Context {
	ctx, _ = tracectx.ExtractOrStart(ctx, c.prop, in)
	if out == nil {
		return ctx
	}
	if c.requestIDHeader != "" {
		// Without a request id from the client, the trace id serves as
		// one: the client quotes it, and every line carries it as trace_id.
		id := tracectx.RequestID(ctx)
		if id == "" {
			id = tracectx.TraceIDText(in, trace.SpanContextFromContext(ctx).TraceID())
		}
		if h, ok := out.(propagation.HeaderCarrier); ok && h != nil {
			h[c.requestIDHeader] = []string{id} // already canonical: Set would canonicalize it again
		} else {
			out.Set(c.requestIDHeader, id)
		}
	}
	if c.traceparent {
		tracectx.W3C{}.Inject(ctx, out)
	}
	return ctx
}

// finish writes the access line once the handler returned or panicked.
func (c *config) finish(f *Flight, route string, handlerErr error, p any) {
	rw, r := &f.rw, f.r
	aborted := p == http.ErrAbortHandler
	panicked := p != nil && !aborted
	if panicked && rw.status == 0 && !rw.hijacked {
		// Nothing was sent yet: the client gets a 500, not a dropped
		// connection.
		http.Error(rw, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
	}
	status := rw.status
	switch {
	case rw.hijacked && status == 0:
		status = http.StatusSwitchingProtocols
	case status == 0 && !panicked && !aborted:
		status = http.StatusOK // the server sends 200 for a handler that wrote nothing
	}
	// The client went away before the response was complete: the request
	// context was canceled while the handler ran (the server cancels it when
	// the connection closes), or sending failed.
	if aborted || (!rw.hijacked && (rw.writeErr != nil || r.Context().Err() == context.Canceled)) {
		if !panicked {
			status = StatusClientClosedRequest
		}
	}

	end := time.Now()
	duration := end.Sub(f.start)
	level := c.levelOf(status, duration, panicked)
	ctx := r.Context()
	if !c.logger.Enabled(ctx, level) {
		return // before building the line: a disabled access log costs nothing more
	}
	switch route {
	case NoRoute:
		route = ""
	case "":
		route = c.route(r)
	}
	e := Exchange{
		Method:           r.Method,
		Route:            route,
		Path:             r.URL.Path,
		RawQuery:         r.URL.RawQuery,
		Status:           status,
		RequestBodySize:  f.body.n,
		ResponseBodySize: rw.bytes,
		Duration:         duration,
		End:              end,
		UserAgent:        firstValue(r.Header, "User-Agent"),
		Protocol:         protocolVersion(r),
		Host:             hostOnly(r.Host),
		RequestHeader:    r.Header,
		ResponseHeader:   rw.Header(),
		Request:          r,
		Error:            handlerErr,
	}
	if panicked {
		e.Panic = p
		e.Stack = f.stack
		if e.Stack == "" {
			e.Stack = stack.Bounded(c.maxStack)
		}
	}
	if f.body.limit > 0 {
		e.RequestBody, e.RequestBodyCaptured = f.body.capture, true
	}
	if rw.captureLimit > 0 {
		e.ResponseBody, e.ResponseBodyCaptured = rw.capture, true
	}
	c.logAt(ctx, level, &e)
}

// log writes the access line for e, unless its level is disabled or the
// route is skipped or sampled out.
func (c *config) log(ctx context.Context, e *Exchange) {
	level := c.levelOf(e.Status, e.Duration, e.Panic != nil)
	if c.logger.Enabled(ctx, level) {
		c.logAt(ctx, level, e)
	}
}

// logAt is log once the level is known to be enabled.
func (c *config) logAt(ctx context.Context, level slog.Level, e *Exchange) {
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

	var buf [16]slog.Attr // the usual line has 12 to 14; more spill to the heap
	attrs := append(buf[:0], slog.String(MethodKey, e.Method))
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
	emit(ctx, c.logger, e.End, level, AccessMessage, attrs)
}

// emit is Logger.LogAttrs at time t (zero: now) without the caller's program counter: the
// source of an access line would be this package, which tells nothing,
// and runtime.Callers is a fifth of what the line costs. Enabled was
// checked by the caller.
//
// A logweave handler takes the attributes as they are (HandleAttrs), which
// spares a record's copy of those beyond its five inline ones.
func emit(ctx context.Context, logger *slog.Logger, t time.Time, level slog.Level, msg string, attrs []slog.Attr) {
	if t.IsZero() {
		t = time.Now()
	}
	if h, ok := logger.Handler().(*logweave.Handler); ok {
		_ = h.HandleAttrs(ctx, t, level, msg, attrs)
		return
	}
	r := slog.NewRecord(t, level, msg, 0)
	r.AddAttrs(attrs...)
	_ = logger.Handler().Handle(ctx, r) // as LogAttrs: a handler's error has nowhere to go
}

func (c *config) levelOf(status int, d time.Duration, panicked bool) slog.Level {
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

func protocolVersion(r *http.Request) string {
	switch {
	case r.ProtoMajor == 1 && r.ProtoMinor == 1:
		return "1.1"
	case r.ProtoMajor == 2:
		return "2"
	case r.ProtoMajor == 3:
		return "3"
	case r.ProtoMajor == 1 && r.ProtoMinor == 0:
		return "1.0"
	}
	return fmt.Sprintf("%d.%d", r.ProtoMajor, r.ProtoMinor)
}

// hostOnly strips the port from a Host header value or a RemoteAddr.
func hostOnly(host string) string {
	if strings.HasPrefix(host, "[") {
		if i := strings.IndexByte(host, ']'); i > 0 {
			return host[1:i]
		}
		return host
	}
	if i := strings.LastIndexByte(host, ':'); i >= 0 && strings.Count(host, ":") == 1 {
		return host[:i]
	}
	return host
}

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

// firstValue is h.Get(key) for a key already in canonical form: Get
// canonicalizes its key on every call, which costs more than the lookup.
func firstValue(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// capturesBody reports whether bodies of this Content-Type are logged.
func (c *config) capturesBody(h http.Header) bool {
	if c.maxBody <= 0 {
		return false
	}
	ct := firstValue(h, "Content-Type")
	for _, t := range c.bodyTypes {
		if strings.HasPrefix(ct, t) {
			return true
		}
	}
	return false
}

// contentType is ct, or else the Content-Type in h.
func contentType(ct string, h http.Header) string {
	if ct != "" {
		return ct
	}
	return firstValue(h, "Content-Type")
}

// maxPooledCapture bounds the capture buffers kept for reuse.
const maxPooledCapture = 64 << 10

// appendBody adds a captured body (as maskBody wrote it), and whether it
// was cut (fewer than total bytes captured), to attrs.
func appendBody(attrs []slog.Attr, key, body string, captured int, total int64) []slog.Attr {
	attrs = append(attrs, slog.String(key, body))
	if total > int64(captured) {
		attrs = append(attrs, slog.Bool(key+".truncated", true))
	}
	return attrs
}

// countingBody counts the request body bytes the handler read, and keeps
// the first limit of them when the body is captured.
type countingBody struct {
	rc      io.ReadCloser
	n       int64
	limit   int
	capture []byte
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.n += int64(n)
	if room := b.limit - len(b.capture); room > 0 && n > 0 {
		b.capture = append(b.capture, p[:min(n, room)]...)
	}
	return n, err
}

func (b *countingBody) Close() error { return b.rc.Close() }
