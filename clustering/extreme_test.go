package clustering

import (
	"math"
	"testing"
)

// Extreme finite values must not hang or produce a non-finite centroid:
// sums are float64, where n·MaxFloat32² cannot overflow.
func TestExtremeValues(t *testing.T) {
	big := float32(math.MaxFloat32)
	inputs := [][]float32{
		{big, -big, 1, 2},
		{big, big, big, -big},
		{1e-45, -1e-45, 0, 1e-45},
		{big, 0, 1, 2, 3, 4, 5, 6, 7, 8},
	}
	for i, w := range inputs {
		for _, m := range Methods() {
			cb, err := Cluster(w, Settings{Method: m, K: 2})
			if err != nil {
				t.Logf("input %d %s: %v", i, m, err)
				continue
			}
			for _, c := range cb.Centroids {
				if math.IsNaN(float64(c)) || math.IsInf(float64(c), 0) {
					t.Errorf("input %d %s: centroid %v", i, m, c)
				}
			}
		}
	}
}
