#!/bin/sh
# Compares one sim benchmark of two commits on this machine, interleaved, in
# CPU time (GOMAXPROCS=1):
#
#   scripts/bench_commits.sh OLD NEW [REPS] [ITERS] [BENCH]
#
# BENCH is an anchored -test.bench pattern, default '^BenchmarkSimulateSparse$'
# (mask-accurate EIE on VGG-16 at Deep Compression densities); e.g.
# '^BenchmarkSimulate$/^ws$' for the dense ws network.
# Builds each commit's sim test binary in a temporary git worktree, then REPS
# times (default 5) runs OLD and NEW alternately, each for ITERS iterations
# (default 11) and for 1 iteration; the CPU time per op is
# (user+sys of the ITERS run − user+sys of the 1 run) / (ITERS − 1), which
# removes the one-time mask set-up. Prints every pair, the medians and the
# ratio NEW/OLD with the load average before and after.
set -eu
OLD=$1
NEW=$2
REPS=${3:-5}
ITERS=${4:-11}
BENCH=${5:-'^BenchmarkSimulateSparse$'}
cd "$(dirname "$0")/.."
DIR=$(mktemp -d)
cleanup() {
	for c in old new; do git worktree remove --force "$DIR/$c" 2>/dev/null || true; done
	rm -rf "$DIR"
}
trap cleanup EXIT
for c in old new; do
	rev=$OLD
	[ "$c" = new ] && rev=$NEW
	git worktree add --detach -q "$DIR/$c" "$rev"
	(cd "$DIR/$c" && go test -c -o "$DIR/$c.test" ./sim)
done
cpu() { # old|new iterations -> CPU seconds (user+sys) of one benchmark run
	(cd "$DIR/$1/sim" && /usr/bin/time -f "%U %S" -o "$DIR/t" nice "$DIR/$1.test" -test.run '^$' \
		-test.bench "$BENCH" -test.benchtime "$2x" -test.cpu 1 >/dev/null)
	awk '{print $1 + $2}' "$DIR/t"
}
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
i=0
: >"$DIR/res"
while [ "$i" -lt "$REPS" ]; do
	for c in old new; do
		long=$(cpu "$c" "$ITERS")
		one=$(cpu "$c" 1)
		ms=$(echo "$long $one $ITERS" | awk '{printf "%.4f", ($1 - $2) * 1000 / ($3 - 1)}')
		echo "$c $ms" | tee -a "$DIR/res"
	done
	i=$((i + 1))
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 - "$DIR/res" "$OLD" "$NEW" <<'PY'
import statistics, sys
v = {"old": [], "new": []}
for line in open(sys.argv[1]):
    c, ms = line.split()
    v[c].append(float(ms))
o, n = statistics.median(v["old"]), statistics.median(v["new"])
print("median CPU ms/op: %s (old) %.4g, %s (new) %.4g; new/old %.2f" % (sys.argv[2], o, sys.argv[3], n, n / o))
PY
