package pretty_test

import (
	"io"
	"testing"
	"time"

	"github.com/logweave/logweave/pretty"
)

// A typical line: trace and service fields, a few attributes, a group.
var benchLine = []byte(withAttrs(`,"order_id":1042,"user":"Ada Lovelace","cart":{"items":3,"total":59.9},"tags":["a","b"]`))

var benchStack = []byte(`{"time":"2026-11-21T10:22:33.123Z","level":"ERROR","msg":"panic","error.type":"panic","panic":"boom",` +
	`"stack":"goroutine 1 [running]:\nmain.main()\n\t/src/main.go:12 +0x1d\nruntime.main()\n\t/usr/local/go/src/runtime/proc.go:283 +0x28b\n"}` + "\n")

func benchWrite(b *testing.B, opts *pretty.Options, p []byte) {
	w := pretty.NewWriter(io.Discard, opts)
	b.SetBytes(int64(len(p)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := w.Write(p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWrite(b *testing.B) {
	benchWrite(b, &pretty.Options{Color: pretty.ColorNever, Location: time.Local}, benchLine)
}

func BenchmarkWriteColor(b *testing.B) {
	benchWrite(b, &pretty.Options{Color: pretty.ColorAlways, Location: time.Local}, benchLine)
}

func BenchmarkWriteStack(b *testing.B) {
	benchWrite(b, &pretty.Options{Color: pretty.ColorNever, Location: time.Local}, benchStack)
}

func BenchmarkWriteParallel(b *testing.B) {
	w := pretty.NewWriter(io.Discard, &pretty.Options{Color: pretty.ColorNever})
	b.SetBytes(int64(len(benchLine)))
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			w.Write(benchLine)
		}
	})
}
