package pruning

import (
	"math"
	"math/rand/v2"
	"testing"
)

// randomSaliency returns layers of the given sizes with saliencies drawn
// from exponential distributions of different scales, like real layers.
func randomSaliency(seed uint64, sizes []int, scales []float64) [][]float32 {
	rng := rand.New(rand.NewPCG(seed, 1))
	out := make([][]float32, len(sizes))
	for l, n := range sizes {
		out[l] = make([]float32, n)
		for i := range out[l] {
			out[l][i] = float32(rng.ExpFloat64() * scales[l])
		}
	}
	return out
}

func TestSelectGlobalExactFraction(t *testing.T) {
	sizes := []int{500, 20000, 3000, 100}
	sal := randomSaliency(1, sizes, []float64{4, 0.5, 1, 2})
	total := 0
	for _, n := range sizes {
		total += n
	}
	for _, keep := range []float64{1, 0.5, 0.08, 0.04, 0.02} {
		th, err := SelectGlobal(sal, keep, DefaultMinLayerDensity)
		if err != nil {
			t.Fatalf("keep %g: %v", keep, err)
		}
		want := int(math.Round(keep * float64(total)))
		got, rates := 0, make([]float64, len(sizes))
		minKept, maxPruned := float32(math.Inf(1)), float32(-1)
		for l, m := range th.Masks {
			n := 0
			for i, v := range m {
				switch v {
				case 1:
					n++
				case 0:
					maxPruned = max(maxPruned, sal[l][i])
				default:
					t.Fatalf("keep %g: mask value %g is not 0 or 1", keep, v)
				}
				if v == 1 && sal[l][i] >= th.Value {
					minKept = min(minKept, sal[l][i])
				}
			}
			got += n
			rates[l] = float64(n) / float64(sizes[l])
			if n < minKept32(sizes[l]) {
				t.Errorf("keep %g: layer %d keeps %d, below its floor %d", keep, l, n, minKept32(sizes[l]))
			}
		}
		if got != want || th.Kept != want {
			t.Errorf("keep %g: kept %d (reported %d), want exactly %d", keep, got, th.Kept, want)
		}
		if keep < 1 && maxPruned > minKept {
			t.Errorf("keep %g: a pruned weight (%g) outranks a globally kept one (%g)", keep, maxPruned, minKept)
		}
		// The layer with the largest saliency scale keeps the largest share.
		if keep < 0.5 && !(rates[0] > rates[1]) {
			t.Errorf("keep %g: per-layer rates %v do not follow the saliency scales", keep, rates)
		}
	}
}

func minKept32(n int) int { return MinKept(n, DefaultMinLayerDensity) }

func TestSelectGlobalTiesDeterministic(t *testing.T) {
	sal := [][]float32{make([]float32, 10), make([]float32, 10)}
	for l := range sal {
		for i := range sal[l] {
			sal[l][i] = 1
		}
	}
	th, err := SelectGlobal(sal, 0.3, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Floor: one weight per layer (index 0 of each); the remaining four go
	// to the earliest layer, lowest indices.
	want := [][]float32{{1, 1, 1, 1, 1, 0, 0, 0, 0, 0}, {1, 0, 0, 0, 0, 0, 0, 0, 0, 0}}
	for l := range want {
		for i := range want[l] {
			if th.Masks[l][i] != want[l][i] {
				t.Fatalf("masks %v, want %v", th.Masks, want)
			}
		}
	}
}

func TestSelectGlobalLayerFloor(t *testing.T) {
	// Layer 1's saliencies are all below layer 0's: a pure global threshold
	// would prune it to nothing.
	sal := [][]float32{make([]float32, 1000), make([]float32, 300)}
	for i := range sal[0] {
		sal[0][i] = 10 + float32(i)
	}
	for i := range sal[1] {
		sal[1][i] = float32(i) / 1000
	}
	th, err := SelectGlobal(sal, 0.1, 0.02)
	if err != nil {
		t.Fatal(err)
	}
	var n1 int
	for i, v := range th.Masks[1] {
		if v == 1 {
			n1++
			if i < 300-6 {
				t.Errorf("layer 1 keeps weight %d, not among its 6 most salient", i)
			}
		}
	}
	if n1 != 6 { // ⌈0.02·300⌉
		t.Errorf("layer 1 keeps %d weights, want the floor of 6", n1)
	}
}

func TestSelectGlobalErrors(t *testing.T) {
	ok := [][]float32{{1, 2, 3, 4}}
	for _, tc := range []struct {
		name string
		sal  [][]float32
		keep float64
		min  float64
	}{
		{"keep zero", ok, 0, 0.01},
		{"keep above one", ok, 1.5, 0.01},
		{"keep NaN", ok, math.NaN(), 0.01},
		{"min density negative", ok, 0.5, -1},
		{"no weights", [][]float32{{}}, 0.5, 0.01},
		{"NaN saliency", [][]float32{{1, float32(math.NaN())}}, 0.5, 0.01},
		{"floor above target", [][]float32{{1, 2, 3, 4}, {1, 2, 3, 4}}, 0.1, 0.5},
	} {
		if _, err := SelectGlobal(tc.sal, tc.keep, tc.min); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}

func BenchmarkSelectGlobalLeNet5(b *testing.B) {
	sal := randomSaliency(1, []int{500, 25000, 400000, 5000}, []float64{1, 1, 1, 1})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := SelectGlobal(sal, 0.04, DefaultMinLayerDensity); err != nil {
			b.Fatal(err)
		}
	}
}
