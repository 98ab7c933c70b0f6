package clustering

import (
	"math"
	"math/rand/v2"
	"sort"
)

// seedPP chooses k initial centroids by K-Means++ (Arthur & Vassilvitskii
// 2007): the first with probability ∝ w_i, each next one with probability
// ∝ w_i·D(x_i)², D the distance to the nearest centroid chosen so far. Point
// weights (BIRCH entry counts) are honoured, so a leaf entry of N weights
// counts as N coincident points. O(n·k). The result is sorted; it holds k
// distinct values when the line has at least k distinct positions.
//
// As in scikit-learn's "greedy k-means++", each step draws 2 + ⌊ln k⌋
// candidates by D² sampling and keeps the one that lowers Σ w·D² most.
func (l *line) seedPP(k int, rng *rand.Rand) []float64 {
	n := l.len()
	c := make([]float64, 0, k)
	c = append(c, l.at(l.sampleWeight(rng.Float64()*l.total)))
	d2 := make([]float64, n)
	var sum float64
	for i := range d2 {
		d := l.at(i) - c[0]
		d2[i] = l.weight(i) * d * d
		sum += d2[i]
	}
	trials := 2 + int(math.Log(float64(k)))
	next := make([]float64, n)
	bestD2 := make([]float64, n)
	for len(c) < k && sum > 0 {
		bestSum, bestP := math.Inf(1), 0.0
		for t := 0; t < trials; t++ {
			p := l.at(l.sampleD2(d2, sum, rng.Float64()*sum))
			var s float64
			for i := range d2 {
				d := l.at(i) - p
				next[i] = min(d2[i], l.weight(i)*d*d)
				s += next[i]
			}
			if s < bestSum {
				bestSum, bestP = s, p
				bestD2, next = next, bestD2
			}
		}
		c = append(c, bestP)
		d2, bestD2 = bestD2, d2
		sum = bestSum
	}
	sort.Float64s(c)
	return c
}

// sampleD2 is the index at which the running sum of d2 passes u, skipping
// points with d2 = 0 (already centroids) when rounding runs off the end.
func (l *line) sampleD2(d2 []float64, sum, u float64) int {
	pick := len(d2) - 1
	for i, v := range d2 {
		if u < v {
			pick = i
			break
		}
		u -= v
	}
	for pick > 0 && d2[pick] == 0 {
		pick--
	}
	return pick
}

// sampleWeight is the index i with cw[i] ≤ u < cw[i+1].
func (l *line) sampleWeight(u float64) int {
	n := l.len()
	if l.cw == nil {
		return min(int(u), n-1)
	}
	i := sort.Search(n, func(i int) bool { return l.cw[i+1] > u })
	return min(i, n-1)
}

// kmeansPP runs Restarts K-Means++ seedings, each refined by Lloyd, and
// returns the centroids with the lowest distortion, their distortion and the
// Lloyd iterations of that run.
func (l *line) kmeansPP(k int, s Settings, rng *rand.Rand, scale float64) ([]float64, float64, int) {
	var best []float64
	bestSSE, bestIt := 0.0, 0
	for r := 0; r < s.Restarts; r++ {
		c := l.seedPP(k, rng)
		c = l.fill(c, k)
		it := l.lloyd(c, s.Tolerance*scale, s.MaxIter)
		if e := l.sse(c); best == nil || e < bestSSE {
			best, bestSSE, bestIt = c, e, it
		}
	}
	return best, bestSSE, bestIt
}
