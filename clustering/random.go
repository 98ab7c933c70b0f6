package clustering

// randomInit draws k weights uniformly at random (Forgy initialisation);
// duplicates are replaced by the points farthest from their centroid.
func randomInit(r *runState, k int) ([]float64, error) {
	n := r.raw.len()
	c := make([]float64, k)
	for j := range c {
		c[j] = r.raw.at(r.rng.IntN(n))
	}
	return r.refine(c, k), nil
}
