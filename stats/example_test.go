package stats_test

import (
	"fmt"
	"sync/atomic"

	"github.com/logweave/logweave/stats"
)

// dropCounter is a stage that counts the records it dropped.
type dropCounter struct{ full atomic.Uint64 }

func (d *dropCounter) AppendCounters(dst []stats.Counter) []stats.Counter {
	return append(dst, stats.Counter{
		Name: stats.DroppedTotal, Label: stats.LabelReason, Value: stats.ReasonBufferFull,
		Count: d.full.Load(),
	})
}

func Example() {
	var stage dropCounter
	stage.full.Add(3)

	var src stats.Source = &stage
	for _, c := range src.AppendCounters(nil) {
		fmt.Printf("logweave_%s{%s=%q} %d\n", c.Name, c.Label, c.Value, c.Count)
	}
	// Output: logweave_dropped_total{reason="buffer_full"} 3
}
