package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/sim"
)

// TestSimulateMeasuredActivations: a model file is run on MNIST test images
// and every layer gets its measured activation density; the first layer
// sees the normalised image (no zeros), later layers the zeros of ReLU.
func TestSimulateMeasuredActivations(t *testing.T) {
	model := codesignModel(t)
	out, stderr, code := run(t, "simulate", "--network", model, "--accel", cfg+"accelerators/eie.yaml",
		"--images", "8", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var res sim.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if res.Images == nil || res.Images.Images != 8 {
		t.Fatalf("images summary %+v, want 8 images", res.Images)
	}
	s := res.Images.LatencyUS
	if !(s.P5 <= s.Mean && s.Mean <= s.P95) || s.Mean <= 0 {
		t.Errorf("latency spread %+v not ordered", s)
	}
	byName := map[string]sim.LayerResult{}
	for _, l := range res.Layers {
		byName[l.Name] = l
	}
	if d := byName["conv1"].ActDensity; d != 1 {
		t.Errorf("conv1 activation density %v, want 1 (normalised pixels are never zero)", d)
	}
	for _, name := range []string{"conv2", "fc1", "fc2"} {
		if d := byName[name].ActDensity; d <= 0 || d >= 1 {
			t.Errorf("%s activation density %v, want in (0,1): ReLU zeros are measured", name, d)
		}
	}
	text, _, code := run(t, "simulate", "--network", model, "--accel", cfg+"accelerators/eie.yaml", "--images", "4")
	if code != 0 || !strings.Contains(text, "Means over 4 input images") {
		t.Errorf("table output (exit %d) lacks the image summary:\n%s", code, text)
	}
}

func TestSimulateImagesBadInput(t *testing.T) {
	model := codesignModel(t)
	checkBadInput(t, []badInputCase{
		{"negative images", []string{"simulate", "--network", model, "--images", "-1"}, "--images: must be ≥ 0, got -1"},
		{"too many images", []string{"simulate", "--network", model, "--images", "10001"}, "--images: must be ≤ 10000"},
		{"images without a model", []string{"simulate", "--network", "lenet-5", "--images", "5"}, "--images and --data: activations are measured by running a model"},
		{"no MNIST", []string{"simulate", "--network", model, "--data", t.TempDir()}, "--images 100: measuring activations needs the MNIST test images"},
	})
}
