package codesign

import (
	"math/rand/v2"
	"testing"

	"github.com/dcsim/dcsim/accel"
	"github.com/dcsim/dcsim/network"
	"github.com/dcsim/dcsim/nn"
	"github.com/dcsim/dcsim/sim"
)

// testWorkload is the model → workload conversion the command layer
// supplies (internal/cli.modelToWorkload), reduced to what these tests
// need: geometry and masks.
func testWorkload(m *nn.Model) *sim.Workload {
	w := &sim.Workload{Name: m.Arch.Name}
	for _, s := range m.Arch.Layers {
		l := sim.Layer{Layer: s}
		if p := m.Param(s.Name); p != nil && p.Mask != nil {
			rows := p.Shape[0]
			cols := len(p.Mask) / rows
			l.Mask = sim.NewMask(rows, cols)
			for i, v := range p.Mask {
				if v != 0 {
					l.Mask.Set(i/cols, i%cols)
				}
			}
		}
		w.Layers = append(w.Layers, l)
	}
	return w
}

// testWorkloads is the Settings.Workloads of these tests: one workload,
// no measured activations.
func testWorkloads(m *nn.Model) ([]*sim.Workload, error) {
	return []*sim.Workload{testWorkload(m)}, nil
}

// testModel is an untrained LeNet-5 with a fixed seed.
func testModel(t testing.TB) *nn.Model { t.Helper(); return zooModel(t, "lenet-5") }

// zooModel is an untrained model of the zoo network name, seed 7.
func zooModel(t testing.TB, name string) *nn.Model {
	t.Helper()
	a, err := network.Zoo(name)
	if err != nil {
		t.Fatal(err)
	}
	m, err := nn.NewModel(a, 7)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// testData is n random 1×28×28 images with labels that depend on the image
// (the sign of its mean pixel in the left half), so training has signal.
func testData(n int) *nn.Dataset {
	r := rand.New(rand.NewPCG(3, 4))
	d := &nn.Dataset{N: n, C: 1, H: 28, W: 28, X: make([]float32, n*784), Y: make([]uint8, n)}
	for i := range n {
		var left float32
		for j := range 784 {
			v := float32(r.NormFloat64())
			d.X[i*784+j] = v
			if j%28 < 14 {
				left += v
			}
		}
		if left > 0 {
			d.Y[i] = 1
		}
	}
	return d
}

// testSpec is the eie preset.
func testSpec(t testing.TB) *accel.Spec {
	t.Helper()
	s, err := accel.Load("../../configs/accelerators/eie.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// tinySettings is a 2×2 grid with a small proxy.
func tinySettings() Settings {
	return Settings{ConvKeeps: []float64{0.2, 1}, FCKeeps: []float64{0.05, 0.5}, Workloads: testWorkloads,
		ProxyTrainImages: 64, ValImages: 64, MaxDrop: 0.5, MinKeep: 0.01, GlobalKeeps: []float64{0.1}, Search: Grid,
		Seed: 1, Workers: 1}
}
