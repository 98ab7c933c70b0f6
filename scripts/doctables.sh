#!/bin/sh
# Regenerate or check the tables in docs/ that the code produces.
#
#   scripts/doctables.sh           check: fail if a generated block differs
#   scripts/doctables.sh -update   rewrite the blocks from the code
#
# A generated block sits between "<!-- begin generated: NAME -->" and
# "<!-- end generated: NAME -->" in a doc; the test that computes it
# compares it with the doc (so `go test ./...`, and CI, fail on drift) and
# rewrites it with -update. Blocks: sim-alexnet-cycles, sim-network-totals
# (docs/simulator.md, sim.TestDocTable); sim-eie-latency, sim-eie-energy
# (docs/validation.md, sim.TestEIEValidationTable). About 10 s.
#
# Not generated here, because they take minutes of MNIST training: the
# clustering tables of docs/results.md (go run ./scripts/cluster_results)
# and the pruning tables (go run ./scripts/prune_experiments); each table
# there names the command that produced it.
set -eu
cd "$(dirname "$0")/.."
case "${1:-}" in
-update) go test -count=1 -run '^(TestDocTable|TestEIEValidationTable)$' ./sim -update ;;
"") go test -count=1 -run '^(TestDocTable|TestEIEValidationTable)$' ./sim ;;
*) echo "usage: scripts/doctables.sh [-update]" >&2; exit 2 ;;
esac
