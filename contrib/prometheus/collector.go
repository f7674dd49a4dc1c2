// Package prometheus exports the counters of logweave's pipeline stages
// (the handler, sampling, redaction, the async writer, file rotation) as
// Prometheus metrics, through client_golang.
//
// The stages count with their own atomics; the Collector reads them when
// Prometheus scrapes, so exporting adds nothing to the cost of a record.
package prometheus

import (
	"cmp"
	"errors"
	"slices"
	"sync"

	"github.com/logweave/logweave/stats"
	"github.com/prometheus/client_golang/prometheus"
)

// Namespace prefixes every metric name: logweave_records_total, ...
const Namespace = "logweave"

// help describes the counters the stages report, by name.
var help = map[string]string{
	stats.RecordsTotal:     "Log records written, by level.",
	stats.BytesTotal:       "Bytes of log records written, by level.",
	stats.DroppedTotal:     "Log records dropped, by reason.",
	stats.RedactionsTotal:  "Values masked by redaction, by detector.",
	stats.RotationsTotal:   "Log file rotations.",
	stats.WriteErrorsTotal: "Failed writes to the log output.",
}

// Collector is a prometheus.Collector over pipeline stages. Each source
// gets a "stage" label, so that two async writers, say, are told apart;
// counters of the same name, label and stage reported twice are summed.
type Collector struct {
	mu      sync.Mutex
	sources []namedSource
}

type namedSource struct {
	stage string
	src   stats.Source
}

// NewCollector returns a Collector with no sources; add them with Add.
func NewCollector() *Collector { return &Collector{} }

// Add registers src under the stage name (for example "handler",
// "sampler", "async", "file"). The name must not be empty.
func (c *Collector) Add(stage string, src stats.Source) error {
	if stage == "" || src == nil {
		return errors.New("logweave/prometheus: Add: want a stage name and a non-nil source")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sources = append(c.sources, namedSource{stage, src})
	return nil
}

// Describe sends nothing: the set of label values (levels, reasons,
// detectors) is only known once the stages have counted, which makes this
// an unchecked collector in client_golang's terms.
func (c *Collector) Describe(chan<- *prometheus.Desc) {}

// Collect reads every source and sends one counter per name, label value
// and stage.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	sources := append([]namedSource(nil), c.sources...)
	c.mu.Unlock()

	type key struct{ name, label, value, stage string }
	sums := map[key]uint64{}
	var buf []stats.Counter
	for _, s := range sources {
		buf = s.src.AppendCounters(buf[:0])
		for _, ct := range buf {
			sums[key{ct.Name, ct.Label, ct.Value, s.stage}] += ct.Count
		}
	}
	keys := make([]key, 0, len(sums))
	for k := range sums {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b key) int { // a stable order, for readers of the exposition
		return cmp.Or(cmp.Compare(a.name, b.name), cmp.Compare(a.stage, b.stage),
			cmp.Compare(a.label, b.label), cmp.Compare(a.value, b.value))
	})
	for _, k := range keys {
		labels := []string{"stage"}
		values := []string{k.stage}
		if k.label != "" {
			labels = append(labels, k.label)
			values = append(values, k.value)
		}
		h := help[k.name]
		if h == "" {
			h = "logweave counter " + k.name + "."
		}
		desc := prometheus.NewDesc(prometheus.BuildFQName(Namespace, "", k.name), h, labels, nil)
		m, err := prometheus.NewConstMetric(desc, prometheus.CounterValue, float64(sums[k]), values...)
		if err != nil {
			m = prometheus.NewInvalidMetric(desc, err)
		}
		ch <- m
	}
}
