package clustering

import (
	"math"
	"math/rand/v2"
	"time"
)

// Cluster shares the weights w: it returns k sorted centroids and, for every
// weight, the index of its nearest centroid. The zero Settings selects
// birch-kmeans with an adaptive k (see the package documentation). Errors,
// wrapping ErrBadInput: empty w, a NaN or infinite weight, an unknown method,
// K above the number of distinct weights or above 2^16, MaxBits outside
// 1–16, a fixed-k method without K.
func Cluster(w []float32, s Settings) (Codebook, error) {
	start := time.Now()
	s, err := s.withDefaults()
	if err != nil {
		return Codebook{}, err
	}
	if len(w) == 0 {
		return Codebook{}, badInput("no weights to cluster")
	}
	for i, v := range w {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return Codebook{}, badInput("weight %d: %v", i, v)
		}
	}
	sorted := sortFloat32(w)
	distinct := countDistinct(sorted)
	if s.K > distinct {
		return Codebook{}, badInput("k %d: only %d distinct weights", s.K, distinct)
	}
	r := &runState{s: s, sorted: sorted, raw: newRawLine(sorted), distinct: distinct,
		rng: rand.New(rand.NewPCG(uint64(s.Seed), 0x6463736d)), stats: &Stats{Method: s.Method}}
	_, r.std = r.raw.meanStd()
	r.stats.Std = r.std
	var c []float64
	if distinct == 1 {
		c = []float64{float64(sorted[0])}
	} else if c, err = registry[s.Method].run(r, s.K); err != nil {
		return Codebook{}, err
	}
	cb := assign(w, c)
	cb.Stats.Method, cb.Stats.Iterations, cb.Stats.LeafEntries = s.Method, r.stats.Iterations, r.stats.LeafEntries
	cb.Stats.Std, cb.Stats.K = r.std, len(cb.Centroids)
	cb.Stats.Duration = time.Since(start)
	return cb, nil
}

func countDistinct(sorted []float32) int {
	n := 1
	for i := 1; i < len(sorted); i++ {
		if sorted[i] != sorted[i-1] {
			n++
		}
	}
	return n
}

// assign rounds the centroids to float32 and gives each weight the index of
// the nearest one (boundaries at midpoints, binary search), accumulating the
// distortion with the stored float32 centroids.
func assign(w []float32, c []float64) Codebook {
	k := len(c)
	cb := Codebook{Centroids: make([]float32, k), Index: make([]int32, len(w))}
	for j, v := range c {
		cb.Centroids[j] = float32(v)
	}
	b := make([]float64, k-1)
	for j := range b {
		b[j] = (float64(cb.Centroids[j]) + float64(cb.Centroids[j+1])) / 2
	}
	var sse float64
	for i, v := range w {
		f := float64(v)
		lo, hi := 0, len(b)
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if f > b[m] {
				lo = m + 1
			} else {
				hi = m
			}
		}
		cb.Index[i] = int32(lo)
		d := f - float64(cb.Centroids[lo])
		sse += d * d
	}
	cb.Stats.SSE = sse
	return cb
}

// SSE is Σ (w_i − centroids[index_i])², the distortion of any codebook.
func SSE(w []float32, centroids []float32, index []int32) float64 {
	var s float64
	for i, v := range w {
		d := float64(v) - float64(centroids[index[i]])
		s += d * d
	}
	return s
}
