package onnx

import (
	"encoding/json"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/dcsim/dcsim/network"
	"github.com/dcsim/dcsim/nn"
)

// pytorchRecord is testdata/pytorch.json, written by scripts/onnx_fixtures.py:
// what PyTorch reports for each fixture.
type pytorchRecord struct {
	Networks map[string]struct {
		File        string `json:"file"`
		MACs        int64  `json:"macs"`
		Weights     int64  `json:"weights"`
		TestCorrect int    `json:"test_correct"`
		TestImages  int    `json:"test_images"`
		Layers      []struct {
			Name     string  `json:"name"`
			MACs     int64   `json:"macs"`
			Weights  int64   `json:"weights"`
			Nonzero  int     `json:"nonzero"`
			Density  float64 `json:"density"`
			Distinct int     `json:"distinct_nonzero"`
		} `json:"layers"`
	} `json:"networks"`
}

func loadRecord(t *testing.T) pytorchRecord {
	t.Helper()
	data, err := os.ReadFile("testdata/pytorch.json")
	if err != nil {
		t.Fatal(err)
	}
	var r pytorchRecord
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Networks) != 5 {
		t.Fatalf("pytorch.json holds %d networks, want 5", len(r.Networks))
	}
	return r
}

// TestFixturesMatchPyTorch: for every fixture, dcsim's MACs, weights and
// per-layer non-zeros and densities equal PyTorch's (counted by
// scripts/onnx_fixtures.py from the modules' real output shapes), and a
// layer is read as weight-shared exactly when its distinct non-zero values
// (PyTorch's count) meet codebookOf's rule.
func TestFixturesMatchPyTorch(t *testing.T) {
	rec := loadRecord(t)
	for _, name := range slices.Sorted(maps.Keys(rec.Networks)) {
		want := rec.Networks[name]
		net, err := Load(filepath.Join("testdata", want.File))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if net.Arch.MACs() != want.MACs || net.Arch.Weights() != want.Weights {
			t.Errorf("%s: %d MACs, %d weights; PyTorch %d, %d", name, net.Arch.MACs(), net.Arch.Weights(), want.MACs, want.Weights)
		}
		byName := map[string]network.Layer{}
		weighted := 0
		for _, l := range net.Arch.Layers {
			byName[l.Name] = l
			if l.Kind != network.Pool {
				weighted++
			}
		}
		if weighted != len(want.Layers) {
			t.Errorf("%s: %d conv/fc layers, PyTorch %d", name, weighted, len(want.Layers))
		}
		for _, wl := range want.Layers {
			l, ok := byName[wl.Name]
			if !ok || l.Values == nil {
				t.Errorf("%s: layer %s missing or without weights", name, wl.Name)
				continue
			}
			nz := l.Values.Nonzero()
			dens := float64(nz) / float64(len(l.Values.W))
			if l.MACs() != wl.MACs || l.Weights() != wl.Weights || nz != wl.Nonzero || math.Abs(dens-wl.Density) > 1e-12 {
				t.Errorf("%s/%s: MACs %d weights %d nonzero %d density %.6f; PyTorch %d %d %d %.6f",
					name, wl.Name, l.MACs(), l.Weights(), nz, dens, wl.MACs, wl.Weights, wl.Nonzero, wl.Density)
			}
			shared := wl.Distinct <= MaxCodebook && 2*wl.Distinct <= wl.Nonzero
			if (l.Values.Clusters > 0) != shared || (shared && l.Values.Clusters != wl.Distinct) {
				t.Errorf("%s/%s: %d clusters; PyTorch counts %d distinct non-zero values of %d", name, wl.Name, l.Values.Clusters, wl.Distinct, wl.Nonzero)
			}
		}
	}
	if n := rec.Networks["mobilenet-block"]; n.File == "" {
		t.Fatal("mobilenet-block missing")
	}
}

// TestFixtureKinds pins what each fixture exercises, so a regenerated
// fixture cannot silently drop a feature: BatchNorm folding and residual
// Add (resnet-small), a depthwise conv, AveragePool and a real codebook
// (mobilenet-block), Concat (inception-block), trainable chains (LeNets).
func TestFixtureKinds(t *testing.T) {
	load := func(f string) *Network {
		n, err := Load(filepath.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	res := load("resnet-small.onnx")
	if !res.Sources[0].BatchNorm || res.untrainable == "" {
		t.Errorf("resnet-small: batchnorm %v, untrainable %q", res.Sources[0].BatchNorm, res.untrainable)
	}
	mob := load("mobilenet-block.onnx")
	var dw, pw network.Layer
	var pwBN bool
	for i, l := range mob.Arch.Layers {
		switch l.Name {
		case "dw":
			dw = l
		case "pw":
			pw, pwBN = l, mob.Sources[i].BatchNorm
		}
	}
	if dw.Groups != 32 || pw.Values.Clusters == 0 || !pwBN || pw.Values.Codebook != nil {
		t.Errorf("mobilenet-block: dw groups %d, pw clusters %d (batchnorm %v, codebook kept %v)", dw.Groups, pw.Values.Clusters, pwBN, pw.Values.Codebook != nil)
	}
	inc := load("inception-block.onnx")
	if inc.untrainable == "" {
		t.Error("inception-block: a Concat graph read as trainable")
	}
	for _, f := range []string{"lenet-300-100.onnx", "lenet-5.onnx"} {
		n := load(f)
		if _, err := n.Model(); err != nil {
			t.Errorf("%s: %v", f, err)
		}
		if n.Name != f[:len(f)-5] {
			t.Errorf("%s: named %q, want the zoo name", f, n.Name)
		}
	}
}

// TestFixtureAccuracy: dcsim evaluates the two PyTorch LeNets on the MNIST
// test set to exactly PyTorch's number of correct images.
func TestFixtureAccuracy(t *testing.T) {
	if testing.Short() {
		t.Skip("evaluates 10000 MNIST images twice")
	}
	dir, err := nn.MNISTDir("")
	if err != nil {
		t.Fatalf("MNIST: %v", err)
	}
	_, test, err := nn.LoadMNIST(dir)
	if err != nil {
		t.Fatal(err)
	}
	rec := loadRecord(t)
	for _, name := range []string{"lenet-300-100", "lenet-5"} {
		want := rec.Networks[name]
		net, err := Load(filepath.Join("testdata", want.File))
		if err != nil {
			t.Fatal(err)
		}
		m, err := net.Model()
		if err != nil {
			t.Fatal(err)
		}
		acc, _, err := nn.EvaluateErr(m, test, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got := int(math.Round(acc * float64(test.N))); got != want.TestCorrect || test.N != want.TestImages {
			t.Errorf("%s: dcsim %d/%d correct, PyTorch %d/%d", name, got, test.N, want.TestCorrect, want.TestImages)
		}
	}
}
