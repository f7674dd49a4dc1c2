package logweave

import (
	"encoding/hex"
	"math/rand/v2"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/trace"
)

// TestAppendTraceFields compares the hand-made hex encoding with
// encoding/hex on edge and random ids.
func TestTraceCacheKeysOnFlags(t *testing.T) {
	tid, sid := trace.TraceID{1}, trace.SpanID{2}
	s := &state{}
	for _, flags := range []trace.TraceFlags{0, 1, 3, 1} {
		sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: flags})
		s.buf = s.buf[:0]
		s.appendTraceFields(&sc)
		if want := `"trace_flags":"0` + flags.String()[1:] + `"`; !strings.HasSuffix(string(s.buf), want) {
			t.Fatalf("flags %s: %s", flags, s.buf)
		}
	}
}

func TestAppendTraceFields(t *testing.T) {
	ids := [][24]byte{{}, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}
	for i := range 1000 {
		var id [24]byte
		for j := range id {
			id[j] = byte(rand.IntN(256))
		}
		if i < 256 {
			id[i%24] = byte(i) // every byte value at least once
		}
		ids = append(ids, id)
	}
	s := &state{}
	for i, id := range ids {
		var tid trace.TraceID
		var sid trace.SpanID
		copy(tid[:], id[:16])
		copy(sid[:], id[16:])
		flags := trace.TraceFlags(id[5])
		sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: flags})
		// Each id twice: the first encodes, the second comes from the cache.
		for range 2 {
			s.buf = append(s.buf[:0], 'x')
			s.appendTraceFields(&sc)
		}
		got := string(s.buf)
		want := `x,"trace_id":"` + hex.EncodeToString(tid[:]) + `","span_id":"` + hex.EncodeToString(sid[:]) +
			`","trace_flags":"` + hex.EncodeToString([]byte{byte(flags)}) + `"`
		if got != want {
			t.Fatalf("id %d: got  %s\nwant %s", i, got, want)
		}
	}
}
