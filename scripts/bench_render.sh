#!/bin/sh
# Table rendering cost of a long network, old binary vs new, interleaved.
# Usage: scripts/bench_render.sh OLD_DCSIM NEW_DCSIM [LAYERS] [REPS]
# Builds a SCALE-Sim topology of LAYERS identical small conv layers and times
# `simulate --network it.csv` as a text table and as CSV with each binary.
set -e
old=$1 new=$2 n=${3:-20000} reps=${4:-3}
csv=$(mktemp --suffix=.csv)
trap 'rm -f "$csv"' EXIT
echo "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides," > "$csv"
i=0
while [ $i -lt "$n" ]; do echo "l$i, 16, 16, 3, 3, 8, 8, 1,"; i=$((i+1)); done >> "$csv"
echo "load: $(uptime)"
for r in $(seq "$reps"); do
  for bin in "$old" "$new"; do
    for f in table csv; do
      s=$(date +%s.%N)
      "$bin" simulate --network "$csv" --format $f > /dev/null
      e=$(date +%s.%N)
      echo "rep $r $(basename "$bin") $f $(echo "$e - $s" | bc) s"
    done
  done
done
