package sim

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/dcsim/dcsim/accel"
	"github.com/dcsim/dcsim/network"
)

func systolicSpec(df accel.Dataflow) *accel.Spec {
	s := &accel.Spec{Version: 1, Name: "sys", ClockMHz: 1000,
		Array:  accel.Array{Rows: 16, Cols: 16, Dataflow: df},
		Memory: accel.Memory{IfmapSRAMKiB: 64, FilterSRAMKiB: 64, OfmapSRAMKiB: 32, DRAMGBPerS: 25.6}}
	s.Defaults()
	return s
}

func sparseTestLayers() []Layer {
	return []Layer{
		fcLayer("fc", 300, 200, 0.1, 0.4, 4),
		{Layer: network.Layer{Name: "conv", Kind: Conv, InC: 8, InH: 14, InW: 14, OutC: 40, R: 3, S: 3, Pad: 1},
			WeightDensity: 0.3, ActDensity: 0.5, IndexBits: 4},
	}
}

// TestSparsityDefaultsLeaveDenseUnchanged: with every sparsity key at its
// default and no codebook, a compressed layer costs exactly what the dense
// layer costs.
func TestSparsityDefaultsLeaveDenseUnchanged(t *testing.T) {
	for _, df := range []accel.Dataflow{accel.WS, accel.OS, accel.IS} {
		spec := systolicSpec(df)
		for _, l := range sparseTestLayers() {
			dense := l
			dense.WeightDensity, dense.ActDensity, dense.IndexBits = 0, 0, 0
			a, err := SimulateLayer(spec, &l)
			if err != nil {
				t.Fatal(err)
			}
			ml := withMask(l, 5)
			b, err := SimulateLayer(spec, &ml)
			if err != nil {
				t.Fatal(err)
			}
			ref, err := SimulateLayer(spec, &dense)
			if err != nil {
				t.Fatal(err)
			}
			for _, got := range []LayerResult{a, b} {
				got.WeightDensity, got.ActDensity = ref.WeightDensity, ref.ActDensity // reported, not used
				if got != ref {
					t.Errorf("%s/%s: defaults changed the dense result:\n got %+v\nwant %+v", df, l.Name, got, ref)
				}
			}
		}
	}
}

func TestSparsityGateSavesEnergyNotCycles(t *testing.T) {
	for _, df := range []accel.Dataflow{accel.WS, accel.OS, accel.IS} {
		spec := systolicSpec(df)
		spec.Sparsity.Weights, spec.Sparsity.Activations = accel.ZeroGate, accel.ZeroGate
		dense := systolicSpec(df)
		for _, l := range sparseTestLayers() {
			g, _ := SimulateLayer(spec, &l)
			d, _ := SimulateLayer(dense, &l)
			if g.Cycles != d.Cycles {
				t.Errorf("%s/%s: gating changed cycles %d → %d", df, l.Name, d.Cycles, g.Cycles)
			}
			want := float64(l.MACs()) * l.Density() * l.ActivationDensity()
			if math.Abs(float64(g.Counts.MACs)-want) > 1 || g.Counts.MACs+g.Counts.MACsGated != l.MACs() {
				t.Errorf("%s/%s: performed %d gated %d, want %.0f of %d", df, l.Name, g.Counts.MACs, g.Counts.MACsGated, want, l.MACs())
			}
			if g.Energy.MAC >= d.Energy.MAC {
				t.Errorf("%s/%s: gating did not lower MAC energy", df, l.Name)
			}
		}
	}
}

// TestSkipFromMask: a weight matrix whose zeros are structured so the
// mapping can skip them saves exactly the cycles the structure allows.
func TestSkipFromMask(t *testing.T) {
	// fc 64 inputs (K) → 32 outputs (N); only filters 0..15 have weights,
	// and only in k 0..15.
	l := fcLayer("fc", 64, 32, 0, 1, 0)
	l.Mask = NewMask(32, 64)
	for n := 0; n < 16; n++ {
		for k := 0; k < 16; k++ {
			l.Mask.Set(n, k)
		}
	}
	for _, tc := range []struct {
		df        accel.Dataflow
		wantSaved func(g systolicGeom) Cycles
	}{
		// ws: 4 row folds (k) × 2 column folds (n): only tile (0,0) is non-zero.
		{accel.WS, func(g systolicGeom) Cycles { return 7 * g.FoldCycles }},
		// os: k streams; column fold 0 has 48 zero k steps, fold 1 all 64.
		{accel.OS, func(g systolicGeom) Cycles { return 48 + 64 }},
		// is: n streams; row fold 0 (k 0..15) has 16 zero filters, folds 1..3 all 32.
		{accel.IS, func(g systolicGeom) Cycles { return 16 + 3*32 }},
	} {
		spec := systolicSpec(tc.df)
		spec.Sparsity.Weights = accel.ZeroSkip
		dense := systolicSpec(tc.df)
		s, _ := SimulateLayer(spec, &l)
		d, _ := SimulateLayer(dense, &l)
		m, k, n, grp := l.GEMM()
		g := newSystolicGeom(systolicMappings[tc.df], 16, 16, m, k, n, grp)
		if got, want := d.ComputeCycles-s.ComputeCycles, tc.wantSaved(g); got != want {
			t.Errorf("%s: skipping saved %d cycles, want %d", tc.df, got, want)
		}
		if s.Counts.MACs != 256 || s.Counts.MACs+s.Counts.MACsGated+s.Counts.MACsSkipped != l.MACs() {
			t.Errorf("%s: MACs performed %d gated %d skipped %d (dense %d), want 256 performed",
				tc.df, s.Counts.MACs, s.Counts.MACsGated, s.Counts.MACsSkipped, l.MACs())
		}
	}
}

// TestSkipStatisticalMatchesMask: the density-only skip estimate agrees
// with random masks of that density (tiles of 4 weights, density 0.2).
func TestSkipStatisticalMatchesMask(t *testing.T) {
	spec := systolicSpec(accel.OS)
	spec.Array.Rows, spec.Array.Cols = 2, 2
	spec.Sparsity.Weights = accel.ZeroSkip
	l := fcLayer("fc", 400, 300, 0.2, 1, 0)
	stat, _ := SimulateLayer(spec, &l)
	var sum float64
	for s := uint64(0); s < 5; s++ {
		ml := l
		rows, cols := MaskDims(&l)
		ml.Mask = RandomMask(rows, cols, 0.2, rand.New(rand.NewPCG(s, 3)))
		r, _ := SimulateLayer(spec, &ml)
		sum += float64(r.ComputeCycles)
	}
	if rel := float64(stat.ComputeCycles)/(sum/5) - 1; math.Abs(rel) > 0.02 {
		t.Errorf("statistical %d cycles vs mask mean %.0f (%.1f%%), want within 2%%", stat.ComputeCycles, sum/5, 100*rel)
	}
}

func TestCompressedFormatCutsFilterTraffic(t *testing.T) {
	l := fcLayer("fc", 4096, 1024, 0.1, 1, 4)
	dense := systolicSpec(accel.WS)
	d, _ := SimulateLayer(dense, &l)
	for _, format := range []string{accel.FormatCSC, accel.FormatBitmask} {
		spec := systolicSpec(accel.WS)
		spec.Sparsity.Format = format
		spec.Codebook.Enabled = true
		s, _ := SimulateLayer(spec, &l)
		if s.DRAMBytes >= d.DRAMBytes || s.Counts.FilterReads >= d.Counts.FilterReads {
			t.Errorf("%s: DRAM %d → %d, filter reads %d → %d: want both lower", format,
				d.DRAMBytes, s.DRAMBytes, d.Counts.FilterReads, s.Counts.FilterReads)
		}
		if s.CompressedBytes <= 0 || s.Counts.LUTReads == 0 {
			t.Errorf("%s: compressed bytes %d, LUT reads %d", format, s.CompressedBytes, s.Counts.LUTReads)
		}
		// CSC with 4-bit values and 4-bit indices at 10% density: about
		// 0.1·8/8 bytes per weight plus padding (runs of ≥ 16 zeros).
		if format == accel.FormatCSC {
			if r := float64(s.CompressedBytes) / float64(l.Weights()); r < 0.1 || r > 0.14 {
				t.Errorf("csc: %.3f bytes per weight, want ≈ 0.11–0.13", r)
			}
		}
	}
}
