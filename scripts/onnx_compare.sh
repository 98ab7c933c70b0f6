#!/bin/sh
# PyTorch versus dcsim on the ONNX fixtures: prints a Markdown table of
# MACs, weights and non-zero weights per network as PyTorch counted them
# (onnx/testdata/pytorch.json, from scripts/onnx_fixtures.py) and as
# `dcsim simulate --network FILE.onnx --format json` reports them, plus MNIST
# test accuracy for the LeNets (`dcsim eval --in FILE.onnx --format json`).
#
#   scripts/onnx_compare.sh
set -eu
cd "$(dirname "$0")/.."
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
go build -o "$DIR/dcsim" .
for f in onnx/testdata/*.onnx; do
	n=$(basename "$f" .onnx)
	"$DIR/dcsim" simulate --network "$f" --images 0 --format json >"$DIR/$n.sim.json"
	case $n in lenet-*) "$DIR/dcsim" eval --in "$f" --format json >"$DIR/$n.eval.json" ;; esac
done
/usr/bin/python3 - "$DIR" <<'PY'
import json, os, sys
d = sys.argv[1]
rec = json.load(open("onnx/testdata/pytorch.json"))
print(f"PyTorch {rec['torch_version']}, onnx {rec['onnx_version']}, opset {rec['opset']}\n")
print("| network | MACs PyTorch | MACs dcsim | weights PyTorch | weights dcsim | non-zero PyTorch | non-zero dcsim | layer densities equal | MNIST correct PyTorch | MNIST correct dcsim |")
print("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|")
for name, r in sorted(rec["networks"].items()):
    s = json.load(open(os.path.join(d, name + ".sim.json")))
    layers = {l["name"]: l for l in s["layers"]}
    nz_pt = sum(l["nonzero"] for l in r["layers"])
    nz_dc = round(sum(layers[l["name"]]["weights"] * layers[l["name"]]["weight_density"] for l in r["layers"]))
    dens = all(abs(layers[l["name"]]["weight_density"] - l["density"]) < 1e-12 for l in r["layers"])
    acc_pt = acc_dc = "–"
    if "test_correct" in r:
        e = json.load(open(os.path.join(d, name + ".eval.json")))
        acc_pt, acc_dc = f"{r['test_correct']}/{r['test_images']}", f"{round(e['test_accuracy'] * r['test_images'])}/{r['test_images']}"
    print(f"| {name} | {r['macs']} | {s['total']['macs']} | {r['weights']} | {s['total']['weights']} | {nz_pt} | {nz_dc} | {'yes' if dens else 'NO'} | {acc_pt} | {acc_dc} |")
PY
