#!/bin/sh
# bench_pruned.sh — the frozen-mask retraining epoch of a really pruned
# model (a dcsim model file, e.g. the output of `dcsim prune`) on dcsim's
# sparse kernels against the same model on the dense kernels, interleaved:
# each repetition runs every configuration once, one after the other, so
# load from other work on a shared machine hits them alike
# (scripts/trainbench -in FILE, batch 64, 2 workers, one epoch).
#
# Configurations:
#   sparse   masked layers on the sparse kernels where their density pays
#   dense    the same model and masks on the dense kernels (-dense-kernels)
#   base     with BASE=<git ref>: the sparse kernels of that commit
#
# Reported: each run's wall and CPU seconds per epoch, the load average
# after each repetition, then per configuration the median wall and CPU
# seconds, the useful GFLOP/s per CPU-second (2 × the model's non-zero
# multiply-accumulates × 3 passes — forward, weight and input gradient —
# × 60 000 images ÷ CPU seconds, as BENCHMARKS.md counts them) and the
# dense ÷ sparse ratios (median of the per-repetition ratios).
#
# Usage: scripts/bench_pruned.sh FILE.npz [REPS]   (default 3 repetitions)
# Env:   BASE=<git ref>
set -eu
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: scripts/bench_pruned.sh FILE.npz [REPS]" >&2; exit 2; }
FILE=$1
REPS=${2:-3}
BASE=${BASE:-}
[ -f "$FILE" ] || { echo "bench_pruned.sh: $FILE: no such file" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/new" ./scripts/trainbench
go build -o "$tmp/dcsim" .
if [ -n "$BASE" ]; then
	mkdir "$tmp/base"
	git archive "$BASE" | tar -x -C "$tmp/base"
	(cd "$tmp/base" && go build -o "$tmp/old" ./scripts/trainbench)
fi
macs=$("$tmp/dcsim" eval --in "$FILE" --format json | sed -n 's/^  "nonzero_macs": \([0-9]*\),*$/\1/p')
[ -n "$macs" ] || { echo "bench_pruned.sh: $FILE: no non-zero MAC count from dcsim eval" >&2; exit 2; }
res="$tmp/results.tsv"
: >"$res"

# run CONFIG REP CMD... : appends "config rep wall cpu" to res.
run() {
	cfg=$1 rep=$2
	shift 2
	line=$("$@" | tail -1)
	wall=$(echo "$line" | sed -n 's/.* \([0-9.]*\) s\/epoch.*/\1/p')
	cpu=$(echo "$line" | sed -n 's/.* \([0-9.]*\) cpu-s\/epoch.*/\1/p')
	printf '%s\t%s\t%s\t%s\n' "$cfg" "$rep" "$wall" "$cpu" >>"$res"
	printf '%s rep %s: %s s wall, %s s CPU\n' "$cfg" "$rep" "$wall" "$cpu" >&2
}

echo "machine: $(nproc) cores; model $FILE, $macs non-zero MACs per image; load before: $(uptime | sed 's/.*load average: //')" >&2
for rep in $(seq "$REPS"); do
	run sparse "$rep" "$tmp/new" -in "$FILE"
	run dense "$rep" "$tmp/new" -in "$FILE" -dense-kernels
	[ -z "$BASE" ] || run base "$rep" "$tmp/old" -in "$FILE"
	echo "load after repetition $rep: $(uptime | sed 's/.*load average: //')" >&2
done

echo "| config | wall s/epoch (median) | CPU s/epoch (median) | useful GFLOP/s per CPU-s | wall: dense ÷ this | CPU: dense ÷ this |"
echo "|---|--:|--:|--:|--:|--:|"
awk -F'\t' -v macs="$macs" '
	function median(a, n,    i, j, t) {
		for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
		return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
	}
	{ w[$1, $2] = $3; c[$1, $2] = $4; if (!($1 in seen)) { seen[$1] = 1; order[++nc] = $1 }; if ($2 > reps) reps = $2 }
	END {
		for (k = 1; k <= nc; k++) {
			cfg = order[k]
			n = 0
			for (r = 1; r <= reps; r++) if ((cfg, r) in w) { n++; ww[n] = w[cfg, r]; cc[n] = c[cfg, r]; rw[n] = w["dense", r] / w[cfg, r]; rc[n] = c["dense", r] / c[cfg, r] }
			mc = median(cc, n)
			printf "| %s | %.2f | %.2f | %.1f | %.2f× | %.2f× |\n", cfg, median(ww, n), mc, 6 * macs * 60000 / mc / 1e9, median(rw, n), median(rc, n)
		}
	}' "$res"
