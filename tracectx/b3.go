package tracectx

import (
	"context"
	"strings"

	"github.com/logweave/logweave/internal/httpfield"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// B3 header names, lowercase as Zipkin's and OpenTelemetry's B3
// propagators write them.
const (
	b3SingleHeader       = "b3"
	b3TraceIDHeader      = "x-b3-traceid"
	b3SpanIDHeader       = "x-b3-spanid"
	b3ParentSpanIDHeader = "x-b3-parentspanid"
	b3SampledHeader      = "x-b3-sampled"
	b3FlagsHeader        = "x-b3-flags"
)

// maxB3Len bounds a B3 header value Extract reads, in bytes. The longest
// valid single header, 128-bit trace id with sampling state and parent, is
// 68 characters; anything longer than this bound is invalid unread.
const maxB3Len = 512

// B3 propagates trace context in Zipkin's B3 headers
// (https://github.com/openzipkin/b3-propagation), for services that
// predate W3C Trace Context. Its zero value reads both encodings and
// writes the single b3 header.
//
// Extract reads the single header
//
//	b3: {TraceId}-{SpanId}-{SamplingState}-{ParentSpanId}
//
// where the last two fields are optional, and the multiple headers
// X-B3-TraceId, X-B3-SpanId, X-B3-ParentSpanId, X-B3-Sampled and
// X-B3-Flags. The rules:
//
//   - A trace id is 16 or 32 hex digits; a 64-bit (16-digit) id is
//     left-padded with zeros to 128 bits, as B3 specifies. Span and parent
//     ids are 16 digits. Ids of all zeros are invalid.
//   - Hex must be lowercase, as B3 specifies ("lower-hex"); uppercase is
//     invalid, as it is in Zipkin's Brave and in W3C, so that one id has
//     one spelling in every log line and lookup.
//   - The sampling state is 1 (accept), 0 (deny) or d (debug, which
//     implies accept); X-B3-Sampled also takes true and false (in any
//     case), which old tracers sent; X-B3-Flags: 1 is debug. Without a sampling state the
//     span context is not sampled, since OpenTelemetry's flags cannot say
//     "deferred".
//   - A sampling state alone (b3: 0, or X-B3-Sampled without ids) carries
//     no ids, so it yields no span context.
//   - When the single header is present and valid it wins and the
//     multiple headers are not read. When it is invalid or carries no
//     ids, the multiple headers are tried, so that one broken header does
//     not hide a good one.
//   - A header given more than once is invalid, and so is one longer
//     than 512 bytes. Spaces and tabs around a value are ignored.
//
// Anything invalid leaves ctx unchanged. The debug flag and the parent id
// are read and validated but not kept: OpenTelemetry's span context has
// no place for them, so Inject writes debug as sampled and no parent.
//
// Inject writes the span context in ctx, when valid, with a 32-digit trace
// id and sampling state 1 or 0.
type B3 struct {
	// InjectMultiple makes Inject write X-B3-TraceId, X-B3-SpanId and
	// X-B3-Sampled instead of the single b3 header, for peers too old to
	// read it. Extract reads both encodings either way.
	InjectMultiple bool
}

// Interface check: B3 must plug into OpenTelemetry.
var _ propagation.TextMapPropagator = B3{}

// Fields returns the headers Inject writes.
func (b B3) Fields() []string {
	if b.InjectMultiple {
		return []string{b3TraceIDHeader, b3SpanIDHeader, b3SampledHeader}
	}
	return []string{b3SingleHeader}
}

// Extract returns a copy of ctx carrying the trace context in carrier's
// B3 headers, or ctx itself when they hold no valid one.
func (b B3) Extract(ctx context.Context, carrier propagation.TextMapCarrier) context.Context {
	sc, ok := b.spanContext(carrier)
	if !ok {
		return ctx
	}
	return trace.ContextWithRemoteSpanContext(orBackground(ctx), sc)
}

// spanContext is Extract without the context: the remote span context
// carrier holds, and false when it holds no valid one.
// spanContextNoState is spanContext in the form Composite's steps take:
// B3 carries no tracestate.
func (b B3) spanContextNoState(carrier propagation.TextMapCarrier) (trace.SpanContext, *fullTraceState, bool) {
	sc, ok := b.spanContext(carrier)
	return sc, nil, ok
}

func (B3) spanContext(carrier propagation.TextMapCarrier) (trace.SpanContext, bool) {
	if carrier == nil {
		return trace.SpanContext{}, false
	}
	cfg, ok := extractB3Single(carrier)
	if !ok {
		cfg, ok = extractB3Multiple(carrier)
	}
	if !ok {
		return trace.SpanContext{}, false
	}
	cfg.Remote = true
	return trace.NewSpanContext(cfg), true
}

// Inject writes the span context in ctx to carrier in B3 headers. It
// writes nothing when that span context is not valid.
func (b B3) Inject(ctx context.Context, carrier propagation.TextMapCarrier) {
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsValid() || carrier == nil {
		return
	}
	tid, sid := sc.TraceID(), sc.SpanID()
	sampled := byte('0')
	if sc.IsSampled() {
		sampled = '1'
	}
	if b.InjectMultiple {
		var buf [32]byte
		carrierSet(carrier, b3TraceIDHeader, canonicalOf.b3TraceID, string(appendHex(buf[:0], tid[:])))
		carrierSet(carrier, b3SpanIDHeader, canonicalOf.b3SpanID, string(appendHex(buf[:0], sid[:])))
		carrierSet(carrier, b3SampledHeader, canonicalOf.b3Sampled, string(sampled))
		return
	}
	var buf [32 + 1 + 16 + 2]byte
	out := appendHex(buf[:0], tid[:])
	out = append(out, '-')
	out = appendHex(out, sid[:])
	out = append(out, '-', sampled)
	carrierSet(carrier, b3SingleHeader, canonicalOf.b3, string(out))
}

// extractB3Single reads the single b3 header.
func extractB3Single(carrier propagation.TextMapCarrier) (cfg trace.SpanContextConfig, ok bool) {
	v, ok := carrierValue(carrier, b3SingleHeader, canonicalOf.b3)
	if !ok || len(v) > maxB3Len {
		return cfg, false
	}
	// Split into at most four fields; a fifth makes the value invalid.
	var f [4]string
	n := 0
	for rest := httpfield.TrimOWS(v); ; n++ {
		if n == len(f) {
			return cfg, false
		}
		var more bool
		f[n], rest, more = strings.Cut(rest, "-")
		if !more {
			n++
			break
		}
	}
	// One field is the sampling-only form: no ids, so no span context.
	if n < 2 || !parseB3TraceID(&cfg.TraceID, f[0]) || !parseB3SpanID(&cfg.SpanID, f[1]) {
		return cfg, false
	}
	if n >= 3 {
		switch f[2] {
		case "1", "d": // debug implies accept
			cfg.TraceFlags = trace.FlagsSampled
		case "0":
		default:
			return cfg, false
		}
	}
	if n == 4 {
		// The parent is validated, not kept. All zeros is tolerated: it
		// can only mean "no parent".
		var p trace.SpanID
		if !decodeHex(p[:], f[3]) {
			return cfg, false
		}
	}
	return cfg, true
}

// extractB3Multiple reads the X-B3-* headers.
func extractB3Multiple(carrier propagation.TextMapCarrier) (cfg trace.SpanContextConfig, ok bool) {
	tid, ok := b3Value(carrier, b3TraceIDHeader, canonicalOf.b3TraceID)
	if !ok || !parseB3TraceID(&cfg.TraceID, tid) {
		return cfg, false
	}
	sid, ok := b3Value(carrier, b3SpanIDHeader, canonicalOf.b3SpanID)
	if !ok || !parseB3SpanID(&cfg.SpanID, sid) {
		return cfg, false
	}
	if parent, ok := b3Value(carrier, b3ParentSpanIDHeader, canonicalOf.b3Parent); !ok {
		return cfg, false
	} else if parent != "" {
		var p trace.SpanID
		if !decodeHex(p[:], parent) {
			return cfg, false
		}
	}
	sampled, ok := b3Value(carrier, b3SampledHeader, canonicalOf.b3Sampled)
	if !ok {
		return cfg, false
	}
	switch {
	case sampled == "1" || strings.EqualFold(sampled, "true"):
		cfg.TraceFlags = trace.FlagsSampled
	case sampled == "0" || strings.EqualFold(sampled, "false") || sampled == "":
	default:
		return cfg, false
	}
	flags, ok := b3Value(carrier, b3FlagsHeader, canonicalOf.b3Flags)
	switch {
	case !ok:
		return cfg, false
	case flags == "1": // debug implies accept
		cfg.TraceFlags = trace.FlagsSampled
	case flags == "0" || flags == "":
	default:
		return cfg, false
	}
	return cfg, true
}

// b3Value returns the header's value with surrounding spaces removed, ""
// when it is absent, and false when it is given more than once or is too
// long to be valid.
func b3Value(carrier propagation.TextMapCarrier, key, canon string) (string, bool) {
	var one [1]string
	vs := carrierValues(carrier, key, canon, &one)
	switch {
	case len(vs) == 0:
		return "", true
	case len(vs) > 1 || len(vs[0]) > maxB3Len:
		return "", false
	}
	return httpfield.TrimOWS(vs[0]), true
}

// parseB3TraceID decodes a 16- or 32-digit trace id into dst, the short
// form into the low 64 bits, and reports whether it is valid and not zero.
func parseB3TraceID(dst *trace.TraceID, s string) bool {
	switch len(s) {
	case 32:
		return decodeHex(dst[:], s) && dst.IsValid()
	case 16:
		*dst = trace.TraceID{}
		return decodeHex(dst[8:], s) && dst.IsValid()
	}
	return false
}

// parseB3SpanID decodes a 16-digit span id into dst and reports whether it
// is valid and not zero.
func parseB3SpanID(dst *trace.SpanID, s string) bool {
	return decodeHex(dst[:], s) && dst.IsValid()
}
