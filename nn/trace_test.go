package nn

import (
	"math"
	"math/rand/v2"
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

// TestConvDirectReference: the row-wise direct convolution equals the
// textbook one (every output a sum over channel, kernel row and column of
// weight × input, padding skipped) on random shapes with stride, padding,
// groups and zero weights.
func TestConvDirectReference(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for trial := range 200 {
		g := 1 + r.IntN(2)
		s := network.Layer{Kind: network.Conv, InC: g * (1 + r.IntN(3)), InH: 1 + r.IntN(9), InW: 1 + r.IntN(9), OutC: g * (1 + r.IntN(3)),
			R: 1 + r.IntN(5), S: 1 + r.IntN(5), Stride: 1 + r.IntN(3), Pad: r.IntN(3), Groups: g}
		if s.OutH() < 1 || s.OutW() < 1 {
			continue
		}
		cin := s.InC / g
		w := make([]float32, s.OutC*cin*s.R*s.S)
		for i := range w {
			if r.IntN(3) > 0 {
				w[i] = float32(r.NormFloat64())
			}
		}
		bias := make([]float32, s.OutC)
		for i := range bias {
			bias[i] = float32(r.NormFloat64())
		}
		x := make([]float32, s.InC*s.InH*s.InW)
		for i := range x {
			x[i] = float32(r.NormFloat64())
		}
		y := make([]float32, s.OutC*s.OutH()*s.OutW())
		convDirect(s, w, bias, x, y)
		oh, ow, st := s.OutH(), s.OutW(), s.StrideOr1()
		for o := range s.OutC {
			for oy := range oh {
				for ox := range ow {
					acc := bias[o]
					for c := range cin {
						for kr := range s.R {
							for kq := range s.S {
								iy, ix := oy*st+kr-s.Pad, ox*st+kq-s.Pad
								if iy < 0 || iy >= s.InH || ix < 0 || ix >= s.InW {
									continue
								}
								acc += w[((o*cin+c)*s.R+kr)*s.S+kq] * x[((o/(s.OutC/g)*cin+c)*s.InH+iy)*s.InW+ix]
							}
						}
					}
					if got := y[(o*oh+oy)*ow+ox]; got != acc {
						t.Fatalf("trial %d %+v: y[%d,%d,%d] = %g, want %g", trial, s, o, oy, ox, got, acc)
					}
				}
			}
		}
	}
}
