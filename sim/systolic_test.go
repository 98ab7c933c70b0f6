package sim

import (
	"math"
	"testing"

	"github.com/dcsim/dcsim/accel"
	"github.com/dcsim/dcsim/network"
)

// TestSCALESimGolden compares with SCALE-Sim v2's own regression outputs:
// test/general/golden_trace_user_{ws,os,is}/COMPUTE_REPORT.csv of
// scalesim-project/scale-sim-v2, produced for topologies/GEMM_mnk/
// test_mnk_input.csv (M=256, N=128, K=256) on a 32×32 array. SCALE-Sim's
// compute cycles are Total Cycles − Stall Cycles of those reports
// (52447−41248, 52447−42272, 19984−5777). SCALE-Sim reports the index of the
// last cycle, one less than the cycle count, so the tolerance is exactly 1.
func TestSCALESimGolden(t *testing.T) {
	// A 1×1 convolution on a 16×16×256 input with 128 filters is the GEMM
	// M = 256, K = 256, N = 128.
	l := Layer{Layer: network.Layer{Name: "Test 1", Kind: Conv, InC: 256, InH: 16, InW: 16, OutC: 128, R: 1, S: 1}}
	for _, tc := range []struct {
		df        accel.Dataflow
		scalesim  Cycles
		closeForm string
	}{
		{accel.WS, 52447 - 41248, "8·4 folds × (2·32+32+256−2)"},
		{accel.OS, 52447 - 42272, "8·4 folds × (32+32+256−2)"},
		{accel.IS, 19984 - 5777, "8·8 folds × (2·32+32+128−2)"},
	} {
		r, err := SimulateLayer(testSpec(tc.df, 32, 32), &l)
		if err != nil {
			t.Fatal(err)
		}
		if d := r.ComputeCycles - tc.scalesim; d != 1 {
			t.Errorf("%s: compute cycles %d (%s), SCALE-Sim %d: differ by %d, want 1",
				tc.df, r.ComputeCycles, tc.closeForm, tc.scalesim, d)
		}
	}
}

// TestClosedForms checks the fold geometry and cycles of hand-derived cases.
func TestClosedForms(t *testing.T) {
	conv1 := alexNet().Layers[0] // M = 55·55 = 3025, K = 363, N = 96
	fc6 := Layer{Layer: network.Layer{Name: "fc6", Kind: FC, InC: 9216, InH: 1, InW: 1, OutC: 4096, R: 1, S: 1}}
	for _, tc := range []struct {
		df                 accel.Dataflow
		l                  Layer
		rowFolds, colFolds int
		fold               Cycles
		order              string
	}{
		// ws: rows ← K = 363 (12 folds, last 11 rows), cols ← N = 96 (3), T = M.
		// A column fold's 3025×32 32-bit partial sums (378 KiB) do not fit
		// half the 256 KiB ofmap buffer, so M is cut into 3 tiles of at most
		// 1024 rows (1009, 1009, 1007) and each fold runs once per tile:
		// 3 fills and drains per fold instead of 1.
		{accel.WS, conv1, 12, 3, 3*(2*32+32-2) + 3025, "M,N,K,m"},
		// os: rows ← M = 3025 (95 folds), cols ← N (3), T = K.
		{accel.OS, conv1, 95, 3, 32 + 32 + 363 - 2, ""},
		// is: rows ← K (12), cols ← M (95), T = N.
		{accel.IS, conv1, 12, 95, 2*32 + 32 + 96 - 2, "M,K,n"},
		// fc6 at batch 1: M = 1.
		{accel.WS, fc6, 288, 128, 2*32 + 32 + 1 - 2, "N,K,m"},
		{accel.OS, fc6, 1, 128, 32 + 32 + 9216 - 2, ""},
		{accel.IS, fc6, 288, 1, 2*32 + 32 + 4096 - 2, "M,K,n"},
	} {
		r, err := SimulateLayer(testSpec(tc.df, 32, 32), &tc.l)
		if err != nil {
			t.Fatal(err)
		}
		if tc.order != "" && r.LoopOrder != tc.order {
			t.Errorf("%s %s: loop order %q, want %q", tc.df, tc.l.Name, r.LoopOrder, tc.order)
		}
		want := Cycles(tc.rowFolds*tc.colFolds) * tc.fold
		if r.ComputeCycles != want {
			t.Errorf("%s %s: compute cycles %d, want %d·%d·%d = %d", tc.df, tc.l.Name,
				r.ComputeCycles, tc.rowFolds, tc.colFolds, tc.fold, want)
		}
		// Utilization includes stalls: MACs / ((compute + stall) · PEs).
		util := float64(tc.l.MACs()) / (float64(want+r.StallCycles) * 1024)
		if math.Abs(r.Utilization-util) > 1e-12 || r.Utilization <= 0 || r.Utilization > 1 {
			t.Errorf("%s %s: utilization %v, want %v", tc.df, tc.l.Name, r.Utilization, util)
		}
	}
}

// TestFoldPadding: a fold is charged the full-array time however few rows
// or columns it uses, so growing a GEMM inside one fold leaves the fold
// count unchanged and adds only to T.
func TestFoldPadding(t *testing.T) {
	for _, df := range []accel.Dataflow{accel.OS, accel.WS, accel.IS} {
		small := newSystolicGeom(systolicMappings[df], 8, 8, 3, 3, 3, 1)
		full := newSystolicGeom(systolicMappings[df], 8, 8, 8, 8, 8, 1)
		if small.Folds() != 1 || full.Folds() != 1 {
			t.Fatalf("%s: folds %d and %d, want 1", df, small.Folds(), full.Folds())
		}
		if small.FillDrainCycles != full.FillDrainCycles {
			t.Errorf("%s: fill/drain depends on occupancy: %d vs %d", df, small.FillDrainCycles, full.FillDrainCycles)
		}
		if small.LastRowsUsed != 3 || small.LastColsUsed != 3 {
			t.Errorf("%s: last fold uses %d×%d, want 3×3", df, small.LastRowsUsed, small.LastColsUsed)
		}
	}
}

// TestPoolLayer: pooling streams input and output through the ofmap path at
// Cols elements per cycle with no MACs.
func TestPoolLayer(t *testing.T) {
	l := alexNet().Layers[1] // pool1: 96@55×55 → 96@27×27
	r, err := SimulateLayer(testSpec(accel.WS, 32, 32), &l)
	if err != nil {
		t.Fatal(err)
	}
	in, out := int64(96*55*55), int64(96*27*27)
	if want := Cycles((in + out + 31) / 32); r.ComputeCycles != want {
		t.Errorf("compute cycles %d, want ceil((%d+%d)/32) = %d", r.ComputeCycles, in, out, want)
	}
	if r.MACs != 0 || r.Counts.MACs != 0 || r.Utilization != 0 || r.Weights != 0 {
		t.Errorf("pool has MACs %d/%d, utilization %v, weights %d", r.MACs, r.Counts.MACs, r.Utilization, r.Weights)
	}
	if r.Counts.DRAMReadBytes != in || r.Counts.DRAMWriteBytes != out {
		t.Errorf("DRAM read %d write %d, want %d and %d", r.Counts.DRAMReadBytes, r.Counts.DRAMWriteBytes, in, out)
	}
	// 25.6 B/cycle moves in+out = 360384 B in 14077.5 cycles > 11263 compute.
	wantStall := Cycles(math.Ceil(float64(in+out)/25.6)) - r.ComputeCycles
	if r.StallCycles != wantStall {
		t.Errorf("stall %d, want %d", r.StallCycles, wantStall)
	}
}

// TestLayerResultFields checks the derived fields on every layer of
// AlexNet for all three dataflows.
func TestLayerResultFields(t *testing.T) {
	for _, df := range []accel.Dataflow{accel.OS, accel.WS, accel.IS} {
		spec := testSpec(df, 32, 32)
		for _, l := range alexNet().Layers {
			r, err := SimulateLayer(spec, &l)
			if err != nil {
				t.Fatal(err)
			}
			if r.Name != l.Name || r.Kind != l.Kind || r.MACs != l.MACs() || r.Weights != l.Weights() || r.WeightDensity != 1 {
				t.Errorf("%s %s: identity fields %+v", df, l.Name, r)
			}
			if r.Cycles != r.ComputeCycles+r.StallCycles || r.StallCycles < 0 || r.ComputeCycles <= 0 {
				t.Errorf("%s %s: cycles %d = %d + %d?", df, l.Name, r.Cycles, r.ComputeCycles, r.StallCycles)
			}
			if math.Abs(r.LatencyUS-float64(r.Cycles)/1000) > 1e-9 {
				t.Errorf("%s %s: latency %v µs for %d cycles at 1000 MHz", df, l.Name, r.LatencyUS, r.Cycles)
			}
			if r.Utilization < 0 || r.Utilization > 1 {
				t.Errorf("%s %s: utilization %v", df, l.Name, r.Utilization)
			}
			if r.DRAMBytes != r.Counts.DRAMReadBytes+r.Counts.DRAMWriteBytes || r.DRAMBytes <= 0 {
				t.Errorf("%s %s: DRAM bytes %d", df, l.Name, r.DRAMBytes)
			}
			if e := EnergyOf(spec, r.Counts, r.Cycles); e != r.Energy || e.Total <= 0 {
				t.Errorf("%s %s: energy %+v, EnergyOf gives %+v", df, l.Name, r.Energy, e)
			}
		}
	}
}
