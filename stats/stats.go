// Package stats is the small interface through which every pipeline stage
// (the handler, sampling, redaction, the async writer, file rotation)
// reports what it did, so that an exporter such as contrib/prometheus can
// read all of them the same way.
//
// Stages count with their own atomics and are read when an exporter asks
// (a scrape), so counting costs the hot path one atomic add at most and
// nothing here runs per record.
package stats

// Counter is one monotonically increasing count read from a stage.
type Counter struct {
	// Name is the counter's name without a prefix, in Prometheus style:
	// "records_total", "bytes_total", "dropped_total",
	// "redactions_total", "rotations_total", "write_errors_total".
	// Exporters add their own prefix ("logweave_").
	Name string
	// Label and Value are the counter's one label, as in
	// dropped_total{reason="buffer_full"}; both are empty for a counter
	// without a label.
	Label string
	Value string
	// Count is the number counted since the stage was made.
	Count uint64
}

// Source is implemented by every stage that counts. AppendCounters
// appends the stage's current counters to dst and returns the extended
// slice; it is safe to call concurrently with the stage's work.
type Source interface {
	AppendCounters(dst []Counter) []Counter
}

// Names of the counters and labels the stages report, so that exporters
// and dashboards agree on them.
const (
	RecordsTotal     = "records_total"      // label "level"
	BytesTotal       = "bytes_total"        // label "level"
	DroppedTotal     = "dropped_total"      // label "reason"
	RedactionsTotal  = "redactions_total"   // label "detector"
	RotationsTotal   = "rotations_total"    // no label
	WriteErrorsTotal = "write_errors_total" // no label

	LabelLevel    = "level"
	LabelReason   = "reason"
	LabelDetector = "detector"
)

// Reasons a record is dropped, the values of dropped_total's label.
const (
	ReasonSampled    = "sampled"     // a sampling rule left it out; sample.Policy reports sampled_<rule>
	ReasonBufferFull = "buffer_full" // the async writer's buffer was full
	ReasonWriteError = "write_error" // the writer failed; the record is lost
	ReasonClosed     = "closed"      // written after Close
)
