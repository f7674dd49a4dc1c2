package main

import (
	"strings"
	"testing"
)

func TestReport(t *testing.T) {
	in := `goos: linux
BenchmarkCore/scenario=Msg/handler=logweave     1000  300 ns/op  100 out-B/op  0 B/op  0 allocs/op
BenchmarkCore/scenario=Msg/handler=logweave     1000  310 ns/op  100 out-B/op  0 B/op  0 allocs/op
BenchmarkCore/scenario=Msg/handler=logweave     1000  900 ns/op  100 out-B/op  0 B/op  0 allocs/op
BenchmarkCore/scenario=Msg/handler=slog-json    1000  500 ns/op   80 out-B/op  0 B/op  0 allocs/op
BenchmarkCore/scenario=Msg/handler=noop         1000  200 ns/op    0 out-B/op  0 B/op  0 allocs/op
BenchmarkCore/scenario=TraceMsg/handler=logweave 1000 350 ns/op 100 out-B/op  0 B/op  0 allocs/op
BenchmarkCore/scenario=TraceMsg/handler=logweave 1000 340 ns/op 100 out-B/op  0 B/op  0 allocs/op
BenchmarkCore/scenario=TraceMsg/handler=logweave 1000 360 ns/op 100 out-B/op  0 B/op  0 allocs/op
BenchmarkCore/scenario=TraceMsg/handler=slog-json 1000 500 ns/op 80 out-B/op  0 B/op  2 allocs/op
BenchmarkCore/scenario=TraceMsg/handler=noop     1000 200 ns/op   0 out-B/op  0 B/op  0 allocs/op
`
	var out strings.Builder
	if err := report(&out, strings.NewReader(in)); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"| Msg | 310 (0) | 500 (0) | 200 (0) |", // the median resists the 900 outlier
		"| Msg | 110 | 300 | 0.37 |",            // (310-200) / (500-200)
		"| TraceMsg | 150 | 300 | 0.50 |",
		"| logweave | 30 | 0 | 0 |", // rounds: 350-300, 340-310, 360-900: the paired median
		"| TraceMsg | 350 (0) | 500 (2) |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "Redaction") {
		t.Errorf("a redaction table without logweave-redact results:\n%s", got)
	}

	// With logweave-redact: its own table, and no ratio column.
	withRedact := in + `BenchmarkCore/scenario=Msg/handler=logweave-redact 1000 372 ns/op 100 out-B/op 0 B/op 0 allocs/op
BenchmarkCore/scenario=TraceMsg/handler=logweave-redact 1000 350 ns/op 100 out-B/op 0 B/op 0 allocs/op
`
	out.Reset()
	if err := report(&out, strings.NewReader(withRedact)); err != nil {
		t.Fatal(err)
	}
	got = out.String()
	if !strings.Contains(got, "| Msg | 310 | 372 | 62 | 20 % |") || strings.Contains(got, "logweave / logweave-redact") {
		t.Errorf("redaction table wrong:\n%s", got)
	}
	if err := report(&out, strings.NewReader("nothing here")); err == nil {
		t.Error("no results: want an error")
	}
}
