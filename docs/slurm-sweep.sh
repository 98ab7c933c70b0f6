#!/usr/bin/env bash
# A dcsim sweep as a Slurm job array: one array task per shard.
#
#   sbatch --array=0-7 docs/slurm-sweep.sh configs/sweeps/array-dataflow-sram.yaml results/
#   # when all tasks are done:
#   dcsim merge --complete --out results/all.jsonl results/shard-*.jsonl
#   dcsim report --in results/all.jsonl --out results/report/
#
# The shard count is the array size (SLURM_ARRAY_TASK_COUNT), the shard
# index SLURM_ARRAY_TASK_ID; the array must start at 0 and have no gaps.
# Each task resumes its own file, so a requeued or resubmitted task continues
# where it stopped (Slurm sends SIGTERM before killing; dcsim flushes what
# finished). Submit from the repository root: the spec's paths are relative
# to the working directory.
#SBATCH --job-name=dcsim-sweep
#SBATCH --cpus-per-task=2
#SBATCH --mem=1G
#SBATCH --time=04:00:00
#SBATCH --requeue
#SBATCH --signal=TERM@60
#SBATCH --output=slurm-%A_%a.out
set -euo pipefail

spec=${1:?usage: sbatch --array=0-N-1 slurm-sweep.sh SPEC.yaml OUTDIR}
outdir=${2:?usage: sbatch --array=0-N-1 slurm-sweep.sh SPEC.yaml OUTDIR}
: "${SLURM_ARRAY_TASK_ID:?run as a job array: sbatch --array=0-N-1}"
shards=${SLURM_ARRAY_TASK_COUNT:?run as a job array: sbatch --array=0-N-1}
dcsim=${DCSIM:-dcsim}

mkdir -p "$outdir"
exec "$dcsim" sweep --spec "$spec" \
	--shard "${SLURM_ARRAY_TASK_ID}/${shards}" \
	--workers "${SLURM_CPUS_PER_TASK:-0}" \
	--out "${outdir}/shard-${SLURM_ARRAY_TASK_ID}.jsonl" --resume \
	--format json
