#!/bin/sh
# bench_train.sh — training speed of dcsim's Go engine against PyTorch on the
# same machine in one run: LeNet-300-100 and LeNet-5, same architecture,
# batch, optimiser and data (see scripts/torch_train.py). PyTorch runs with
# torch.set_num_threads(1) and (2); the faster is the peer. Seconds per epoch
# count training steps only (no data loading, no evaluation).
#
# A second table gives CPU milliseconds per training step (all threads, on a
# fixed batch of 64: nn's BenchmarkTrainStep* and torch_train.py
# --step-bench), which other load on a shared machine distorts far less than
# wall time.
#
# Usage: scripts/bench_train.sh [EPOCHS]   (default 2 epochs per run)
# Env:   MODELS="lenet-300-100 lenet-5"  PYTHON=/usr/bin/python3  WORKERS=2
# Needs Debian's python3-torch for the PyTorch half; without it only the Go
# numbers are printed.
set -eu
cd "$(dirname "$0")/.."
EPOCHS=${1:-2}
MODELS=${MODELS:-"lenet-300-100 lenet-5"}
PYTHON=${PYTHON:-/usr/bin/python3}
WORKERS=${WORKERS:-2}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/dcsim" .

have_torch=0
if "$PYTHON" -c 'import torch' 2>/dev/null; then have_torch=1; fi

sperepoch() { sed -n 's/.*, \([0-9.]*\) s\/epoch.*/\1/p' "$1" | tail -1; }
accuracy() { sed -n 's/.*test accuracy \([0-9.]*\),.*/\1/p' "$1" | tail -1; }

echo "| model | epochs | Go s/epoch (workers=$WORKERS) | PyTorch 1 thread | PyTorch 2 threads | peer | speed-up vs peer |"
echo "|---|---|---|---|---|---|---|"
for m in $MODELS; do
	"$tmp/dcsim" train --model "$m" --epochs "$EPOCHS" --workers "$WORKERS" --format json 2>"$tmp/go.out" >/dev/null
	g=$(sperepoch "$tmp/go.out")
	t1=n/a t2=n/a peer=n/a ratio=n/a
	if [ $have_torch = 1 ]; then
		"$PYTHON" scripts/torch_train.py --model "$m" --epochs "$EPOCHS" --threads 1 >"$tmp/t1.out"
		"$PYTHON" scripts/torch_train.py --model "$m" --epochs "$EPOCHS" --threads 2 >"$tmp/t2.out"
		t1=$(sperepoch "$tmp/t1.out")
		t2=$(sperepoch "$tmp/t2.out")
		peer=$(awk -v a="$t1" -v b="$t2" 'BEGIN { if (a <= b) print "1 thread"; else print "2 threads" }')
		ratio=$(awk -v a="$t1" -v b="$t2" -v g="$g" 'BEGIN { p = (a <= b) ? a : b; printf "%.2f×", p / g }')
	fi
	echo "| $m | $EPOCHS | $g | $t1 | $t2 | $peer | $ratio |"
done

echo
echo "| model | Go cpu-ms/step (2 workers) | PyTorch 1 thread cpu-ms/step | PyTorch 2 threads cpu-ms/step |"
echo "|---|---|---|---|"
go test ./nn -run '^$' -bench 'TrainStepLeNet(5|300)$' -benchtime 100x >"$tmp/gostep.out"
cpums() { sed -n "s/^BenchmarkTrainStep$1-[0-9]* .* \([0-9.]*\) cpu-ms\/step.*/\1/p" "$tmp/gostep.out"; }
for m in $MODELS; do
	case $m in lenet-5) g=$(cpums LeNet5) ;; *) g=$(cpums LeNet300) ;; esac
	t1=n/a t2=n/a
	if [ $have_torch = 1 ]; then
		t1=$("$PYTHON" scripts/torch_train.py --model "$m" --threads 1 --step-bench 100 | sed -n 's/.*, \([0-9.]*\) cpu-ms.*/\1/p')
		t2=$("$PYTHON" scripts/torch_train.py --model "$m" --threads 2 --step-bench 100 | sed -n 's/.*, \([0-9.]*\) cpu-ms.*/\1/p')
	fi
	echo "| $m | $g | $t1 | $t2 |"
done
