#!/usr/bin/env bash
# Regenerates the example reports in reports/examples/ from the shipped
# sweeps and accelerators (docs/sweeps.md). Run from anywhere:
#
#   scripts/make_example_reports.sh            # sweeps and per-layer reports (~1 min)
#   scripts/make_example_reports.sh --models   # also accuracy vs compression:
#                                              # trains and prunes LeNet-300-100 on MNIST (~3 min)
#
# Everything runs under nice; intermediate results go to a temporary
# directory that is removed afterwards.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
models=false
[[ ${1:-} == --models ]] && models=true
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/dcsim" .
dcsim() { nice "$tmp/dcsim" "$@"; }
ex=reports/examples

# report DIR TITLE INPUTS... runs dcsim report inside $tmp, so the report
# names its inputs by their short names.
report() {
	local dir=$1 title=$2
	shift 2
	rm -rf "${ex:?}/$dir"
	local args=()
	for f in "$@"; do args+=(--in "$f"); done
	(cd "$tmp" && dcsim report --title "$title" "${args[@]}" --out "$repo/$ex/$dir" --format md >/dev/null)
}

# EIE design space: PEs x queue depth x codebook bits on EIE's benchmark layers,
# with the per-layer view of the published EIE configuration.
dcsim sweep --spec configs/sweeps/eie-design-space.yaml --out "$tmp/eie-design-space.jsonl" >/dev/null
dcsim simulate --accel configs/accelerators/eie.yaml --network configs/networks/eie-benchmarks.csv \
	--compression configs/compression/eie-benchmarks.yaml --format json >"$tmp/eie-layers.json"
report eie-design-space "EIE design space" eie-design-space.jsonl eie-layers.json

# Array shape x dataflow x buffers for AlexNet and VGG-16, dense and Deep
# Compression, with AlexNet's layers on the sparse systolic array.
dcsim sweep --spec configs/sweeps/array-dataflow-sram.yaml --out "$tmp/array-dataflow-sram.jsonl" >/dev/null
dcsim simulate --accel configs/accelerators/sparse-systolic-32x32.yaml --network alexnet \
	--compression configs/compression/deep-compression-alexnet.yaml --format json >"$tmp/alexnet-dc.json"
dcsim simulate --accel configs/accelerators/systolic-32x32.yaml --network vgg-16 --format json >"$tmp/vgg16-dense.json"
report array-dataflow-sram "Array shape, dataflow and buffer sizes: AlexNet and VGG-16" \
	array-dataflow-sram.jsonl alexnet-dc.json vgg16-dense.json

if $models; then
	# Accuracy vs compression of LeNet-300-100 (1 training epoch, one prune
	# round per point): the rows are dcsim eval/prune JSON with a name and a
	# series added.
	dcsim train --model lenet-300-100 --epochs 1 --seed 1 --out "$tmp/dense.npz" --format json >"$tmp/dense.json" 2>/dev/null
	row() { # NAME SERIES FILE: one JSON line with name and series added
		printf '{"name": "%s", "series": "%s", %s\n' "$1" "$2" "$(tr -d '\n' <"$3" | sed 's/^ *{//')"
	}
	row dense dense "$tmp/dense.json" >"$tmp/lenet-300-100.jsonl"
	for crit in magnitude saliency; do
		for keep in 0.2 0.08 0.04; do
			dcsim prune --in "$tmp/dense.npz" --criterion "$crit" --keep "$keep" --rounds 1 \
				--retrain-epochs 1 --final-epochs 1 --out "$tmp/p.npz" --format json >"$tmp/p.json" 2>/dev/null
			row "keep $keep" "$crit" "$tmp/p.json" >>"$tmp/lenet-300-100.jsonl"
		done
	done
	report lenet-300-100-compression "LeNet-300-100: accuracy vs compression" lenet-300-100.jsonl
fi
du -sh "$ex"/*
