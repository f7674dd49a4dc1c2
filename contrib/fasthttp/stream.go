package logweavefasthttp

import (
	"bufio"
	"io"
	"os"

	"github.com/valyala/fasthttp"
)

// A streamed response body (Response.SetBodyStreamWriter, SetBodyStream,
// SendFile) is sent by fasthttp after the handler has returned, so
// Exchange.End cannot see how much of it was sent, or whether the client
// went away meanwhile, which is the one client abort fasthttp lets a
// server notice: writing to a closed connection fails. To see it, End
// slips a stream of its own between the response and the handler's
// stream (swapBodyStream, in bodystream.go), which counts what the server
// reads and writes the access line when the server closes the stream.

// watchStream puts a counting stream around resp's body stream, which
// writes ex's access line when it is closed, and reports whether it did.
func watchStream(resp *fasthttp.Response, ex *Exchange) bool {
	if !canSwapBodyStream {
		return false
	}
	inner := resp.BodyStream()
	size := int64(resp.Header.ContentLength())
	if lr, ok := inner.(*io.LimitedReader); ok && size < 0 {
		// fasthttp takes the size of an *io.LimitedReader as the
		// Content-Length; the wrapper hides the type, so do it here.
		size = lr.N
		resp.Header.SetContentLength(int(lr.N))
	}
	s := &stream{r: inner, ex: ex, size: size}
	if !ex.skipBody && ex.rec.maxBody > 0 && ex.rec.capturesBody(resp.Header.ContentType()) {
		ex.respCaptured = true
		ex.respBodyAt = span{len(ex.buf), len(ex.buf)}
	}
	swapBodyStream(resp, s)
	return true
}

// stream counts a streamed body as the server reads it to send it.
//
// fasthttp reads a body of known size (Content-Length) to its end and an
// unknown one (chunked) to io.EOF, unless writing to the client fails;
// then it stops reading and closes the stream. So a stream closed before
// its end, without having failed itself, is a client that went away.
type stream struct {
	r    io.Reader
	ex   *Exchange
	size int64 // Content-Length, < 0 when unknown
	n    int64
	eof  bool  // the body was read to its end
	err  error // a read error of the handler's stream
	// failed is set when WriteTo failed: reading and writing happen in
	// one call there, and a failed write is the likely cause.
	failed bool
	done   bool
}

func (s *stream) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	s.count(p[:n])
	switch {
	case err == io.EOF:
		s.eof = true
	case err != nil:
		s.err = err
	}
	return n, err
}

func (s *stream) count(p []byte) {
	s.n += int64(len(p))
	if ex := s.ex; ex.respCaptured {
		if room := ex.rec.maxBody - (len(ex.buf) - ex.respBodyAt.start); room > 0 {
			ex.buf = append(ex.buf, p[:min(len(p), room)]...)
			ex.respBodyAt.end = len(ex.buf)
		}
	}
}

// WriteTo lets the server's copy use the handler stream's own WriteTo
// (fasthttp's file readers use sendfile through it), and, like fasthttp
// for a large *os.File, flushes the buffered headers first so the
// file's bytes can go to the socket directly.
func (s *stream) WriteTo(w io.Writer) (int64, error) {
	if s.ex.respCaptured {
		// Capture needs the bytes: copy through Read.
		n, err := io.Copy(w, struct{ io.Reader }{s})
		if err != nil && s.err == nil {
			s.failed = true
		}
		return n, err
	}
	if s.size > 2*4096 && isFile(s.r) {
		if bw, ok := w.(*bufio.Writer); ok {
			if err := bw.Flush(); err != nil {
				s.failed = true
				return 0, err
			}
		}
	}
	var n int64
	var err error
	if wt, ok := s.r.(io.WriterTo); ok {
		n, err = wt.WriteTo(w)
	} else {
		n, err = io.Copy(w, struct{ io.Reader }{s.r})
	}
	s.n += n
	if err != nil {
		s.failed = true
	} else {
		s.eof = true
	}
	return n, err
}

func isFile(r io.Reader) bool {
	switch r := r.(type) {
	case *os.File:
		return true
	case *io.LimitedReader:
		_, ok := r.R.(*os.File)
		return ok
	}
	return false
}

// Close closes the handler's stream as fasthttp would have, and writes
// the access line. Every fasthttp version calls Close when the body is
// sent, failed or dropped, and its compression calls only Close.
func (s *stream) Close() error {
	var err error
	if c, ok := s.r.(io.Closer); ok {
		err = c.Close()
	}
	s.finish()
	return err
}

// CloseWithError passes the server's write error on to a handler's stream
// that wants it (fasthttp.ReadCloserWithError, which newer fasthttp
// versions call after Close): a proxied upstream body must not go back to
// the connection pool half read.
func (s *stream) CloseWithError(werr error) error {
	var err error
	if c, ok := s.r.(interface{ CloseWithError(error) error }); ok {
		err = c.CloseWithError(werr)
	}
	s.finish()
	return err
}

// finish writes the access line once.
func (s *stream) finish() {
	if s.done {
		return
	}
	s.done = true
	ex := s.ex
	complete := s.eof || (s.size >= 0 && s.n >= s.size)
	aborted := !ex.skipBody && (s.failed || (!complete && s.err == nil))
	if !ex.skipBody {
		ex.respSize = s.n
	}
	ex.finish(aborted)
}
