package clustering

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestClusterOutlier: one huge weight among ordinary ones (2e20 among a
// thousand N(0, 0.05) values, and the mirror image) leaves every method's
// codebook sorted, the outlier on a centroid of its own and every other
// centroid inside the ordinary weights' range. With mean-centred prefix
// sums the ordinary weights all became −3456 (and density panicked).
func TestClusterOutlier(t *testing.T) {
	for _, outlier := range []float32{2e20, -2e20, 3e38} {
		r := rand.New(rand.NewPCG(1, 2))
		w := make([]float32, 1000)
		for i := range w {
			w[i] = float32(r.NormFloat64() * 0.05)
		}
		lo, hi := slices.Min(w), slices.Max(w)
		w[500] = outlier
		for _, m := range Methods() {
			s := Settings{Method: m, K: 8}
			if m == "birch-kmeans" {
				s.K = 0
			}
			cb, err := Cluster(w, s)
			if err != nil {
				t.Fatalf("%s, outlier %g: %v", m, outlier, err)
			}
			if !slices.IsSorted(cb.Centroids) {
				t.Fatalf("%s, outlier %g: unsorted codebook %v", m, outlier, cb.Centroids)
			}
			if got := cb.Centroids[cb.Index[500]]; got != outlier {
				t.Errorf("%s: outlier %g on centroid %g", m, outlier, got)
			}
			for i, ix := range cb.Index {
				if c := cb.Centroids[ix]; i != 500 && (c < lo || c > hi) {
					t.Fatalf("%s, outlier %g: weight %d (%g) on centroid %g outside [%g, %g]", m, outlier, i, w[i], c, lo, hi)
				}
			}
		}
	}
}
