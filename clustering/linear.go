package clustering

// linearInit spaces k centroids evenly over [min, max]:
// c_j = min + (max − min)·j/(k − 1). Han, Mao & Dally (2016, §3.2) found it
// the best initialisation for weight sharing because it keeps centroids on
// the rare large weights.
func linearInit(r *runState, k int) ([]float64, error) {
	lo, hi := r.raw.at(0), r.raw.at(r.raw.len()-1)
	c := make([]float64, k)
	for j := range c {
		if k == 1 {
			c[j] = (lo + hi) / 2
			continue
		}
		c[j] = lo + (hi-lo)*float64(j)/float64(k-1)
	}
	return r.refine(c, k), nil
}
