package jsonenc_test

import (
	"testing"
	"time"

	"github.com/logweave/logweave/internal/jsonenc"
)

// These measure the encoder's pieces alone; the handler's cost against its
// peers is measured in the bench module.

var sink []byte

func BenchmarkAppendTimeRFC3339Nano(b *testing.B) {
	tm := time.Date(2024, 5, 17, 10, 4, 5, 123456789, time.UTC)
	buf := make([]byte, 0, 64)
	for b.Loop() {
		sink = jsonenc.AppendTimeRFC3339Nano(buf[:0], tm)
	}
}

func BenchmarkTimeAppendFormat(b *testing.B) {
	tm := time.Date(2024, 5, 17, 10, 4, 5, 123456789, time.UTC)
	buf := make([]byte, 0, 64)
	for b.Loop() {
		sink = tm.AppendFormat(buf[:0], time.RFC3339Nano)
	}
}

func BenchmarkAppendTimeMillis(b *testing.B) {
	tm := time.Now()
	buf := make([]byte, 0, 64)
	for b.Loop() {
		sink = jsonenc.AppendTimeMillis(buf[:0], tm)
	}
}

func BenchmarkAppendString(b *testing.B) {
	s := "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
	buf := make([]byte, 0, 256)
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		sink = jsonenc.AppendString(buf[:0], s)
	}
}
