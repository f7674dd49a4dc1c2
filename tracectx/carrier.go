package tracectx

import (
	"net/textproto"

	"go.opentelemetry.io/otel/propagation"
)

// This file holds what the propagators share: reading every value of a
// header from any carrier, writing one, and lowercase hex.

// Header names as OpenTelemetry and Zipkin's own propagators write them:
// lowercase, which is what gRPC metadata and message-broker carriers expect.
// HTTP carriers canonicalize them.
const (
	traceparentHeader = "traceparent"
	tracestateHeader  = "tracestate"
)

// canonicalOf is the canonical HTTP form of the header names the
// propagators read on every request, written out so that reading an
// http.Header costs one map lookup, not two (TestCanonicalNames checks
// them against textproto).
var canonicalOf = struct {
	traceparent, tracestate                               string
	b3, b3TraceID, b3SpanID, b3Parent, b3Sampled, b3Flags string
}{
	"Traceparent", "Tracestate",
	"B3", "X-B3-Traceid", "X-B3-Spanid", "X-B3-Parentspanid", "X-B3-Sampled", "X-B3-Flags",
}

// knownCanonical maps the header names this package uses to their
// canonical HTTP form, so that reading an http.Header does not canonicalize
// (and allocate) the same few names on every request. It is filled once,
// in init, and only read afterwards.
var knownCanonical = map[string]string{}

func init() {
	names := []string{traceparentHeader, tracestateHeader,
		b3SingleHeader, b3TraceIDHeader, b3SpanIDHeader, b3ParentSpanIDHeader, b3SampledHeader, b3FlagsHeader,
		"X-Request-ID", "X-Request-Id", "x-request-id"}
	names = append(names, CommonRequestIDHeaders...)
	for _, n := range names {
		knownCanonical[n] = textproto.CanonicalMIMEHeaderKey(n)
	}
}

// canonicalKey returns name as net/http stores it in an http.Header.
func canonicalKey(name string) string {
	if c, ok := knownCanonical[name]; ok {
		return c
	}
	return textproto.CanonicalMIMEHeaderKey(name)
}

// carrierValues returns every value carrier holds for key. The propagators
// need all of them: two traceparent headers make the trace context invalid,
// and tracestate may arrive split over several header lines.
//
// An http.Header is read directly under its canonical key (canon), which is
// what HeaderCarrier.Values would do after canonicalizing key itself. Other
// carriers are asked through propagation.ValuesGetter when they implement
// it; a carrier that only has Get yields its one value, stored in one so
// that the common case does not allocate.
func carrierValues(c propagation.TextMapCarrier, key, canon string, one *[1]string) []string {
	switch c := c.(type) {
	case propagation.HeaderCarrier:
		return c[canon]
	case propagation.ValuesGetter:
		return c.Values(key)
	}
	if v := c.Get(key); v != "" {
		one[0] = v
		return one[:]
	}
	return nil
}

// carrierValue returns the single value carrier holds for key, and false
// when it holds none or more than one: a header that arrives twice is
// ambiguous, and ambiguity in a trace id is treated as absence.
func carrierValue(c propagation.TextMapCarrier, key, canon string) (string, bool) {
	var one [1]string
	vs := carrierValues(c, key, canon, &one)
	if len(vs) != 1 {
		return "", false
	}
	return vs[0], true
}

// carrierSet stores value under key, replacing what was there. An
// http.Header is written under the precomputed canonical key, which is what
// HeaderCarrier.Set does after canonicalizing; a nil http.Header is left
// alone rather than panicking.
func carrierSet(c propagation.TextMapCarrier, key, canon, value string) {
	if h, ok := c.(propagation.HeaderCarrier); ok {
		if h != nil {
			h[canon] = []string{value}
		}
		return
	}
	c.Set(key, value)
}

const hexDigits = "0123456789abcdef"

// hexValue maps '0'-'9' and 'a'-'f' to their value and every other byte,
// uppercase digits included, to 0xff: W3C and B3 both mandate lowercase.
var hexValue = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for i := range 16 {
		t[hexDigits[i]] = byte(i)
	}
	return t
}()

// decodeHex decodes the lowercase hex s into dst, which must be
// len(s)/2 bytes long, and reports whether every digit was valid.
func decodeHex(dst []byte, s string) bool {
	if len(s) != 2*len(dst) {
		return false
	}
	var bad byte
	for i := range dst {
		hi, lo := hexValue[s[2*i]], hexValue[s[2*i+1]]
		bad |= hi | lo
		dst[i] = hi<<4 | lo
	}
	// A valid digit is < 16, so any 0xff leaves a high bit set in bad.
	return bad&0xf0 == 0
}

// appendHex appends src as lowercase hex.
func appendHex(dst, src []byte) []byte {
	for _, b := range src {
		dst = append(dst, hexDigits[b>>4], hexDigits[b&0x0f])
	}
	return dst
}
