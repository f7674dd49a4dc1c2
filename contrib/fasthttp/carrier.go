package logweavefasthttp

import (
	"slices"

	"github.com/valyala/fasthttp"
	"go.opentelemetry.io/otel/propagation"
)

// RequestHeaderCarrier is a propagation.TextMapCarrier (and
// propagation.ValuesGetter) over a fasthttp request's headers, as
// propagation.HeaderCarrier is over an http.Header: Recorder.Begin reads
// the incoming trace context and request id through it, and a fasthttp
// client can inject its own into an outgoing request:
//
//	prop.Inject(ctx, &logweavefasthttp.RequestHeaderCarrier{Header: &req.Header})
//
// fasthttp reuses a request's header buffers once the request is done,
// while a value taken from a header may live on (a request id kept in a
// context a goroutine still holds), so the values Get and Values return
// are copies. Recorder.Begin alone skips the copy for the headers its
// default propagator only parses into fixed-size ids (traceparent and
// B3), which keeps the common request with an incoming trace free of
// allocations. A RequestHeaderCarrier is for one request, and not safe
// for concurrent use.
type RequestHeaderCarrier struct {
	Header *fasthttp.RequestHeader

	zeroCopy bool
	// vals backs the slices Values returns; each call takes a new part
	// of it, so a slice returned earlier is not overwritten.
	vals []string
}

var (
	_ propagation.TextMapCarrier = (*RequestHeaderCarrier)(nil)
	_ propagation.ValuesGetter   = (*RequestHeaderCarrier)(nil)
	_ propagation.TextMapCarrier = (*ResponseHeaderCarrier)(nil)
)

// parsedOnly reports whether tracectx's W3C and B3 propagators, called
// with these lowercase names, parse the header's value without keeping
// any of it.
func parsedOnly(key string) bool {
	switch key {
	case "traceparent", "b3", "x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled", "x-b3-flags":
		return true
	}
	return false
}

func (c *RequestHeaderCarrier) value(key string, v []byte) string {
	if c.zeroCopy && parsedOnly(key) {
		return unsafeString(v)
	}
	return string(v)
}

// Get returns the first value of the header key (in any case), or "".
func (c *RequestHeaderCarrier) Get(key string) string {
	v := c.Header.Peek(key)
	if len(v) == 0 {
		return ""
	}
	return c.value(key, v)
}

// Values returns every value of the header key, one per header line: two
// traceparent lines make the trace context invalid, and tracestate may be
// split over several.
func (c *RequestHeaderCarrier) Values(key string) []string {
	all := c.Header.PeekAll(key)
	if len(all) == 0 {
		return nil
	}
	start := len(c.vals)
	for _, v := range all {
		c.vals = append(c.vals, c.value(key, v))
	}
	return c.vals[start:len(c.vals):len(c.vals)]
}

// Set sets the header key to value (fasthttp copies both).
func (c *RequestHeaderCarrier) Set(key, value string) { c.Header.Set(key, value) }

// Keys returns the names of the request's headers.
func (c *RequestHeaderCarrier) Keys() []string {
	var keys []string
	visitRequestHeaders(c.Header, func(k, _ []byte) {
		if !slices.Contains(keys, string(k)) {
			keys = append(keys, string(k))
		}
	})
	return keys
}

// ResponseHeaderCarrier is a propagation.TextMapCarrier over a fasthttp
// response's headers: Recorder.Begin writes X-Request-ID (and
// traceparent, with Options.ResponseTraceparent) through it, and a
// fasthttp client can read what a server answered.
type ResponseHeaderCarrier struct {
	Header *fasthttp.ResponseHeader
}

// Get returns a copy of the value of the response header key, or "".
func (c *ResponseHeaderCarrier) Get(key string) string { return string(c.Header.Peek(key)) }

// Set sets the response header key to value (fasthttp copies both).
func (c *ResponseHeaderCarrier) Set(key, value string) { c.Header.Set(key, value) }

// Keys returns the names of the response's headers.
func (c *ResponseHeaderCarrier) Keys() []string {
	var keys []string
	visitResponseHeaders(c.Header, func(k, _ []byte) {
		if !slices.Contains(keys, string(k)) {
			keys = append(keys, string(k))
		}
	})
	return keys
}
