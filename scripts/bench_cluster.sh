#!/bin/sh
# Compare dcsim's clustering with scikit-learn on the same Laplace data.
#
#   scripts/bench_cluster.sh [N [go]]   (default N = 1000000; "go": Go side only)
#
# 1. Go (one core, GOMAXPROCS=1): writes laplace.npy and go.json (best of 3
#    birch-kmeans runs; kmeans and exact at the same k) via
#    go run ./scripts/cluster_bench.
# 2. scikit-learn Birch (n_clusters=None, then the global step with k) and
#    KMeans(k-means++) with OMP_NUM_THREADS=1 and =2.
# 3. Prints the ratios measured in this one run.
# Needs /usr/bin/python3 with python3-sklearn. Runs under nice.
set -eu
N=${1:-1000000}
cd "$(dirname "$0")/.."
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
go build -o "$DIR/cluster_bench" ./scripts/cluster_bench
GOMAXPROCS=1 nice "$DIR/cluster_bench" -out "$DIR" -n "$N" >/dev/null
if [ "${2:-}" = go ]; then
	/usr/bin/python3 -c 'import json,sys; g=json.load(open(sys.argv[1])); print("n = %d, k = %d: Go birch-kmeans (1 core) %.3f s wall, %.3f s CPU; %d leaf entries" % (g["n"], g["k"], g["go_birch_kmeans_s"], g["go_birch_kmeans_cpu_s"], g["leaf_entries"]))' "$DIR/go.json"
	exit 0
fi
for t in 1 2; do
	OMP_NUM_THREADS=$t OPENBLAS_NUM_THREADS=$t nice /usr/bin/python3 scripts/sklearn_cluster.py "$DIR" >"$DIR/sk$t.json"
done
/usr/bin/python3 - "$DIR" <<'PY'
import json, sys, os
d = sys.argv[1]
go = json.load(open(os.path.join(d, "go.json")))
sk = {t: json.load(open(os.path.join(d, f"sk{t}.json"))) for t in (1, 2)}
ex = go["sse_exact"]
print(f"n = {go['n']}, k = {go['k']} (chosen by birch-kmeans), BIRCH threshold = {go['threshold']:.4g} "
      f"(0.02·σ), sklearn {sk[1]['sklearn']}")
print(f"Go birch-kmeans (BIRCH + K-Means++ + Lloyd, 1 core): {go['go_birch_kmeans_s']:.3f} s wall, "
      f"{go['go_birch_kmeans_cpu_s']:.3f} s CPU, "
      f"{go['leaf_entries']} leaf entries, SSE/exact {go['sse_birch_kmeans']/ex:.4f}")
print(f"Go kmeans (K-Means++ on raw, 10 restarts): {go['go_kmeans_s']:.3f} s, SSE/exact {go['sse_kmeans']/ex:.4f}")
print(f"Go exact DP: {go['go_exact_s']:.3f} s")
for t in (1, 2):
    s = sk[t]
    print(f"sklearn {t} thread(s): Birch(n_clusters=None) {s['birch_none_s']:.2f} s "
          f"({s['birch_none_subclusters']} subclusters), global step +{s['birch_global_extra_s']:.2f} s "
          f"SSE/exact {s['sse_birch_global']/ex:.3f}; KMeans(k-means++) {s['kmeans_s']:.2f} s "
          f"SSE/exact {s['sse_kmeans']/ex:.4f}")
bt = min(sk[t]["birch_none_s"] for t in (1, 2))
bthr = min((1, 2), key=lambda t: sk[t]["birch_none_s"])
kt = min(sk[t]["kmeans_s"] for t in (1, 2))
kthr = min((1, 2), key=lambda t: sk[t]["kmeans_s"])
g = go["go_birch_kmeans_s"]
print(f"ratio sklearn Birch alone ({bthr} thread(s), the faster) / Go birch-kmeans: {bt/g:.0f}x")
print(f"ratio sklearn KMeans ({kthr} thread(s), the faster) / Go birch-kmeans: {kt/g:.1f}x")
PY
