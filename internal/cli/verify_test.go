package cli

import (
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/internal/workload"
	"github.com/dcsim/dcsim/network"
	"github.com/dcsim/dcsim/nn"
)

// compressedModel saves LeNet-300-100 with every FC layer pruned to about
// 10 % (long zero runs, so the 4-bit relative indices need padding) and
// shared into a 16-entry codebook without a zero entry.
func compressedModel(t *testing.T) string {
	t.Helper()
	a, err := network.Zoo("lenet-300-100")
	if err != nil {
		t.Fatal(err)
	}
	m, err := nn.NewModel(a, 1)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, p := range m.Params() {
		p.Mask = make([]float32, len(p.W))
		p.Codebook = make([]float32, 16)
		p.Index = make([]int32, len(p.W))
		for i := range p.Codebook {
			p.Codebook[i] = float32(i-8) + 0.5
		}
		for i := range p.W {
			if rng.Float64() < 0.1 {
				p.Mask[i] = 1
			}
			p.Index[i] = int32(rng.IntN(16))
			p.W[i] = p.Codebook[p.Index[i]]
		}
	}
	path := filepath.Join(t.TempDir(), "lenet300-c.npz")
	if err := nn.SaveModel(path, m, nil); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSimulateVerify(t *testing.T) {
	model := compressedModel(t)
	out, errs, code := run(t, "simulate", "--accel", cfg+"accelerators/eie.yaml", "--network", model, "--images", "0", "--verify")
	if code != ExitOK {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	for _, want := range []string{"fc1", "fc2", "fc3", "300×784", "pass"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "FAIL") {
		t.Errorf("a layer failed:\n%s", out)
	}
	js, _, code := run(t, "simulate", "--accel", cfg+"accelerators/eie.yaml", "--network", model, "--images", "0", "--verify", "--format", "json")
	if code != ExitOK || !strings.Contains(js, `"Pass": true`) || !strings.Contains(js, `"Padding"`) {
		t.Errorf("json (exit %d):\n%s", code, js)
	}

	// A datapath that computes something else exits 1 and says so.
	saved := checkFC
	t.Cleanup(func() { checkFC = saved })
	checkFC = func(p *nn.Param, pes, relBits int, x []float32) (workload.FCCheck, error) {
		c, err := saved(p, pes, relBits, x)
		c.Pass = p.Layer != "fc2"
		return c, err
	}
	out, errs, code = run(t, "simulate", "--accel", cfg+"accelerators/eie.yaml", "--network", model, "--images", "0", "--verify")
	if code != ExitInternal || !strings.Contains(errs, "1 of 3 FC layers differ") || !strings.Contains(out, "FAIL") {
		t.Errorf("mismatch: exit %d, stderr %q, stdout:\n%s", code, errs, out)
	}
}

func TestSimulateVerifyErrors(t *testing.T) {
	model := compressedModel(t)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"not eie", []string{"simulate", "--network", model, "--images", "0", "--verify"}, "--verify: runs FC layers through the EIE functional datapath"},
		{"no model", []string{"simulate", "--accel", cfg + "accelerators/eie.yaml", "--network", "alexnet", "--verify"}, "--verify: runs a model's weights"},
	} {
		_, errs, code := run(t, tc.args...)
		if code != ExitInput || !strings.Contains(errs, tc.want) {
			t.Errorf("%s: exit %d, stderr %q, want 2 and %q", tc.name, code, errs, tc.want)
		}
	}
}
