package sim

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/accel"
	"github.com/dcsim/dcsim/network"
)

// engineSpec is the built-in default spec running dataflow df with the
// given zero handling, so every registered engine is exercised with its
// documented defaults.
func engineSpec(df string, weights, acts string) *accel.Spec {
	s := accel.DefaultSpec()
	s.Array.Dataflow = accel.Dataflow(df)
	s.Sparsity.Weights, s.Sparsity.Activations = weights, acts
	return s
}

// TestEngineInvariants runs every registered engine on the same layers and
// checks what the shared contract promises whatever the engine: counts are
// non-negative, performed + gated + skipped MACs = the layer's MACs,
// 0 ≤ utilization ≤ 1 with one definition (MACs issued over cycles ×
// multipliers, stalls included), Cycles = compute + stall, and the same
// error for the same bad layer.
func TestEngineInvariants(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	conv := Layer{Layer: network.Layer{Name: "c", Kind: Conv, InC: 16, InH: 14, InW: 14, OutC: 32, R: 3, S: 3, Pad: 1},
		WeightDensity: 0.3, ActDensity: 0.5}
	masked := conv
	masked.Name = "cm"
	masked.WeightDensity = 0
	masked.Mask = RandomMask(32, 16*9, 0.2, rng)
	fc := Layer{Layer: network.Layer{Name: "f", Kind: FC, InC: 800, InH: 1, InW: 1, OutC: 500, R: 1, S: 1}, WeightDensity: 0.1, ActDensity: 0.4}
	pool := Layer{Layer: network.Layer{Name: "p", Kind: Pool, InC: 16, InH: 14, InW: 14, R: 2, S: 2, Stride: 2}}
	modes := [][2]string{{accel.ZeroNone, accel.ZeroNone}, {accel.ZeroGate, accel.ZeroGate},
		{accel.ZeroSkip, accel.ZeroSkip}, {accel.ZeroSkip, accel.ZeroGate}}
	for _, df := range Dataflows() {
		for _, m := range modes {
			spec := engineSpec(df, m[0], m[1])
			peak := engines[spec.Array.Dataflow].PeakMACsPerCycle(spec)
			for _, l := range []Layer{conv, masked, fc, pool} {
				r, err := SimulateLayer(spec, &l)
				if err != nil {
					t.Fatalf("%s %v %s: %v", df, m, l.Name, err)
				}
				c := r.Counts
				for name, v := range map[string]int64{"macs": c.MACs, "gated": c.MACsGated, "skipped": c.MACsSkipped,
					"lut": c.LUTReads, "index": c.IndexReads, "reg": c.RegAccesses, "dram": r.DRAMBytes,
					"compute": int64(r.ComputeCycles), "stall": int64(r.StallCycles)} {
					if v < 0 {
						t.Errorf("%s %v %s: %s = %d < 0", df, m, l.Name, name, v)
					}
				}
				if got := c.MACs + c.MACsGated + c.MACsSkipped; got != r.MACs {
					t.Errorf("%s %v %s: performed+gated+skipped = %d, want MACs %d", df, m, l.Name, got, r.MACs)
				}
				if r.Cycles != r.ComputeCycles+r.StallCycles {
					t.Errorf("%s %v %s: cycles %d ≠ compute %d + stall %d", df, m, l.Name, r.Cycles, r.ComputeCycles, r.StallCycles)
				}
				want := 0.0
				if r.Cycles > 0 {
					want = float64(c.MACs+c.MACsGated) / (float64(r.Cycles) * float64(peak))
				}
				if r.Utilization < 0 || r.Utilization > 1 || math.Abs(r.Utilization-want) > 1e-12 {
					t.Errorf("%s %v %s: utilization %v, want %v in [0,1]", df, m, l.Name, r.Utilization, want)
				}
				if r.Energy.MAC < 0 || r.Energy.Total < 0 {
					t.Errorf("%s %v %s: negative energy %+v", df, m, l.Name, r.Energy)
				}
			}
			// The same bad layer gets the same error on every engine.
			for _, bad := range []struct {
				mut  func(*Layer)
				want string
			}{
				{func(l *Layer) { l.ActDensity = -0.5 }, `layer "c": activation density: must be in [0,1] (0 = dense), got -0.5`},
				{func(l *Layer) { l.WeightDensity = 2 }, `layer "c": weight density: must be in [0,1] (0 = dense), got 2`},
				{func(l *Layer) { l.WeightDensity = math.NaN() }, `layer "c": weight density: must be in [0,1] (0 = dense), got NaN`},
				{func(l *Layer) { l.IndexBits = 17 }, `layer "c": index bits: must be in 1..16 (0 = no codebook), got 17`},
				{func(l *Layer) { l.Mask = NewMask(3, 3) }, `layer "c": mask is 3×3, layer weights are 32×144 (out×in)`},
			} {
				l := conv
				bad.mut(&l)
				_, err := SimulateLayer(spec, &l)
				if err == nil || !strings.HasSuffix(err.Error(), bad.want) || strings.Count(err.Error(), `layer "c"`) != 1 {
					t.Errorf("%s %v: error %v, want one ending %q with the layer named once", df, m, err, bad.want)
				}
			}
		}
	}
}

// TestNegativeActivationDensityRejected is the regression test for ws/os/is
// accepting an activation density of −0.5 and reporting negative MACs and
// MAC energy.
func TestNegativeActivationDensityRejected(t *testing.T) {
	for _, df := range []accel.Dataflow{accel.WS, accel.OS, accel.IS} {
		spec := engineSpec(string(df), accel.ZeroGate, accel.ZeroGate)
		l := Layer{Layer: network.Layer{Name: "fc", Kind: FC, InC: 128, InH: 1, InW: 1, OutC: 64, R: 1, S: 1}, ActDensity: -0.5}
		if r, err := SimulateLayer(spec, &l); err == nil {
			t.Errorf("%s: density −0.5 accepted: MACs performed %d, MAC energy %g pJ", df, r.Counts.MACs, r.Energy.MAC)
		}
	}
}

// TestUtilizationOneMeaning is the regression test for utilisation that
// excluded stalls on ws/os/is but included them on eie: the same starved FC
// layer (0.1 GB/s) now reports MACs issued over all its cycles on both.
func TestUtilizationOneMeaning(t *testing.T) {
	l := Layer{Layer: network.Layer{Name: "fc", Kind: FC, InC: 4096, InH: 1, InW: 1, OutC: 4096, R: 1, S: 1}}
	for _, df := range []accel.Dataflow{accel.WS, accel.EIE} {
		spec := engineSpec(string(df), accel.ZeroNone, accel.ZeroNone)
		spec.Memory.DRAMGBPerS = 0.1
		spec.Memory.FilterSRAMKiB = 64 // the weights stream from DRAM
		r, err := SimulateLayer(spec, &l)
		if err != nil {
			t.Fatal(err)
		}
		if r.StallCycles <= r.ComputeCycles {
			t.Fatalf("%s: stall %d ≤ compute %d: the layer is meant to be memory-bound", df, r.StallCycles, r.ComputeCycles)
		}
		want := float64(l.MACs()) / (float64(r.Cycles) * float64(spec.Array.PEs()))
		if math.Abs(r.Utilization-want) > 1e-12 {
			t.Errorf("%s: utilization %v, want MACs/(cycles·PEs) = %v", df, r.Utilization, want)
		}
	}
}

// TestCheckSpec: the registry is the one list of dataflows, and an engine's
// own keys are checked with the file and line of the key.
func TestCheckSpec(t *testing.T) {
	s, err := accel.Parse([]byte(`version: 1
name: t
clock_mhz: 1000
array:
  rows: 8
  cols: 8
  dataflow: eie
  queue_depth: 0
memory: {ifmap_sram_kib: 64, filter_sram_kib: 64, ofmap_sram_kib: 32, dram_gb_per_s: 8}
`), "x.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err, want := CheckSpec(s), "x.yaml:8: array.queue_depth: must be > 0, got 0"; err == nil || err.Error() != want {
		t.Errorf("CheckSpec = %v, want %q", err, want)
	}
	s.Array.Dataflow = "rs"
	want := `x.yaml:7: array.dataflow: unknown dataflow "rs" (valid: ` + strings.Join(Dataflows(), ", ") + ")"
	if err := CheckSpec(s); err == nil || err.Error() != want {
		t.Errorf("CheckSpec = %v, want %q", err, want)
	}
	for _, df := range Dataflows() {
		if err := CheckSpec(engineSpec(df, accel.ZeroNone, accel.ZeroNone)); err != nil {
			t.Errorf("default spec on %s: %v", df, err)
		}
	}
}

// TestSimulateTotalsEqualsSimulate: the allocation-free totals used by
// sweeps are Simulate's totals.
func TestSimulateTotalsEqualsSimulate(t *testing.T) {
	w := alexNet()
	for _, df := range Dataflows() {
		spec := engineSpec(df, accel.ZeroNone, accel.ZeroNone)
		res, err := Simulate(spec, w)
		if err != nil {
			t.Fatal(err)
		}
		tot, err := SimulateTotals(spec, w)
		if err != nil {
			t.Fatal(err)
		}
		if tot != res.Total {
			t.Errorf("%s: SimulateTotals %+v ≠ Simulate's %+v", df, tot, res.Total)
		}
		if tot.Utilization <= 0 || tot.Utilization > 1 {
			t.Errorf("%s: network utilization %v not in (0,1]", df, tot.Utilization)
		}
	}
}
