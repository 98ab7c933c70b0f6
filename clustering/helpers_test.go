package clustering

import (
	"math"
	"math/rand/v2"
)

// laplace returns n seeded Laplace(0, b) values, the usual shape of trained
// weights.
func laplace(n int, seed uint64, b float64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 1))
	w := make([]float32, n)
	for i := range w {
		w[i] = float32(rng.ExpFloat64() * b)
		if rng.IntN(2) == 0 {
			w[i] = -w[i]
		}
	}
	return w
}

func gaussian(n int, seed uint64, sd float64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 2))
	w := make([]float32, n)
	for i := range w {
		w[i] = float32(rng.NormFloat64() * sd)
	}
	return w
}

// bimodal mimics magnitude-pruned weights: Laplace with |w| < cut removed.
func bimodal(n int, seed uint64, b float64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 3))
	w := make([]float32, n)
	for i := range w {
		v := (rng.ExpFloat64() + 1) * b
		if rng.IntN(2) == 0 {
			v = -v
		}
		w[i] = float32(v)
	}
	return w
}

func relDiff(a, b float64) float64 {
	return math.Abs(a-b) / math.Max(math.Abs(b), 1e-300)
}
