#!/usr/bin/env bash
# Counts the instructions each handler spends per record, with valgrind's
# callgrind: unlike times, the counts do not drift with the load of this
# shared machine, so they settle differences the times cannot.
#
# For each scenario and handler of BenchmarkCore it runs the benchmark
# twice, at N1 and N2 records, counting only inside the benchmark's
# function (--toggle-collect), with GOGC=off and no asynchronous
# preemption, so that neither the collector nor the scheduler adds work,
# and takes the difference per record: the setup cancels out. The same
# binary counted twice agrees to about ten instructions per record.
# The noop handler's count, which is what slog's front end costs before
# any handler runs, is then subtracted, leaving the handler's own cost.
#
#	bench/instructions.sh                      # the default scenarios and handlers
#	SCENARIOS="Attrs10LogAttrs" HANDLERS="logweave phuslu-slog" bench/instructions.sh
#	BENCH=/tmp/bench-old.test bench/instructions.sh   # another build (a base commit's)
set -euo pipefail
cd "$(dirname "$0")"

SCENARIOS=${SCENARIOS:-"Msg Attrs10LogAttrs Attrs10KV With10 Trace"}
HANDLERS=${HANDLERS:-"logweave logweave-redact phuslu-slog slog-json zapslog"}
N1=${N1:-20000}
N2=${N2:-120000}

command -v valgrind >/dev/null || { echo "instructions.sh: valgrind not found (apt-get install -y valgrind)" >&2; exit 1; }
bench=${BENCH:-}
if [ -z "$bench" ]; then
	bench=$(mktemp -d)/bench.test
	go test -c -o "$bench" .
fi
out=$(mktemp -d)

# count SCENARIO HANDLER N: the program's total instructions
count() {
	local f="$out/$1.$2.$3"
	GOGC=off GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind --callgrind-out-file="$f" \
		--toggle-collect='github.com/logweave/logweave/bench.BenchmarkCore.func1' \
		"$bench" -test.run '^$' -test.bench "^BenchmarkCore/scenario=$1/handler=$2\$" -test.benchtime "${3}x" -test.cpu 1 \
		>/dev/null 2>&1
	awk '/^summary:/ {print $2}' "$f"
}
# per SCENARIO HANDLER: instructions per record, front end included
per() {
	local a b
	a=$(count "$1" "$2" "$N1")
	b=$(count "$1" "$2" "$N2")
	echo $(( (b - a) / (N2 - N1) ))
}

printf '| scenario | noop (front end) |'
for h in $HANDLERS; do printf ' %s |' "$h"; done
printf '\n|---|---:|'
for h in $HANDLERS; do printf -- '---:|'; done
printf '\n'
for sc in $SCENARIOS; do
	noop=$(per "$sc" noop)
	printf '| %s | %d |' "$sc" "$noop"
	for h in $HANDLERS; do
		printf ' %d |' $(( $(per "$sc" "$h") - noop ))
	done
	printf '\n'
done
rm -rf "$out"
