package clustering

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/dcsim/dcsim/network"
	"github.com/dcsim/dcsim/nn"
)

// prunedLeNet returns LeNet-300-100 with random He weights and the smallest
// (1 − keep) of each layer's weights masked out.
func prunedLeNet(t *testing.T, keep float64) *nn.Model {
	t.Helper()
	arch, err := network.Zoo("lenet-300-100")
	if err != nil {
		t.Fatal(err)
	}
	m, err := nn.NewModel(arch, 1)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(4, 4))
	for _, p := range m.Params() {
		p.Mask = make([]float32, len(p.W))
		for i := range p.Mask {
			if rng.Float64() < keep {
				p.Mask[i] = 1
			}
		}
	}
	return m
}

// Clustering must not destroy sparsity: pruned weights stay exactly zero
// and every survivor becomes its nearest centroid.
func TestClusterModelKeepsSparsity(t *testing.T) {
	m := prunedLeNet(t, 0.1)
	rep, err := ClusterModel(m, ModelSettings{})
	if err != nil {
		t.Fatal(err)
	}
	for li, p := range m.Params() {
		lr := rep.Layers[li]
		if lr.K < 2 || lr.K > 32 || len(p.Codebook) != lr.K || len(p.Index) != len(p.W) {
			t.Fatalf("%s: k %d, codebook %d, index %d", p.Layer, lr.K, len(p.Codebook), len(p.Index))
		}
		nonzero := 0
		for i := range p.W {
			e := p.Effective(i)
			if p.Mask[i] == 0 {
				if e != 0 {
					t.Fatalf("%s: pruned weight %d became %g", p.Layer, i, e)
				}
				continue
			}
			nonzero++
			for _, c := range p.Codebook {
				if math.Abs(float64(p.W[i]-c)) < math.Abs(float64(p.W[i]-e))-1e-7 {
					t.Fatalf("%s: weight %d = %g shared as %g, but %g is nearer", p.Layer, i, p.W[i], e, c)
				}
			}
		}
		if nonzero != lr.Nonzero {
			t.Errorf("%s: %d survivors, report says %d", p.Layer, nonzero, lr.Nonzero)
		}
		t.Logf("%s: %d/%d weights, k %d", p.Layer, lr.Nonzero, lr.Weights, lr.K)
	}
}

func TestClusterModelSettings(t *testing.T) {
	m := prunedLeNet(t, 0.2)
	rep, err := ClusterModel(m, ModelSettings{FCMaxBits: 2, K: map[string]int{"fc3": 3}})
	if err != nil {
		t.Fatal(err)
	}
	for _, lr := range rep.Layers {
		want := 4
		if lr.Layer == "fc3" {
			want = 3
		}
		if lr.K > want || (lr.Layer == "fc3" && lr.K != 3) {
			t.Errorf("%s: k %d, want ≤ %d", lr.Layer, lr.K, want)
		}
	}
}

// A dense layer holding exact zeros gets a mask, so its zeros stay zero;
// a layer with no survivor keeps no codebook.
func TestClusterModelZeros(t *testing.T) {
	m := prunedLeNet(t, 0.3)
	p := m.Params()[1]
	for i := range p.W {
		if p.Mask[i] == 0 {
			p.W[i] = 0
		}
	}
	p.Mask = nil
	last := m.Params()[2]
	for i := range last.Mask {
		last.Mask[i] = 0
	}
	rep, err := ClusterModel(m, ModelSettings{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Mask == nil {
		t.Fatal("no mask created for a layer with zero weights")
	}
	for i := range p.W {
		if p.W[i] == 0 && p.Effective(i) != 0 {
			t.Fatalf("zero weight %d became %g", i, p.Effective(i))
		}
	}
	if last.Codebook != nil || rep.Layers[2].K != 0 {
		t.Errorf("fully pruned layer got a codebook of %d", len(last.Codebook))
	}
}

// An error in a later layer leaves the whole model unchanged.
func TestClusterModelErrorLeavesModel(t *testing.T) {
	m := prunedLeNet(t, 0.1)
	m.Params()[2].W[0], m.Params()[2].Mask[0] = float32(math.NaN()), 1
	if _, err := ClusterModel(m, ModelSettings{}); err == nil {
		t.Fatal("NaN weight accepted")
	}
	for _, p := range m.Params() {
		if p.Codebook != nil {
			t.Errorf("%s: codebook set despite the error", p.Layer)
		}
	}
}

func TestStorageModel(t *testing.T) {
	arch, _ := network.Zoo("lenet-300-100")
	dense, _ := nn.NewModel(arch, 1)
	st, err := Storage(dense, StorageSettings{})
	if err != nil {
		t.Fatal(err)
	}
	// 266200 weights + 410 biases, all 32-bit: ratio exactly 1.
	if st.DenseBits != 32*(266200+410) || st.Bits != st.DenseBits || st.CompressionRatio != 1 {
		t.Errorf("dense model: dense %d bits %d ratio %v", st.DenseBits, st.Bits, st.CompressionRatio)
	}
	m := prunedLeNet(t, 0.08)
	if _, err := ClusterModel(m, ModelSettings{}); err != nil {
		t.Fatal(err)
	}
	st, err = Storage(m, StorageSettings{Huffman: true})
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	for i, p := range m.Params() {
		// ClusterModel leaves codebooks and biases in half precision.
		b, _ := LayerStorage(Layer{Weights: len(p.W), Mask: p.Mask, Codebook: p.Codebook, Index: p.Index, RelBits: DefaultRelBitsFC, Biases: len(p.Bias), HalfValues: true})
		if b.Total != st.Layers[i].Total {
			t.Errorf("%s: %d bits, LayerStorage says %d", p.Layer, st.Layers[i].Total, b.Total)
		}
		sum += b.Total
	}
	if sum != st.Bits || math.Abs(st.CompressionRatio-float64(st.DenseBits)/float64(sum)) > 1e-12 {
		t.Errorf("total %d (sum %d), ratio %v", st.Bits, sum, st.CompressionRatio)
	}
	if st.HuffmanBits <= 0 || st.HuffmanBits >= st.Bits {
		t.Errorf("Huffman %d bits vs plain %d", st.HuffmanBits, st.Bits)
	}
	t.Logf("8%% random mask, adaptive k: ratio %.1f×, with Huffman %.1f×", st.CompressionRatio, st.HuffmanRatio)
}

// Choosing the relative-index width per layer can only beat every fixed
// width, order and skipping (up to the header per layer).
func TestStorageAutoRelBits(t *testing.T) {
	m := prunedLeNet(t, 0.03)
	if _, err := ClusterModel(m, ModelSettings{}); err != nil {
		t.Fatal(err)
	}
	auto, err := Storage(m, StorageSettings{AutoRelBits: true, Huffman: true})
	if err != nil {
		t.Fatal(err)
	}
	header := int64(AutoRelHeaderBits * len(m.Params()))
	for rel := 1; rel <= MaxAutoRelBits; rel++ {
		st, err := Storage(m, StorageSettings{RelBitsFC: rel, Huffman: true})
		if err != nil {
			t.Fatal(err)
		}
		if auto.Bits > st.Bits+header || auto.HuffmanBits > st.HuffmanBits+header {
			t.Errorf("rel_bits %d: %d/%d bits, auto %d/%d", rel, st.Bits, st.HuffmanBits, auto.Bits, auto.HuffmanBits)
		}
	}
	for _, l := range auto.Layers {
		if l.RelBits < 1 || l.RelBits > MaxAutoRelBits || l.HuffRelBits < 1 || l.HuffRelBits > MaxAutoRelBits {
			t.Errorf("%s: widths %d/%d", l.Layer, l.RelBits, l.HuffRelBits)
		}
	}
	t.Logf("3%% random mask: auto %.1f× (Huffman %.1f×)", auto.CompressionRatio, auto.HuffmanRatio)
}
