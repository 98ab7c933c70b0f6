package clustering

import (
	"testing"
)

// maskAt returns a mask of n weights with ones at the given positions.
func maskAt(n int, pos ...int) []float32 {
	m := make([]float32, n)
	for _, p := range pos {
		m[p] = 1
	}
	return m
}

// Hand-computed layers. RelBits 2 allows gaps 0…3; a gap g costs ⌊g/4⌋
// fillers. Mask 10 weights, survivors at 0, 5, 9: gaps 0, 4, 3 → one filler,
// 4 entries.
func TestLayerStorageHand(t *testing.T) {
	idx := make([]int32, 10)
	for i := range idx {
		idx[i] = int32(i % 2)
	}
	cases := []struct {
		name              string
		l                 Layer
		entries, pad, sym int
		bits              int
		total             int64
	}{
		// codebook {−1, 1} has no zero: the filler adds a third entry → 2-bit
		// indices. 4·(2+2) + 3·32 + 2·32 = 176.
		{"clustered, zero added", Layer{Weights: 10, Mask: maskAt(10, 0, 5, 9), Codebook: []float32{-1, 1}, Index: idx, RelBits: 2, Biases: 2}, 3, 1, 3, 2, 176},
		// codebook {0, 1} already holds zero: 1-bit indices. 4·(1+2) + 2·32 + 2·32 = 140.
		{"clustered, zero present", Layer{Weights: 10, Mask: maskAt(10, 0, 5, 9), Codebook: []float32{0, 1}, Index: idx, RelBits: 2, Biases: 2}, 3, 1, 2, 1, 140},
		// unclustered sparse: 4·(32+2) + 2·32 = 200.
		{"unclustered sparse", Layer{Weights: 10, Mask: maskAt(10, 0, 5, 9), RelBits: 2, Biases: 2}, 3, 1, 0, 32, 200},
		// gap of 8 zeros (positions 1…8) with G = 3: ⌊8/4⌋ = 2 fillers; 4 entries.
		// 4·(32+2) = 136.
		{"two fillers", Layer{Weights: 10, Mask: maskAt(10, 0, 9), RelBits: 2}, 2, 2, 0, 32, 136},
		// gap of 7: one filler (3 zeros + the filler position), then gap 3.
		{"gap 7", Layer{Weights: 9, Mask: maskAt(9, 0, 8), RelBits: 2}, 2, 1, 0, 32, 3 * 34},
		// leading zeros count as a gap; trailing zeros cost nothing.
		{"leading gap", Layer{Weights: 12, Mask: maskAt(12, 4), RelBits: 2}, 1, 1, 0, 32, 2 * 34},
		// dense clustered, 4 entries → 2 bits: 10·2 + 4·32 + 3·32 = 244.
		{"dense clustered", Layer{Weights: 10, Codebook: []float32{-2, -1, 1, 2}, Index: idx, Biases: 3}, 10, 0, 4, 2, 244},
		// an all-ones mask is stored dense.
		{"all-ones mask", Layer{Weights: 10, Mask: maskAt(10, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9), RelBits: 2, Biases: 1}, 10, 0, 0, 32, 352},
		// explicit wider index: 10·5 + 4·32.
		{"index bits 5", Layer{Weights: 10, Codebook: []float32{-2, -1, 1, 2}, Index: idx, IndexBits: 5}, 10, 0, 4, 5, 178},
	}
	for _, c := range cases {
		b, err := LayerStorage(c.l)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if b.Nonzero != c.entries || b.Padding != c.pad || b.Symbols != c.sym || b.IndexBits != c.bits || b.Total != c.total {
			t.Errorf("%s: nonzero %d padding %d symbols %d bits %d total %d; want %d %d %d %d %d",
				c.name, b.Nonzero, b.Padding, b.Symbols, b.IndexBits, b.Total, c.entries, c.pad, c.sym, c.bits, c.total)
		}
	}
}

// Huffman of the index and relative-index streams on a skewed layer: the
// streams are coded exactly as HuffmanBits says and the total shrinks.
func TestLayerStorageHuffman(t *testing.T) {
	const n = 20000
	w := laplace(n, 4, 1)
	mask := make([]float32, n)
	for i := range mask {
		if i%7 == 0 || i%11 == 0 {
			mask[i] = 1
		}
	}
	cb, err := Cluster(w, Settings{K: 16})
	if err != nil {
		t.Fatal(err)
	}
	l := Layer{Weights: n, Mask: mask, Codebook: cb.Centroids, Index: cb.Index, RelBits: 4, Biases: 10, Huffman: true}
	b, err := LayerStorage(l)
	if err != nil {
		t.Fatal(err)
	}
	vals, rels := l.streams(true)
	hv, _ := HuffmanBits(vals, 16)
	hr, _ := HuffmanBits(rels, 16)
	if b.HuffValueBits != hv || b.HuffRelIndexBits != hr || b.HuffTotal != hv+hr+b.CodebookBits+b.BiasBits {
		t.Errorf("huffman bits %d/%d/%d, want %d/%d", b.HuffValueBits, b.HuffRelIndexBits, b.HuffTotal, hv, hr)
	}
	if b.HuffTotal >= b.Total {
		t.Errorf("Huffman total %d not below plain %d", b.HuffTotal, b.Total)
	}
	t.Logf("plain %d bits, Huffman %d bits (values %d→%d, rel %d→%d)", b.Total, b.HuffTotal, b.ValueBits, hv, b.RelIndexBits, hr)
}

func TestLayerStorageErrors(t *testing.T) {
	cases := map[string]Layer{
		"mask length":    {Weights: 3, Mask: []float32{1, 0}, RelBits: 4},
		"rel bits 0":     {Weights: 2, Mask: []float32{1, 0}},
		"rel bits 17":    {Weights: 2, Mask: []float32{1, 0}, RelBits: 17},
		"index range":    {Weights: 2, Codebook: []float32{1}, Index: []int32{0, 1}},
		"index length":   {Weights: 2, Codebook: []float32{1}, Index: []int32{0}},
		"empty codebook": {Weights: 2, Codebook: []float32{}, Index: []int32{0, 0}},
		"narrow index":   {Weights: 2, Codebook: []float32{1, 2, 3}, Index: []int32{0, 2}, IndexBits: 1},
		"negative":       {Weights: -1},
	}
	for name, l := range cases {
		if _, err := LayerStorage(l); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// An out-of-range index under a pruned weight is ignored.
	if _, err := LayerStorage(Layer{Weights: 2, Mask: []float32{1, 0}, Codebook: []float32{1}, Index: []int32{0, 9}, RelBits: 4}); err != nil {
		t.Errorf("pruned index checked: %v", err)
	}
}

// Column-major order walks a [rows, cols] mask column by column. A 2×4
// mask with survivors (0,0) and (1,0): row-major gaps 0 and 3, column-major
// gaps 0 and 0; with RelBits 1 (gaps 0…1) the row-major gap of 3 costs one
// filler, the column-major order none.
func TestLayerStorageColumnMajor(t *testing.T) {
	mask := maskAt(8, 0, 4)
	row, err := LayerStorage(Layer{Weights: 8, Mask: mask, RelBits: 1, Rows: 2})
	if err != nil {
		t.Fatal(err)
	}
	col, err := LayerStorage(Layer{Weights: 8, Mask: mask, RelBits: 1, Rows: 2, ColumnMajor: true})
	if err != nil {
		t.Fatal(err)
	}
	if row.Padding != 1 || col.Padding != 0 || !col.ColumnMajor || row.ColumnMajor {
		t.Errorf("padding row %d col %d (col flag %v), want 1 and 0", row.Padding, col.Padding, col.ColumnMajor)
	}
	if col.Total != 2*(32+1) {
		t.Errorf("column-major total %d, want %d", col.Total, 2*(32+1))
	}
	if _, err := LayerStorage(Layer{Weights: 8, Mask: mask, RelBits: 1, Rows: 3, ColumnMajor: true}); err == nil {
		t.Error("3 rows do not divide 8 weights: want an error")
	}
}

// Sparse layers keep one index free for the filler zero: with MaxBits 2 a
// pruned layer gets at most 3 centroids, so centroids plus zero fit 2 bits.
func TestClusterModelReservesZero(t *testing.T) {
	m := prunedLeNet(t, 0.03)
	rep, err := ClusterModel(m, ModelSettings{Settings: Settings{MaxBits: 2}})
	if err != nil {
		t.Fatal(err)
	}
	st, err := Storage(m, StorageSettings{})
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range rep.Layers {
		if l.K > 3 || st.Layers[i].IndexBits > 2 {
			t.Errorf("%s: k %d, stored index bits %d; want k ≤ 3 and 2 bits", l.Layer, l.K, st.Layers[i].IndexBits)
		}
	}
}

// RoundHalf gives binary16 values: 1 + 2^-11 is a tie between 1 and
// 1 + 2^-10 and rounds to even (1); 1 + 3·2^-11 rounds up to 1 + 2^-9
// (even); 2^-24 is the smallest subnormal half; 65504 the largest.
func TestRoundHalf(t *testing.T) {
	for _, c := range []struct{ in, want float32 }{
		{1, 1}, {1 + 0x1p-11, 1}, {1 + 3*0x1p-11, 1 + 0x1p-9}, {-1 - 3*0x1p-11, -1 - 0x1p-9},
		{0x1p-24, 0x1p-24}, {0x1p-26, 0}, {3 * 0x1p-25, 0x1p-23}, {65504, 65504}, {0, 0},
	} {
		if got := RoundHalf(c.in); got != c.want {
			t.Errorf("RoundHalf(%g) = %g, want %g", c.in, got, c.want)
		}
	}
	if !isHalf([]float32{0.5, -2, 0x1p-24}) || isHalf([]float32{0.1}) || isHalf([]float32{70000}) {
		t.Error("isHalf misclassifies")
	}
}

// A clustered layer whose codebook and biases are halves stores them in 16
// bits: 3 entries·(2+2) + (2 centroids + filler zero)·16 + 2 biases·16.
func TestLayerStorageHalfValues(t *testing.T) {
	idx := make([]int32, 10)
	b, err := LayerStorage(Layer{Weights: 10, Mask: maskAt(10, 0, 5, 9), Codebook: []float32{-1, 1}, Index: idx, RelBits: 2, Biases: 2, HalfValues: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(4*(2+2) + 3*16 + 2*16); b.Total != want {
		t.Errorf("total %d, want %d", b.Total, want)
	}
	if _, err := LayerStorage(Layer{Weights: 10, Mask: maskAt(10, 0), RelBits: 2, HalfValues: true}); err == nil {
		t.Error("half values without a codebook: want an error")
	}
}

// SkipEmpty runs the relative indices over the live rows and columns only:
// a 2×4 mask with survivors (0,3) and (1,3) has row-major gaps 3 and 3
// (RelBits 1: one filler each), but over its only live column gaps 0 and
// 0, at the cost of a 2 + 4-bit live map: 2·(32+1) + 6 = 72 bits.
func TestLayerStorageSkipEmpty(t *testing.T) {
	mask := maskAt(8, 3, 7)
	plain, err := LayerStorage(Layer{Weights: 8, Mask: mask, RelBits: 1, Rows: 2})
	if err != nil {
		t.Fatal(err)
	}
	skip, err := LayerStorage(Layer{Weights: 8, Mask: mask, RelBits: 1, Rows: 2, SkipEmpty: true})
	if err != nil {
		t.Fatal(err)
	}
	if plain.Padding != 2 || skip.Padding != 0 || skip.LiveMapBits != 6 || skip.Total != 72 || !skip.SkipEmpty {
		t.Errorf("padding %d / %d, live map %d, total %d; want 2 / 0, 6, 72", plain.Padding, skip.Padding, skip.LiveMapBits, skip.Total)
	}
	col, err := LayerStorage(Layer{Weights: 8, Mask: mask, RelBits: 1, Rows: 2, SkipEmpty: true, ColumnMajor: true})
	if err != nil || col.Total != 72 {
		t.Errorf("column-major with skipping: %d bits (%v), want 72", col.Total, err)
	}
}
