package cli

import (
	"fmt"
	"strconv"

	"github.com/dcsim/dcsim/accel"
	"github.com/dcsim/dcsim/internal/workload"
	"github.com/dcsim/dcsim/network"
	"github.com/dcsim/dcsim/nn"
	"github.com/dcsim/dcsim/reports"
)

// verifyActDensity and verifySeed shape the input of simulate --verify: a
// seeded vector with half its entries zero, as after a ReLU.
const (
	verifyActDensity = 0.5
	verifySeed       = 1
)

// checkFC is workload.CheckEIE; a test swaps it to exercise the mismatch
// path, which a correct datapath never takes.
var checkFC = workload.CheckEIE

// verifyEIE runs every FC layer of m through the EIE functional datapath of
// spec's FC engine and compares it with the dense W·x. A mismatch is an
// internal failure (exit status 1): the format the timing model counts does
// not compute the layer.
func verifyEIE(e *env, spec *accel.Spec, m *nn.Model, format reports.Format) error {
	fc := spec.ForKind("fc")
	if fc.Array.Dataflow != "eie" {
		return fmt.Errorf("--verify: runs FC layers through the EIE functional datapath; %s runs them on dataflow %q (give an eie accelerator, e.g. configs/accelerators/eie.yaml)",
			spec.Name, fc.Array.Dataflow)
	}
	var checks []workload.FCCheck
	for _, p := range m.Params() {
		if p.Kind != network.FC {
			continue
		}
		c, err := checkFC(p, fc.Array.PEs(), fc.Sparsity.RelIndexBits, workload.ReLUInput(p.Shape[1], verifyActDensity, verifySeed))
		if err != nil {
			return err
		}
		checks = append(checks, c)
	}
	if len(checks) == 0 {
		return fmt.Errorf("--verify: %s has no fully connected layer", m.Arch.Name)
	}
	e.work()
	if err := e.emit(format, checks, verifyTable(fc, checks)); err != nil {
		return err
	}
	failed := 0
	for _, c := range checks {
		if !c.Pass {
			failed++
		}
	}
	if failed > 0 {
		return internal(fmt.Errorf("--verify: %d of %d FC layers differ from the dense W·x by more than float32 rounding", failed, len(checks)))
	}
	return nil
}

func verifyTable(spec *accel.Spec, checks []workload.FCCheck) reports.Table {
	t := reports.Table{Title: "EIE functional datapath vs dense W·x: " + spec.Name, Left: 1, LeftAlso: []int{9},
		Header: []string{"layer", "out×in", "PEs", "rel bits", "codebook", "kept", "padding", "max |y−W·x|", "bound", "result"}}
	for _, c := range checks {
		res := "pass"
		if !c.Pass {
			res = "FAIL"
		}
		t.Rows = append(t.Rows, []string{c.Layer, fmt.Sprintf("%d×%d", c.Rows, c.Cols), strconv.Itoa(c.PEs),
			strconv.Itoa(c.RelIndexBits), strconv.Itoa(c.Codebook), strconv.FormatInt(c.NonZeros, 10),
			strconv.FormatInt(c.Padding, 10), fmt.Sprintf("%.3g", c.MaxAbsErr), fmt.Sprintf("%.3g", c.BoundAtWorst), res})
	}
	t.Notes = []string{fmt.Sprintf("Input: seeded ReLU-like vector (seed %d, %.0f%% non-zero); bound: float32 rounding γ(n)·Σ|W·x| of the worst output.",
		verifySeed, 100*verifyActDensity)}
	return t
}
