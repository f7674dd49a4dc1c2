package access

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
)

// Body capture (Options.BodyContentTypes and MaxBodyBytes): which bodies
// are kept, the request body's counting and keeping, and the attributes a
// kept body becomes. The response body is kept by responseWriter.

// maxPooledCapture bounds the capture buffers kept for reuse.
const maxPooledCapture = 64 << 10

// capturesBody reports whether bodies of this Content-Type are logged.
func (c *Config) capturesBody(h http.Header) bool {
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
