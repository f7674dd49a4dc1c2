package logweavefiber

// exchange.go, carrier.go, stream.go and handler.go work on fasthttp, which
// Fiber v2 and v3 are both built on, and are the same in contrib/fiber and
// contrib/fiberv3 but for the package clause (a test in contrib/fiberv3
// checks it). They are copied rather than shared because the two modules
// must not depend on each other: a Fiber v3 user would pull in Fiber v2.

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/textproto"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/logweave/logweave/clientip"
	"github.com/logweave/logweave/httplog"
	"github.com/valyala/fasthttp"
)

// core is one configured middleware: the Recorder, which reads the trace
// context and writes the access line exactly as httplog's middleware does,
// and the options the adapter applies itself, because fasthttp has no
// *http.Request to hand to the Recorder.
type core struct {
	rec    *httplog.Recorder
	logger *slog.Logger
	// strategy is Options.ClientIP, nil for the default (the socket
	// peer), which is read from the connection without building an
	// *http.Request.
	strategy    clientip.Strategy
	skip        skipKind
	reqHeaders  []string // Options.RequestHeaders, canonical
	respHeaders []string // Options.ResponseHeaders, canonical
	bodyTypes   []string // Options.BodyContentTypes, when capture is on
	maxBody     int
	rePanic     bool
	// zeroCopy is set when the default propagator reads the trace
	// headers: it parses traceparent and B3 values into fixed-size ids
	// and keeps nothing of them, so they need not be copied out of
	// fasthttp's buffers (see requestCarrier).
	zeroCopy bool
}

// skipKind says what Recorder.Skips needs to see of a request.
type skipKind uint8

const (
	skipNever     skipKind = iota // no Skip, SkipPaths or SkipPrefixes
	skipByPath                    // SkipPaths or SkipPrefixes: the path only
	skipByRequest                 // Skip: any part of the request
)

func newCore(logger *slog.Logger, opts *httplog.Options) *core {
	if logger == nil {
		logger = slog.Default()
	}
	var o httplog.Options
	if opts != nil {
		o = *opts
	}
	c := &core{
		rec:         httplog.NewRecorder(logger, &o),
		logger:      logger,
		reqHeaders:  canonicalNames(o.RequestHeaders),
		respHeaders: canonicalNames(o.ResponseHeaders),
		rePanic:     o.RePanic,
		zeroCopy:    o.Propagator == nil,
	}
	// Comparing interfaces is safe here even for a strategy of an
	// incomparable type: values of different dynamic types are unequal
	// without comparing the values.
	if o.ClientIP != nil && o.ClientIP != clientip.RemoteAddr() {
		c.strategy = o.ClientIP
	}
	switch {
	case o.Skip != nil:
		c.skip = skipByRequest
	case len(o.SkipPaths) > 0 || len(o.SkipPrefixes) > 0:
		c.skip = skipByPath
	}
	if o.MaxBodyBytes > 0 && len(o.BodyContentTypes) > 0 {
		c.bodyTypes = slices.Clone(o.BodyContentTypes)
		c.maxBody = o.MaxBodyBytes
	}
	return c
}

func canonicalNames(names []string) []string {
	out := make([]string, 0, len(names))
	for _, n := range names {
		out = append(out, http.CanonicalHeaderKey(n))
	}
	return out
}

// capturesBody reports whether a body of this Content-Type is logged, as
// httplog decides it.
func (c *core) capturesBody(contentType []byte) bool {
	for _, t := range c.bodyTypes {
		if len(contentType) >= len(t) && string(contentType[:len(t)]) == t {
			return true
		}
	}
	return false
}

// span is where a string is in exchange.buf.
type span struct{ start, end int }

// field is a header logged by the allowlist, its value in exchange.buf.
type field struct {
	name string
	at   span
}

// exchange is the state of one request, pooled.
//
// fasthttp reuses a request's buffers for the next request on the
// connection once the handler returns, and the strings the access line
// is made of may outlive the call: a slog handler may keep a record (the
// OpenTelemetry log bridge batches them). So what the line says about the
// request is copied into buf as the request arrives (what the client
// sent, before a handler rewrites the path or a proxy middleware the
// headers), and buf becomes one string, one allocation, when the line is
// written.
type exchange struct {
	core    *core
	start   time.Time
	ctx     context.Context
	carrier requestCarrier
	buf     []byte
	vars

	reqFields, respFields []field

	// The request Skip and a clientip.Strategy are given (see request).
	req    http.Request
	url    url.URL
	header http.Header
	values []string
	addr   []byte

	// The access line.
	line        httplog.Exchange
	lineHeaders [2]http.Header
	lineValues  []string
}

// vars are the exchange's fields that hold no buffer to reuse: release
// zeroes them at once.
type vars struct {
	method, proto                string // when well known; else methodAt, protoAt
	methodAt, pathAt, queryAt    span
	agentAt, hostAt, protoAt     span
	reqBodyAt, respBodyAt        span
	reqCaptured, respCaptured    bool
	skipBody                     bool
	requestBuilt, requestHeaders bool // req was made, with its headers
	logged                       bool // line was filled
	clientIP                     netip.Addr
	reqSize, respSize            int64
	route                        string
	status                       int
	panicVal                     any
	stack                        string
}

var exchangePool = sync.Pool{New: func() any { return new(exchange) }}

// maxPooledBuf bounds the buffers kept for reuse: a request with a huge
// captured body should not pin its memory in the pool.
const maxPooledBuf = 64 << 10

// acquire returns the exchange for a request that starts now.
func (c *core) acquire(fctx *fasthttp.RequestCtx) *exchange {
	ex := exchangePool.Get().(*exchange)
	ex.core = c
	ex.start = time.Now()
	ex.carrier.h = &fctx.Request.Header
	ex.carrier.zeroCopy = c.zeroCopy
	return ex
}

// release returns ex to the pool, keeping its buffers and maps but
// nothing that refers to the request. Stale strings left in the
// carrier's and the request's value slices past their length are never
// read again.
func (ex *exchange) release() {
	if cap(ex.buf) > maxPooledBuf {
		ex.buf = nil
	} else {
		ex.buf = ex.buf[:0]
	}
	ex.carrier.h = nil
	ex.carrier.vals = ex.carrier.vals[:0]
	ex.reqFields = ex.reqFields[:0]
	ex.respFields = ex.respFields[:0]
	if ex.requestBuilt {
		clear(ex.header)
		ex.values = ex.values[:0]
		ex.req = http.Request{}
		ex.url = url.URL{}
	}
	if ex.logged {
		ex.line = httplog.Exchange{}
		clear(ex.lineValues) // views of the line's string, which may be large
		ex.lineValues = ex.lineValues[:0]
		for _, m := range ex.lineHeaders {
			clear(m)
		}
	}
	ex.core = nil
	ex.ctx = nil
	ex.vars = vars{}
	exchangePool.Put(ex)
}

// add copies b into buf.
func (ex *exchange) add(b []byte) span {
	start := len(ex.buf)
	ex.buf = append(ex.buf, b...)
	return span{start, len(ex.buf)}
}

// addValues copies the values of a header into buf, joined with ", " as
// httplog joins repeated headers.
func (ex *exchange) addValues(vs [][]byte) span {
	start := len(ex.buf)
	for i, v := range vs {
		if i > 0 {
			ex.buf = append(ex.buf, ", "...)
		}
		ex.buf = append(ex.buf, v...)
	}
	return span{start, len(ex.buf)}
}

// skipped reports whether the request gets no access line by SkipPaths,
// SkipPrefixes or Skip.
func (ex *exchange) skipped(fctx *fasthttp.RequestCtx) bool {
	switch ex.core.skip {
	case skipByPath:
		return ex.core.rec.Skips(ex.request(fctx, false))
	case skipByRequest:
		return ex.core.rec.Skips(ex.request(fctx, true))
	}
	return false
}

// request returns the *http.Request that Options.Skip and a
// clientip.Strategy are asked about: method, URL, Host, RemoteAddr and,
// when withHeaders is set, every header. It is made without copying: its
// strings point into fasthttp's buffers, which hold still while the
// middleware runs, and it is taken apart before the middleware returns,
// so neither may keep it (clientip's strategies do not; they return an
// address, not a string).
func (ex *exchange) request(fctx *fasthttp.RequestCtx, withHeaders bool) *http.Request {
	if !ex.requestBuilt {
		ex.requestBuilt = true
		h := &fctx.Request.Header
		uri := fctx.URI()
		ex.url = url.URL{Path: unsafeString(uri.Path()), RawQuery: unsafeString(uri.QueryString())}
		ex.addr = appendAddr(ex.addr[:0], fctx.RemoteAddr())
		if ex.header == nil {
			ex.header = make(http.Header, 16)
		}
		ex.req = http.Request{
			Method:     unsafeString(h.Method()),
			URL:        &ex.url,
			Proto:      unsafeString(h.Protocol()),
			ProtoMajor: 1,
			ProtoMinor: 1,
			Header:     ex.header,
			Host:       unsafeString(fctx.Host()),
			RemoteAddr: unsafeString(ex.addr),
			RequestURI: unsafeString(fctx.RequestURI()),
		}
		if !h.IsHTTP11() {
			ex.req.ProtoMinor = 0
		}
	}
	if withHeaders && !ex.requestHeaders {
		ex.requestHeaders = true
		visitRequestHeaders(&fctx.Request.Header, ex.addHeader)
	}
	return &ex.req
}

// addHeader adds a header line of the fasthttp request to ex.header, the
// way net/http would have parsed it.
func (ex *exchange) addHeader(k, v []byte) {
	// fasthttp stores names canonical unless the server disables it;
	// then they are canonicalized here (CanonicalMIMEHeaderKey returns an
	// already canonical name as it is).
	key := textproto.CanonicalMIMEHeaderKey(unsafeString(k))
	if vs, ok := ex.header[key]; ok {
		ex.header[key] = append(vs, unsafeString(v))
		return
	}
	ex.values = append(ex.values, unsafeString(v))
	n := len(ex.values)
	ex.header[key] = ex.values[n-1 : n : n]
}

// appendAddr appends the "ip:port" of a connection's peer, as net/http
// writes Request.RemoteAddr.
func appendAddr(dst []byte, a net.Addr) []byte {
	switch a := a.(type) {
	case nil:
		return dst
	case *net.TCPAddr:
		return a.AddrPort().AppendTo(dst)
	}
	return append(dst, a.String()...)
}

// peerAddr returns the address of a connection's peer as
// clientip.RemoteAddr() returns it, canonical (IPv4-mapped IPv6 unmapped,
// no zone), without going through a string.
func peerAddr(a net.Addr) netip.Addr {
	if t, ok := a.(*net.TCPAddr); ok {
		ip, ok := netip.AddrFromSlice(t.IP)
		if !ok {
			return netip.Addr{}
		}
		return ip.Unmap()
	}
	if a == nil {
		return netip.Addr{}
	}
	return clientip.RemoteAddr().ClientIP(&http.Request{RemoteAddr: a.String()})
}

// snapshot copies what the access line says about the request, as it
// arrived, and finds the client's address.
func (ex *exchange) snapshot(fctx *fasthttp.RequestCtx) {
	req := &fctx.Request
	h := &req.Header
	if ex.method = knownMethod(h.Method()); ex.method == "" {
		ex.methodAt = ex.add(h.Method())
	}
	uri := fctx.URI()
	ex.pathAt = ex.add(uri.Path())
	ex.queryAt = ex.add(uri.QueryString())
	ex.agentAt = ex.add(h.UserAgent())
	ex.hostAt = ex.add(hostOnly(fctx.Host()))
	if ex.proto = knownProtocol(h.Protocol()); ex.proto == "" {
		ex.protoAt = ex.add(trimHTTP(h.Protocol()))
	}
	if ex.core.strategy == nil {
		ex.clientIP = peerAddr(fctx.RemoteAddr())
	} else {
		ex.clientIP = ex.core.strategy.ClientIP(ex.request(fctx, true))
	}
	for _, name := range ex.core.reqHeaders {
		if vs := h.PeekAll(name); len(vs) > 0 {
			ex.reqFields = append(ex.reqFields, field{name, ex.addValues(vs)})
		}
	}
	if req.IsBodyStream() {
		// Server.StreamRequestBody: the handler reads the body itself;
		// the declared length is what there is to say.
		ex.reqSize = max(int64(h.ContentLength()), 0)
		return
	}
	body := req.Body()
	ex.reqSize = int64(len(body))
	if ex.core.maxBody > 0 && ex.core.capturesBody(h.ContentType()) {
		ex.reqBodyAt = ex.add(body[:min(len(body), ex.core.maxBody)])
		ex.reqCaptured = true
	}
}

// panicked records a recovered panic.
func (ex *exchange) panicked(p any, stack string) {
	ex.panicVal = p
	ex.stack = stack
}

// end reads the response the handlers left (status, logged headers, the
// body's size) and writes the access line: now, or when the server has
// sent a streamed body.
func (ex *exchange) end(fctx *fasthttp.RequestCtx, route string) {
	resp := &fctx.Response
	ex.route = route
	ex.status = resp.StatusCode()
	// The server sends no body for HEAD, 1xx, 204 and 304, whatever the
	// handler set (fasthttp's Response.mustSkipBody).
	ex.skipBody = resp.SkipBody || ex.method == fasthttp.MethodHead ||
		ex.status < 200 || ex.status == fasthttp.StatusNoContent || ex.status == fasthttp.StatusNotModified
	for _, name := range ex.core.respHeaders {
		if vs := resp.Header.PeekAll(name); len(vs) > 0 {
			ex.respFields = append(ex.respFields, field{name, ex.addValues(vs)})
		}
	}
	if resp.IsBodyStream() {
		if watchStream(resp, ex) {
			return // the stream writes the line once it is sent
		}
		if n := resp.Header.ContentLength(); n > 0 && !ex.skipBody {
			ex.respSize = int64(n)
		}
	} else if !ex.skipBody {
		body := resp.Body()
		ex.respSize = int64(len(body))
		if ex.core.maxBody > 0 && ex.core.capturesBody(resp.Header.ContentType()) {
			ex.respBodyAt = ex.add(body[:min(len(body), ex.core.maxBody)])
			ex.respCaptured = true
		}
	}
	ex.finish(false)
}

// finish writes the access line, aborted when the client went away before
// the response was sent, and releases ex.
func (ex *exchange) finish(aborted bool) {
	defer ex.release()
	c := ex.core
	status := ex.status
	if aborted && ex.panicVal == nil {
		status = httplog.StatusClientClosedRequest
	}
	d := time.Since(ex.start)
	if !c.logger.Enabled(ex.ctx, c.rec.Level(status, d, ex.panicVal != nil)) {
		return // Log would drop it too, but after the copy below
	}
	ex.logged = true
	s := string(ex.buf)
	at := func(sp span) string { return s[sp.start:sp.end] }
	e := &ex.line
	*e = httplog.Exchange{
		Method:           ex.method,
		Route:            ex.route,
		Path:             at(ex.pathAt),
		RawQuery:         at(ex.queryAt),
		Status:           status,
		RequestBodySize:  ex.reqSize,
		ResponseBodySize: ex.respSize,
		Duration:         d,
		ClientIP:         ex.clientIP,
		UserAgent:        at(ex.agentAt),
		Protocol:         ex.proto,
		Host:             at(ex.hostAt),
		Panic:            ex.panicVal,
		Stack:            ex.stack,
	}
	if e.Method == "" {
		e.Method = at(ex.methodAt)
	}
	if e.Protocol == "" {
		e.Protocol = at(ex.protoAt)
	}
	if len(ex.reqFields) > 0 {
		e.RequestHeader = ex.headerMap(0, s, ex.reqFields)
	}
	if len(ex.respFields) > 0 {
		e.ResponseHeader = ex.headerMap(1, s, ex.respFields)
	}
	// Log only reads the captured bodies (into strings), so they can be
	// views of s.
	if ex.reqCaptured {
		e.RequestBody, e.RequestBodyCaptured = unsafeBytes(at(ex.reqBodyAt)), true
	}
	if ex.respCaptured {
		e.ResponseBody, e.ResponseBodyCaptured = unsafeBytes(at(ex.respBodyAt)), true
	}
	c.rec.Log(ex.ctx, e)
}

// headerMap returns the pooled header map i holding fields, values in s.
func (ex *exchange) headerMap(i int, s string, fields []field) http.Header {
	m := ex.lineHeaders[i]
	if m == nil {
		m = make(http.Header, len(fields))
		ex.lineHeaders[i] = m
	}
	for _, f := range fields {
		ex.lineValues = append(ex.lineValues, s[f.at.start:f.at.end])
		n := len(ex.lineValues)
		m[f.name] = ex.lineValues[n-1 : n : n]
	}
	return m
}

// knownMethod returns the standard method b names as a constant, so that
// the common case copies nothing, or "".
func knownMethod(b []byte) string {
	switch string(b) { // compiled without converting b
	case fasthttp.MethodGet:
		return fasthttp.MethodGet
	case fasthttp.MethodPost:
		return fasthttp.MethodPost
	case fasthttp.MethodPut:
		return fasthttp.MethodPut
	case fasthttp.MethodPatch:
		return fasthttp.MethodPatch
	case fasthttp.MethodDelete:
		return fasthttp.MethodDelete
	case fasthttp.MethodHead:
		return fasthttp.MethodHead
	case fasthttp.MethodOptions:
		return fasthttp.MethodOptions
	case fasthttp.MethodConnect:
		return fasthttp.MethodConnect
	case fasthttp.MethodTrace:
		return fasthttp.MethodTrace
	}
	return ""
}

// knownProtocol returns network.protocol.version for the request line's
// protocol as a constant, or "".
func knownProtocol(b []byte) string {
	switch string(b) {
	case "HTTP/1.1":
		return "1.1"
	case "HTTP/1.0":
		return "1.0"
	case "HTTP/2", "HTTP/2.0":
		return "2"
	}
	return ""
}

func trimHTTP(b []byte) []byte {
	if len(b) > 5 && string(b[:5]) == "HTTP/" {
		return b[5:]
	}
	return b
}

// hostOnly strips the port from a Host header value, as httplog does.
func hostOnly(host []byte) []byte {
	if len(host) > 0 && host[0] == '[' {
		if i := strings.IndexByte(unsafeString(host), ']'); i > 0 {
			return host[1:i]
		}
		return host
	}
	s := unsafeString(host)
	if i := strings.LastIndexByte(s, ':'); i >= 0 && strings.Count(s, ":") == 1 {
		return host[:i]
	}
	return host
}

// unsafeString returns b as a string without copying: for strings that
// are used, never kept, while b holds still.
func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// unsafeBytes returns s as bytes without copying, for a reader that never
// writes to them.
func unsafeBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }
