package nn

import (
	"fmt"
	"slices"

	"github.com/dcsim/dcsim/network"
)

// FromNetwork builds a trainable model of n whose weights, masks and
// codebooks are the ones n's layers carry (copied): the way a network read
// from an ONNX file becomes a model. Every conv and fc layer must carry
// weights; the geometry must be one NewModel accepts.
func FromNetwork(n network.Network) (*Model, error) {
	m, err := newModel(n)
	if err != nil {
		return nil, err
	}
	for _, l := range n.Layers {
		if l.Kind == network.Pool {
			continue
		}
		if l.Values == nil {
			return nil, fmt.Errorf("network %q: layer %q has no weights", n.Name, l.Name)
		}
		p, v := m.Param(l.Name), l.Values
		copy(p.W, v.W)
		copy(p.Bias, v.Bias)
		p.Mask, p.Codebook, p.Index = slices.Clone(v.Mask), slices.Clone(v.Codebook), slices.Clone(v.Index)
	}
	return m, nil
}

// Network returns the model as a network description whose conv and fc
// layers carry the model's own weights, masks and codebooks (shared with
// the model, not copied; they are valid until the model changes).
func (m *Model) Network() network.Network {
	n := m.Arch.Geometry()
	for i := range n.Layers {
		if p := m.Param(n.Layers[i].Name); p != nil {
			n.Layers[i].Values = &p.Weights
		}
	}
	return n
}
