package logweavefasthttp

import (
	"context"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/logweave/logweave/httplog"
	"github.com/logweave/logweave/httplog/adapter"
	"github.com/valyala/fasthttp"
)

// Exchange is the record of one request between Recorder.Begin and End.
// It is pooled: after End or EndStatus it belongs to the Recorder again
// and must not be used. An Exchange is used by the request's goroutine
// only.
type Exchange struct {
	rec         *Recorder
	fctx        *fasthttp.RequestCtx
	start       time.Time
	ctx         context.Context
	reqCarrier  RequestHeaderCarrier
	respCarrier ResponseHeaderCarrier
	// fasthttp reuses a request's buffers for the next request on the
	// connection once the handler returns, and the strings the access line
	// is made of may outlive the call: a slog handler may keep a record (the
	// OpenTelemetry log bridge batches them). So what the line says about the
	// request is copied into buf as the request arrives (what the client
	// sent, before a handler rewrites the path or a proxy middleware the
	// headers), and buf becomes one string, one allocation, when the line is
	// written.
	buf []byte
	vars

	reqFields, respFields []field

	// The request Skip, Route and a clientip.Strategy are given (see
	// request).
	req    http.Request
	url    url.URL
	header http.Header
	values []string
	addr   []byte

	// The access line.
	line        adapter.Exchange
	lineHeaders [2]http.Header
	lineValues  []string
}

// span is where a string is in Exchange.buf.
type span struct{ start, end int }

// field is a header logged by the allowlist, its value in Exchange.buf.
type field struct {
	name string
	at   span
}

// vars are the Exchange's fields that hold no buffer to reuse: release
// zeroes them at once.
type vars struct {
	method, proto                string // when well known; else methodAt, protoAt
	methodAt, pathAt, queryAt    span
	agentAt, hostAt, protoAt     span
	reqBodyAt, respBodyAt        span
	reqTypeAt, respTypeAt        span // Content-Types of captured bodies, for their masking
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

var exchangePool = sync.Pool{New: func() any { return new(Exchange) }}

// maxPooledBuf bounds the buffers kept for reuse: a request with a huge
// captured body should not pin its memory in the pool.
const maxPooledBuf = 64 << 10

// release returns ex to the pool, keeping its buffers and maps but
// nothing that refers to the request. Stale strings left in the
// carrier's and the request's value slices past their length are never
// read again.
func (ex *Exchange) release() {
	if cap(ex.buf) > maxPooledBuf {
		ex.buf = nil
	} else {
		ex.buf = ex.buf[:0]
	}
	ex.reqCarrier.Header = nil
	ex.reqCarrier.vals = ex.reqCarrier.vals[:0]
	ex.respCarrier.Header = nil
	ex.reqFields = ex.reqFields[:0]
	ex.respFields = ex.respFields[:0]
	if ex.requestBuilt {
		clear(ex.header)
		ex.values = ex.values[:0]
		ex.req = http.Request{}
		ex.url = url.URL{}
	}
	if ex.logged {
		ex.line = adapter.Exchange{}
		clear(ex.lineValues) // views of the line's string, which may be large
		ex.lineValues = ex.lineValues[:0]
		for _, m := range ex.lineHeaders {
			clear(m)
		}
	}
	ex.rec = nil
	ex.fctx = nil
	ex.ctx = nil
	ex.vars = vars{}
	exchangePool.Put(ex)
}

// add copies b into buf.
func (ex *Exchange) add(b []byte) span {
	start := len(ex.buf)
	ex.buf = append(ex.buf, b...)
	return span{start, len(ex.buf)}
}

// addValues copies the values of a header into buf, joined with ", " as
// httplog joins repeated headers.
func (ex *Exchange) addValues(vs [][]byte) span {
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
func (ex *Exchange) skipped() bool {
	switch ex.rec.skip {
	case skipByPath:
		return ex.rec.rec.Skips(ex.request(false))
	case skipByRequest:
		return ex.rec.rec.Skips(ex.request(true))
	}
	return false
}

// snapshot copies what the access line says about the request, as it
// arrived, and finds the client's address.
func (ex *Exchange) snapshot() {
	fctx := ex.fctx
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
	if ex.rec.strategy == nil {
		ex.clientIP = peerAddr(fctx.RemoteAddr())
	} else {
		ex.clientIP = ex.rec.strategy.ClientIP(ex.request(true))
	}
	for _, name := range ex.rec.reqHeaders {
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
	if ex.rec.maxBody > 0 && ex.rec.capturesBody(h.ContentType()) {
		ex.reqBodyAt = ex.add(body[:min(len(body), ex.rec.maxBody)])
		ex.reqTypeAt = ex.add(h.ContentType())
		ex.reqCaptured = true
	}
}

// Panicked records a panic that the caller recovered, with the stack
// where it happened (bounded by Options.MaxStackBytes): call it in the
// deferred function that called recover, before End. The access line is
// then written at ERROR with the panic and the stack.
func (ex *Exchange) Panicked(p any) {
	ex.panicVal = p
	ex.stack = ex.rec.rec.PanicStack()
}

// End ends the record once the handlers have returned: it reads the
// response they left in the request's fasthttp.RequestCtx (the status,
// the logged headers, the body's size) and writes the access line with
// route as http.route ("" for none), now. A streamed body, which the
// server sends after this, is left alone: the line has its declared size
// (see streamedSize), no captured body and no client abort (see the
// package documentation).
func (ex *Exchange) End(route string) {
	resp := &ex.fctx.Response
	ex.route = route
	ex.status = resp.StatusCode()
	// The server sends no body for HEAD, 1xx, 204 and 304, whatever the
	// handler set (fasthttp's Response.mustSkipBody).
	ex.skipBody = resp.SkipBody || ex.method == fasthttp.MethodHead ||
		ex.status < 200 || ex.status == fasthttp.StatusNoContent || ex.status == fasthttp.StatusNotModified
	for _, name := range ex.rec.respHeaders {
		if vs := resp.Header.PeekAll(name); len(vs) > 0 {
			ex.respFields = append(ex.respFields, field{name, ex.addValues(vs)})
		}
	}
	if resp.IsBodyStream() {
		if !ex.skipBody {
			ex.respSize = streamedSize(resp)
		}
	} else if !ex.skipBody {
		body := resp.Body()
		ex.respSize = int64(len(body))
		if ex.rec.maxBody > 0 && ex.rec.capturesBody(resp.Header.ContentType()) {
			ex.respBodyAt = ex.add(body[:min(len(body), ex.rec.maxBody)])
			ex.respTypeAt = ex.add(resp.Header.ContentType())
			ex.respCaptured = true
		}
	}
	ex.finish(false)
}

// streamedSize is the size the access line gives a streamed response
// body: its declared length, which fasthttp will send, or 0 when it
// declares none (a chunked stream, such as SetBodyStreamWriter's).
//
// What the server actually sends cannot be counted: it reads the stream
// after End, and fasthttp's public API has no way to put a counting
// reader in its place (Response.SetBodyStream closes the stream set
// before, ending the handler's) nor a hook that runs once a response is
// written. Reading the stream here would buffer it, which streaming is
// there to avoid, and hold back a stream of events until it ends.
func streamedSize(resp *fasthttp.Response) int64 {
	if n := resp.Header.ContentLength(); n >= 0 {
		return int64(n)
	}
	// fasthttp sends an *io.LimitedReader of unknown length with its N as
	// the Content-Length.
	if lr, ok := resp.BodyStream().(*io.LimitedReader); ok && lr.N >= 0 {
		return lr.N
	}
	return 0
}

// EndStatus ends the record with status, without reading the response:
// for a request whose response is not the one the handlers left, such as
// a panic that the caller passes on (Options.RePanic) to an outer recover
// that will answer it. The line is written now, with no response body
// size or headers.
func (ex *Exchange) EndStatus(route string, status int) {
	ex.route = route
	ex.status = status
	ex.finish(false)
}

// finish writes the access line, aborted when the client went away before
// the response was sent, and releases ex.
func (ex *Exchange) finish(aborted bool) {
	defer ex.release()
	r := ex.rec
	status := ex.status
	if aborted && ex.panicVal == nil {
		status = httplog.StatusClientClosedRequest
	}
	d := time.Since(ex.start)
	if !r.logger.Enabled(ex.ctx, r.rec.Level(status, d, ex.panicVal != nil)) {
		return // Log would drop it too, but after the copy below
	}
	ex.logged = true
	s := string(ex.buf)
	at := func(sp span) string { return s[sp.start:sp.end] }
	e := &ex.line
	*e = adapter.Exchange{
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
		e.RequestContentType = at(ex.reqTypeAt) // the header map holds only logged headers
	}
	if ex.respCaptured {
		e.ResponseBody, e.ResponseBodyCaptured = unsafeBytes(at(ex.respBodyAt)), true
		e.ResponseContentType = at(ex.respTypeAt)
	}
	r.rec.Log(ex.ctx, e)
}

// headerMap returns the pooled header map i holding fields, values in s.
func (ex *Exchange) headerMap(i int, s string, fields []field) http.Header {
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
