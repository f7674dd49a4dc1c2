package logweave

import (
	"encoding/hex"
	"math/rand/v2"
	"testing"

	"go.opentelemetry.io/otel/trace"
)

// TestAppendTraceFields compares the hand-made hex encoding with
// encoding/hex on edge and random ids.
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
	for _, id := range ids {
		var tid trace.TraceID
		var sid trace.SpanID
		copy(tid[:], id[:16])
		copy(sid[:], id[16:])
		flags := trace.TraceFlags(id[5])
		sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: flags})
		got := string(appendTraceFields([]byte("x"), &sc))
		want := `x,"trace_id":"` + hex.EncodeToString(tid[:]) + `","span_id":"` + hex.EncodeToString(sid[:]) +
			`","trace_flags":"` + hex.EncodeToString([]byte{byte(flags)}) + `"`
		if got != want {
			t.Fatalf("got  %s\nwant %s", got, want)
		}
	}
}
