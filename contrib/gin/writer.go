package logweavegin

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"runtime"

	"github.com/gin-gonic/gin"
	"github.com/logweave/logweave/httplog/adapter"
)

// writer is the gin.ResponseWriter the rest of the chain writes through
// while the middleware runs. The writing goes through the Flight's writer
// (package adapter's: bytes, write errors, hijack, body capture), which wraps the
// gin.ResponseWriter this one replaced; Gin's own answers what only Gin
// knows (Status, Size, Written, Pusher, CloseNotify).
//
// Gin's status is lazy: WriteHeader only sets it, and it can change until
// the header goes out (at the first write, WriteHeaderNow, or when the
// chain returns), while the Flight keeps the first status it is given. So
// WriteHeader goes to Gin alone, and the Flight is told the status when
// the header goes out (sync).
type writer struct {
	http.ResponseWriter // the Flight's
	gin                 gin.ResponseWriter
	f                   *adapter.Flight
	rec                 *adapter.Recorder // for the stack (Recorder.PanicStack)
	// stack is where a panic was when a recovery middleware running
	// inside this one (gin.Recovery registered after Middleware) answered
	// it with a 5xx, for Flight.SetPanicStack; "" when none did.
	stack string
}

var _ gin.ResponseWriter = (*writer)(nil)

// WriteHeader sets the status, as Gin's writer does. A 5xx set while a
// panic is being recovered below this middleware is gin.Recovery (or
// another recoverer) answering a panic this middleware never saw: the
// stack is taken now, while the panicking frames are still on it.
func (w *writer) WriteHeader(code int) {
	if code >= 500 && w.stack == "" && panicking() {
		w.stack = w.rec.PanicStack()
	}
	w.gin.WriteHeader(code)
}

// sync tells the Flight the status Gin sends (or will send when the chain
// returns), unless it was told one already.
func (w *writer) sync() {
	if w.f.Status() == 0 {
		w.ResponseWriter.WriteHeader(w.gin.Status()) // Gin's status again: no change for Gin
	}
}

// WriteHeaderNow sends the header with the status set so far.
func (w *writer) WriteHeaderNow() {
	w.sync()
	w.gin.WriteHeaderNow()
}

// Write sends body bytes through the Flight.
func (w *writer) Write(p []byte) (int, error) {
	w.sync()
	return w.ResponseWriter.Write(p)
}

// WriteString sends body bytes without copying s, as Gin's writer does.
func (w *writer) WriteString(s string) (int, error) {
	w.sync()
	return io.WriteString(w.ResponseWriter, s)
}

// Flush sends the header and buffered body bytes to the client.
func (w *writer) Flush() {
	w.sync()
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Hijack hands the connection to the handler (WebSocket upgrades).
func (w *writer) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

// Status returns the status set so far (200 until one is set).
func (w *writer) Status() int { return w.gin.Status() }

// Size returns the body bytes written, as Gin counts them (-1 before the
// header went out).
func (w *writer) Size() int { return w.gin.Size() }

// Written reports whether the header went out.
func (w *writer) Written() bool { return w.gin.Written() }

// CloseNotify is delegated for c.Stream, which still uses it.
func (w *writer) CloseNotify() <-chan bool { return w.gin.CloseNotify() }

// Pusher returns the HTTP/2 pusher, or nil where there is none.
func (w *writer) Pusher() http.Pusher { return w.gin.Pusher() }

// Unwrap returns the Flight's writer, for http.ResponseController
// (deadlines, full duplex), which unwraps on through it and Gin's writer.
func (w *writer) Unwrap() http.ResponseWriter { return w.ResponseWriter }

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
