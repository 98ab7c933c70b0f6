package pruning

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// DefaultMinLayerDensity is the smallest fraction of its weights a layer
// keeps whatever the global threshold says, used when
// Settings.MinLayerDensity is zero.
const DefaultMinLayerDensity = 0.01

// entry is one weight in the global ranking: its saliency, layer and index.
type entry struct {
	s    float32
	l, i int32
}

// byRank orders entries by decreasing saliency; ties go to the earlier layer
// and then the lower index, so the selection is deterministic.
func byRank(a, b entry) int {
	if a.s != b.s {
		if a.s > b.s {
			return -1
		}
		return 1
	}
	if a.l != b.l {
		return cmp.Compare(a.l, b.l)
	}
	return cmp.Compare(a.i, b.i)
}

// MinKept is the per-layer floor SelectGlobal keeps in a layer of n
// weights: max(1, ⌈minDensity·n⌉), at most n.
func MinKept(n int, minDensity float64) int {
	m := int(math.Ceil(minDensity * float64(n)))
	return min(n, max(1, m))
}

// KeepCount is how many of total weights SelectGlobal keeps at keep:
// round(keep·total), at least 1.
func KeepCount(keep float64, total int) int {
	return max(1, int(math.Round(keep*float64(total))))
}

// Threshold is the result of thresholding one group of layers.
type Threshold struct {
	Masks [][]float32 // per layer, 1 = kept, 0 = pruned
	Kept  int         // exactly KeepCount(keep, total)
	// Value is the saliency of the least salient weight kept by the global
	// threshold (weights kept by the per-layer floor may lie below it).
	Value float32
}

// SelectGlobal keeps the round(keep·N) most salient of the N entries of
// sal (one slice per layer) under a single threshold shared by all layers,
// so per-layer keep rates follow from the data. Before the global
// selection each layer reserves its own ⌈minDensity·n⌉ (at least one) most
// salient weights, so no layer is pruned to nothing; the total stays exactly
// round(keep·N). Ties are broken by layer order, then index. Saliencies must
// not be NaN; a negative saliency marks an entry that should only be kept
// when nothing else is left.
func SelectGlobal(sal [][]float32, keep, minDensity float64) (Threshold, error) {
	if !(keep > 0 && keep <= 1) {
		return Threshold{}, fmt.Errorf("keep: must be in (0,1], got %g", keep)
	}
	if minDensity < 0 || minDensity > 1 {
		return Threshold{}, fmt.Errorf("min layer density: must be in [0,1], got %g", minDensity)
	}
	total := 0
	for _, s := range sal {
		total += len(s)
	}
	if total == 0 {
		return Threshold{}, fmt.Errorf("no weights to prune")
	}
	k := KeepCount(keep, total)
	t := Threshold{Masks: make([][]float32, len(sal)), Kept: k, Value: float32(math.Inf(1))}
	reserved := 0
	rest := make([]entry, 0, total)
	for l, s := range sal {
		t.Masks[l] = make([]float32, len(s))
		if len(s) == 0 {
			continue
		}
		es := make([]entry, len(s))
		for i, v := range s {
			if v != v {
				return Threshold{}, fmt.Errorf("layer %d: saliency of weight %d is NaN", l, i)
			}
			es[i] = entry{v, int32(l), int32(i)}
		}
		slices.SortFunc(es, byRank)
		m := MinKept(len(s), minDensity)
		for _, e := range es[:m] {
			t.Masks[l][e.i] = 1
		}
		reserved += m
		rest = append(rest, es[m:]...)
	}
	if reserved > k {
		return Threshold{}, fmt.Errorf("keep %g (%d of %d weights) is below the per-layer minimum of %d weights (min layer density %g)",
			keep, k, total, reserved, minDensity)
	}
	slices.SortFunc(rest, byRank)
	for _, e := range rest[:k-reserved] {
		t.Masks[e.l][e.i] = 1
		t.Value = e.s
	}
	return t, nil
}
