package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// quantLayer is a pruned, weight-shared layer: mask, per-weight codebook
// indices, codebook, and the decoded dense matrix W (zero where pruned).
type quantLayer struct {
	mask     *Mask
	index    []uint16
	codebook []float32
	w        []float32
}

// randomQuantLayer draws a random mask and random indices into a k-entry
// codebook whose entry 0 is zero (for padding).
func randomQuantLayer(rows, cols int, d float64, k int, rng *rand.Rand) quantLayer {
	q := quantLayer{mask: RandomMask(rows, cols, d, rng), index: make([]uint16, rows*cols),
		codebook: make([]float32, k), w: make([]float32, rows*cols)}
	for i := 1; i < k; i++ {
		q.codebook[i] = float32(rng.NormFloat64())
	}
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			if q.mask.Get(r, c) {
				i := r*cols + c
				q.index[i] = uint16(1 + rng.IntN(k-1))
				q.w[i] = q.codebook[q.index[i]]
			}
		}
	}
	return q
}

// prunedLaplaceLayer is a "real pruned-style" layer: Laplace(0,1) weights,
// magnitude-pruned to the given density, the survivors clustered into
// k−1 centroids at uniform quantiles (the median of each equal-count bin),
// plus the zero entry 0 used by padding.
func prunedLaplaceLayer(rows, cols int, density float64, k int, rng *rand.Rand) quantLayer {
	n := rows * cols
	raw := make([]float64, n)
	for i := range raw {
		raw[i] = rng.ExpFloat64()
		if rng.IntN(2) == 0 {
			raw[i] = -raw[i]
		}
	}
	mags := make([]float64, n)
	for i, v := range raw {
		mags[i] = math.Abs(v)
	}
	slices.Sort(mags)
	keep := int(math.Round(density * float64(n)))
	thr := mags[n-keep]
	var kept []float64
	for _, v := range raw {
		if math.Abs(v) >= thr {
			kept = append(kept, v)
		}
	}
	slices.Sort(kept)
	q := quantLayer{mask: NewMask(rows, cols), index: make([]uint16, n), codebook: make([]float32, k), w: make([]float32, n)}
	bins := k - 1
	for b := 0; b < bins; b++ {
		q.codebook[b+1] = float32(kept[(2*b+1)*len(kept)/(2*bins)])
	}
	for i, v := range raw {
		if math.Abs(v) < thr {
			continue
		}
		q.mask.Set(i/cols, i%cols)
		pos, _ := slices.BinarySearch(kept, v)
		q.index[i] = uint16(1 + min(pos*bins/len(kept), bins-1))
		q.w[i] = q.codebook[q.index[i]]
	}
	return q
}

// checkFunctional encodes q, multiplies a sparse vector through the
// datapath, compares with the dense W·x (float64 reference; tolerance
// 1e-5 of Σ|w·x| per output, float32 accumulation) and compares the walked
// entries with the timing model's per-PE per-column work.
func checkFunctional(t *testing.T, name string, q quantLayer, pes, relBits int, actDensity float64, rng *rand.Rand) {
	t.Helper()
	rows, cols := q.mask.Rows, q.mask.Cols
	m, err := EncodeEIE(q.mask, q.index, q.codebook, pes, relBits)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	x := make([]float32, cols)
	for j := range x {
		if rng.Float64() < actDensity {
			x[j] = float32(rng.ExpFloat64()) // ReLU outputs: non-negative
		}
	}
	y, walked, err := m.MulVec(x)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for r := 0; r < rows; r++ {
		var ref, mag float64
		for c := 0; c < cols; c++ {
			v := float64(q.w[r*cols+c]) * float64(x[c])
			ref += v
			mag += math.Abs(v)
		}
		if math.Abs(float64(y[r])-ref) > 1e-5*mag+1e-7 {
			t.Fatalf("%s: y[%d] = %g, dense reference %g", name, r, y[r], ref)
		}
	}
	work := maskWork(q.mask, 0, rows, pes, relBits)
	for j := 0; j < cols; j++ {
		for p := 0; p < pes; p++ {
			want := int32(0)
			if x[j] != 0 {
				want = work.entries(j, p)
			}
			if got := walked[j*pes+p]; got != want {
				t.Fatalf("%s: PE %d column %d walked %d entries, timing model counted %d", name, p, j, got, want)
			}
		}
	}
	var stored int64
	for _, n := range work.nnz {
		stored += int64(n)
	}
	for _, n := range work.pad {
		stored += int64(n)
	}
	if stored != m.Entries() {
		t.Errorf("%s: %d entries stored, timing model counted %d", name, m.Entries(), stored)
	}
}

func TestFunctionalRandomLayers(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for _, tc := range []struct {
		rows, cols, pes, relBits, k int
		d, act                      float64
	}{
		{64, 64, 8, 4, 16, 0.1, 0.5},
		{300, 200, 64, 4, 16, 0.04, 0.35},
		{1000, 90, 16, 2, 4, 0.2, 1},
		{77, 513, 5, 3, 256, 0.5, 0.2},
		{2000, 40, 4, 4, 16, 0.01, 0.9}, // long gaps: many padding entries
	} {
		q := randomQuantLayer(tc.rows, tc.cols, tc.d, tc.k, rng)
		checkFunctional(t, "random", q, tc.pes, tc.relBits, tc.act, rng)
	}
}

func TestFunctionalPrunedLayer(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	q := prunedLaplaceLayer(1024, 768, 0.08, 16, rng)
	if d := q.mask.Density(); math.Abs(d-0.08) > 1e-3 {
		t.Fatalf("pruned density %.4f, want 0.08", d)
	}
	checkFunctional(t, "laplace-8%", q, 64, 4, 0.35, rng)

	// The timing model on the same mask charges exactly the stored padding.
	l := fcLayer("pruned", 768, 1024, 0, 0.35, 4)
	l.Mask = q.mask
	r, err := SimulateLayer(eieSpec(8), &l)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := EncodeEIE(q.mask, q.index, q.codebook, 64, 4)
	if r.PaddingEntries != m.Entries()-q.mask.Count() {
		t.Errorf("timing model padding %d, encoded %d", r.PaddingEntries, m.Entries()-q.mask.Count())
	}
}

func TestEncodeEIEErrors(t *testing.T) {
	mask := NewMask(40, 2)
	mask.Set(39, 0) // 39 zeros above it: needs padding with 4-bit indices
	idx := make([]uint16, 80)
	idx[39*2] = 1
	if _, err := EncodeEIE(mask, idx, []float32{0.5, 1}, 1, 4); err == nil {
		t.Error("padding without a zero codebook entry: no error")
	}
	if _, err := EncodeEIE(mask, idx[:10], []float32{0, 1}, 1, 4); err == nil {
		t.Error("short index slice: no error")
	}
	idx[39*2] = 7
	if _, err := EncodeEIE(mask, idx, []float32{0, 1}, 1, 4); err == nil {
		t.Error("index outside codebook: no error")
	}
	if _, err := EncodeEIE(nil, idx, []float32{0, 1}, 1, 4); err == nil {
		t.Error("nil mask: no error")
	}
}

func ExampleEncodeEIE() {
	// A 4×6 matrix on 2 PEs with 2-bit relative indices: PE 0 owns rows 0
	// and 2, PE 1 rows 1 and 3. Codebook entry 0 is the zero used for
	// padding.
	mask := NewMask(4, 6)
	index := make([]uint16, 24)
	set := func(r, c int, ix uint16) { mask.Set(r, c); index[r*6+c] = ix }
	set(0, 0, 1)
	set(3, 0, 2)
	set(2, 5, 1)
	m, err := EncodeEIE(mask, index, []float32{0, 0.5, -2}, 2, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	y, _, _ := m.MulVec([]float32{2, 0, 0, 0, 0, 4})
	fmt.Println(y, m.Entries())
	// Output: [1 0 2 -4] 3
}
