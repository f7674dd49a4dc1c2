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

go test -run '^$' -bench . -benchmem -cpu 1 -count "${COUNT:-5}" -benchtime "${BENCHTIME:-200ms}" . | tee bench.txt

echo
"$benchstat" -filter '.name:Core' -col /handler bench.txt
echo
"$benchstat" -filter '.name:Native' -col /handler bench.txt
