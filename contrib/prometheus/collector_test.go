package prometheus_test

import (
	"strings"
	"sync/atomic"
	"testing"

	lwprom "github.com/logweave/logweave/contrib/prometheus"
	"github.com/logweave/logweave/stats"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// stage is a pipeline stage with counters that change while it runs.
type stage struct {
	dropped, errors atomic.Uint64
}

func (s *stage) AppendCounters(dst []stats.Counter) []stats.Counter {
	return append(dst,
		stats.Counter{Name: stats.DroppedTotal, Label: stats.LabelReason, Value: stats.ReasonBufferFull, Count: s.dropped.Load()},
		stats.Counter{Name: stats.WriteErrorsTotal, Count: s.errors.Load()},
	)
}

func TestCollectorReadsEachScrape(t *testing.T) {
	a, b := &stage{}, &stage{}
	c := lwprom.NewCollector()
	if err := c.Add("async", a); err != nil {
		t.Fatal(err)
	}
	if err := c.Add("file", b); err != nil {
		t.Fatal(err)
	}
	if err := c.Add("", a); err == nil {
		t.Error("Add with no stage name: no error")
	}
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(c)

	a.dropped.Add(3)
	b.errors.Add(1)
	want := `
# HELP logweave_dropped_total Log records dropped, by reason.
# TYPE logweave_dropped_total counter
logweave_dropped_total{reason="buffer_full",stage="async"} 3
logweave_dropped_total{reason="buffer_full",stage="file"} 0
# HELP logweave_write_errors_total Failed writes to the log output.
# TYPE logweave_write_errors_total counter
logweave_write_errors_total{stage="async"} 0
logweave_write_errors_total{stage="file"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want)); err != nil {
		t.Fatal(err)
	}
	a.dropped.Add(2) // read again at the next scrape, not cached
	want = strings.Replace(want, `stage="async"} 3`, `stage="async"} 5`, 1)
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "logweave_dropped_total"); err != nil {
		t.Fatal(err)
	}
}
