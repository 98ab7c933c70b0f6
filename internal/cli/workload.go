package cli

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/dcsim/dcsim/internal/workload"
	"github.com/dcsim/dcsim/network"
	"github.com/dcsim/dcsim/nn"
	"github.com/dcsim/dcsim/sim"
)

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
	return m, workload.FromModel(m), nil
}

// loadNetwork resolves --network: a SCALE-Sim topology (.csv), a dcsim model
// file (.npz, whose masks and codebooks become the compression) or a zoo name.
func loadNetwork(name string) (*sim.Workload, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		a, err := network.LoadTopology(name)
		if err != nil {
			return nil, err
		}
		return workload.Of(a), nil
	case ".npz":
		return modelWorkload(name)
	case ".onnx":
		_, w, err := onnxNetwork(name)
		return w, err
	}
	a, err := network.Zoo(name)
	if err != nil {
		if filepath.Ext(name) != "" {
			return nil, fmt.Errorf("--network %s: not a zoo name, and only .csv (SCALE-Sim topology) and .npz "+
				"(dcsim model) files are read: %w", name, err)
		}
		return nil, err
	}
	return workload.Of(a), nil
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
	return workload.FromModel(m), nil
}
