package prometheus_test

import (
	"fmt"
	"strings"
	"sync/atomic"

	lwprom "github.com/logweave/logweave/contrib/prometheus"
	"github.com/logweave/logweave/stats"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

type rotations struct{ n atomic.Uint64 }

func (r *rotations) AppendCounters(dst []stats.Counter) []stats.Counter {
	return append(dst, stats.Counter{Name: stats.RotationsTotal, Count: r.n.Load()})
}

func Example() {
	// In a service: c.Add("handler", handler), c.Add("async", writer), ...
	// and prometheus.MustRegister(c).
	file := &rotations{}
	c := lwprom.NewCollector()
	_ = c.Add("file", file)
	reg := prometheus.NewRegistry()
	reg.MustRegister(c)

	file.n.Add(2)
	err := testutil.GatherAndCompare(reg, strings.NewReader(`
# HELP logweave_rotations_total Log file rotations.
# TYPE logweave_rotations_total counter
logweave_rotations_total{stage="file"} 2
`))
	fmt.Println(err)
	// Output: <nil>
}
