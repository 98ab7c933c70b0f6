#!/bin/sh
# Speed of the scnn engine (BENCHMARKS.md, "Simulator", SCNN engine):
#
#   scripts/bench_scnn.sh [COUNT]     (default COUNT = 5 repetitions)
#
# Whole VGG-16 on configs/accelerators/scnn.yaml with the SCNN validation
# profile, GOMAXPROCS=1: BenchmarkSimulateSCNNStatistical (densities only,
# 2000 iterations per repetition) and BenchmarkSimulateSCNNMasks (random
# weight masks at Deep Compression densities and one image's random
# activation masks at the profile's densities, drawn outside the timed loop;
# 10 iterations), interleaved. Prints median and range of wall time and of
# CPU time (getrusage, user + system, per op) with the load average: on the
# shared 2-core machine wall time mostly measures the load.
set -eu
COUNT=${1:-5}
cd "$(dirname "$0")/.."
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
go test -c -o "$DIR/sim.test" ./sim
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
i=0
while [ "$i" -lt "$COUNT" ]; do
	(cd sim && "$DIR/sim.test" -test.run '^$' -test.benchmem -test.cpu 1 \
		-test.bench 'BenchmarkSimulateSCNNStatistical$' -test.benchtime 2000x) >>"$DIR/out.txt"
	(cd sim && "$DIR/sim.test" -test.run '^$' -test.benchmem -test.cpu 1 \
		-test.bench 'BenchmarkSimulateSCNNMasks$' -test.benchtime 10x) >>"$DIR/out.txt"
	i=$((i + 1))
done
(cd sim && "$DIR/sim.test" -test.run '^$' -test.cpu 1 -test.bench 'BenchmarkSCNNConflictTable$' -test.benchtime 3x) >>"$DIR/out.txt"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
/usr/bin/python3 - "$DIR/out.txt" "$load_before" "$load_after" "$COUNT" <<'PY'
import re, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    m = re.match(r"(Benchmark\S+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op(?:\s+([\d.]+) cpu-µs/op)?", line)
    if m:
        runs.setdefault(m.group(1), []).append((float(m.group(2)) / 1e3, float(m.group(3) or "nan")))
def fmt(us):
    return "%.3g ms" % (us / 1e3) if us >= 1e3 else "%.3g µs" % us
print("| benchmark | wall median (range) | CPU median (range) |")
print("|---|--:|--:|")
for name, rs in runs.items():
    w = [r[0] for r in rs]; c = [r[1] for r in rs]
    cpu = "–" if c[0] != c[0] else "%s (%s – %s)" % (fmt(statistics.median(c)), fmt(min(c)), fmt(max(c)))
    print("| `%s` | %s (%s – %s) | %s |" % (name, fmt(statistics.median(w)), fmt(min(w)), fmt(max(w)), cpu))
print()
print("%s repetitions, interleaved; load average %s before, %s after." % (sys.argv[4], sys.argv[2], sys.argv[3]))
PY
