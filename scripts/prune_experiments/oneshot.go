package main

import (
	"fmt"
	"io"

	"github.com/dcsim/dcsim/nn"
	"github.com/dcsim/dcsim/pruning"
)

// oneShot compares criteria without retraining: every weight of the dense
// model is scored once, one global threshold keeps each fraction, and the
// masked model is evaluated as is. This isolates the ranking quality of a
// criterion (and of each saliency normalisation and accumulation) from the
// retraining that follows in Prune.
func oneShot(o options, dense *nn.Model, train, test *nn.Dataset, keeps []float64, stdout io.Writer) error {
	type variant struct{ crit, norm, acc string }
	vs := []variant{{"magnitude", "", ""}}
	for _, n := range pruning.Normalizations() {
		for _, a := range pruning.Accumulations() {
			vs = append(vs, variant{"saliency", n, a})
		}
	}
	fmt.Fprint(stdout, "| criterion | normalize | accumulate |")
	for _, k := range keeps {
		fmt.Fprintf(stdout, " keep %g |", k)
	}
	fmt.Fprintln(stdout)
	fmt.Fprint(stdout, "|---|---|---|")
	for range keeps {
		fmt.Fprint(stdout, "---|")
	}
	fmt.Fprintln(stdout)
	for _, v := range vs {
		s := pruning.Settings{Criterion: v.crit, Normalize: v.norm, Accumulate: v.acc, Keep: 1, SaliencyBatch: o.s.SaliencyBatch}
		scores, err := pruning.Scores(dense, dense.Params(), train, s)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "| %s | %s | %s |", v.crit, v.norm, v.acc)
		for _, k := range keeps {
			th, err := pruning.SelectGlobal(scores, k, pruning.DefaultMinLayerDensity)
			if err != nil {
				return err
			}
			m := dense.Clone()
			for l, p := range m.Params() {
				p.Mask = th.Masks[l]
			}
			acc, _ := nn.Evaluate(m, test)
			fmt.Fprintf(stdout, " %.2f%% |", 100*acc)
		}
		fmt.Fprintln(stdout)
	}
	return nil
}
