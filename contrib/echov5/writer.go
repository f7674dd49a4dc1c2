package logweaveechov5

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
)

// responseWriter sits between Echo's Response and the server's
// http.ResponseWriter. Echo's Response already knows the status and the
// body size; this records what it does not: a hijacked connection (a
// WebSocket upgrade, 101) and the first failed write (the client went
// away, 499), and keeps the first bytes of the body when capture is on
// (Options.MaxBodyBytes). Flush, Hijack and Unwrap pass through, so Echo's
// Response.Flush and Hijack, and http.ResponseController, reach the
// server's writer as before.
type responseWriter struct {
	w        http.ResponseWriter
	head     bool // a HEAD request: nothing is sent or captured
	hijacked bool
	// sent is whether a status or body went out before any hijack: then
	// the client got that, not a 101.
	sent     bool
	writeErr error

	// Body capture: captureLimit is -1 until the first write decides by
	// the Content-Type, then 0 (off) or the number of bytes to keep.
	wantCapture  func(http.Header) bool
	maxCapture   int
	captureLimit int
	capture      []byte
}

func (rw *responseWriter) reset(w http.ResponseWriter, head bool) {
	*rw = responseWriter{w: w, head: head, capture: rw.capture[:0]}
}

// Header returns the server's header map.
func (rw *responseWriter) Header() http.Header { return rw.w.Header() }

// WriteHeader sends the status; Echo's Response has recorded it.
func (rw *responseWriter) WriteHeader(code int) {
	rw.sent = rw.sent || !rw.hijacked
	rw.w.WriteHeader(code)
}

// Write sends body bytes, recording the first error and capturing.
func (rw *responseWriter) Write(p []byte) (int, error) {
	rw.sent = rw.sent || !rw.hijacked
	n, err := rw.w.Write(p)
	if err != nil && rw.writeErr == nil {
		rw.writeErr = err
	}
	if rw.captureLimit != 0 && rw.capturing() {
		rw.capture = append(rw.capture, p[:min(n, rw.captureLimit-len(rw.capture))]...)
	}
	return n, err
}

// capturing reports whether written bytes are kept, deciding it at the
// first write, when the handler has set the Content-Type.
func (rw *responseWriter) capturing() bool {
	if rw.captureLimit < 0 {
		rw.captureLimit = 0
		if !rw.head && rw.wantCapture(rw.w.Header()) {
			rw.captureLimit = rw.maxCapture
		}
	}
	return len(rw.capture) < rw.captureLimit
}

// Flush sends buffered data to the client, when the server's writer can.
func (rw *responseWriter) Flush() { _ = rw.FlushError() }

// FlushError is Flush with the error (http.ErrNotSupported when the
// server's writer cannot flush), the method http.ResponseController looks
// for first: Echo's Response.Flush relies on it to report that.
func (rw *responseWriter) FlushError() error { return http.NewResponseController(rw.w).Flush() }

// Hijack hands the connection to the handler (WebSocket upgrades).
func (rw *responseWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, brw, err := http.NewResponseController(rw.w).Hijack()
	if err == nil {
		rw.hijacked = true
	}
	return conn, brw, err
}

// Unwrap returns the server's writer, for http.ResponseController
// (deadlines, full duplex).
func (rw *responseWriter) Unwrap() http.ResponseWriter { return rw.w }

// maxPooledCapture bounds the capture buffers kept for reuse.
const maxPooledCapture = 64 << 10

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

// protocolVersion is network.protocol.version: "1.1", "2".
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

// hostOnly strips the port from a Host header value.
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
