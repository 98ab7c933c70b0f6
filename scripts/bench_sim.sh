#!/bin/sh
# Regenerates every simulator speed figure of BENCHMARKS.md ("Simulator"),
# the one place they are kept (docs/simulator.md points there):
#
#   scripts/bench_sim.sh [COUNT]     (default COUNT = 5 repetitions)
#
# Runs the dense benchmarks (BenchmarkSimulate/{ws,os,is}, BenchmarkSimulateLayer)
# and the sparse ones (BenchmarkSimulateSparse, BenchmarkSimulateSparseStatistical,
# GOMAXPROCS=1) COUNT times each, interleaved, and prints a Markdown table of the
# median and range per benchmark, in CPU time (getrusage per op, reported by the
# benchmarks as cpu-µs/op) and wall time, with the load average before and after,
# ready to paste. Wall time on the shared 2-core machine measures mostly the load;
# CPU time much less so (cache contention still inflates it): quote the load.
set -eu
COUNT=${1:-5}
cd "$(dirname "$0")/.."
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
go test -c -o "$DIR/sim.test" ./sim
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
i=0
while [ "$i" -lt "$COUNT" ]; do
	(cd sim && nice "$DIR/sim.test" -test.run '^$' -test.benchmem -test.count 1 \
		-test.bench '^BenchmarkSimulate(Layer)?$' -test.benchtime 200x) >>"$DIR/dense.txt"
	(cd sim && nice "$DIR/sim.test" -test.run '^$' -test.benchmem -test.count 1 -test.cpu 1 \
		-test.bench '^BenchmarkSimulateSparse(Statistical)?$' -test.benchtime 5x) >>"$DIR/sparse.txt"
	i=$((i + 1))
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
/usr/bin/python3 - "$DIR/dense.txt" "$DIR/sparse.txt" "$load_before" "$load_after" "$COUNT" <<'PY'
import re, statistics, sys
runs = {}
for path in sys.argv[1:3]:
    for line in open(path):
        m = re.match(r"(Benchmark\S+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op\s+(?:([\d.]+) cpu-µs/op\s+)?([\d.]+) B/op\s+(\d+) allocs/op", line)
        if m:
            cpu = float(m.group(3)) * 1e3 if m.group(3) else float("nan")
            runs.setdefault(m.group(1), []).append((float(m.group(2)), int(float(m.group(4))), int(m.group(5)), cpu))
def fmt(ns):
    for scale, unit in ((1e9, "s"), (1e6, "ms"), (1e3, "µs")):
        if ns >= scale:
            return "%.4g %s" % (ns / scale, unit)
    return "%.4g ns" % ns
print("| benchmark | CPU median/op | CPU range | wall median/op | wall range | B/op | allocs/op |")
print("|---|--:|--:|--:|--:|--:|--:|")
for name, rs in runs.items():
    t = [r[0] for r in rs]
    c = [r[3] for r in rs]
    print("| `%s` | **%s** | %s – %s | %s | %s – %s | %d | %d |" % (name, fmt(statistics.median(c)), fmt(min(c)), fmt(max(c)),
          fmt(statistics.median(t)), fmt(min(t)), fmt(max(t)), rs[0][1], rs[0][2]))
print()
print("%s repetitions, interleaved; load average %s before, %s after." % (sys.argv[5], sys.argv[3], sys.argv[4]))
PY
