#!/bin/sh
# Load-and-simulate speed of an ONNX ResNet-18 with its weights (issue 14's
# target: at most 1 s end to end).
#
#   scripts/bench_onnx.sh [RESNET18.onnx [REPS]]   (default: generated in a temp dir, 5 reps)
#
# Builds dcsim, writes ResNet-18 (ImageNet geometry, BatchNorm, seeded random
# weights with 70% pruned, about 45 MB) with scripts/onnx_fixtures.py unless a
# file is given, then times, interleaved, REPS times each:
#   onnx    dcsim simulate --network RESNET18.onnx --format json (read, fold
#           BatchNorm, masks, simulate on the default 32x32 ws array)
#   zoo     dcsim simulate --network resnet-18 --format json (same layers, no file)
#   peer    python3 -c 'onnx.load(RESNET18.onnx)' (the onnx package's protobuf parse alone)
#   base    $DCSIM_BASE simulate --network RESNET18.onnx --format json, when
#           DCSIM_BASE names another dcsim binary (an older build to compare)
# and prints the median wall and CPU (user + system) time of each and the
# ratios, with the load average.
set -eu
cd "$(dirname "$0")/.."
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
go build -o "$DIR/dcsim" .
MODEL=${1:-}
if [ -z "$MODEL" ]; then
	MODEL=$DIR/resnet18.onnx
	OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 scripts/onnx_fixtures.py --resnet18 "$MODEL" >&2
fi
/usr/bin/python3 - "$DIR/dcsim" "$MODEL" "${2:-5}" "${DCSIM_BASE:-}" <<'PY'
import os, resource, statistics, subprocess, sys, time
dcsim, model, reps, base = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
runs = {
    "onnx": [dcsim, "simulate", "--network", model, "--format", "json"],
    "zoo": [dcsim, "simulate", "--network", "resnet-18", "--format", "json"],
    "peer": ["/usr/bin/python3", "-c", "import onnx, sys; onnx.load(sys.argv[1])", model],
}
if base:
    runs["base"] = [base, "simulate", "--network", model, "--format", "json"]
times = {k: [] for k in runs}
cpu = {k: [] for k in runs}
for _ in range(reps):
    for k, cmd in runs.items():
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        times[k].append(time.perf_counter() - t0)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu[k].append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
med = {k: statistics.median(v) for k, v in times.items()}
print(f"{os.path.getsize(model) / 1e6:.1f} MB {os.path.basename(model)}, {reps} interleaved reps, "
      f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
for k, v in times.items():
    print(f"  {k:5s} wall median {med[k]:.3f} s (min {min(v):.3f}, max {max(v):.3f}); "
          f"CPU (user+sys) median {statistics.median(cpu[k]):.3f} s")
print(f"  onnx / zoo {med['onnx'] / med['zoo']:.2f}x; onnx / peer (python onnx.load alone) {med['onnx'] / med['peer']:.2f}x")
if base:
    c = {k: statistics.median(v) for k, v in cpu.items()}
    print(f"  onnx / base: wall {med['onnx'] / med['base']:.2f}x, CPU {c['onnx'] / c['base']:.2f}x")
PY
