package nn

import (
	"math"
	"testing"

	"github.com/dcsim/dcsim/network"
)

// TestLayerInputsAgreeWithEvaluate: the direct forward pass that exposes
// each layer's input computes what the training engine computes: the same
// mean loss and accuracy on the same images, for a pruned and weight-shared
// LeNet-5 (masks and codebooks in the effective weights).
func TestLayerInputsAgreeWithEvaluate(t *testing.T) {
	arch, err := network.Zoo("lenet-5")
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewModel(arch, 3)
	if err != nil {
		t.Fatal(err)
	}
	p := m.Param("fc1")
	p.Mask = make([]float32, len(p.W))
	for i := range p.Mask {
		p.Mask[i] = float32(i % 3 / 2) // one in three kept
	}
	c := m.Param("conv2")
	c.Codebook = []float32{-0.05, 0, 0.05}
	c.Index = make([]int32, len(c.W))
	for i := range c.Index {
		c.Index[i] = int32(i % 3)
	}
	ds := randomDataset(40, 1, 28, 28, 10, 5)
	acc, loss, err := EvaluateErr(m, ds, 1)
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	var correct int
	inputs := map[int]int{}
	err = m.LayerInputs(ds, ds.N, func(img, layer int, x []float32) {
		inputs[layer]++
		if layer == 0 {
			for i, v := range x {
				if v != ds.X[img*784+i] {
					t.Fatalf("image %d: layer 0 input differs from the image at %d", img, i)
				}
			}
		}
		if layer < len(arch.Layers) {
			if s := arch.Layers[layer]; len(x) != int(s.InC*s.InH*s.InW) {
				t.Fatalf("layer %s: input of %d values, want %d", s.Name, len(x), s.InC*s.InH*s.InW)
			}
			return
		}
		best, mx := 0, x[0]
		for i, v := range x {
			if v > mx {
				best, mx = i, v
			}
		}
		var z float64
		for _, v := range x {
			z += math.Exp(float64(v - mx))
		}
		sum += math.Log(z) - float64(x[ds.Y[img]]-mx)
		if best == int(ds.Y[img]) {
			correct++
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	for li := 0; li <= len(arch.Layers); li++ {
		if inputs[li] != ds.N {
			t.Errorf("layer %d visited %d times, want %d", li, inputs[li], ds.N)
		}
	}
	if got := sum / float64(ds.N); math.Abs(got-loss) > 1e-4*math.Max(1, loss) {
		t.Errorf("mean loss %v, engine %v", got, loss)
	}
	if got := float64(correct) / float64(ds.N); got != acc {
		t.Errorf("accuracy %v, engine %v", got, acc)
	}
	if err := m.LayerInputs(ds, 0, func(int, int, []float32) {}); err == nil {
		t.Error("images 0 accepted")
	}
}
