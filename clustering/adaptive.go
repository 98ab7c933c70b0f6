package clustering

// birchKMeans is the default method: a BIRCH summary of the weights (1-D
// sweep, radius threshold Threshold·σ), K-Means++ with Lloyd on the leaf
// entries as weighted points, and a final Lloyd pass over the raw weights
// seeded with the entry centroids. With k = 0 it chooses k by the adaptive
// rule of the package documentation.
func birchKMeans(r *runState, k int) ([]float64, error) {
	sum := sweep1D(r.sorted, r.s.Threshold*r.std)
	r.stats.LeafEntries = sum.len()
	switch {
	case k > sum.len():
		// More clusters than summary entries: seed on the raw weights.
		c, _, it := r.raw.kmeansPP(k, r.s, r.rng, r.std)
		r.stats.Iterations = it
		return c, nil
	case k == 0:
		k = r.chooseK(sum)
	}
	return r.finish(sum, k), nil
}

// finish runs Restarts K-Means++ seedings with Lloyd on the summary, then a
// Lloyd pass over the raw weights from each, and keeps the centroids with the
// lowest distortion over the raw weights.
func (r *runState) finish(sum *line, k int) []float64 {
	var best []float64
	bestSSE := 0.0
	one := r.s
	one.Restarts = 1
	for i := 0; i < r.s.Restarts; i++ {
		c, _, _ := sum.kmeansPP(k, one, r.rng, r.std)
		c = r.raw.fill(c, k)
		it := r.raw.lloyd(c, r.s.Tolerance*r.std, r.s.MaxIter)
		if e := r.raw.sse(c); best == nil || e < bestSSE {
			best, bestSSE, r.stats.Iterations = c, e, it
		}
	}
	return best
}

// chooseK returns the smallest k whose
// distortion D(k)/N ≤ (ε·σ)², searched by doubling and then bisection, with
// k ≤ min(2^MaxBits (− 1 with ReserveZero), number of entries). If no allowed k meets the bound the
// largest is used.
func (r *runState) chooseK(sum *line) int {
	budget := r.s.Distortion * r.std
	budget *= budget * sum.total
	kmax := 1 << r.s.MaxBits
	if r.s.ReserveZero && kmax > 1 {
		kmax-- // one index stays free for the filler zero
	}
	kmax = min(kmax, sum.len(), r.distinct)
	type result struct {
		c   []float64
		sse float64
	}
	memo := map[int]result{}
	eval := func(k int) result {
		if res, ok := memo[k]; ok {
			return res
		}
		c, e, _ := sum.kmeansPP(k, r.s, r.rng, r.std)
		memo[k] = result{c, e}
		return memo[k]
	}
	hi := 1
	for eval(hi).sse > budget && hi < kmax {
		hi = min(2*hi, kmax)
	}
	if eval(hi).sse > budget {
		return hi
	}
	lo := hi / 2 // fails the bound (or 0)
	for hi-lo > 1 {
		m := (lo + hi) / 2
		if eval(m).sse <= budget {
			hi = m
		} else {
			lo = m
		}
	}
	return hi
}
