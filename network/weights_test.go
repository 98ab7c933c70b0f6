package network

import (
	"strings"
	"testing"
)

func TestWeightsEffective(t *testing.T) {
	w := &Weights{W: []float32{1, 2, 3, 4}, Bias: []float32{0}}
	if w.Nonzero() != 4 || w.SharedValues() != 0 {
		t.Fatalf("dense: nonzero %d, shared %d", w.Nonzero(), w.SharedValues())
	}
	w.Mask = []float32{1, 0, 1, 0}
	if w.Effective(1) != 0 || w.Effective(2) != 3 || w.Nonzero() != 2 {
		t.Errorf("pruned: %v %v nonzero %d", w.Effective(1), w.Effective(2), w.Nonzero())
	}
	w.Codebook, w.Index = []float32{-1, 5}, []int32{1, 1, 0, 1}
	if w.Effective(0) != 5 || w.Effective(1) != 0 || w.Effective(2) != -1 || w.SharedValues() != 2 {
		t.Errorf("shared: %v %v %v, %d values", w.Effective(0), w.Effective(1), w.Effective(2), w.SharedValues())
	}
	w.Codebook, w.Index, w.Clusters = nil, nil, 3
	if w.SharedValues() != 3 {
		t.Errorf("folded: %d shared values, want the 3 clusters", w.SharedValues())
	}
}

func TestWeightsCheck(t *testing.T) {
	fc := Layer{Name: "f", Kind: FC, InC: 3, InH: 1, InW: 1, OutC: 2, R: 1, S: 1}
	ok := func() *Weights { return &Weights{W: make([]float32, 6), Bias: make([]float32, 2)} }
	for _, c := range []struct {
		name string
		edit func(w *Weights)
		want string // "" = valid
	}{
		{"dense", func(*Weights) {}, ""},
		{"short W", func(w *Weights) { w.W = w.W[:5] }, "5 weights and 2 biases, want 6 and 2"},
		{"bias", func(w *Weights) { w.Bias = nil }, "6 weights and 0 biases"},
		{"mask", func(w *Weights) { w.Mask = make([]float32, 4) }, "mask has 4 entries, want 6"},
		{"no indices", func(w *Weights) { w.Codebook = []float32{1} }, "codebook of 1 with 0 indices"},
		{"index", func(w *Weights) { w.Codebook, w.Index = []float32{1}, []int32{0, 0, 1, 0, 0, 0} }, "index[2] = 1: outside codebook of 1"},
	} {
		w := ok()
		c.edit(w)
		err := w.Check(fc)
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
		n := Network{Name: "n", Layers: []Layer{fc}}
		n.Layers[0].Values = w
		if err2 := n.Validate(); (err2 == nil) != (err == nil) {
			t.Errorf("%s: Network.Validate %v, Weights.Check %v", c.name, err2, err)
		}
	}
	pool := Layer{Name: "p", Kind: Pool, InC: 2, InH: 2, InW: 2, R: 2, S: 2, Stride: 2}
	if err := ok().Check(pool); err == nil {
		t.Error("weights on a pooling layer accepted")
	}
}

func TestGeometry(t *testing.T) {
	a, err := Zoo("lenet-300-100")
	if err != nil {
		t.Fatal(err)
	}
	w := &Weights{}
	a.Layers[0].Values = w
	g := a.Geometry()
	if g.Layers[0].Values != nil || a.Layers[0].Values != w || g.Name != a.Name || len(g.Layers) != len(a.Layers) {
		t.Errorf("Geometry kept weights or changed the original: %+v", g.Layers[0])
	}
}
