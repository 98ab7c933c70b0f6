package sim

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/dcsim/dcsim/accel"
	"github.com/dcsim/dcsim/network"
)

// TestEIEUsesMeasuredActivations: with an activation mask, eie walks the
// columns of exactly the non-zero activations, so the MACs performed are
// the mask's non-zeros in those columns (random positions at the same
// density would give another count).
func TestEIEUsesMeasuredActivations(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	l := withMask(fcLayer("fc", 512, 256, 0.2, 0, 0), 9)
	l.ActMask = NewActMask(512, 1, 1)
	var want int64
	for j := 0; j < 512; j++ {
		if rng.Float64() < 0.3 {
			l.ActMask.Set(j, 0, 0)
			for i := 0; i < 256; i++ {
				if l.Mask.Get(i, j) {
					want++
				}
			}
		}
	}
	spec := eieSpec(8)
	spec.Sparsity.Activations = accel.ZeroSkip
	r := mustSimulate(t, spec, &l)
	if r.Counts.MACs != want {
		t.Errorf("MACs performed %d, want the mask's non-zeros in the active columns %d", r.Counts.MACs, want)
	}
	if d := l.ActMask.Density(); r.ActDensity != d {
		t.Errorf("reported activation density %v, want the mask's %v", r.ActDensity, d)
	}
}

// TestEIEConvMeasuredZeros: a conv layer whose measured input is all zero
// performs no MAC and broadcasts nothing on an activation-skipping EIE,
// whatever its weights; the same layer with a dense input does the work.
func TestEIEConvMeasuredZeros(t *testing.T) {
	l := Layer{Layer: network.Layer{Name: "c", Kind: Conv, InC: 8, InH: 10, InW: 10, OutC: 16, R: 3, S: 3, Pad: 1}, WeightDensity: 0.5}
	l = withMask(l, 2)
	spec := eieSpec(8)
	spec.Sparsity.Activations = accel.ZeroSkip
	l.ActMask = NewActMask(8, 10, 10)
	zero := mustSimulate(t, spec, &l)
	for i := range l.ActMask.Bits {
		l.ActMask.Bits[i] = ^uint64(0)
	}
	l.ActMask.Bits[len(l.ActMask.Bits)-1] &= 1<<(800%64) - 1
	dense := mustSimulate(t, spec, &l)
	if zero.Counts.MACs != 0 || zero.ComputeCycles != 0 {
		t.Errorf("all-zero input: %d MACs, %d compute cycles, want 0", zero.Counts.MACs, zero.ComputeCycles)
	}
	if dense.ActDensity != 1 || dense.Counts.MACs == 0 || dense.ComputeCycles == 0 {
		t.Errorf("dense input: density %v, %d MACs, %d cycles", dense.ActDensity, dense.Counts.MACs, dense.ComputeCycles)
	}
}

func TestActMaskShapeChecked(t *testing.T) {
	l := fcLayer("fc", 64, 8, 0, 0, 0)
	l.ActMask = NewActMask(32, 1, 1)
	if _, err := SimulateLayer(eieSpec(8), &l); err == nil {
		t.Error("a 32-activation mask on a 64-input layer was accepted")
	}
}

// TestOverImages: means field by field, spread of the totals.
func TestOverImages(t *testing.T) {
	var rs []Result
	for i := 1; i <= 21; i++ {
		v := float64(i)
		rs = append(rs, Result{Accelerator: "a", Network: "n",
			Layers: []LayerResult{{Name: "l", MACs: int64(i), LatencyUS: v, Energy: Energy{Total: 10 * v}}},
			Total:  Total{Cycles: Cycles(i), LatencyUS: v, Energy: Energy{Total: 10 * v}}})
	}
	got, err := OverImages(rs)
	if err != nil {
		t.Fatal(err)
	}
	if got.Layers[0].MACs != 11 || got.Layers[0].LatencyUS != 11 || got.Total.Cycles != 11 || got.Layers[0].Name != "l" {
		t.Errorf("means: %+v %+v", got.Layers[0], got.Total)
	}
	want := ImageStats{Images: 21, LatencyUS: Spread{Mean: 11, P5: 2, P95: 20}, EnergyPJ: Spread{Mean: 110, P5: 20, P95: 200}}
	if s := *got.Images; math.Abs(s.LatencyUS.P5-2) > 1e-12 || math.Abs(s.EnergyPJ.P95-200) > 1e-9 || s.Images != 21 || s.LatencyUS.Mean != 11 {
		t.Errorf("spread %+v, want %+v", s, want)
	}
	if rs[0].Layers[0].MACs != 1 {
		t.Error("OverImages changed its input")
	}
	if _, err := OverImages(append(rs, Result{Accelerator: "b", Network: "n"})); err == nil {
		t.Error("results of another accelerator were combined")
	}
}
