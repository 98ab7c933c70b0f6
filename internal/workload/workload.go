// Package workload turns networks as nn describes them (zoo shapes, topology
// files, trainable models with masks and codebooks) into simulator
// workloads: the one place where nn meets sim. It imports nn, sim (and
// accel through sim) and clustering (a codebook's index width); the
// command layer, sweeps and scripts use it.
package workload

import (
	"github.com/dcsim/dcsim/clustering"
	"github.com/dcsim/dcsim/network"
	"github.com/dcsim/dcsim/nn"
	"github.com/dcsim/dcsim/sim"
)

// FromArch is the dense workload of a network's layer shapes.
func FromArch(a network.Network) *sim.Workload {
	w := &sim.Workload{Name: a.Name, Layers: make([]sim.Layer, len(a.Layers))}
	for i, s := range a.Layers {
		w.Layers[i] = sim.Layer{
			Name: s.Name, Kind: sim.Kind(s.Kind),
			InC: s.InC, InH: s.InH, InW: s.InW, OutC: s.OutC, R: s.R, S: s.S,
			Stride: s.StrideOr1(), Pad: s.Pad, Groups: s.GroupsOr1(), Ceil: s.Ceil,
		}
	}
	return w
}

// Zoo is the dense workload of the zoo network name.
func Zoo(name string) (*sim.Workload, error) {
	a, err := network.Zoo(name)
	if err != nil {
		return nil, err
	}
	return FromArch(a), nil
}

// FromModel is the workload of a trainable model whose compression is its
// own: each layer's real weight mask, and codebook index bits ⌈log2 k⌉ where
// the layer is clustered into k values.
func FromModel(m *nn.Model) *sim.Workload {
	w := FromArch(m.Arch)
	byName := make(map[string]*sim.Layer, len(w.Layers))
	for i := range w.Layers {
		byName[w.Layers[i].Name] = &w.Layers[i]
	}
	for _, p := range m.Params() {
		l := byName[p.Layer]
		if l == nil {
			continue
		}
		if p.Mask != nil {
			l.Mask = Mask(p)
		}
		if len(p.Codebook) > 0 {
			l.IndexBits = clustering.IndexBits(len(p.Codebook))
		}
	}
	return w
}

// Mask turns a layer's weight mask into a simulator mask (rows = output
// channels, columns = the weights of one output).
func Mask(p *nn.Param) *sim.Mask {
	rows := p.Shape[0]
	cols := len(p.Mask) / rows
	mask := sim.NewMask(rows, cols)
	for r := range rows {
		for c, v := range p.Mask[r*cols : (r+1)*cols] {
			if v != 0 {
				mask.Set(r, c)
			}
		}
	}
	return mask
}
