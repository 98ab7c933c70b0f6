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
			if o.only != "" && o.only != n+"/"+a {
				continue
			}
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
	return crossRates(dense, train, test, keeps, o.s, stdout)
}

// crossRates separates a criterion's per-layer allocation from its ranking
// within a layer: each criterion ranks the weights of a layer while the
// per-layer keep counts come from the other criterion's global threshold.
// The saliency variant is the one of o's -normalize and -accumulate flags.
func crossRates(dense *nn.Model, train, test *nn.Dataset, keeps []float64, o pruning.Settings, stdout io.Writer) error {
	mag, err := pruning.Scores(dense, dense.Params(), train, pruning.Settings{Criterion: "magnitude", Keep: 1})
	if err != nil {
		return err
	}
	so := pruning.Settings{Keep: 1, Normalize: o.Normalize, Accumulate: o.Accumulate, SaliencyBatch: o.SaliencyBatch}
	sal, err := pruning.Scores(dense, dense.Params(), train, so)
	if err != nil {
		return err
	}
	for _, c := range []struct {
		label        string
		rank, counts [][]float32
	}{{"saliency ranking, magnitude's layer rates", sal, mag}, {"magnitude ranking, saliency's layer rates", mag, sal}} {
		c.label = fmt.Sprintf("%s (%s/%s)", c.label, or(o.Normalize, "default"), or(o.Accumulate, "default"))
		fmt.Fprintf(stdout, "| %s | | |", c.label)
		for _, k := range keeps {
			th, err := pruning.SelectGlobal(c.counts, k, pruning.DefaultMinLayerDensity)
			if err != nil {
				return err
			}
			m := dense.Clone()
			for l, p := range m.Params() {
				var n int
				for _, v := range th.Masks[l] {
					n += int(v)
				}
				lt, err := pruning.SelectGlobal([][]float32{c.rank[l]}, float64(n)/float64(len(p.W)), 0)
				if err != nil {
					return err
				}
				p.Mask = lt.Masks[0]
			}
			acc, _ := nn.Evaluate(m, test)
			fmt.Fprintf(stdout, " %.2f%% |", 100*acc)
		}
		fmt.Fprintln(stdout)
	}
	return nil
}

// or is s, or def when s is empty.
func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
