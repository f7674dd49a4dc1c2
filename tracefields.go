package logweave

import (
	"encoding/binary"

	"go.opentelemetry.io/otel/trace"
)

// traceTemplate is the text of the trace fields with the ids left blank;
// encodeTraceFields writes the hex digits over the blanks.
const traceTemplate = `,"trace_id":"________________________________","span_id":"________________","trace_flags":"__"`

const (
	traceIDAt    = len(`,"trace_id":"`)
	spanIDAt     = traceIDAt + 32 + len(`","span_id":"`)
	traceFlagsAt = spanIDAt + 16 + len(`","trace_flags":"`)
)

const hexDigits = "0123456789abcdef"

// traceCache holds the trace fields last encoded by one pooled state. A
// request usually logs several lines in a row from one goroutine, and
// sync.Pool tends to hand the same state back on the same processor, so
// the next line of the same span costs a compare and a copy instead of
// the hex encoding. It lives inside the pooled state: no allocation, no
// sharing between goroutines.
type traceCache struct {
	valid bool
	tid   trace.TraceID
	sid   trace.SpanID
	flags trace.TraceFlags
	text  [len(traceTemplate)]byte
}

// appendTraceFields appends trace_id, span_id and trace_flags for sc,
// which must be valid, through the state's cache.
func (s *state) appendTraceFields(sc *trace.SpanContext) {
	c := &s.trace
	tid, sid, flags := sc.TraceID(), sc.SpanID(), sc.TraceFlags()
	if !c.valid || c.tid != tid || c.sid != sid || c.flags != flags {
		encodeTraceFields(&c.text, &tid, &sid, flags)
		c.valid, c.tid, c.sid, c.flags = true, tid, sid, flags
	}
	s.buf = append(s.buf, c.text[:]...)
}

// encodeTraceFields fills b with the trace fields. The digits are written
// four bytes of id at a time (hexWord), unrolled over fixed-size arrays so
// there are no bounds checks or loops: about half the time of a table
// lookup per byte.
func encodeTraceFields(b *[len(traceTemplate)]byte, tid *trace.TraceID, sid *trace.SpanID, flags trace.TraceFlags) {
	copy(b[:], traceTemplate)
	be := binary.BigEndian
	be.PutUint64(b[traceIDAt:], hexWord(be.Uint32(tid[0:])))
	be.PutUint64(b[traceIDAt+8:], hexWord(be.Uint32(tid[4:])))
	be.PutUint64(b[traceIDAt+16:], hexWord(be.Uint32(tid[8:])))
	be.PutUint64(b[traceIDAt+24:], hexWord(be.Uint32(tid[12:])))
	be.PutUint64(b[spanIDAt:], hexWord(be.Uint32(sid[0:])))
	be.PutUint64(b[spanIDAt+8:], hexWord(be.Uint32(sid[4:])))
	b[traceFlagsAt], b[traceFlagsAt+1] = hexDigits[flags>>4], hexDigits[flags&0xf]
}

// hexWord returns the eight lowercase hex digits of x as the bytes of a
// big-endian word (SWAR): each nibble is spread into a byte of its own,
// then turned into '0'-'9' or 'a'-'f' without a branch.
func hexWord(x uint32) uint64 {
	v := uint64(x)
	v = (v | v<<16) & 0x0000ffff0000ffff
	v = (v | v<<8) & 0x00ff00ff00ff00ff
	v = (v | v<<4) & 0x0f0f0f0f0f0f0f0f
	letters := (v + 0x0606060606060606) >> 4 & 0x0101010101010101 // 1 where the nibble is ≥ 10
	return v + 0x3030303030303030 + letters*('a'-'0'-10)
}
