package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const onnxData = "../../onnx/testdata/"

// TestSimulateONNX: a residual ONNX graph simulates layer by layer with its
// real masks; a trainable one also measures activations on test images.
func TestSimulateONNX(t *testing.T) {
	out, errs, code := run(t, "simulate", "--network", onnxData+"resnet-small.onnx", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var res struct {
		Network string
		Layers  []struct {
			Name          string
			Kind          string
			WeightDensity float64 `json:"weight_density"`
		}
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if res.Network != "resnet-small" || len(res.Layers) != 8 {
		t.Fatalf("network %q with %d layers", res.Network, len(res.Layers))
	}
	for _, l := range res.Layers { // the fixture keeps half of every layer's weights (pytorch.json)
		if want := 0.5; l.Kind != "pool" && l.WeightDensity != want {
			t.Errorf("%s: density %v, want the file's %v", l.Name, l.WeightDensity, want)
		}
	}
	if _, errs, code := run(t, "simulate", "--network", onnxData+"lenet-5.onnx", "--images", "2", "--format", "json"); code != 0 {
		t.Fatalf("lenet-5 with images: exit %d: %s", code, errs)
	}
}

// TestONNXBadInput: a broken ONNX file is one line on stderr and exit 2,
// wherever a network or model is read.
func TestONNXBadInput(t *testing.T) {
	data, err := os.ReadFile(onnxData + "lenet-5.onnx")
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "cut.onnx")
	if err := os.WriteFile(bad, data[:1000], 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"simulate", "--network", bad},
		{"eval", "--in", bad},
		{"eval", "--in", onnxData + "resnet-small.onnx"}, // a residual graph is not trainable
	} {
		_, errs, code := run(t, args...)
		if code != 2 || strings.Count(errs, "\n") != 1 || !strings.HasPrefix(errs, "dcsim: ") || !strings.Contains(errs, ".onnx: ") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
}

// TestPruneONNXRoundTrip: ONNX in, prune, ONNX out; the written file reads
// back with the masks prune reported.
func TestPruneONNXRoundTrip(t *testing.T) {
	out := filepath.Join(t.TempDir(), "p.onnx")
	po, errs, code := run(t, "prune", "--in", onnxData+"lenet-300-100.onnx", "--keep", "0.05", "--rounds", "1",
		"--retrain-epochs", "1", "--final-epochs", "0", "--train-limit", "200", "--test-limit", "200", "--out", out, "--format", "json")
	if code != 0 {
		t.Fatalf("prune: exit %d: %s", code, errs)
	}
	eo, errs, code := run(t, "eval", "--in", out, "--test-limit", "200", "--format", "json")
	if code != 0 {
		t.Fatalf("eval: exit %d: %s", code, errs)
	}
	type summary struct {
		TestAccuracy float64 `json:"test_accuracy"`
		Layers       []struct {
			Name    string
			Nonzero int64
		}
	}
	var p, e summary
	if err := json.Unmarshal([]byte(po), &p); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(eo), &e); err != nil {
		t.Fatal(err)
	}
	if p.TestAccuracy != e.TestAccuracy || len(p.Layers) != 3 || len(e.Layers) != 3 {
		t.Fatalf("prune reported %+v, the ONNX file evaluates to %+v", p, e)
	}
	for i := range p.Layers {
		if p.Layers[i] != e.Layers[i] {
			t.Errorf("layer %d: prune %+v, file %+v", i, p.Layers[i], e.Layers[i])
		}
	}
}

// TestNetworkExport: the shape file of a zoo network simulates exactly as
// the zoo network does.
func TestNetworkExport(t *testing.T) {
	path := filepath.Join(t.TempDir(), "alexnet.onnx")
	if _, errs, code := run(t, "network", "export", "alexnet", "--out", path); code != 0 {
		t.Fatalf("export: exit %d: %s", code, errs)
	}
	a, _, _ := run(t, "simulate", "--network", "alexnet", "--format", "csv")
	b, errs, code := run(t, "simulate", "--network", path, "--format", "csv")
	if code != 0 || a != b {
		t.Errorf("exit %d (%s); zoo and shape file simulate differently:\n%s\n%s", code, errs, a, b)
	}
	if _, errs, code := run(t, "network", "export", "no-such-net"); code != 2 || !strings.Contains(errs, "unknown network") {
		t.Errorf("unknown name: exit %d, %q", code, errs)
	}
}

// TestSweepONNX: sweep specs name ONNX networks like any other.
func TestSweepONNX(t *testing.T) {
	spec := filepath.Join(t.TempDir(), "s.yaml")
	body := "version: 1\nname: onnx\naccelerator: " + cfg + "accelerators/systolic-32x32.yaml\n" +
		"grid:\n  array.rows: [16, 32]\nnetworks: [" + onnxData + "resnet-small.onnx]\n"
	if err := os.WriteFile(spec, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, code := run(t, "sweep", "--spec", spec, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if n := strings.Count(out, `"macs":8831296`); n != 2 {
		t.Errorf("%d points with resnet-small's MACs, want 2:\n%s", n, out)
	}
}
