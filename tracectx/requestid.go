package tracectx

import (
	"context"
	"slices"

	"go.opentelemetry.io/otel/propagation"
)

// DefaultRequestIDHeader is the header RequestIDPropagator reads and
// writes when it is given none: the de facto standard, used by Heroku,
// nginx's $request_id convention, Rails and chi's RequestID middleware.
const DefaultRequestIDHeader = "X-Request-ID"

// CommonRequestIDHeaders lists the request and correlation id headers in
// common use, in the order a server behind several of them is best served
// by: the conventional ones a client sets on purpose first, then those a
// load balancer or CDN adds.
//
//   - X-Request-ID: the de facto standard (Heroku, nginx, Rails, chi).
//   - X-Correlation-ID: the microservice and .NET convention.
//   - Request-Id: .NET's HTTP correlation protocol and Azure.
//   - X-Amzn-Trace-Id: added by AWS load balancers and API Gateway
//     (Root=1-...;Parent=...), so logs join AWS's own.
//   - X-Cloud-Trace-Context: added by Google Cloud load balancers
//     (TRACE_ID/SPAN_ID;o=1).
//
// Trace headers proper (traceparent, b3) are not here: W3C and B3 read
// them as trace context. Vendor-specific ones (CF-Ray, X-Amz-Cf-Id, ...)
// are left for the user to add. Use it as RequestIDPropagator{Headers:
// CommonRequestIDHeaders}; treat it as read-only, or copy it first.
var CommonRequestIDHeaders = []string{
	"X-Request-ID",
	"X-Correlation-ID",
	"Request-Id",
	"X-Amzn-Trace-Id",
	"X-Cloud-Trace-Context",
}

// MaxRequestIDLen bounds a request id, in bytes. Most ids are UUIDs (36
// bytes) or ULIDs (26), but X-Amzn-Trace-Id with its Self, Root, Parent and
// Sampled fields passes 110; 256 keeps those whole without letting a
// caller put a paragraph on every log line.
const MaxRequestIDLen = 256

// maxRequestIDValues bounds how many values of one header Extract looks at.
const maxRequestIDValues = 8

// RequestIDPropagator propagates a request id: an opaque string that
// follows one request through every service it reaches, so that their log
// lines can be found together. It is stored with WithRequestID and read
// with RequestID, and logweave's handler writes it as request_id.
//
// Extract reads the configured headers in order and keeps the first valid
// value (see ValidRequestID), looking at no more than the first 8 values
// of each header; values that are not valid are ignored, never
// stored, never logged, and never fail the request. When no header has a
// valid value ctx is returned unchanged. Inject writes the request id in
// ctx, when valid, under the first configured header.
//
// (It is not named RequestID because that is the function that reads the
// id from a context.)
type RequestIDPropagator struct {
	// Headers are the headers to read, in order of precedence; Inject
	// writes the first. Empty means DefaultRequestIDHeader alone.
	// CommonRequestIDHeaders lists the usual aliases.
	Headers []string
}

// Interface check: RequestIDPropagator must plug into OpenTelemetry.
var _ propagation.TextMapPropagator = RequestIDPropagator{}

var defaultRequestIDHeaders = []string{DefaultRequestIDHeader}

func (r RequestIDPropagator) headers() []string {
	if len(r.Headers) == 0 {
		return defaultRequestIDHeaders
	}
	return r.Headers
}

// Fields returns the header Inject writes.
func (r RequestIDPropagator) Fields() []string {
	return []string{r.headers()[0]}
}

// Extract returns a copy of ctx carrying the first valid request id found
// in carrier, or ctx itself when there is none.
func (r RequestIDPropagator) Extract(ctx context.Context, carrier propagation.TextMapCarrier) context.Context {
	headers := r.headers()
	canon := make([]string, 0, 8)
	for _, h := range headers {
		canon = append(canon, canonicalKey(h))
	}
	if id, ok := findRequestID(carrier, headers, canon); ok {
		return WithRequestID(ctx, id)
	}
	return ctx
}

// findRequestID returns the first valid request id under headers, in
// order; canon holds their canonical HTTP forms, so that a composite
// propagator computes them once, not per request.
func findRequestID(carrier propagation.TextMapCarrier, headers, canon []string) (string, bool) {
	if carrier == nil {
		return "", false
	}
	if h, ok := carrier.(propagation.HeaderCarrier); ok && len(h) < len(canon) {
		return findRequestIDInHeader(h, canon)
	}
	for i, h := range headers {
		var one [1]string
		if id, ok := firstRequestID(carrierValues(carrier, h, canon[i], &one)); ok {
			return id, true
		}
	}
	return "", false
}

// findRequestID for a header with fewer fields than there are names to
// look for, which is most requests between services: one pass over the
// header costs less than a lookup per name, nearly all of them misses.
func findRequestIDInHeader(h propagation.HeaderCarrier, canon []string) (string, bool) {
	best, bestID := len(canon), ""
	for k, vs := range h {
		i := slices.Index(canon[:best], k) // only a name before the best so far can win
		if i < 0 {
			continue
		}
		if id, ok := firstRequestID(vs); ok {
			best, bestID = i, id
		}
	}
	return bestID, best < len(canon)
}

// firstRequestID returns the first valid id among the first
// maxRequestIDValues of vs.
func firstRequestID(vs []string) (string, bool) {
	for i, v := range vs {
		if i == maxRequestIDValues {
			break
		}
		if ValidRequestID(v) {
			return v, true
		}
	}
	return "", false
}

// Inject writes the request id in ctx under the first configured header,
// when it is valid: an id set by application code is checked like one
// received, so Inject never writes a header value that could split or
// forge headers.
func (r RequestIDPropagator) Inject(ctx context.Context, carrier propagation.TextMapCarrier) {
	id := RequestID(ctx)
	if carrier == nil || !ValidRequestID(id) {
		return
	}
	h := r.headers()[0]
	carrierSet(carrier, h, canonicalKey(h), id)
}

// ValidRequestID reports whether id is acceptable as a request id: 1 to
// MaxRequestIDLen bytes of printable ASCII without spaces, quotes (double,
// single or back), backslashes or angle brackets. The rule keeps the ids
// real systems generate (UUIDs, ULIDs, base64, the AWS and Google trace
// headers) and refuses what has no business in an id: control characters
// that could forge log lines or headers, and characters that need escaping
// in JSON, shells or HTML, where ids end up pasted.
func ValidRequestID(id string) bool {
	if id == "" || len(id) > MaxRequestIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		switch c := id[i]; {
		case c <= ' ' || c >= 0x7f:
			return false
		case c == '"' || c == '\'' || c == '`' || c == '\\' || c == '<' || c == '>':
			return false
		}
	}
	return true
}
