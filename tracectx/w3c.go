package tracectx

import (
	"context"

	"github.com/logweave/logweave/internal/httpfield"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// W3C propagates trace context in the W3C Trace Context Level 2 headers
// traceparent and tracestate (https://www.w3.org/TR/trace-context-2/).
// Its zero value is ready to use, and it can be given to an OpenTelemetry
// SDK (otel.SetTextMapPropagator) in place of propagation.TraceContext.
//
// Extract follows the specification's processing model:
//
//   - traceparent is "version-traceid-parentid-flags" in lowercase hex.
//     Version ff is invalid. Version 00 must be exactly 55 characters. A
//     higher version is parsed as the specification asks of a receiver that
//     does not know it: at least 55 characters, the four fields of version
//     00 in the same places, and, when longer, a "-" right after the flags;
//     what follows is ignored.
//   - A trace id or parent id of all zeros is invalid.
//   - Of the flags, sampled (0x01) and random (0x02) are kept. The other
//     bits are reserved, and the specification has a sender set them to
//     zero; they are accepted and cleared, so that a trace is not broken
//     over a bit this version does not define (OpenTelemetry's
//     TraceContext instead rejects a version-00 header with them set).
//   - Spaces and tabs around the whole value are ignored, as HTTP ignores
//     them; anywhere else they make the value invalid.
//   - More than one traceparent value makes it invalid: a receiver cannot
//     tell which one the caller meant.
//   - A value longer than MaxTraceparentLen bytes is invalid without being
//     read further.
//
// tracestate is read only when traceparent is valid, by these rules:
//
//   - Several tracestate header lines form one list, as if joined with
//     commas. Spaces and tabs around members are ignored, and empty
//     members are skipped.
//   - Each member is key=value with the Level 2 grammar: a key of 1 to 256
//     characters, [a-z0-9][a-z0-9_*/@-]{0,255}, so "@" may come anywhere
//     after the first character and any number of times (the 2021
//     Recommendation's tenant@system form, with its limits of 241 and 14
//     characters, is gone), and a value of 1 to 256 printable ASCII
//     characters other than ',' and '=', not ending in a space.
//   - At most MaxTraceStateMembers (32) members, a repeated key counting
//     each time it appears.
//   - A key that appears more than once is passed on once, with its
//     leftmost value: a vendor writes its entry at the front, so that copy
//     is the latest, and Level 2 has a receiver pass such a list on rather
//     than drop it.
//   - Only the first MaxTraceStateLen bytes and the first 64 header lines
//     are read; members that do not fit whole are dropped from the end, as
//     the specification's truncation rule drops them.
//
// A tracestate that breaks a rule is dropped as a whole, and the trace
// continues without it. The specification allows dropping either the
// whole header or only the bad members; dropping the whole header is what
// OpenTelemetry does, and it never passes on a list a stricter vendor would
// reject.
//
// OpenTelemetry's own TraceContext (v1.47) still reads tracestate by the
// 2021 rules: it drops a list with a repeated key or with a key only Level
// 2 allows (foo@, foo@@bar, 1foo, a tenant over 241 characters), where W3C
// passes it on. Its trace.TraceState cannot hold such keys either (it is
// built only by OpenTelemetry's parser, which refuses them), so for such a
// list the span context's TraceState holds the members OpenTelemetry
// accepts, and the whole list goes in the returned context beside it.
// Inject writes the whole list again for a span context of that trace (the
// remote one, or a child of it, as NewChild or an SDK's tracer start
// them): as received, or, when code changed the TraceState meanwhile, the
// TraceState as it is followed by the members it could not hold. Code that
// builds a new context from the span context alone
// (trace.ContextWithSpanContext(context.Background(), sc)) passes on only
// the TraceState.
//
// When traceparent is invalid, Extract returns ctx unchanged. Otherwise it
// returns a copy of ctx carrying the remote span context, as
// trace.ContextWithRemoteSpanContext does, which replaces any span ctx
// already had (use ExtractOrStart in a server to keep one).
//
// Inject writes traceparent, always as version 00 with only the defined
// flags, and tracestate when the span context in ctx has one, provided
// that span context is valid. A tracestate longer than MaxTraceStateLen,
// which only code can build, is shortened by the specification's rule:
// members over 128 characters are dropped first, then members from the
// end.
type W3C struct{}

// Interface check: W3C must plug into OpenTelemetry.
var _ propagation.TextMapPropagator = W3C{}

// MaxTraceparentLen bounds the traceparent value Extract reads, in bytes,
// spaces around it included. Version 00 needs 55; the margin is for the
// extra fields a future version may add. A longer value is invalid.
const MaxTraceparentLen = 512

// traceparentLen is the length of a version-00 traceparent.
const traceparentLen = 55

// definedFlags are the trace flags W3C Trace Context Level 2 defines.
const definedFlags = trace.FlagsSampled | trace.FlagsRandom

// Fields returns the headers Inject writes: traceparent and tracestate.
func (W3C) Fields() []string {
	return []string{traceparentHeader, tracestateHeader}
}

// Extract returns a copy of ctx carrying the trace context in carrier, or
// ctx itself when carrier holds no valid traceparent.
func (w W3C) Extract(ctx context.Context, carrier propagation.TextMapCarrier) context.Context {
	sc, full, ok := w.spanContext(carrier)
	if !ok {
		return ctx
	}
	return withFullTraceState(trace.ContextWithRemoteSpanContext(orBackground(ctx), sc), sc, full)
}

// spanContext is Extract without the context: the remote span context
// carrier holds, and false when it holds no valid one; full is the
// tracestate to put beside it when its TraceState cannot hold it whole.
func (W3C) spanContext(carrier propagation.TextMapCarrier) (_ trace.SpanContext, full *fullTraceState, _ bool) {
	if carrier == nil {
		return trace.SpanContext{}, nil, false
	}
	tp, ok := carrierValue(carrier, traceparentHeader, canonicalOf.traceparent)
	if !ok {
		return trace.SpanContext{}, nil, false
	}
	cfg, ok := parseTraceparent(tp)
	if !ok {
		return trace.SpanContext{}, nil, false
	}
	var one [1]string
	lines := carrierValues(carrier, tracestateHeader, canonicalOf.tracestate, &one)
	if ts, f, ok := parseTraceState(lines); ok {
		cfg.TraceState, full = ts, f
	}
	cfg.Remote = true
	return trace.NewSpanContext(cfg), full, true
}

// Inject writes the span context in ctx to carrier as traceparent and,
// when it has one, tracestate. It writes nothing when that span context is
// not valid.
func (W3C) Inject(ctx context.Context, carrier propagation.TextMapCarrier) {
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsValid() || carrier == nil {
		return
	}
	if ts := injectedTraceState(ctx, sc); ts != "" {
		carrierSet(carrier, tracestateHeader, canonicalOf.tracestate, ts)
	}
	var buf [traceparentLen]byte
	carrierSet(carrier, traceparentHeader, canonicalOf.traceparent,
		string(appendTraceparent(buf[:0], sc.TraceID(), sc.SpanID(), sc.TraceFlags())))
}

// appendTraceparent appends the version-00 traceparent for the ids and
// flags, keeping only the flags version 00 defines: the specification has
// a sender set the others to zero.
func appendTraceparent(dst []byte, tid trace.TraceID, sid trace.SpanID, flags trace.TraceFlags) []byte {
	dst = append(dst, "00-"...)
	dst = appendHex(dst, tid[:])
	dst = append(dst, '-')
	dst = appendHex(dst, sid[:])
	dst = append(dst, '-')
	return appendHex(dst, []byte{byte(flags & definedFlags)})
}

// parseTraceparent parses a traceparent value by the rules on W3C.
func parseTraceparent(s string) (cfg trace.SpanContextConfig, ok bool) {
	if len(s) > MaxTraceparentLen {
		return cfg, false
	}
	s = httpfield.TrimOWS(s)
	if len(s) < traceparentLen {
		return cfg, false
	}
	var version, flags [1]byte
	if !decodeHex(version[:], s[0:2]) || version[0] == 0xff {
		return cfg, false
	}
	if version[0] == 0 && len(s) != traceparentLen {
		return cfg, false
	}
	if s[2] != '-' || s[35] != '-' || s[52] != '-' || (len(s) > traceparentLen && s[traceparentLen] != '-') {
		return cfg, false
	}
	if !decodeHex(cfg.TraceID[:], s[3:35]) || !decodeHex(cfg.SpanID[:], s[36:52]) || !decodeHex(flags[:], s[53:55]) {
		return cfg, false
	}
	if !cfg.TraceID.IsValid() || !cfg.SpanID.IsValid() {
		return cfg, false
	}
	cfg.TraceFlags = trace.TraceFlags(flags[0]) & definedFlags
	return cfg, true
}

// TraceIDText returns id in lowercase hex, as id.String does. When
// carrier's traceparent holds that very trace id, as it does for every
// call that continues its caller's trace, the text is taken from the header
// instead of being encoded into a new string: a server echoing the trace
// id back (X-Request-ID) spares an allocation per request.
func TraceIDText(carrier propagation.TextMapCarrier, id trace.TraceID) string {
	if carrier != nil {
		// "00-" + 32 hex digits + "-": the trace id's place in every version.
		if tp, ok := carrierValue(carrier, traceparentHeader, canonicalOf.traceparent); ok && len(tp) >= 36 && tp[35] == '-' {
			var got trace.TraceID
			if text := tp[3:35]; decodeHex(got[:], text) && got == id {
				return text
			}
		}
	}
	return id.String()
}
