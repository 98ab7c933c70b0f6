#!/bin/sh
# codesign_seeds.sh — issue 11's comparison over several seeds: for each
# seed, train LeNet-5 (`dcsim train --seed S`), run `dcsim codesign` with its
# defaults on each machine, and tabulate dense / global threshold /
# co-designed accuracy (held-out half of the test set), latency and energy
# per seed with the mean ± std of the latency gain and the accuracy gaps
# (scripts/codesign_seeds.py). Models and JSON results go to DIR and are
# reused when present, so an interrupted run continues.
#
# Usage: scripts/codesign_seeds.sh [DIR]          (default out/codesign-seeds)
# Env:   SEEDS="1 2 3"  MACHINES="scnn-eie scnn"  PYTHON=/usr/bin/python3
set -eu
cd "$(dirname "$0")/.."
DIR=${1:-out/codesign-seeds}
SEEDS=${SEEDS:-"1 2 3"}
MACHINES=${MACHINES:-"scnn-eie scnn"}
PYTHON=${PYTHON:-/usr/bin/python3}
mkdir -p "$DIR"
bin="$DIR/dcsim"
go build -o "$bin" .
for s in $SEEDS; do
	m="$DIR/lenet5-s$s.npz"
	[ -f "$m" ] || "$bin" train --model lenet-5 --seed "$s" --out "$m" >"$DIR/train-s$s.txt"
	for a in $MACHINES; do
		j="$DIR/cd-$a-s$s.json"
		[ -f "$j" ] || "$bin" codesign --in "$m" --accel "$a" --format json --out "$j" >/dev/null 2>"$DIR/cd-$a-s$s.log"
	done
done
"$PYTHON" scripts/codesign_seeds.py "$DIR"/cd-*-s*.json
