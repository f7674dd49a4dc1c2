package async

import (
	"strconv"
	"strings"
	"time"

	"github.com/logweave/logweave/stats"
)

// DropReport is what the writer goroutine reports in the stream when
// records were dropped since its last report: one line per reason.
//
// The default line is JSON, with the time in UTC at millisecond precision,
// as logweave writes it:
//
//	{"time":"2026-11-21T10:22:33.123Z","level":"WARN","msg":"async: dropped 12 records","reason":"buffer_full","dropped":12}
//
// reason is one of stats.ReasonBufferFull, stats.ReasonWriteError and
// stats.ReasonClosed. A report that fails to be written is counted as a
// write error and tried again, with the counts added up, after the next
// batch. Drops of records written after the goroutine ended (after Close)
// are not reported in the stream: Write returned an error for each, and
// the counters count them.
type DropReport struct {
	Time    time.Time
	Reason  string
	Dropped uint64
	// Fields is Options.DropReportFields, written after "msg".
	Fields string
}

// reasonNames are the stats label values, indexed by reason.
var reasonNames = [numReasons]string{stats.ReasonBufferFull, stats.ReasonWriteError, stats.ReasonClosed}

// formatReport appends the report lines for the counts in pending.
func (w *Writer) formatReport(dst []byte, pending [numReasons]uint64) []byte {
	now := time.Now()
	for r, n := range pending {
		if n == 0 {
			continue
		}
		rep := DropReport{Time: now, Reason: reasonNames[r], Dropped: n, Fields: strings.TrimSpace(w.opts.DropReportFields)}
		if f := w.opts.AppendDropReport; f != nil {
			if out, ok := appendCustom(f, dst, rep); ok {
				dst = out
				continue
			}
		}
		dst = AppendDropReport(dst, rep)
	}
	return dst
}

// appendCustom calls a user's AppendDropReport, reporting false if it
// panicked.
func appendCustom(f func([]byte, DropReport) []byte, dst []byte, r DropReport) (out []byte, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return f(dst, r), true
}

// AppendDropReport appends r to dst as the default JSON line, ending in a
// newline (see DropReport).
func AppendDropReport(dst []byte, r DropReport) []byte {
	dst = append(dst, `{"time":"`...)
	dst = r.Time.UTC().AppendFormat(dst, "2006-01-02T15:04:05.000Z07:00")
	dst = append(dst, `","level":"WARN","msg":"async: dropped `...)
	dst = strconv.AppendUint(dst, r.Dropped, 10)
	if r.Dropped == 1 {
		dst = append(dst, ` record",`...)
	} else {
		dst = append(dst, ` records",`...)
	}
	if r.Fields != "" {
		dst = append(append(dst, r.Fields...), ',')
	}
	dst = append(dst, `"reason":`...)
	dst = strconv.AppendQuote(dst, r.Reason)
	dst = append(dst, `,"dropped":`...)
	dst = strconv.AppendUint(dst, r.Dropped, 10)
	return append(dst, "}\n"...)
}
