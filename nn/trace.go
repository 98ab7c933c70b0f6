package nn

import (
	"fmt"
	"math"

	"github.com/dcsim/dcsim/network"
)

// LayerInputs runs the first images samples of ds through m, one image at a
// time, and calls visit(img, layer, x) with every layer's input x (CHW, the
// previous layer's output after its ReLU; for layer 0 the normalised image)
// before that layer runs, then visit(img, len(layers), logits) with the
// last layer's output. x is reused between calls: copy what you keep.
//
// It is a direct, unoptimised implementation of the same arithmetic as the
// training engine (effective weights, biases, ReLU after every conv and FC
// layer but the last, max pooling with padded positions ignored), kept
// apart from the engine so that simulation can observe every layer's real
// activation sparsity; TestLayerInputsAgreeWithEvaluate checks the two agree.
// images must be in 1..ds.N.
func (m *Model) LayerInputs(ds *Dataset, images int, visit func(img, layer int, x []float32)) error {
	if err := m.checkData(ds); err != nil {
		return err
	}
	if images < 1 || images > ds.N {
		return fmt.Errorf("images: must be in 1..%d (the dataset's size), got %d", ds.N, images)
	}
	size := ds.sampleSize()
	// The effective weights (masks and codebooks applied), once per call.
	eff := make(map[string][]float32, len(m.params))
	for _, p := range m.params {
		w := make([]float32, len(p.W))
		for i := range w {
			w[i] = p.Effective(i)
		}
		eff[p.Layer] = w
	}
	var cur, next []float32
	for img := 0; img < images; img++ {
		cur = append(cur[:0], ds.X[img*size:(img+1)*size]...)
		for li, s := range m.Arch.Layers {
			visit(img, li, cur)
			next = resize(next, int(s.OutputSize()))
			switch s.Kind {
			case network.Pool:
				maxPoolDirect(s, cur, next)
			default:
				p := m.params[m.byName[s.Name]]
				convDirect(s, eff[s.Name], p.Bias, cur, next)
				if li < len(m.Arch.Layers)-1 {
					for i, v := range next {
						next[i] = max(v, 0)
					}
				}
			}
			cur, next = next, cur
		}
		visit(img, len(m.Arch.Layers), cur)
	}
	return nil
}

func resize(b []float32, n int) []float32 {
	if cap(b) < n {
		return make([]float32, n)
	}
	return b[:n]
}

// convDirect computes y = W*x + b for a conv or FC layer (an FC layer is a
// 1×1 convolution of a 1×1 image) with effective weights w. Each output
// starts at its bias and adds its terms in (input channel, kernel row,
// kernel column) order; the loops run weight by weight over whole output
// rows, so zero (pruned) weights cost nothing.
func convDirect(s network.Layer, w, bias, x, y []float32) {
	oh, ow, st, g := s.OutH(), s.OutW(), s.StrideOr1(), s.GroupsOr1()
	cin, cout := s.InC/g, s.OutC/g
	if s.InH == 1 && s.InW == 1 && s.R == 1 && s.S == 1 && s.Pad == 0 && g == 1 {
		// A fully connected layer: one dot product per output, same order.
		for o := range s.OutC {
			acc := bias[o]
			for c, wv := range w[o*cin : (o+1)*cin] {
				acc += wv * x[c]
			}
			y[o] = acc
		}
		return
	}
	for o := 0; o < s.OutC; o++ {
		out := y[o*oh*ow : (o+1)*oh*ow]
		for i := range out {
			out[i] = bias[o]
		}
		c0 := (o / cout) * cin
		for c := 0; c < cin; c++ {
			plane := x[(c0+c)*s.InH*s.InW : (c0+c+1)*s.InH*s.InW]
			for r := 0; r < s.R; r++ {
				for q := 0; q < s.S; q++ {
					wv := w[((o*cin+c)*s.R+r)*s.S+q]
					if wv == 0 {
						continue
					}
					// Output columns whose input column ox·st+q−pad is inside.
					lo := max(0, (s.Pad-q+st-1)/st)
					hi := 0
					if n := s.InW - 1 + s.Pad - q; n >= 0 {
						hi = min(ow, n/st+1)
					}
					for oy := 0; oy < oh; oy++ {
						iy := oy*st + r - s.Pad
						if iy < 0 || iy >= s.InH || lo >= hi {
							continue
						}
						row := plane[iy*s.InW:]
						orow := out[oy*ow : (oy+1)*ow]
						for ox := lo; ox < hi; ox++ {
							orow[ox] += wv * row[ox*st+q-s.Pad]
						}
					}
				}
			}
		}
	}
}

// maxPoolDirect is max pooling; positions in the padding are ignored.
func maxPoolDirect(s network.Layer, x, y []float32) {
	oh, ow, st := s.OutH(), s.OutW(), s.StrideOr1()
	for c := 0; c < s.InC; c++ {
		for oy := 0; oy < oh; oy++ {
			for ox := 0; ox < ow; ox++ {
				best := float32(math.Inf(-1))
				for r := 0; r < s.R; r++ {
					iy := oy*st + r - s.Pad
					if iy < 0 || iy >= s.InH {
						continue
					}
					for q := 0; q < s.S; q++ {
						if ix := ox*st + q - s.Pad; ix >= 0 && ix < s.InW {
							best = max(best, x[(c*s.InH+iy)*s.InW+ix])
						}
					}
				}
				y[(c*oh+oy)*ow+ox] = best
			}
		}
	}
}
