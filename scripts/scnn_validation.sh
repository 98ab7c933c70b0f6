#!/bin/sh
# SCNN validation (docs/validation.md): SCNN against its dense baseline DCNN
# on the scnn dataflow, as in Parashar et al., ISCA 2017.
#
#   scripts/scnn_validation.sh sweep   GoogLeNet, uniform random weight and
#                                      activation density d/d, d = 1.0 … 0.1
#   scripts/scnn_validation.sh nets    AlexNet, VGG-16 (Deep Compression
#                                      weights, sourced activations), GoogLeNet
#                                      (assumed densities, see below)
#
# Prints DCNN compute cycles / SCNN compute cycles (SCNN's speedup) over the
# conv layers (the layers SCNN's Fig. 8 plots) and over all layers. Compute
# cycles leave out memory stalls: the DRAM bandwidth of the presets is our
# assumption, and the engine writes outputs uncompressed (their density is
# the next layer's business), so stalls would compare our memory
# assumptions, not the dataflows. Statistical closed form (densities); add
# MASK=1 for random weight masks drawn at the densities.
set -eu
cd "$(dirname "$0")/.."
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
go build -o "$DIR/dcsim" .
MASKFLAG=""
if [ "${MASK:-0}" = 1 ]; then MASKFLAG="--mask-accurate"; fi

# ratio NETWORK PROFILE LABEL
ratio() {
	for a in scnn dcnn; do
		"$DIR/dcsim" simulate --accel "configs/accelerators/$a.yaml" --network "$1" \
			--compression "$2" $MASKFLAG --format json >"$DIR/$a.json"
	done
	/usr/bin/python3 - "$DIR" "$3" <<'PY'
import json, sys, os
d, label = sys.argv[1], sys.argv[2]
r = {a: json.load(open(os.path.join(d, a + ".json"))) for a in ("scnn", "dcnn")}
conv = {a: sum(l["compute_cycles"] for l in r[a]["layers"] if l["kind"] == "conv") for a in r}
tot = {a: r[a]["total"]["compute_cycles"] for a in r}
print("%-28s conv: SCNN %10d  DCNN %10d  speedup %6.2fx   all layers: %6.2fx" % (
    label, conv["scnn"], conv["dcnn"], conv["dcnn"] / conv["scnn"], tot["dcnn"] / tot["scnn"]))
PY
}

# uniform NETWORK D: a profile giving every layer weight and activation density D
uniform() {
	"$DIR/dcsim" simulate --network "$1" --format csv |
		/usr/bin/python3 -c '
import csv, sys
d = sys.argv[1]
print("version: 1\nseed: 1\nlayers:")
for row in csv.DictReader(sys.stdin):
    if row["kind"] in ("conv", "fc"):
        print("  \"%s\": {weight_density: %s, activation_density: %s}" % (row["layer"], d, d))
' "$2" >"$DIR/uniform.yaml"
}

case "${1:-sweep}" in
sweep)
	for d in 1.0 0.9 0.85 0.8 0.7 0.6 0.5 0.4 0.3 0.2 0.1; do
		uniform googlenet "$d"
		ratio googlenet "$DIR/uniform.yaml" "googlenet $d/$d"
	done
	;;
nets)
	ratio alexnet configs/compression/scnn-alexnet.yaml "alexnet (DC + Cnvlutin)"
	ratio vgg-16 configs/compression/scnn-vgg16.yaml "vgg-16 (DC + Cnvlutin)"
	# GoogLeNet: no published per-layer weight densities were found; assume
	# the mean Deep Compression conv density of AlexNet and VGG-16 (0.35)
	# and Cnvlutin's 0.56 activations everywhere but the image.
	"$DIR/dcsim" simulate --network googlenet --format csv | /usr/bin/python3 -c '
import csv, sys
print("version: 1\nseed: 1\nlayers:")
for row in csv.DictReader(sys.stdin):
    if row["kind"] in ("conv", "fc"):
        a = "" if row["layer"].startswith("conv1/") else ", activation_density: 0.56"
        print("  \"%s\": {weight_density: 0.35%s}" % (row["layer"], a))
' >"$DIR/googlenet.yaml"
	ratio googlenet "$DIR/googlenet.yaml" "googlenet (assumed 0.35/0.56)"
	;;
*)
	echo "usage: $0 sweep|nets" >&2
	exit 2
	;;
esac
