#!/usr/bin/env bash
# Runs the benchmarks and prints them with one column per handler, so each
# row compares handlers on one scenario (the first column, logweave or zap,
# is the base the others are compared with).
#
# BENCHTIME (default 200ms) and COUNT (default 5) bound the run: about
# twenty minutes on a 2-core machine with the defaults. Raw results go to
# bench.txt (handlers, middleware), frameworks.txt, pipeline.txt and
# parallel.txt (the pipeline stages) and trace.txt.
set -euo pipefail
cd "$(dirname "$0")"

# x/perf has no tagged releases; pin the pseudo-version so tables stay
# comparable across machines.
BENCHSTAT_VERSION=v0.0.0-20260908200009-22c9c6c9d4da

benchstat=$(command -v benchstat || true)
if [ -z "$benchstat" ]; then
	go install "golang.org/x/perf/cmd/benchstat@${BENCHSTAT_VERSION}"
	benchstat="$(go env GOBIN)"
	benchstat="${benchstat:-$(go env GOPATH)/bin}/benchstat"
fi

# The machine is shared and noisy. Rather than -count 5, which runs each
# benchmark five times in a row (so a noisy minute hurts one logger only),
# run the whole suite five times over: every logger sees the same noise.
# This is the same measurement as `go test -bench . -benchmem -cpu 1
# -count 5`, interleaved.
go test -c -o bench.test .
rounds() { # rounds N OUT PATTERN CPU BENCHTIME: N interleaved rounds of PATTERN into OUT
	local n=$1 out=$2 pattern=$3 cpu=$4 benchtime=$5
	: > "$out"
	for i in $(seq "$n"); do
		./bench.test -test.run '^$' -test.bench "$pattern" -test.benchmem -test.cpu "$cpu" -test.count 1 \
			-test.benchtime "$benchtime" | tee -a "$out"
	done
}
BT=${BENCHTIME:-200ms}
rounds "${COUNT:-5}" bench.txt '^Benchmark(Core|Native|Middleware)$' 1 "$BT"
rounds "${FRAMEWORK_COUNT:-3}" frameworks.txt '^Benchmark(Gin|Echo|Fiber|FiberV3)$' 1 "$BT"
# The pipeline stages (issues 5 and 6): redaction, sampling, the async
# writer and file rotation, each beside its peers; and what scales with
# cores, at -cpu 1,2.
rounds "${COUNT:-5}" pipeline.txt '^Benchmark(Redact|RedactRecord|Sample|SamplePolicy|Async|Rotate)$' 1 "$BT"
rounds "${PARALLEL_COUNT:-3}" parallel.txt '^Benchmark(SampleParallel|Async)$' 1,2 "$BT"

# The cost of trace ids is a difference of two numbers near a microsecond,
# smaller than the drift between rounds of the suite, so it is measured
# again in short rounds of just the four scenarios involved.
for i in $(seq "${TRACE_ROUNDS:-15}"); do
	./bench.test -test.run '^$' -test.bench 'Core/scenario=(Msg|Attrs10LogAttrs|Attrs10Ctx|TraceMsg|Trace)$/handler=(logweave|slog-json-trace)$' \
		-test.benchmem -test.cpu 1 -test.count 1 -test.benchtime 100ms
done > trace.txt
rm -f bench.test

table() { echo; "$benchstat" -filter "$1" -col "$2" "$3"; }
table '.name:Core' /handler bench.txt
table '.name:Native' /handler bench.txt
table '.name:Middleware' /mw bench.txt
for f in Gin Echo Fiber FiberV3; do table ".name:$f" /mw frameworks.txt; done
table '.name:Redact' /redactor pipeline.txt
table '.name:RedactRecord' /stage pipeline.txt
table '.name:Sample' /sampler pipeline.txt
table '.name:SamplePolicy' /policy pipeline.txt
table '.name:SampleParallel' /sampler parallel.txt
table '.name:Async' /writer parallel.txt
table '.name:Rotate' /writer pipeline.txt
echo
go run ./costs bench.txt
echo
echo "Trace id cost, short paired rounds:"
go run ./costs trace.txt | sed -n '/^Cost of writing trace ids/,$p'
