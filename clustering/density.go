package clustering

// densityInit places centroid j at the (j + ½)/k quantile of the weights:
// the y-axis of the CDF is spaced linearly and mapped back to weights
// (Han, Mao & Dally 2016, §3.2), so dense regions get more centroids.
func densityInit(r *runState, k int) ([]float64, error) {
	n := r.raw.len()
	c := make([]float64, k)
	for j := range c {
		i := int((float64(j) + 0.5) / float64(k) * float64(n))
		c[j] = r.raw.at(min(i, n-1))
	}
	return r.refine(c, k), nil
}
