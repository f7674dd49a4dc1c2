package logweavefiberv3

import (
	"slices"

	"github.com/valyala/fasthttp"
	"go.opentelemetry.io/otel/propagation"
)

// requestCarrier is the propagation.TextMapCarrier (and ValuesGetter)
// over a fasthttp request's headers that Recorder.Begin reads the trace
// context and request id from, without copying the headers into an
// http.Header.
//
// Values read from it may be kept in the request's context (the request
// id is), and that context may outlive the request in a goroutine the
// handler starts, while fasthttp reuses the header buffers for the next
// request; so values are copied. The exception is zeroCopy with the
// headers the default propagator (tracectx.Default) only parses into
// fixed-size ids, traceparent and B3, which keeps the common request with
// an incoming trace free of allocations.
type requestCarrier struct {
	h        *fasthttp.RequestHeader
	zeroCopy bool
	// vals backs the slices Values returns; each call takes a new part
	// of it, so a slice returned earlier is not overwritten.
	vals []string
}

var (
	_ propagation.TextMapCarrier = (*requestCarrier)(nil)
	_ propagation.ValuesGetter   = (*requestCarrier)(nil)
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

func (c *requestCarrier) value(key string, v []byte) string {
	if c.zeroCopy && parsedOnly(key) {
		return unsafeString(v)
	}
	return string(v)
}

// Get returns the first value of the header key (in any case).
func (c *requestCarrier) Get(key string) string {
	v := c.h.Peek(key)
	if len(v) == 0 {
		return ""
	}
	return c.value(key, v)
}

// Values returns every value of the header key, one per header line: two
// traceparent lines make the trace context invalid, and tracestate may be
// split over several.
func (c *requestCarrier) Values(key string) []string {
	all := c.h.PeekAll(key)
	if len(all) == 0 {
		return nil
	}
	start := len(c.vals)
	for _, v := range all {
		c.vals = append(c.vals, c.value(key, v))
	}
	return c.vals[start:len(c.vals):len(c.vals)]
}

// Set sets the header key to value.
func (c *requestCarrier) Set(key, value string) { c.h.Set(key, value) }

// Keys returns the names of the request's headers.
func (c *requestCarrier) Keys() []string {
	var keys []string
	visitRequestHeaders(c.h, func(k, _ []byte) {
		if !slices.Contains(keys, string(k)) {
			keys = append(keys, string(k))
		}
	})
	return keys
}

// responseCarrier is the propagation.TextMapCarrier over a fasthttp
// response's headers that Recorder.Begin writes X-Request-ID (and
// traceparent) to. A pointer conversion of *fasthttp.ResponseHeader, so
// handing it to Begin allocates nothing.
type responseCarrier fasthttp.ResponseHeader

var _ propagation.TextMapCarrier = (*responseCarrier)(nil)

func (c *responseCarrier) header() *fasthttp.ResponseHeader { return (*fasthttp.ResponseHeader)(c) }

// Get returns the value of the response header key.
func (c *responseCarrier) Get(key string) string { return string(c.header().Peek(key)) }

// Set sets the response header key to value (fasthttp copies both).
func (c *responseCarrier) Set(key, value string) { c.header().Set(key, value) }

// Keys returns the names of the response's headers.
func (c *responseCarrier) Keys() []string {
	var keys []string
	visitResponseHeaders(c.header(), func(k, _ []byte) {
		if !slices.Contains(keys, string(k)) {
			keys = append(keys, string(k))
		}
	})
	return keys
}
