package logweave

import (
	"encoding/binary"

	"go.opentelemetry.io/otel/trace"
)

// traceTemplate is the text of the trace fields with the ids left blank.
// appendTraceFields appends it and fills in the hex digits at fixed
// offsets, so the fields cost one copy: this runs for every line of a traced
// request.
const traceTemplate = `,"trace_id":"________________________________","span_id":"________________","trace_flags":"__"`

const (
	traceIDAt    = len(`,"trace_id":"`)
	spanIDAt     = traceIDAt + 32 + len(`","span_id":"`)
	traceFlagsAt = spanIDAt + 16 + len(`","trace_flags":"`)
)

// putHex writes the lowercase hex digits of src (a multiple of four bytes
// long) to dst. It works on four bytes at a time in a 64-bit word (SWAR),
// which is several times faster than a table lookup per byte.
func putHex(dst, src []byte) {
	for i := 0; i+4 <= len(src); i += 4 {
		binary.BigEndian.PutUint64(dst[2*i:], hexWord(binary.BigEndian.Uint32(src[i:])))
	}
}

// hexWord returns the eight hex digits of x as the bytes of a big-endian
// word: each nibble is spread into its own byte, then turned into '0'-'9'
// or 'a'-'f' without a branch.
func hexWord(x uint32) uint64 {
	v := uint64(x)
	v = (v | v<<16) & 0x0000ffff0000ffff
	v = (v | v<<8) & 0x00ff00ff00ff00ff
	v = (v | v<<4) & 0x0f0f0f0f0f0f0f0f
	letters := (v + 0x0606060606060606) >> 4 & 0x0101010101010101 // 1 where the nibble is ≥ 10
	return v + 0x3030303030303030 + letters*('a'-'0'-10)
}

const hexDigits = "0123456789abcdef"

// appendTraceFields appends trace_id, span_id and trace_flags for sc,
// which must be valid: the template in one copy, then the digits written
// over its blanks in place.
func appendTraceFields(dst []byte, sc *trace.SpanContext) []byte {
	n := len(dst)
	dst = append(dst, traceTemplate...)
	b := dst[n:]
	tid, sid, flags := sc.TraceID(), sc.SpanID(), sc.TraceFlags()
	putHex(b[traceIDAt:traceIDAt+32], tid[:])
	putHex(b[spanIDAt:spanIDAt+16], sid[:])
	b[traceFlagsAt], b[traceFlagsAt+1] = hexDigits[flags>>4], hexDigits[flags&0xf]
	return dst
}
