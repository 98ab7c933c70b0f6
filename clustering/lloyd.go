package clustering

import (
	"math"
	"slices"
)

// lloyd refines the sorted centroids c in place by Lloyd's algorithm on the
// sorted line and returns the number of iterations. In 1-D the clusters of
// sorted centroids are contiguous ranges split at the midpoints between
// neighbours, so one iteration is k−1 binary searches plus k range means from
// the prefix sums: O(k log n) instead of O(n·k). It stops when no boundary
// moves (a fixed point), when no centroid moves more than tol, or after
// maxIter iterations. An empty cluster is re-seeded at the data point
// farthest from its centroid.
func (l *line) lloyd(c []float64, tol float64, maxIter int) int {
	n, k := l.len(), len(c)
	cut := make([]int, k+1)
	prev := make([]int, k+1)
	prev[1] = -1
	for it := 1; it <= maxIter; it++ {
		l.cuts(c, cut[1:k])
		cut[k] = n
		if slices.Equal(cut, prev) {
			return it - 1
		}
		copy(prev, cut)
		move, empty := 0.0, -1
		for j := 0; j < k; j++ {
			lo, hi := cut[j], cut[j+1]
			if hi == lo {
				empty = j
				continue
			}
			m := l.rangeMean(lo, hi)
			move = math.Max(move, math.Abs(m-c[j]))
			c[j] = m
		}
		if empty >= 0 {
			c[empty], _ = l.farthest(c, cut, empty)
			slices.Sort(c)
			prev[1] = -1
			continue
		}
		if move <= tol {
			return it
		}
	}
	return maxIter
}

// farthest is the range end point (over the non-empty clusters other than
// skip) farthest from its own centroid: the point that gains most from a
// centroid of its own.
func (l *line) farthest(c []float64, cut []int, skip int) (float64, float64) {
	best, bd := c[skip], -1.0
	for j := range c {
		lo, hi := cut[j], cut[j+1]
		if j == skip || hi == lo {
			continue
		}
		for _, i := range []int{lo, hi - 1} {
			if d := math.Abs(l.at(i) - c[j]); d > bd {
				best, bd = l.at(i), d
			}
		}
	}
	return best, bd
}

// fill returns c (sorted) with duplicates removed and topped up to k
// centroids by repeatedly adding the point farthest from its nearest
// centroid. It stops early when every point already sits on a centroid
// (fewer than k distinct positions).
func (l *line) fill(c []float64, k int) []float64 {
	slices.Sort(c)
	c = slices.Compact(c)
	cut := make([]int, k+1)
	for len(c) < k {
		cut = cut[:len(c)+1]
		l.cuts(c, cut[1:len(c)])
		cut[len(c)] = l.len()
		c = append(c, math.NaN())
		cut = append(cut, cut[len(cut)-1])
		p, d := l.farthest(c, cut, len(c)-1)
		if d <= 0 {
			return c[:len(c)-1]
		}
		c[len(c)-1] = p
		slices.Sort(c)
		c = slices.Compact(c)
	}
	return c
}
