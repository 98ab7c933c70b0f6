package clustering

import (
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
)

// method is one registered algorithm: it returns sorted centroids for the
// prepared data; k = 0 asks an adaptive method to choose k.
type method struct {
	adaptive bool
	run      func(r *runState, k int) ([]float64, error)
}

var registry = map[string]method{
	"birch-kmeans": {adaptive: true, run: birchKMeans},
	"kmeans":       {run: kmeansRaw},
	"linear":       {run: linearInit},
	"random":       {run: randomInit},
	"density":      {run: densityInit},
	"exact":        {run: exactRaw},
}

// Methods lists the registered method names in sorted order.
func Methods() []string {
	return slices.Sorted(maps.Keys(registry))
}

func methodList() string { return strings.Join(Methods(), ", ") }

// runState is the prepared input shared by the methods.
type runState struct {
	s        Settings
	sorted   []float32
	raw      *line
	std      float64
	distinct int
	rng      *rand.Rand
	stats    *Stats
}

// refine fixes up initial centroids (distinct, k of them) and runs Lloyd on
// the raw weights, recording the iterations.
func (r *runState) refine(c []float64, k int) []float64 {
	c = r.raw.fill(c, k)
	r.stats.Iterations = r.raw.lloyd(c, r.s.Tolerance*r.std, r.s.MaxIter)
	return c
}

// kmeansRaw is K-Means++ seeding on the raw weights followed by Lloyd,
// best of Restarts.
func kmeansRaw(r *runState, k int) ([]float64, error) {
	c, _, it := r.raw.kmeansPP(k, r.s, r.rng, r.std)
	r.stats.Iterations = it
	return c, nil
}

// exactRaw is the optimal 1-D k-means.
func exactRaw(r *runState, k int) ([]float64, error) {
	return r.raw.exact(k)
}
