package clustering

import (
	"errors"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func exactSSE(t *testing.T, w []float32, k int) float64 {
	t.Helper()
	ex, err := Cluster(w, Settings{Method: "exact", K: k})
	if err != nil {
		t.Fatal(err)
	}
	return ex.Stats.SSE
}

// The accuracy target: birch-kmeans and kmeans within 1% of the
// optimal 1-D k-means on seeded Laplace data; every method no better than
// the optimum.
func TestDistortionVsExact(t *testing.T) {
	const tol = 0.01
	for _, seed := range []uint64{1, 2, 3} {
		w := laplace(100000, seed, 0.05)
		bk, err := Cluster(w, Settings{Seed: int64(seed)})
		if err != nil {
			t.Fatal(err)
		}
		k := len(bk.Centroids)
		opt := exactSSE(t, w, k)
		for _, m := range Methods() {
			cb, err := Cluster(w, Settings{Method: m, K: k, Seed: int64(seed)})
			if err != nil {
				t.Fatalf("%s: %v", m, err)
			}
			ratio := cb.Stats.SSE / opt
			t.Logf("seed %d k %d %-12s SSE/exact %.5f", seed, k, m, ratio)
			if ratio < 1-1e-6 {
				t.Errorf("seed %d %s: SSE %.6g below the optimum %.6g", seed, m, cb.Stats.SSE, opt)
			}
			if (m == "birch-kmeans" || m == "kmeans") && ratio > 1+tol {
				t.Errorf("seed %d %s: SSE/exact = %.4f, want ≤ %.2f", seed, m, ratio, 1+tol)
			}
		}
	}
}

// bruteForce is the least SSE over all k^n assignments (empty clusters
// allowed, which cannot beat a partition into exactly k groups).
func bruteForce(w []float32, k int) float64 {
	n := len(w)
	assign := make([]int, n)
	best := math.Inf(1)
	for {
		var sum, cnt [4]float64
		for i, a := range assign {
			sum[a] += float64(w[i])
			cnt[a]++
		}
		var sse float64
		for i, a := range assign {
			d := float64(w[i]) - sum[a]/cnt[a]
			sse += d * d
		}
		best = math.Min(best, sse)
		i := 0
		for ; i < n; i++ {
			assign[i]++
			if assign[i] < k {
				break
			}
			assign[i] = 0
		}
		if i == n {
			return best
		}
	}
}

func TestExactMatchesBruteForce(t *testing.T) {
	inputs := [][]float32{
		{1, 2, 3, 10, 11, 12, 30},
		{-5, -4.5, 0, 0.1, 7, 7.5, 8},
		{3, 1, 4, 1, 5, 9, 2},
		{0.001, 1000, 0.002, 999, 500},
	}
	inputs = append(inputs, laplace(7, 9, 1), gaussian(6, 9, 3))
	for i, w := range inputs {
		for k := 1; k <= 3; k++ {
			got := exactSSE(t, w, k)
			want := bruteForce(w, k)
			if relDiff(got, want) > 1e-6 && math.Abs(got-want) > 1e-9 {
				t.Errorf("input %d k %d: exact SSE %.9g, brute force %.9g", i, k, got, want)
			}
		}
	}
}

// The adaptive rule on layers of different size and spread: the distortion
// bound holds, k stays within the index-bit cap and in the useful range.
func TestAdaptiveK(t *testing.T) {
	cases := []struct {
		name       string
		w          []float32
		kmin, kmax int
	}{
		{"laplace-500", laplace(500, 1, 0.1), 8, 32},
		{"laplace-20k", laplace(20000, 2, 0.01), 8, 32},
		{"laplace-1M", laplace(1000000, 3, 0.002), 8, 32},
		{"gauss-5k", gaussian(5000, 4, 0.3), 8, 32},
		{"gauss-200k", gaussian(200000, 5, 1e-3), 8, 32},
		{"bimodal-2k", bimodal(2000, 6, 0.05), 8, 32},
		{"bimodal-300k", bimodal(300000, 7, 0.02), 8, 32},
	}
	for _, c := range cases {
		cb, err := Cluster(c.w, Settings{})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		k := len(cb.Centroids)
		mse := cb.Stats.SSE / float64(len(c.w))
		bound := math.Pow(DefaultDistortion*cb.Stats.Std, 2)
		ratio := math.NaN() // the exact solver on 1M values takes seconds
		if len(c.w) <= 300000 {
			ratio = cb.Stats.SSE / exactSSE(t, c.w, k)
		}
		t.Logf("%-13s k %2d bits %d entries %4d rms/σ %.4f SSE/exact %.4f",
			c.name, k, cb.Bits(), cb.Stats.LeafEntries, math.Sqrt(mse)/cb.Stats.Std, ratio)
		if mse > bound*(1+1e-9) {
			t.Errorf("%s: MSE %.4g above (ε·σ)² = %.4g", c.name, mse, bound)
		}
		if k < c.kmin || k > c.kmax {
			t.Errorf("%s: k = %d, want %d…%d", c.name, k, c.kmin, c.kmax)
		}
	}
}

// Scaling the weights must not change k: the threshold and the tolerance
// follow the layer's spread.
func TestAdaptiveScaleInvariant(t *testing.T) {
	base := laplace(50000, 11, 1)
	scaled := make([]float32, len(base))
	for i, v := range base {
		scaled[i] = v * 1e-3
	}
	a, err := Cluster(base, Settings{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Cluster(scaled, Settings{})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Centroids) != len(b.Centroids) {
		t.Errorf("k = %d at scale 1 but %d at scale 1e-3", len(a.Centroids), len(b.Centroids))
	}
}

func TestMaxBitsCapsK(t *testing.T) {
	w := laplace(20000, 5, 1)
	for bits := 1; bits <= 4; bits++ {
		cb, err := Cluster(w, Settings{MaxBits: bits})
		if err != nil {
			t.Fatal(err)
		}
		if len(cb.Centroids) > 1<<bits {
			t.Errorf("max_bits %d: k = %d", bits, len(cb.Centroids))
		}
	}
}

// Every weight must map to its nearest centroid, and Stats.SSE must be the
// distortion of the returned codebook.
func TestIndexIsNearest(t *testing.T) {
	w := bimodal(5000, 3, 0.1)
	for _, m := range Methods() {
		cb, err := Cluster(w, Settings{Method: m, K: 12})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.IsSorted(cb.Centroids) {
			t.Errorf("%s: centroids not sorted", m)
		}
		for i, v := range w {
			got := math.Abs(float64(v - cb.Centroids[cb.Index[i]]))
			for _, c := range cb.Centroids {
				if d := math.Abs(float64(v - c)); d < got-1e-7 {
					t.Fatalf("%s: weight %d (%g) → %g, but %g is nearer", m, i, v, cb.Centroids[cb.Index[i]], c)
				}
			}
		}
		if s := SSE(w, cb.Centroids, cb.Index); relDiff(cb.Stats.SSE, s) > 1e-9 {
			t.Errorf("%s: Stats.SSE %g, recomputed %g", m, cb.Stats.SSE, s)
		}
	}
}

func TestDeterminism(t *testing.T) {
	w := laplace(30000, 8, 0.05)
	for _, m := range Methods() {
		s := Settings{Method: m, K: 16, Seed: 42}
		a, err := Cluster(w, s)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := Cluster(w, s)
		if !reflect.DeepEqual(a.Centroids, b.Centroids) || !reflect.DeepEqual(a.Index, b.Index) {
			t.Errorf("%s: two runs with seed 42 differ", m)
		}
	}
}

func TestConstantLayer(t *testing.T) {
	for _, v := range []float32{0, -0.25} {
		w := make([]float32, 100)
		for i := range w {
			w[i] = v
		}
		cb, err := Cluster(w, Settings{})
		if err != nil {
			t.Fatalf("constant %g: %v", v, err)
		}
		if len(cb.Centroids) != 1 || cb.Centroids[0] != v || cb.Stats.SSE != 0 || slices.Max(cb.Index) != 0 {
			t.Errorf("constant %g: got centroids %v SSE %g", v, cb.Centroids, cb.Stats.SSE)
		}
		if _, err := Cluster(w, Settings{Method: "kmeans", K: 2}); err == nil {
			t.Errorf("constant %g: k = 2 accepted", v)
		}
	}
}

func TestErrors(t *testing.T) {
	good := laplace(100, 1, 1)
	cases := []struct {
		name string
		w    []float32
		s    Settings
		want string
	}{
		{"empty", nil, Settings{}, "no weights"},
		{"nan", []float32{1, float32(math.NaN()), 2}, Settings{}, "weight 1: NaN"},
		{"inf", []float32{1, float32(math.Inf(-1))}, Settings{}, "weight 1: -Inf"},
		{"unknown method", good, Settings{Method: "kmedoids"}, "birch-kmeans, density, exact, kmeans, linear, random"},
		{"k needed", good, Settings{Method: "exact"}, "needs k"},
		{"k too large", []float32{1, 2, 2, 3}, Settings{Method: "kmeans", K: 4}, "only 3 distinct"},
		{"k negative", good, Settings{K: -1}, "k: must be ≥ 0, got -1"},
		{"k over 16 bits", good, Settings{K: 1<<16 + 1}, "index bits"},
		{"bits 17", good, Settings{MaxBits: 17}, "1–16"},
		{"bits negative", good, Settings{MaxBits: -2}, "1–16"},
		{"k over max bits", good, Settings{K: 9, MaxBits: 3}, "max_bits 3"},
		{"threshold nan", good, Settings{Threshold: math.NaN()}, "threshold"},
		{"negative tolerance", good, Settings{Tolerance: -1}, "tolerance"},
	}
	for _, c := range cases {
		_, err := Cluster(c.w, c.s)
		if err == nil || !errors.Is(err, ErrBadInput) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

func TestSortFloat32(t *testing.T) {
	w := append(laplace(5000, 4, 1e-3), 0, float32(math.Copysign(0, -1)), -1e30, 1e30, 1e-42, -1e-42)
	got := sortFloat32(w)
	want := slices.Clone(w)
	slices.Sort(want)
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("position %d: %g, want %g", i, got[i], want[i])
		}
	}
}

func TestIndexBits(t *testing.T) {
	for k, want := range map[int]int{1: 1, 2: 1, 3: 2, 4: 2, 5: 3, 16: 4, 17: 5, 32: 5, 33: 6, 65536: 16} {
		if got := IndexBits(k); got != want {
			t.Errorf("IndexBits(%d) = %d, want %d", k, got, want)
		}
	}
}
