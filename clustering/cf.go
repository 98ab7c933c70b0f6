package clustering

import "math"

// CF is a BIRCH clustering feature (Zhang, Ramakrishnan & Livny 1996, §4.1)
// in d dimensions: the total weight N, the linear sum LS = N·Mean, and the
// centred sum of squares M2 = Σ w·‖x − Mean‖². Keeping the mean and the
// centred sum instead of the raw Σ‖x‖² avoids the cancellation of
// SS/N − ‖mean‖² when the data sit far from the origin.
type CF struct {
	N    float64
	Mean []float64
	M2   float64
}

// LS is the linear sum N·Mean.
func (c CF) LS() []float64 {
	ls := make([]float64, len(c.Mean))
	for i, m := range c.Mean {
		ls[i] = c.N * m
	}
	return ls
}

// Radius is sqrt(M2/N): the root mean squared distance of the members to
// their centroid; 0 for an empty feature.
func (c CF) Radius() float64 {
	if c.N == 0 {
		return 0
	}
	return math.Sqrt(c.M2 / c.N)
}

// Add adds point x with weight w (Welford's update).
func (c *CF) Add(x []float64, w float64) {
	if c.Mean == nil {
		c.Mean = make([]float64, len(x))
	}
	n := c.N + w
	var m2 float64
	for i, v := range x {
		d := v - c.Mean[i]
		c.Mean[i] += d * w / n
		m2 += w * d * (v - c.Mean[i])
	}
	c.N = n
	c.M2 += m2
}

// Merge adds the feature o (Chan, Golub & LeVeque's parallel formula):
// δ = mean_o − mean_c, M2 = M2_c + M2_o + ‖δ‖²·N_c·N_o/(N_c + N_o).
func (c *CF) Merge(o CF) {
	if o.N == 0 {
		return
	}
	if c.N == 0 {
		c.N, c.M2 = o.N, o.M2
		c.Mean = append([]float64(nil), o.Mean...)
		return
	}
	n := c.N + o.N
	var d2 float64
	for i := range c.Mean {
		d := o.Mean[i] - c.Mean[i]
		d2 += d * d
		c.Mean[i] += d * o.N / n
	}
	c.M2 += o.M2 + d2*c.N*o.N/n
	c.N = n
}

// radiusWith is the radius c would have after adding x with weight 1,
// without changing c.
func (c CF) radiusWith(x []float64) float64 {
	n := c.N + 1
	var d2 float64
	for i, v := range x {
		d := v - c.Mean[i]
		d2 += d * d
	}
	return math.Sqrt((c.M2 + d2*c.N/n) / n)
}

func (c CF) clone() CF {
	c.Mean = append([]float64(nil), c.Mean...)
	return c
}

// dist2 is the squared Euclidean distance between centroids (BIRCH's D0).
func dist2(a, b []float64) float64 {
	var s float64
	for i := range a {
		d := a[i] - b[i]
		s += d * d
	}
	return s
}

// cf1 is the 1-D clustering feature used by the fast path.
type cf1 struct {
	n, mean, m2 float64
}

// add is Welford's update with a unit-weight point.
func (c *cf1) add(x float64) {
	c.n++
	d := x - c.mean
	c.mean += d / c.n
	c.m2 += d * (x - c.mean)
}
