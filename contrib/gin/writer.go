package logweavegin

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"runtime"

	"github.com/gin-gonic/gin"
	"github.com/logweave/logweave/httplog"
)

// responseWriter is the gin.ResponseWriter the rest of the chain writes
// through while the middleware runs. Gin's own writer already knows the
// status and whether the header went out; this one adds what Gin does not
// record: the bytes the client will get (none for HEAD), the first write
// error (a client that went away), a hijacked connection, the body when
// captured, and a 5xx written while a panic is being recovered by a
// recovery middleware that runs inside this one (gin.Recovery registered
// after Middleware).
//
// Every method of gin.ResponseWriter is delegated, so c.Stream, c.SSEvent,
// WebSocket upgrades (Hijack) and http.ResponseController (through Unwrap)
// keep working.
type responseWriter struct {
	w    gin.ResponseWriter
	head bool // a HEAD request: the server sends no body, whatever is written

	bytes    int64
	writeErr error

	hijacked bool
	// headerBeforeHijack is true when a header went out before the
	// connection was taken over; otherwise the handler wrote its own
	// response on the raw connection (101 for a WebSocket upgrade).
	headerBeforeHijack bool

	// recovering is set while the middleware itself answers a panic it
	// recovered, so that its own 500 is not taken for someone else's.
	recovering bool
	// innerPanic is set when a 5xx was written while a panic was being
	// recovered below this middleware; stack is where that panic was.
	innerPanic bool
	stack      string
	rec        *httplog.Recorder // for the stack (Recorder.PanicStack)

	// Response body capture (Options.MaxBodyBytes): captureLimit is -1
	// until the first write decides from the Content-Type, then 0 (off)
	// or the number of bytes to keep.
	wantCapture  func(http.Header) bool
	maxCapture   int
	captureLimit int
	capture      []byte
}

var _ gin.ResponseWriter = (*responseWriter)(nil)

// Header returns the wrapped writer's header map.
func (rw *responseWriter) Header() http.Header { return rw.w.Header() }

// WriteHeader sets the status, as Gin's writer does (the header goes out
// at the first write or when the chain returns). A 5xx set while a panic
// is being recovered below this middleware is gin.Recovery (or another
// recoverer) answering a panic this middleware never saw: the stack is
// taken now, while the panicking frames are still on it.
func (rw *responseWriter) WriteHeader(code int) {
	if code >= 500 && !rw.recovering && !rw.innerPanic && panicking() {
		rw.innerPanic = true
		rw.stack = rw.rec.PanicStack()
	}
	rw.w.WriteHeader(code)
}

// WriteHeaderNow sends the header with the status set so far.
func (rw *responseWriter) WriteHeaderNow() { rw.w.WriteHeaderNow() }

// Write sends body bytes, counting them.
func (rw *responseWriter) Write(p []byte) (int, error) {
	n, err := rw.w.Write(p)
	rw.count(n, err)
	if rw.captureLimit != 0 && rw.capturing() {
		rw.keep(p[:n])
	}
	return n, err
}

// WriteString sends body bytes without copying s, as Gin's writer does.
func (rw *responseWriter) WriteString(s string) (int, error) {
	n, err := rw.w.WriteString(s)
	rw.count(n, err)
	if rw.captureLimit != 0 && rw.capturing() {
		rw.keep([]byte(s[:n]))
	}
	return n, err
}

func (rw *responseWriter) count(n int, err error) {
	if !rw.head {
		rw.bytes += int64(n)
	}
	if err != nil && rw.writeErr == nil {
		rw.writeErr = err
	}
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

func (rw *responseWriter) keep(p []byte) {
	rw.capture = append(rw.capture, p[:min(len(p), rw.captureLimit-len(rw.capture))]...)
}

// Status returns the status set so far (200 until one is set).
func (rw *responseWriter) Status() int { return rw.w.Status() }

// Size returns the body bytes written, as Gin counts them (-1 before the
// header went out).
func (rw *responseWriter) Size() int { return rw.w.Size() }

// Written reports whether the header went out.
func (rw *responseWriter) Written() bool { return rw.w.Written() }

// Hijack hands the connection to the handler (WebSocket upgrades).
func (rw *responseWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	before := rw.w.Written()
	conn, brw, err := rw.w.Hijack()
	if err == nil {
		rw.hijacked = true
		rw.headerBeforeHijack = before
	}
	return conn, brw, err
}

// Flush sends the header and buffered body bytes to the client.
func (rw *responseWriter) Flush() { rw.w.Flush() }

// CloseNotify is delegated for c.Stream, which still uses it.
func (rw *responseWriter) CloseNotify() <-chan bool { return rw.w.CloseNotify() }

// Pusher returns the HTTP/2 pusher, or nil where there is none.
func (rw *responseWriter) Pusher() http.Pusher { return rw.w.Pusher() }

// Unwrap returns the wrapped writer, for http.ResponseController
// (deadlines, full duplex), which unwraps on through Gin's writer.
func (rw *responseWriter) Unwrap() http.ResponseWriter { return rw.w }

// panicking reports whether the calling goroutine is running deferred
// calls for a panic: runtime.gopanic runs them, so it is on the stack
// until the recovering function returns, even after recover was called.
// Only called for a 5xx status, so its cost (a stack walk of a few
// frames) stays off the path of successful requests.
func panicking() bool {
	var pcs [32]uintptr
	n := runtime.Callers(3, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		if f.Function == "runtime.gopanic" {
			return true
		}
		if !more {
			return false
		}
	}
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
