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
