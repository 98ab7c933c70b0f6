package onnx

import (
	"bytes"
	"math"
	"path/filepath"
	"testing"

	"github.com/dcsim/dcsim/network"
	"github.com/dcsim/dcsim/nn"
)

// TestZooRoundTrip writes every zoo network as a shape file and reads it
// back: the layers dcsim simulates must be exactly the zoo's.
func TestZooRoundTrip(t *testing.T) {
	for _, name := range network.ZooNames() {
		arch, _ := network.Zoo(name)
		data, err := Marshal(arch, nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		net, err := Read(data, name+".onnx")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !sameLayers(net.Arch.Layers, arch.Layers) {
			t.Errorf("%s: read back\n%+v\nwant\n%+v", name, net.Arch.Layers, arch.Layers)
		}
		if net.Name != name {
			t.Errorf("%s: name %q", name, net.Name)
		}
		for _, l := range net.Arch.Layers {
			if l.Values != nil {
				t.Errorf("%s: layer %s has weights in a shape file", name, l.Name)
			}
		}
		if _, err := net.Model(); err == nil {
			t.Errorf("%s: a shape file must not make a trainable model", name)
		}
	}
}

// prunedClustered is a LeNet-5 with seeded weights, half of conv2 pruned and
// fc2 shared over 4 values.
func prunedClustered(t *testing.T) *nn.Model {
	t.Helper()
	arch, _ := network.Zoo("lenet-5")
	m, err := nn.NewModel(arch, 3)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range m.Params() {
		for j := range p.Bias {
			p.Bias[j] = float32(j%7) * 0.01 * float32(i+1)
		}
	}
	c2 := m.Param("conv2")
	c2.Mask = make([]float32, len(c2.W))
	for j := range c2.Mask {
		if j%2 == 0 {
			c2.Mask[j] = 1
		}
	}
	f2 := m.Param("fc2")
	f2.Codebook = []float32{-0.5, -0.125, 0.25, 1.5}
	f2.Index = make([]int32, len(f2.W))
	f2.Mask = make([]float32, len(f2.W))
	for j := range f2.Index {
		f2.Index[j] = int32(j % 4)
		if j%5 != 0 {
			f2.Mask[j] = 1
		}
	}
	return m
}

// TestModelRoundTrip: ONNX export keeps every effective weight and bias bit
// for bit, the masks, and the codebook; the model reads back trainable.
func TestModelRoundTrip(t *testing.T) {
	m := prunedClustered(t)
	path := filepath.Join(t.TempDir(), "m.onnx")
	if err := SaveModel(path, m, map[string]string{"seed": "3"}); err != nil {
		t.Fatal(err)
	}
	net, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if net.Name != "lenet-5" || net.Meta["seed"] != "3" {
		t.Errorf("name %q meta %v", net.Name, net.Meta)
	}
	back, err := net.Model()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range m.Params() {
		q := back.Param(p.Layer)
		for i := range p.W {
			if math.Float32bits(p.Effective(i)) != math.Float32bits(q.Effective(i)) {
				t.Fatalf("%s[%d]: %v != %v", p.Layer, i, q.Effective(i), p.Effective(i))
			}
		}
		for i := range p.Bias {
			if math.Float32bits(p.Bias[i]) != math.Float32bits(q.Bias[i]) {
				t.Fatalf("%s bias[%d] differs", p.Layer, i)
			}
		}
		if p.Nonzero() != q.Nonzero() || (p.Mask == nil) != (q.Mask == nil) {
			t.Errorf("%s: nonzero %d (mask %v) read back as %d (mask %v)", p.Layer, p.Nonzero(), p.Mask != nil, q.Nonzero(), q.Mask != nil)
		}
	}
	if k := len(back.Param("fc2").Codebook); k != 4 {
		t.Errorf("fc2 codebook of %d values, want 4", k)
	}
	for _, l := range []string{"conv1", "conv2", "fc1"} {
		if back.Param(l).Codebook != nil {
			t.Errorf("%s: random weights read as a codebook of %d", l, len(back.Param(l).Codebook))
		}
	}
	// Deterministic bytes.
	a, _ := Marshal(m.Network(), map[string]string{"seed": "3"})
	b, _ := Marshal(m.Network(), map[string]string{"seed": "3"})
	if !bytes.Equal(a, b) {
		t.Error("Marshal is not deterministic")
	}
}
