package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/nn"
)

// TestPruneSensitivity trains a small LeNet-300-100, runs prune
// --sensitivity on it and checks the JSON document, the table and the plot.
func TestPruneSensitivity(t *testing.T) {
	if _, err := nn.MNISTDir(""); err != nil {
		t.Skipf("MNIST not available: %v", err)
	}
	dir := t.TempDir()
	model := filepath.Join(dir, "m.npz")
	if _, errs, code := run(t, "train", "--model", "lenet-300-100", "--epochs", "1", "--train-limit", "2000",
		"--test-limit", "500", "--out", model, "--format", "json"); code != 0 {
		t.Fatalf("train: %s", errs)
	}
	plot := filepath.Join(dir, "sens.svg")
	out, errs, code := run(t, "prune", "--in", model, "--sensitivity", "--criterion", "magnitude",
		"--densities", "1,0.3,0.002", "--test-limit", "500", "--train-limit", "500", "--plot", plot, "--format", "json")
	if code != 0 {
		t.Fatalf("prune --sensitivity: %s", errs)
	}
	var rep struct {
		Dense  float64  `json:"dense_accuracy"`
		Layers []string `json:"layers"`
		Points []struct {
			Layer    string  `json:"layer"`
			Density  float64 `json:"density"`
			Accuracy float64 `json:"accuracy"`
		} `json:"points"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v: %q", err, out)
	}
	if strings.Join(rep.Layers, ",") != "fc1,fc2,fc3" || len(rep.Points) != 9 {
		t.Fatalf("layers %v, %d points; want fc1..fc3 and 9", rep.Layers, len(rep.Points))
	}
	for _, p := range rep.Points {
		if p.Density == 1 && p.Accuracy != rep.Dense {
			t.Errorf("%s at density 1: %g, dense %g", p.Layer, p.Accuracy, rep.Dense)
		}
		if p.Layer == "fc1" && p.Density == 0.002 && p.Accuracy > rep.Dense-0.2 {
			t.Errorf("fc1 at 0.2 %% density: %g, dense %g: pruning had no effect", p.Accuracy, rep.Dense)
		}
	}
	// a figure with axes, three curves and a legend, not an empty canvas
	if b, err := os.ReadFile(plot); err != nil || !strings.Contains(string(b), "<svg") || len(b) < 4000 {
		t.Errorf("plot %s: %v, %d bytes", plot, err, len(b))
	}
	table, errs, code := run(t, "prune", "--in", model, "--sensitivity", "--criterion", "magnitude",
		"--densities", "0.5", "--test-limit", "200")
	if code != 0 || !strings.Contains(table, "fc1") || !strings.Contains(table, "50 %") {
		t.Errorf("table output (exit %d, %s):\n%s", code, errs, table)
	}
}

func TestPruneSensitivityBadInput(t *testing.T) {
	checkBadInput(t, []badInputCase{
		{"sensitivity with keep", []string{"prune", "--in", "x.npz", "--sensitivity", "--keep", "0.1"}, "--keep: not used with --sensitivity"},
		{"sensitivity bad density", []string{"prune", "--in", "x.npz", "--sensitivity", "--densities", "0.5,1.5"}, `--densities: "1.5"`},
		{"sensitivity bad plot", []string{"prune", "--in", "x.npz", "--sensitivity", "--plot", "a.gif"}, "--plot: a.gif"},
		{"plot without sensitivity", []string{"prune", "--in", "x.npz", "--keep", "0.1", "--plot", "a.png"}, "--plot and --densities need --sensitivity"},
	})
}
