#!/usr/bin/env bash
# Runs the benchmarks and prints them with one column per handler, so each
# row compares handlers on one scenario (the first column, logweave or zap,
# is the base the others are compared with).
#
# BENCHTIME (default 200ms) and COUNT (default 5) bound the run: about two
# minutes on a 2-core machine with the defaults. Raw results go to bench.txt.
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
: > bench.txt
for i in $(seq "${COUNT:-5}"); do
	./bench.test -test.run '^$' -test.bench . -test.benchmem -test.cpu 1 -test.count 1 \
		-test.benchtime "${BENCHTIME:-200ms}" | tee -a bench.txt
done

# The cost of trace ids is a difference of two numbers near a microsecond,
# smaller than the drift between rounds of the suite, so it is measured
# again in short rounds of just the four scenarios involved.
for i in $(seq "${TRACE_ROUNDS:-15}"); do
	./bench.test -test.run '^$' -test.bench 'Core/scenario=(Msg|Attrs10LogAttrs|Attrs10Ctx|TraceMsg|Trace)$/handler=(logweave|slog-json-trace)$' \
		-test.benchmem -test.cpu 1 -test.count 1 -test.benchtime 100ms
done > trace.txt
rm -f bench.test

echo
"$benchstat" -filter '.name:Core' -col /handler bench.txt
echo
"$benchstat" -filter '.name:Native' -col /handler bench.txt
echo
"$benchstat" -filter '.name:Middleware' -col /mw bench.txt
echo
go run ./costs bench.txt
echo
echo "Trace id cost, short paired rounds:"
go run ./costs trace.txt | sed -n '/^Cost of writing trace ids/,$p'
