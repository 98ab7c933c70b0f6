package reports

import (
	"cmp"
	"math"
	"slices"
)

// Front returns the indices of the Pareto-optimal points: objs[i] holds
// point i's objectives, every one minimised (negate one to maximise it),
// and point a dominates b when a is ≤ b in every objective and < in one.
// A nil objs[i], or one with a NaN or infinite value, leaves point i out;
// of exactly equal points the first is kept. The front is sorted by the
// first objective, then the second, …, then index. Two objectives take
// O(n log n) (sort, then keep each point below every earlier one in the
// second objective); more take O(n²) comparisons.
func Front(objs [][]float64) []int {
	idx := make([]int, 0, len(objs))
	for i, o := range objs {
		if o != nil && allFinite(o) {
			idx = append(idx, i)
		}
	}
	slices.SortFunc(idx, func(a, b int) int {
		for k := range objs[a] {
			if c := cmp.Compare(objs[a][k], objs[b][k]); c != 0 {
				return c
			}
		}
		return cmp.Compare(a, b)
	})
	if len(idx) > 0 && len(objs[idx[0]]) == 2 {
		return front2(objs, idx)
	}
	return frontN(objs, idx)
}

// front2 keeps, in sorted order, each point strictly below every earlier
// one in the second objective.
func front2(objs [][]float64, idx []int) []int {
	var front []int
	best := math.Inf(1)
	for _, i := range idx {
		if objs[i][1] < best {
			front = append(front, i)
			best = objs[i][1]
		}
	}
	return front
}

// frontN keeps each point no other point dominates or equals earlier.
func frontN(objs [][]float64, idx []int) []int {
	var front []int
	for n, i := range idx {
		keep := true
		for m, j := range idx {
			if m != n && (dominates(objs[j], objs[i]) || (m < n && slices.Equal(objs[j], objs[i]))) {
				keep = false
				break
			}
		}
		if keep {
			front = append(front, i)
		}
	}
	return front
}

// dominates reports whether a is ≤ b in every objective and < in one.
func dominates(a, b []float64) bool {
	less := false
	for k := range a {
		if a[k] > b[k] {
			return false
		}
		less = less || a[k] < b[k]
	}
	return less
}

func allFinite(o []float64) bool {
	for _, v := range o {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}
