package sim

// maxPEDim bounds array.pe_weights and array.pe_activations (F, I).
const maxPEDim = 16

// countDist summarises how many operands of one kind a PE feeds its
// multiplier array in one run, for a vector width D (F for weights, I for
// activations): the expected number of full vectors E[⌊X/D⌋] and the
// distribution of the remainder X mod D. An exact count has a one-hot
// remainder. The cycles of a run, ⌈a/I⌉·⌈w/F⌉, and its products per cycle
// depend on the counts only through these, and a and w are independent, so
// expectations over both factor (see pairCycles).
type countDist struct {
	q    float64           // E[⌊X/D⌋]
	pr   [maxPEDim]float64 // P(X mod D = r) for r ≥ 1; pr[0] unused
	mean float64           // E[X]
	vec  float64           // E[⌈X/D⌉], the expected number of D-wide vectors
	d    int               // D
}

// exactDist is the distribution of the known count n.
func exactDist(n, d int) countDist {
	c := countDist{q: float64(n / d), mean: float64(n), vec: float64((n + d - 1) / d), d: d}
	if r := n % d; r > 0 {
		c.pr[r] = 1
	}
	return c
}

// binomDist is the distribution of X ~ Binomial(n, p): n operand slots,
// each non-zero with probability p. The pmf is summed outward from the mode
// until the terms fall below 1e-13 of it, so large n costs O(√n) terms.
func binomDist(n int, p float64, d int) countDist {
	switch {
	case n <= 0 || p <= 0:
		return countDist{d: d}
	case p >= 1:
		return exactDist(n, d)
	}
	c := countDist{d: d}
	mode := min(n, int(float64(n+1)*p))
	odds := p / (1 - p)
	var total float64
	add := func(k int, w float64) {
		total += w
		c.q += w * float64(k/d)
		c.pr[k%d] += w
		c.mean += w * float64(k)
	}
	add(mode, 1)
	for k, w := mode, 1.0; k < n; k++ {
		w *= float64(n-k) / float64(k+1) * odds
		if w < 1e-13 {
			break
		}
		add(k+1, w)
	}
	for k, w := mode, 1.0; k > 0; k-- {
		w *= float64(k) / float64(n-k+1) / odds
		if w < 1e-13 {
			break
		}
		add(k-1, w)
	}
	inv := 1 / total
	c.q *= inv
	c.mean *= inv
	for r := range c.pr {
		c.pr[r] *= inv
	}
	c.pr[0] = 0
	c.vec = c.q
	for r := 1; r < d; r++ {
		c.vec += c.pr[r]
	}
	return c
}

// vectors is E[⌈X/D⌉], the expected number of D-wide vectors.
func (c *countDist) vectors() float64 { return c.vec }
