package cli

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/dcsim/dcsim/nn"
	"github.com/dcsim/dcsim/sim"
)

// workloadOf converts nn layer shapes into a dense simulator workload.
func workloadOf(a nn.Arch) *sim.Workload {
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

// loadNetworkModel is loadNetwork that also returns the model when name is a
// model file (nil otherwise).
func loadNetworkModel(name string) (*nn.Model, *sim.Workload, error) {
	if strings.ToLower(filepath.Ext(name)) == ".onnx" {
		return onnxNetwork(name)
	}
	if strings.ToLower(filepath.Ext(name)) != ".npz" {
		w, err := loadNetwork(name)
		return nil, w, err
	}
	m, _, err := nn.LoadModel(name)
	if err != nil {
		return nil, nil, err
	}
	return m, modelToWorkload(m), nil
}

// loadNetwork resolves --network: a SCALE-Sim topology (.csv), a dcsim model
// file (.npz, whose masks and codebooks become the compression) or a zoo name.
func loadNetwork(name string) (*sim.Workload, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		a, err := nn.LoadTopology(name)
		if err != nil {
			return nil, err
		}
		return workloadOf(a), nil
	case ".npz":
		return modelWorkload(name)
	case ".onnx":
		_, w, err := onnxNetwork(name)
		return w, err
	}
	a, err := nn.Zoo(name)
	if err != nil {
		if filepath.Ext(name) != "" {
			return nil, fmt.Errorf("--network %s: not a zoo name, and only .csv (SCALE-Sim topology) and .npz "+
				"(dcsim model) files are read: %w", name, err)
		}
		return nil, err
	}
	return workloadOf(a), nil
}

// applyProfile applies a compression profile to w: densities and index bits
// only (the statistical path), or seeded random masks at those densities when
// maskAccurate is set.
func applyProfile(w *sim.Workload, path string, maskAccurate bool) error {
	p, err := sim.LoadProfile(path)
	if err != nil {
		return err
	}
	if maskAccurate {
		err = p.ApplyMasks(w)
	} else {
		err = p.Apply(w)
	}
	return err // the profile's errors name its file and line
}

// modelWorkload loads a dcsim model file and turns it into a workload whose
// compression is the model's own: its real masks, and codebook index bits
// ceil(log2 k) where a layer is clustered.
func modelWorkload(path string) (*sim.Workload, error) {
	m, _, err := nn.LoadModel(path)
	if err != nil {
		return nil, err
	}
	return modelToWorkload(m), nil
}

// modelToWorkload builds the workload of an in-memory model.
func modelToWorkload(m *nn.Model) *sim.Workload {
	w := workloadOf(m.Arch)
	byName := map[string]*sim.Layer{}
	for i := range w.Layers {
		byName[w.Layers[i].Name] = &w.Layers[i]
	}
	for _, p := range m.Params() {
		l := byName[p.Layer]
		if l == nil {
			continue
		}
		if p.Mask != nil {
			l.Mask = maskOf(p)
		}
		if len(p.Codebook) > 0 {
			l.IndexBits = indexBits(len(p.Codebook))
		}
	}
	return w
}

// maskOf turns a layer's weight mask into a simulator mask (rows = output
// channels).
func maskOf(p *nn.Param) *sim.Mask {
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

// indexBits is ceil(log2 k), at least 1.
func indexBits(k int) int {
	b := 1
	for 1<<b < k {
		b++
	}
	return b
}
