// Package workload turns a network description (package network: the zoo,
// topology files, ONNX files, trainable models with masks and codebooks)
// into a simulator workload: the one place where a network meets sim. It
// imports network, nn (a model's weights as a network), sim (and accel
// through sim) and clustering (a codebook's index width); the command
// layer, sweeps and scripts use it.
package workload

import (
	"github.com/dcsim/dcsim/clustering"
	"github.com/dcsim/dcsim/network"
	"github.com/dcsim/dcsim/nn"
	"github.com/dcsim/dcsim/sim"
)

// Of is the workload of a network: each layer's geometry and, where the
// layer carries weights, their compression: the real weight mask (when the
// layer has one) and codebook index bits ⌈log2 k⌉ where its weights are
// shared among k values. Layers without weights are dense.
func Of(n network.Network) *sim.Workload {
	w := &sim.Workload{Name: n.Name, Layers: make([]sim.Layer, len(n.Layers))}
	for i, s := range n.Layers {
		l := sim.Layer{Layer: s}
		l.Values = nil // the weights reach sim as their mask (and index bits)
		l.Stride, l.Groups = s.StrideOr1(), s.GroupsOr1()
		if v := s.Values; v != nil {
			if v.Mask != nil {
				l.Mask = mask(v.Mask, s.OutC)
			}
			if k := v.SharedValues(); k > 0 {
				l.IndexBits = clustering.IndexBits(k)
			}
		}
		w.Layers[i] = l
	}
	return w
}

// Zoo is the dense workload of the zoo network name.
func Zoo(name string) (*sim.Workload, error) {
	a, err := network.Zoo(name)
	if err != nil {
		return nil, err
	}
	return Of(a), nil
}

// FromModel is the workload of a trainable model whose compression is its
// own: Of its network with the model's weights.
func FromModel(m *nn.Model) *sim.Workload { return Of(m.Network()) }

// mask turns a layer's 0/1 weight mask into a simulator mask of rows output
// channels, each row the weights of one output.
func mask(m []float32, rows int) *sim.Mask {
	cols := len(m) / rows
	out := sim.NewMask(rows, cols)
	for r := range rows {
		for c, v := range m[r*cols : (r+1)*cols] {
			if v != 0 {
				out.Set(r, c)
			}
		}
	}
	return out
}
