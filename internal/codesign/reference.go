package codesign

import (
	"cmp"
	"math"
	"slices"
)

// The accuracy reference. A candidate is held to what one global
// threshold achieves with as many weights: the proxy accuracy of the
// global-threshold ladder (Settings.GlobalKeeps), interpolated linearly in
// log(weights) between its rungs and constant beyond its ends. Measured
// against dense instead, no candidate of a converged LeNet-5 is admissible:
// the proxy's tenth of an epoch recovers about 0.5–1 point less than real
// retraining at 8–15 % density, for every allocation alike
// (docs/results.md), so only differences at equal size carry information.

// reference returns the interpolation of the ladder candidates of cs (by
// weights), or nil when cs has none.
func reference(cs []Candidate) func(weights int64) float64 {
	var rungs []*Candidate
	for i := range cs {
		if cs[i].Series == "global" {
			rungs = append(rungs, &cs[i])
		}
	}
	if len(rungs) == 0 {
		return nil
	}
	slices.SortStableFunc(rungs, func(a, b *Candidate) int { return cmp.Compare(a.Weights, b.Weights) })
	return func(w int64) float64 {
		x := math.Log(float64(max(w, 1)))
		if w <= rungs[0].Weights {
			return rungs[0].Accuracy
		}
		for i := 1; i < len(rungs); i++ {
			if w <= rungs[i].Weights {
				a, b := rungs[i-1], rungs[i]
				xa, xb := math.Log(float64(a.Weights)), math.Log(float64(b.Weights))
				if xb == xa {
					return b.Accuracy
				}
				return a.Accuracy + (b.Accuracy-a.Accuracy)*(x-xa)/(xb-xa)
			}
		}
		return rungs[len(rungs)-1].Accuracy
	}
}

// setReferences fills every candidate's Reference (no-op without a ladder).
func setReferences(cs []Candidate) {
	ref := reference(cs)
	if ref == nil {
		return
	}
	for i := range cs {
		cs[i].Reference = ref(cs[i].Weights)
	}
}
