package access

import (
	"bufio"
	"io"
	"net"
	"net/http"
)

// responseWriter records what the handler sent: the final status, the body
// bytes, whether the connection was hijacked, and the first write error
// (a client that went away). It keeps every optional interface of the
// http.ResponseWriter it wraps working:
//
//   - http.Flusher, http.Hijacker and http.Pusher are implemented and
//     delegated, returning http.ErrNotSupported where the wrapped writer
//     cannot do it (as http.ResponseController does);
//   - io.ReaderFrom is delegated, so io.Copy into the writer still reaches
//     the server's sendfile path;
//   - Unwrap returns the wrapped writer, so http.ResponseController
//     (deadlines, full duplex) reaches the server's own writer.
type responseWriter struct {
	w      http.ResponseWriter
	head   bool // a HEAD request: the server sends no body, whatever is written
	status int  // the final status; 0 until one is sent
	bytes  int64
	// informational counts 1xx responses (103 Early Hints) sent before the
	// final one: they are not the status the client ends up with.
	informational int
	hijacked      bool
	writeErr      error

	// Response body capture (Options.MaxBodyBytes): captureLimit is -1
	// until the first write decides from the Content-Type, then 0 (off)
	// or the number of bytes to keep.
	wantCapture  func(http.Header) bool
	maxCapture   int
	captureLimit int
	capture      []byte
}

func (rw *responseWriter) reset(w http.ResponseWriter, r *http.Request) {
	*rw = responseWriter{w: w, head: r.Method == http.MethodHead, capture: rw.capture[:0]}
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

// Header returns the wrapped writer's header map.
func (rw *responseWriter) Header() http.Header { return rw.w.Header() }

// WriteHeader sends informational (1xx) responses on and records the
// first final status. Later calls are dropped, as the server would ignore
// them anyway (its "superfluous WriteHeader" warning would only name this
// wrapper instead of the handler at fault).
func (rw *responseWriter) WriteHeader(code int) {
	if rw.status != 0 || rw.hijacked {
		return // after a hijack the connection is the handler's: nothing more is sent here
	}
	if code >= 100 && code <= 199 && code != http.StatusSwitchingProtocols {
		rw.informational++
	} else {
		rw.status = code
	}
	rw.w.WriteHeader(code)
}

// Write sends body bytes; the first write without a status sends 200.
func (rw *responseWriter) Write(p []byte) (int, error) {
	if rw.hijacked {
		return rw.w.Write(p) // net/http refuses it (ErrHijacked); nothing to record
	}
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	n, err := rw.w.Write(p)
	rw.count(n, err)
	if rw.captureLimit != 0 && rw.capturing() {
		rw.keep(p[:n])
	}
	return n, err
}

// WriteString avoids a copy when the wrapped writer can take a string, as
// net/http's can.
func (rw *responseWriter) WriteString(s string) (int, error) {
	if rw.hijacked {
		return io.WriteString(rw.w, s)
	}
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	n, err := io.WriteString(rw.w, s)
	rw.count(n, err)
	if rw.captureLimit != 0 && rw.capturing() {
		rw.keep([]byte(s[:n]))
	}
	return n, err
}

// ReadFrom lets io.Copy hand the reader to the server (sendfile for files).
func (rw *responseWriter) ReadFrom(r io.Reader) (int64, error) {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	var n int64
	var err error
	if rw.captureLimit != 0 && rw.capturing() {
		// Captured: the bytes must pass through here, so no sendfile.
		n, err = io.Copy(writerOnly{captureWriter{rw}}, r)
		if err != nil && rw.writeErr == nil {
			rw.writeErr = err
		}
		return n, err
	}
	if rf, ok := rw.w.(io.ReaderFrom); ok {
		n, err = rf.ReadFrom(r)
	} else {
		// Hide our own ReadFrom from io.Copy, or it would call itself.
		n, err = io.Copy(writerOnly{rw.w}, r)
	}
	if !rw.head {
		rw.bytes += n
	}
	// The reader is not wrapped (that would defeat sendfile), so a failure
	// to read the source counts like a failure to send: either way the
	// response did not complete.
	if err != nil && rw.writeErr == nil {
		rw.writeErr = err
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

// Flush sends buffered data to the client, when the wrapped writer can.
func (rw *responseWriter) Flush() {
	if rw.status == 0 {
		rw.status = http.StatusOK // flushing sends the header
	}
	_ = http.NewResponseController(rw.w).Flush()
}

// FlushError is Flush with the error, the method http.ResponseController
// looks for first.
func (rw *responseWriter) FlushError() error {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	return http.NewResponseController(rw.w).Flush()
}

// Hijack hands the connection to the handler (WebSocket upgrades).
func (rw *responseWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, brw, err := http.NewResponseController(rw.w).Hijack()
	if err == nil {
		rw.hijacked = true
	}
	return conn, brw, err
}

// Push starts an HTTP/2 server push, when the wrapped writer can.
func (rw *responseWriter) Push(target string, opts *http.PushOptions) error {
	if p, ok := rw.w.(http.Pusher); ok {
		return p.Push(target, opts)
	}
	return http.ErrNotSupported
}

// Unwrap returns the wrapped writer, for http.ResponseController.
func (rw *responseWriter) Unwrap() http.ResponseWriter { return rw.w }

// captureWriter writes through the responseWriter (counting and capturing).
type captureWriter struct{ rw *responseWriter }

func (c captureWriter) Write(p []byte) (int, error) { return c.rw.Write(p) }

// writerOnly hides every method but Write.
type writerOnly struct{ io.Writer }
