#!/usr/bin/env bash
# Counts the instructions each handler spends per record, with valgrind's
# callgrind: unlike times, the counts do not drift with the load of this
# shared machine, so they settle differences the times cannot.
#
# For each scenario and handler of BenchmarkCore it runs the benchmark
# twice, at N1 and N2 records, with GOGC=off and no asynchronous
# preemption, so that neither the collector nor the scheduler adds work,
# and takes the difference per record: the program's start and the setup
# cancel out. The whole program is counted: callgrind's --toggle-collect
# on the benchmark's function loses track when Go switches stacks, and
# gave impossible (negative) counts for some cells. The same binary
# counted twice agrees to within about 1 % per record; the least of
# REPEAT (2) tries is taken, since what else gets counted only adds.
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
		"$bench" -test.run '^$' -test.bench "^BenchmarkCore/scenario=$1/handler=$2\$" -test.benchtime "${3}x" -test.cpu 1 \
		>/dev/null 2>&1
	awk '/^summary:/ {print $2}' "$f"
}
# per SCENARIO HANDLER: instructions per record, front end included: the
# least of REPEAT differences. What else gets counted (the scheduler's
# work when the benchmark's goroutine is preempted, more often on a loaded
# machine, where valgrind's slow run takes longer) only ever adds.
per() {
	local a b d best=
	for _ in $(seq "${REPEAT:-2}"); do
		a=$(count "$1" "$2" "$N1")
		b=$(count "$1" "$2" "$N2")
		d=$(( (b - a) / (N2 - N1) ))
		if [ -z "$best" ] || [ "$d" -lt "$best" ]; then best=$d; fi
	done
	echo "$best"
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
