#!/bin/sh
# bench_train.sh — training speed of dcsim's engine against PyTorch on this
# machine, interleaved: each repetition runs every configuration once, one
# after the other, so load from other work on a shared machine hits all of
# them alike. Models LeNet-300-100 and LeNet-5 on MNIST, batch 64, SGD with
# momentum and weight decay (scripts/trainbench, scripts/torch_train.py),
# dense and at DENSITY with every layer masked to a random fraction of its
# weights, masks frozen (the retraining of a pruned network).
#
# Configurations per model and density:
#   dcsim         scripts/trainbench (dcsim's nn.Train, 2 workers; masked
#                 layers on the sparse kernels where their density pays)
#   dcsim-dense   masked models only: the same on the dense kernels
#   dcsim-base    with BASE=<git ref>: the engine at that commit (before)
#   torch         PyTorch, torch.set_num_threads(1), OMP_WAIT_POLICY=PASSIVE
#   torch-ob1     the same with OPENBLAS_NUM_THREADS=1
# The faster PyTorch configuration (median wall) is the peer.
#
# Reported per configuration: median wall and CPU seconds per epoch (CPU =
# user + system time of all threads, training steps only), and the useful
# GFLOP/s per CPU-second, 2 × multiply-accumulates of forward + backward
# (density × the dense count for masked models) ÷ CPU seconds, also as a
# share of one core's FMA peak: cpu MHz (/proc/cpuinfo) × 2 FMA pipes × 8
# float32 lanes × 2 FLOP (AMD Zen 3 / family 25 here).
#
# With TRAIN=N each run trains on the first N of MNIST's 60 000 training
# images and both drivers scale their times to a full epoch (× 60000/N),
# which keeps a repetition short on a loaded machine.
#
# Usage: scripts/bench_train.sh [REPS]     (default 3 repetitions)
# Env:   MODELS="lenet-300-100 lenet-5"  DENSITY=0.04  EPOCHS=1  TRAIN=0 (all)
#        BASE=<git ref> (also time that commit's engine)  PYTHON=/usr/bin/python3
set -eu
cd "$(dirname "$0")/.."
REPS=${1:-3}
MODELS=${MODELS:-"lenet-300-100 lenet-5"}
DENSITY=${DENSITY:-0.04}
EPOCHS=${EPOCHS:-1}
TRAIN=${TRAIN:-0}
PYTHON=${PYTHON:-/usr/bin/python3}
BASE=${BASE:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/new" ./scripts/trainbench
if [ -n "$BASE" ]; then
	# The base commit's engine, driven by this trainbench minus the
	# settings the base does not have (lines marked bench:new).
	mkdir "$tmp/base"
	git archive "$BASE" | tar -x -C "$tmp/base"
	mkdir -p "$tmp/base/scripts/trainbench"
	grep -v 'bench:new' scripts/trainbench/main.go >"$tmp/base/scripts/trainbench/main.go"
	# Bases older than internal/proctime (the CPU-time helper trainbench
	# uses) get today's copy: a leaf package, not part of the engine.
	[ -d "$tmp/base/internal/proctime" ] || cp -r internal/proctime "$tmp/base/internal/"
	(cd "$tmp/base" && go build -o "$tmp/old" ./scripts/trainbench)
fi
"$PYTHON" -c 'import torch' || { echo "bench_train.sh: PyTorch missing (apt-get install python3-torch)" >&2; exit 2; }
mhz=$(sed -n 's/^cpu MHz[^:]*: *//p' /proc/cpuinfo | head -1)
res="$tmp/results.tsv"
: >"$res"

# run CONFIG MODEL DENS CMD... : appends "config model dens wall cpu" to res.
run() {
	cfg=$1 m=$2 d=$3
	shift 3
	line=$("$@" | tail -1)
	wall=$(echo "$line" | sed -n 's/.* \([0-9.]*\) s\/epoch.*/\1/p')
	cpu=$(echo "$line" | sed -n 's/.* \([0-9.]*\) cpu-s\/epoch.*/\1/p')
	printf '%s\t%s\t%s\t%s\t%s\n' "$cfg" "$m" "$d" "$wall" "$cpu" >>"$res"
	printf '%s %s %s: %s s wall, %s s CPU\n' "$cfg" "$m" "$d" "$wall" "$cpu" >&2
}

echo "machine: $(nproc) cores, cpu MHz $mhz; load before: $(uptime | sed 's/.*load average: //')" >&2
loads=""
for rep in $(seq "$REPS"); do
	for m in $MODELS; do
		for d in 0 "$DENSITY"; do
			run dcsim "$m" "$d" "$tmp/new" -model "$m" -density "$d" -epochs "$EPOCHS" -train "$TRAIN"
			if [ "$d" != 0 ]; then
				run dcsim-dense "$m" "$d" "$tmp/new" -model "$m" -density "$d" -epochs "$EPOCHS" -train "$TRAIN" -dense-kernels
			fi
			if [ -n "$BASE" ]; then
				run dcsim-base "$m" "$d" "$tmp/old" -model "$m" -density "$d" -epochs "$EPOCHS" -train "$TRAIN"
			fi
			run torch "$m" "$d" env OMP_WAIT_POLICY=PASSIVE "$PYTHON" scripts/torch_train.py \
				--model "$m" --density "$d" --epochs "$EPOCHS" --train "$TRAIN" --threads 1 --no-test
			run torch-ob1 "$m" "$d" env OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=1 "$PYTHON" scripts/torch_train.py \
				--model "$m" --density "$d" --epochs "$EPOCHS" --train "$TRAIN" --threads 1 --no-test
		done
	done
	loads="$loads $(uptime | sed 's/.*load average: \([0-9.]*\),.*/\1/')"
	echo "repetition $rep done; load average (1 min) $(uptime | sed 's/.*load average: //')" >&2
done

echo "Load average (1 min) after each repetition:$loads; $(nproc) cores, cpu MHz $mhz; $REPS repetitions, EPOCHS=$EPOCHS TRAIN=$TRAIN."
echo
echo "| model | density | config | wall s/epoch | CPU s/epoch | GFLOP/s per CPU-s | % of 1-core FMA peak |"
echo "|---|---|---|--:|--:|--:|--:|"
# Multiply-accumulates per training sample, forward + weight gradient +
# input gradient (none for the first layer): LeNet-300-100
# 2·235200 + 3·(30000 + 1000); LeNet-5 2·288000 + 3·(1600000 + 400000 + 5000).
sort -k2,2 -k3,3n -k1,1 "$res" | awk -F'\t' -v mhz="$mhz" '
function median(s,   n, a, i, j, t) {
	n = split(s, a, " ")
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{ k = $2 "\t" $3 "\t" $1; if (!(k in w)) order[++nk] = k; w[k] = w[k] " " $4; c[k] = c[k] " " $5 }
END {
	mac["lenet-300-100"] = 563400; mac["lenet-5"] = 6591000
	peak = mhz / 1000 * 32
	for (i = 1; i <= nk; i++) {
		split(order[i], f, "\t")
		mw = median(w[order[i]]); mc = median(c[order[i]])
		d = (f[2] == 0) ? 1 : f[2]
		gf = 2 * mac[f[1]] * 60000 * d / mc / 1e9
		printf "| %s | %s | %s | %.2f | %.2f | %.1f | %.0f %% |\n", f[1], f[2], f[3], mw, mc, gf, 100 * gf / peak
		W[f[1] "\t" f[2] "\t" f[3]] = mw; C[f[1] "\t" f[2] "\t" f[3]] = mc
		pair[f[1] "\t" f[2]] = 1
	}
	print ""
	print "| model | density | peer | wall: peer ÷ dcsim | CPU: peer ÷ dcsim | wall: dcsim-dense ÷ dcsim | CPU: dcsim-dense ÷ dcsim | wall: dcsim-base ÷ dcsim | CPU: dcsim-base ÷ dcsim |"
	print "|---|---|---|--:|--:|--:|--:|--:|--:|"
	for (p in pair) {
		t = W[p "\ttorch"]; o = W[p "\ttorch-ob1"]
		peer = (t <= o) ? "torch" : "torch-ob1"
		g = W[p "\tdcsim"]
		gc = C[p "\tdcsim"]
		sd = (W[p "\tdcsim-dense"] > 0) ? sprintf("%.2f× | %.2f×", W[p "\tdcsim-dense"] / g, C[p "\tdcsim-dense"] / gc) : "– | –"
		nb = (W[p "\tdcsim-base"] > 0) ? sprintf("%.2f× | %.2f×", W[p "\tdcsim-base"] / g, C[p "\tdcsim-base"] / gc) : "– | –"
		printf "| %s | %s | %s | %.2f× | %.2f× | %s | %s |\n", substr(p, 1, index(p, "\t") - 1), substr(p, index(p, "\t") + 1), peer, W[p "\t" peer] / g, C[p "\t" peer] / gc, sd, nb
	}
}'
