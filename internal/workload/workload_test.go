package workload

import (
	"testing"

	"github.com/dcsim/dcsim/network"
	"github.com/dcsim/dcsim/nn"
)

// TestFromModel: geometry from the shapes, masks bit for bit, index bits
// from the codebook size.
func TestFromModel(t *testing.T) {
	a, err := network.Zoo("lenet-5")
	if err != nil {
		t.Fatal(err)
	}
	m, err := nn.NewModel(a, 1)
	if err != nil {
		t.Fatal(err)
	}
	p := m.Param("conv2")
	p.Mask = make([]float32, len(p.W))
	for i := range p.Mask {
		p.Mask[i] = float32(i % 3 % 2)
	}
	f := m.Param("fc1")
	f.Codebook = make([]float32, 12)
	f.Index = make([]int32, len(f.W))
	w := FromModel(m)
	if len(w.Layers) != len(a.Layers) || w.Name != "lenet-5" {
		t.Fatalf("workload %s with %d layers", w.Name, len(w.Layers))
	}
	for i, l := range w.Layers {
		s := a.Layers[i]
		if l.Name != s.Name || string(l.Kind) != string(s.Kind) || l.MACs() != m.MACs(s.Name) && s.Kind != network.Pool {
			t.Errorf("layer %d: %+v vs shape %+v", i, l, s)
		}
	}
	c2 := w.Layers[2]
	rows, cols := p.Rows(), p.Cols()
	for r := range rows {
		for c := range cols {
			if c2.Mask.Get(r, c) != (p.Mask[r*cols+c] != 0) {
				t.Fatalf("conv2 mask differs at (%d, %d)", r, c)
			}
		}
	}
	if w.Layers[4].IndexBits != 4 || w.Layers[0].Mask != nil || w.Layers[0].IndexBits != 0 {
		t.Errorf("fc1 index bits %d (want 4 for 12 values); conv1 mask %v bits %d",
			w.Layers[4].IndexBits, w.Layers[0].Mask, w.Layers[0].IndexBits)
	}
}

// TestOf: a layer's weights give its mask and index bits (a codebook's
// size, or the clusters a folded layer was stored as); layers without
// weights are dense.
func TestOf(t *testing.T) {
	a, err := network.Zoo("lenet-300-100")
	if err != nil {
		t.Fatal(err)
	}
	dense := Of(a)
	a.Layers[0].Values = &network.Weights{Clusters: 5} // a folded layer: no codebook, 5 stored values
	mask := make([]float32, a.Layers[1].Weights())
	mask[7] = 1
	a.Layers[1].Values = &network.Weights{Mask: mask}
	w := Of(a)
	if w.Layers[0].IndexBits != 3 || w.Layers[0].Mask != nil {
		t.Errorf("fc1: %d index bits (want 3 for 5 values), mask %v", w.Layers[0].IndexBits, w.Layers[0].Mask)
	}
	if m := w.Layers[1].Mask; m == nil || m.Rows != 100 || m.Cols != 300 || m.Count() != 1 || !m.Get(0, 7) {
		t.Errorf("fc2 mask %+v", m)
	}
	for i, l := range w.Layers {
		d := dense.Layers[i]
		if l.Name != d.Name || l.MACs() != d.MACs() || l.MACs() != a.Layers[i].MACs() || dense.Layers[i].Mask != nil || d.IndexBits != 0 {
			t.Errorf("layer %d: %+v vs dense %+v", i, l, d)
		}
	}
}
