#!/bin/sh
# codesign_ceiling.sh — how much faster than one global threshold any
# conv/FC split of the same number of weights can be on a machine, whatever
# it costs in accuracy: the simulator's side of issue 11's 1.5× target.
#
# For LeNet-5 (conv 25,500 weights, FC 405,000) and the ladder rung KEEP of
# all 430,500 weights (W = KEEP × 430,500), it runs `dcsim codesign` on a
# grid whose diagonal holds the splits of exactly W weights (conv keep c,
# FC keep (W − 25,500·c) / 405,000, masks from the same saliency pass), and
# prints each split's simulated latency and energy against the global rung
# of W weights. Accuracy plays no part: the proxy is cut to one image
# (--proxy-images 1) and the grid's choice is ignored. Results go to DIR.
#
# Usage: scripts/codesign_ceiling.sh MODEL [DIR]      (default out/codesign-ceiling)
# Env:   MACHINES="scnn scnn-eie"  KEEP=0.08  PYTHON=/usr/bin/python3
set -eu
cd "$(dirname "$0")/.."
MODEL=$1
DIR=${2:-out/codesign-ceiling}
MACHINES=${MACHINES:-"scnn scnn-eie"}
KEEP=${KEEP:-0.08}
PYTHON=${PYTHON:-/usr/bin/python3}
CONV="0.02 0.03 0.05 0.07 0.1 0.15 0.2 0.3 0.5 0.7 1"
mkdir -p "$DIR"
bin="$DIR/dcsim"
go build -o "$bin" .
fc=$("$PYTHON" -c "import sys; k=float(sys.argv[1]); w=k*430500
print(','.join('%.5f' % ((w-25500*float(c))/405000) for c in sys.argv[2:]))" "$KEEP" $CONV)
for a in $MACHINES; do
	"$bin" codesign --in "$MODEL" --accel "$a" --no-retrain --search grid --proxy-images 1 \
		--global-keep "$KEEP" --conv-keep "$(echo $CONV | tr ' ' ,)" --fc-keep "$fc" \
		--format json --out "$DIR/ceiling-$a.json" >/dev/null 2>"$DIR/ceiling-$a.log"
done
"$PYTHON" - "$KEEP" "$CONV" "$fc" "$DIR" $MACHINES <<'PY'
import json, sys
keep, conv, fc, d = float(sys.argv[1]), sys.argv[2].split(), sys.argv[3].split(','), sys.argv[4]
pairs = {(round(float(c), 6), round(float(f), 6)) for c, f in zip(conv, fc)}
for m in sys.argv[5:]:
    r = json.load(open(f"{d}/ceiling-{m}.json"))
    g = [c for c in r["candidates"] if c["series"] == "global"][0]
    print(f"\n{m}: global threshold keep {keep:g}: {g['nonzero_weights']} weights, "
          f"{g['latency_us']:.3f} µs, {g['energy_pj']/1e6:.3f} µJ")
    print("| conv keep | FC keep | weights | latency µs | global ÷ split | energy µJ |")
    print("|--:|--:|--:|--:|--:|--:|")
    for c in sorted(r["candidates"], key=lambda c: c["conv_keep"]):
        # codesign's own floor line (names "floor …") holds the same splits
        # to the weight; the grid's diagonal is printed once.
        if c["series"] != "candidates" or c["name"].startswith("floor ") or \
                (round(c["conv_keep"], 6), round(c["fc_keep"], 6)) not in pairs:
            continue
        print(f"| {c['conv_keep']:g} | {c['fc_keep']:.4f} | {c['nonzero_weights']} | {c['latency_us']:.3f} | "
              f"{g['latency_us']/c['latency_us']:.2f}× | {c['energy_pj']/1e6:.3f} |")
PY
