// Command costs turns the raw output of the core benchmarks (bench.txt)
// into the Markdown tables of BENCHMARKS.md: the median time per record of
// each handler, the handler's own cost (its time minus the no-op handler's,
// which is what slog's front end costs before any handler runs), the
// ratios the project's bars are stated in, and allocations.
//
//	go run ./costs bench.txt
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// line matches one benchmark result of BenchmarkCore.
var line = regexp.MustCompile(`^BenchmarkCore/scenario=(\w+)/handler=([\w-]+)\s+\d+\s+([\d.]+) ns/op.*?(\d+) allocs/op`)

type key struct{ scenario, handler string }

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: costs bench.txt")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "costs:", err)
		os.Exit(1)
	}
	defer f.Close()
	if err := report(os.Stdout, f); err != nil {
		fmt.Fprintln(os.Stderr, "costs:", err)
		os.Exit(1)
	}
}

// median returns the median of v, or 0 for none.
// redactHandler is logweave with its default redaction policy, reported
// in a table of its own.
const redactHandler = "logweave-redact"

func median(v []float64) float64 {
	v = slices.Clone(v)
	if len(v) == 0 {
		return 0
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

// pairedDiff returns the median of a[i]-b[i]: results are listed in the
// order they were run, so the i-th of each comes from the same round.
func pairedDiff(a, b []float64) float64 {
	n := min(len(a), len(b))
	d := make([]float64, n)
	for i := range n {
		d[i] = a[i] - b[i]
	}
	return median(d)
}

func report(w io.Writer, r io.Reader) error {
	times := map[key][]float64{}
	allocs := map[key]int{}
	var scenarios, handlers []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		m := line.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		k := key{m[1], m[2]}
		ns, err := strconv.ParseFloat(m[3], 64)
		if err != nil {
			return err
		}
		a, _ := strconv.Atoi(m[4])
		times[k] = append(times[k], ns)
		allocs[k] = a
		if !slices.Contains(scenarios, k.scenario) {
			scenarios = append(scenarios, k.scenario)
		}
		if !slices.Contains(handlers, k.handler) {
			handlers = append(handlers, k.handler)
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if len(times) == 0 {
		return fmt.Errorf("no BenchmarkCore results in the input")
	}
	var med func(key) float64
	cost := func(s, h string) float64 { return med(key{s, h}) - med(key{s, "noop"}) }
	med = func(k key) float64 { return median(times[k]) }

	fmt.Fprintf(w, "Median ns per record (allocs per record in brackets), %d runs each:\n\n", len(times[key{scenarios[0], handlers[0]}]))
	fmt.Fprintf(w, "| scenario | %s |\n|---|%s\n", strings.Join(handlers, " | "), strings.Repeat("---:|", len(handlers)))
	for _, s := range scenarios {
		cells := make([]string, len(handlers))
		for i, h := range handlers {
			cells[i] = fmt.Sprintf("%.0f (%d)", med(key{s, h}), allocs[key{s, h}])
		}
		fmt.Fprintf(w, "| %s | %s |\n", s, strings.Join(cells, " | "))
	}

	fmt.Fprintf(w, "\nHandler cost: ns per record minus the no-op handler's (slog's front end), and logweave's ratio to each peer's handler cost:\n\n")
	peers := slices.DeleteFunc(slices.Clone(handlers), func(h string) bool {
		return h == "noop" || h == "logweave" || h == redactHandler
	})
	fmt.Fprintf(w, "| scenario | logweave |")
	for _, p := range peers {
		fmt.Fprintf(w, " %s | logweave / %s |", p, p)
	}
	fmt.Fprintf(w, "\n|---|---:|%s\n", strings.Repeat("---:|---:|", len(peers)))
	for _, s := range scenarios {
		if s == "Disabled" {
			continue // nothing is handled: the handler cost is Enabled alone
		}
		ours := cost(s, "logweave")
		fmt.Fprintf(w, "| %s | %.0f |", s, ours)
		for _, p := range peers {
			fmt.Fprintf(w, " %.0f | %.2f |", cost(s, p), ours/cost(s, p))
		}
		fmt.Fprintln(w)
	}

	if slices.Contains(handlers, redactHandler) {
		fmt.Fprintf(w, "\nRedaction: logweave with the default redaction policy (%s) against logweave without it, "+
			"ns per record, and what redaction adds as a share of the record's whole cost (ns/op):\n\n", redactHandler)
		fmt.Fprintf(w, "| scenario | logweave | %s | added | added / logweave |\n|---|---:|---:|---:|---:|\n", redactHandler)
		for _, s := range scenarios {
			if s == "Disabled" {
				continue
			}
			plain, red := med(key{s, "logweave"}), med(key{s, redactHandler})
			fmt.Fprintf(w, "| %s | %.0f | %.0f | %.0f | %.0f %% |\n", s, plain, red, red-plain, 100*(red-plain)/plain)
		}
	}

	fmt.Fprintf(w, "\nCost of writing trace ids: ns per record, the traced scenario minus the same without a span, "+
		"as the median of the differences within each round of the suite (pairing runs that were close in time "+
		"cancels most of a shared machine's drift):\n\n")
	fmt.Fprintf(w, "| handler | TraceMsg − Msg | Trace − Attrs10Ctx | Trace − Attrs10LogAttrs |\n|---|---:|---:|---:|\n")
	for _, h := range handlers {
		if h == "noop" || h == redactHandler {
			continue
		}
		fmt.Fprintf(w, "| %s | %.0f | %.0f | %.0f |\n", h, pairedDiff(times[key{"TraceMsg", h}], times[key{"Msg", h}]),
			pairedDiff(times[key{"Trace", h}], times[key{"Attrs10Ctx", h}]),
			pairedDiff(times[key{"Trace", h}], times[key{"Attrs10LogAttrs", h}]))
	}
	return nil
}
