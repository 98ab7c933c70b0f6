package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/network"
	"github.com/dcsim/dcsim/nn"
)

// codesignModel writes an untrained LeNet-5 model file for the codesign
// command tests.
func codesignModel(t *testing.T) string {
	t.Helper()
	a, err := network.Zoo("lenet-5")
	if err != nil {
		t.Fatal(err)
	}
	m, err := nn.NewModel(a, 3)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "lenet5.npz")
	if err := nn.SaveModel(path, m, nil); err != nil {
		t.Fatal(err)
	}
	return path
}

// tinyCodesign are the flags of a small, fast codesign run without
// retraining.
func tinyCodesign(model string, extra ...string) []string {
	args := []string{"codesign", "--in", model, "--accel", cfg + "accelerators/eie.yaml",
		"--conv-keep", "0.2,1", "--fc-keep", "0.05,0.5", "--train-limit", "160", "--test-limit", "32",
		"--saliency-images", "64", "--proxy-images", "32", "--val-images", "64", "--min-keep", "0.01", "--global-keep", "0.1", "--search", "grid",
		"--no-retrain", "--workers", "1"}
	return append(args, extra...)
}

func TestCodesignBadInput(t *testing.T) {
	cases := []badInputCase{
		{"no model", []string{"codesign"}, "--in"},
		{"keep above 1", []string{"codesign", "--in", "x.npz", "--conv-keep", "0.1,1.5"}, "--conv-keep: must be in (0,1], got 1.5"},
		{"keep zero", []string{"codesign", "--in", "x.npz", "--fc-keep", "0"}, "--fc-keep: must be in (0,1], got 0"},
		{"negative confirm", []string{"codesign", "--in", "x.npz", "--confirm", "-1"}, "--confirm: must be ≥ 0, got -1"},
		{"keep not a number", []string{"codesign", "--in", "x.npz", "--fc-keep", "0.1,abc"}, `--fc-keep: "abc" is not a number`},
		{"empty grid", []string{"codesign", "--in", "x.npz", "--conv-keep", ","}, "--conv-keep: the grid is empty"},
		{"duplicate keep", []string{"codesign", "--in", "x.npz", "--fc-keep", "0.1,0.1"}, "--fc-keep: 0.1 is listed twice"},
		{"bad bits", []string{"codesign", "--in", "x.npz", "--bits", "conv=8,fc=40"}, `dcsim: --bits: "conv=8,fc=40": fc: want an integer in 1–16, got "40"`},
		{"bits twice", []string{"codesign", "--in", "x.npz", "--bits", "conv=8,conv=3"}, `dcsim: --bits: "conv=8,conv=3": conv given twice`},
		{"bad objective", []string{"codesign", "--in", "x.npz", "--objective", "speed"}, `dcsim: --objective: "speed": unknown (valid: energy, latency, params)`},
		{"bad search", []string{"codesign", "--in", "x.npz", "--search", "random"}, `dcsim: --search: "random": unknown (valid: grid, halving, walk)`},
		{"negative latency budget", []string{"codesign", "--in", "x.npz", "--max-latency-us", "-3"}, "--max-latency-us"},
		{"negative params budget", []string{"codesign", "--in", "x.npz", "--max-params", "-3"}, "--max-params"},
		{"max drop", []string{"codesign", "--in", "x.npz", "--max-drop", "1"}, "--max-drop: must be in [0,1)"},
		{"negative rounds", []string{"codesign", "--in", "x.npz", "--rounds", "-1"}, "--rounds"},
		{"zero rounds", []string{"codesign", "--in", "x.npz", "--rounds", "0"}, "--rounds: must be ≥ 1"},
		{"negative final epochs", []string{"codesign", "--in", "x.npz", "--final-epochs", "-2"}, "--final-epochs: must be ≥ 0"},
		{"negative val images", []string{"codesign", "--in", "x.npz", "--val-images", "-1"}, "--val-images: must be ≥ 1"},
		{"zero min keep", []string{"codesign", "--in", "x.npz", "--min-keep", "0"}, "--min-keep: must be in (0,1]"},
		{"bad global keep", []string{"codesign", "--in", "x.npz", "--global-keep", "0.1,2"}, "--global-keep: must be in (0,1]"},
		// codesign.Settings errors name its fields; the CLI names the flags.
		{"negative proxy images", []string{"codesign", "--in", "x.npz", "--proxy-images", "-1"}, "dcsim: --proxy-images: must be ≥ 0, got -1"},
		{"negative saliency images", []string{"codesign", "--in", "x.npz", "--saliency-images", "-5"}, "dcsim: --saliency-images: must be ≥ 0, got -5"},
		{"negative energy budget", []string{"codesign", "--in", "x.npz", "--max-energy-uj", "-1"}, "dcsim: --max-energy-uj: must be a finite number > 0, got -1"},
		{"negative validate proxy", []string{"codesign", "--in", "x.npz", "--validate-proxy", "-1"}, "dcsim: --validate-proxy: must be ≥ 0, got -1"},
		{"negative cluster epochs", []string{"codesign", "--in", "x.npz", "--cluster-epochs", "-1"}, "dcsim: --cluster-epochs: must be ≥ 0, got -1"},
		{"negative walk steps", []string{"codesign", "--in", "x.npz", "--walk-steps", "-1"}, "--walk-steps: must be ≥ 1"},
		{"missing accel", []string{"codesign", "--in", "x.npz", "--accel", "testdata/nope.yaml"}, "testdata/nope.yaml"},
		{"missing model", []string{"codesign", "--in", "testdata/nope.npz"}, "testdata/nope.npz"},
		{"bad format", []string{"codesign", "--in", "x.npz", "--format", "xml"}, `dcsim: --format: "xml": unknown (valid: table, json, csv, md)`},
	}
	checkBadInput(t, cases)
}

// TestCodesignBudgetUnmet: a budget no candidate meets is exit 2 with one
// line that says so and names the closest candidate with its figures.
func TestCodesignBudgetUnmet(t *testing.T) {
	out, errs, code := run(t, tinyCodesign(codesignModel(t), "--max-drop", "0.9", "--max-latency-us", "0.001")...)
	if code != ExitInput || out != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	lines := strings.Split(strings.TrimSpace(errs), "\n")
	last := lines[len(lines)-1] // progress lines precede the error
	for _, want := range []string{"dcsim: codesign: no candidate with ≥", "meets the budget max-latency-us 0.001", "closest: conv", "latency", "energy", "params"} {
		if !strings.Contains(last, want) {
			t.Errorf("error line %q lacks %q", last, want)
		}
	}
}

// TestCodesignMinKeepUnmet: a size floor no candidate reaches is exit 2
// with one line naming --min-keep. (All weights, with every conv keep
// below 1: the floor line has no FC keep that fills it either.)
func TestCodesignMinKeepUnmet(t *testing.T) {
	args := tinyCodesign(codesignModel(t), "--max-drop", "0.9")
	for i, a := range args {
		switch a {
		case "--min-keep":
			args[i+1] = "1"
		case "--conv-keep":
			args[i+1] = "0.2"
		}
	}
	out, errs, code := run(t, args...)
	lines := strings.Split(strings.TrimSpace(errs), "\n")
	if code != ExitInput || out != "" || !strings.Contains(lines[len(lines)-1], "dcsim: --min-keep: no candidate keeps 1 of the weights") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

// TestCodesignJSON: two budgets combine (both must hold); the JSON document
// holds the candidates, the front and the choice; the same seed gives the
// same bytes.
func TestCodesignJSON(t *testing.T) {
	model := codesignModel(t)
	args := tinyCodesign(model, "--max-drop", "0.9", "--max-latency-us", "1000", "--max-params", "200000", "--format", "json")
	a, errs, code := run(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc struct {
		Candidates []struct {
			Name             string  `json:"name"`
			Accuracy         float64 `json:"accuracy"`
			CompressionRatio float64 `json:"compression_ratio"`
			Params           int64   `json:"params"`
			Admissible       bool    `json:"admissible"`
		} `json:"candidates"`
		Front  []string `json:"front"`
		Chosen string   `json:"chosen"`
		Budget struct {
			MaxParams int64 `json:"max_params"`
		} `json:"budget"`
	}
	if err := json.Unmarshal([]byte(a), &doc); err != nil {
		t.Fatalf("stdout is not one JSON document: %v", err)
	}
	if len(doc.Candidates) != 5 || len(doc.Front) == 0 || doc.Chosen == "" || doc.Budget.MaxParams != 200000 {
		t.Fatalf("document: %+v", doc)
	}
	for _, c := range doc.Candidates {
		if c.Admissible && c.Params > 200000 {
			t.Errorf("%s admissible with %d params over the budget", c.Name, c.Params)
		}
		if c.Name == doc.Chosen && !c.Admissible {
			t.Errorf("chosen %s not admissible", c.Name)
		}
	}
	b, _, _ := run(t, args...)
	if a != b {
		t.Error("same seed, different output")
	}
}
