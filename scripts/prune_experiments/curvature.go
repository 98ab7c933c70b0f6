package main

import (
	"fmt"
	"io"
	"math"
	"sort"

	"github.com/dcsim/dcsim/nn"
	"github.com/dcsim/dcsim/pruning"
)

// curvature prints, per layer, how the two terms of the obd curvature
// H_ii = F_i + λ compare on the dense model: F_i = Σ_n (g_i^n)²/N is the
// empirical Fisher from per-sample gradients, λ the retraining weight decay.
// F_i is recovered from the fisher score without normalisation,
// |w_i|·√(Σ_n (g_i^n)²), for every weight with w_i ≠ 0.
func curvature(dense *nn.Model, train *nn.Dataset, stdout io.Writer) error {
	ps := dense.Params()
	sc, err := pruning.Scores(dense, ps, train, pruning.Settings{Keep: 1, Accumulate: "fisher", Normalize: "none"})
	if err != nil {
		return err
	}
	lambda := nn.DefaultTrainSettings(dense.Arch.Name).WeightDecay
	fmt.Fprintf(stdout, "empirical Fisher F = Σ_n g_n²/N over %d samples versus weight decay λ = %g\n\n", train.N, lambda)
	fmt.Fprintln(stdout, "| layer | median F | mean F | 90th pct F | weights with F > λ |")
	fmt.Fprintln(stdout, "|---|--:|--:|--:|--:|")
	for l, p := range ps {
		var f []float64
		for i, w := range p.W {
			if w != 0 {
				r := float64(sc[l][i]) / math.Abs(float64(w))
				f = append(f, r*r/float64(train.N))
			}
		}
		if len(f) == 0 {
			continue
		}
		sort.Float64s(f)
		var sum float64
		var above int
		for _, v := range f {
			sum += v
			if v > lambda {
				above++
			}
		}
		fmt.Fprintf(stdout, "| %s | %.2g | %.2g | %.2g | %.1f%% |\n", p.Layer, f[len(f)/2], sum/float64(len(f)),
			f[len(f)*9/10], 100*float64(above)/float64(len(f)))
	}
	return nil
}
