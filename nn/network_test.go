package nn

import (
	"slices"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/network"
)

// TestNetworkRoundTrip: a model's network carries its own weights (shared,
// not copied), and FromNetwork rebuilds an equal model from it.
func TestNetworkRoundTrip(t *testing.T) {
	m, err := NewModel(tinyArch(), 3)
	if err != nil {
		t.Fatal(err)
	}
	c2 := m.Param("c2")
	c2.Mask = make([]float32, len(c2.W))
	for i := range c2.Mask {
		c2.Mask[i] = float32(i % 2)
	}
	f1 := m.Param("f1")
	f1.Codebook, f1.Index = []float32{-0.5, 0.25}, make([]int32, len(f1.W))
	f1.Index[3] = 1

	n := m.Network()
	if n.Layers[1].Values != nil || n.Layers[2].Values != &c2.Weights || m.Arch.Layers[2].Values != nil {
		t.Fatalf("Network: pooling %v, c2 %p (param %p), model's own arch %v", n.Layers[1].Values, n.Layers[2].Values, &c2.Weights, m.Arch.Layers[2].Values)
	}
	r, err := FromNetwork(n)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range m.Params() {
		q := r.Param(p.Layer)
		if !slices.Equal(p.W, q.W) || !slices.Equal(p.Bias, q.Bias) || !slices.Equal(p.Mask, q.Mask) ||
			!slices.Equal(p.Codebook, q.Codebook) || !slices.Equal(p.Index, q.Index) {
			t.Errorf("%s: rebuilt weights differ", p.Layer)
		}
	}
	if &r.Param("c2").W[0] == &c2.W[0] || r.Arch.Layers[2].Values != nil {
		t.Error("FromNetwork shares the network's weights or keeps them in its arch")
	}

	n.Layers[0].Values = nil
	if _, err := FromNetwork(n); err == nil || !strings.Contains(err.Error(), `layer "c1" has no weights`) {
		t.Errorf("a conv layer without weights: %v", err)
	}
	n.Layers[0].Values = &network.Weights{W: make([]float32, 3), Bias: make([]float32, 3)}
	if _, err := FromNetwork(n); err == nil || !strings.Contains(err.Error(), "3 weights and 3 biases") {
		t.Errorf("weights of the wrong length: %v", err)
	}
}
