package accel

import (
	"math"
	"testing"
)

func nan() float64 { return math.NaN() }

func near(got, want, relTol float64) bool {
	return math.Abs(got-want) <= relTol*math.Abs(want)
}

func TestDefaultsFill(t *testing.T) {
	s := &Spec{Version: 1, Name: "t", ClockMHz: 1000,
		Array:  Array{Rows: 4, Cols: 4, Dataflow: OS},
		Memory: Memory{IfmapSRAMKiB: 8, FilterSRAMKiB: 32, OfmapSRAMKiB: 1024, DRAMGBPerS: 1}}
	s.Defaults()
	want := Spec{Version: 1, Name: "t", ClockMHz: 1000,
		Array: Array{Rows: 4, Cols: 4, Dataflow: OS, QueueDepth: 8, PEWeights: 4, PEActivations: 4,
			AccumulatorBanks: 32, AccumulatorEntries: 1024},
		Precision: Precision{WeightBits: 8, ActivationBits: 8, AccumulatorBits: 32},
		Memory: Memory{IfmapSRAMKiB: 8, FilterSRAMKiB: 32, OfmapSRAMKiB: 1024,
			WordBytes: 8, Banks: 1, DRAMGBPerS: 1},
		Sparsity: Sparsity{Weights: "none", Activations: "none", Format: "dense", RelIndexBits: 4},
		Codebook: Codebook{Entries: 16, IndexBits: 4, LookupsPerCycle: 1, DecodedBits: 8},
		// Horowitz's points exactly: 10, 20, 100 pJ per 64-bit read at
		// 8 KB, 32 KB, 1 MB; MAC 0.2 + 0.03 pJ.
		Energy: EnergyTable{MACPJ: 0.23, MACGatedPJ: 0.023, RegPJ: 0.23, LUTReadPJ: 0.23, IndexReadPJ: 0.23,
			IfmapReadPJ: 10, IfmapWritePJ: 10, FilterReadPJ: 20, FilterWritePJ: 20,
			OfmapReadPJ: 100, OfmapWritePJ: 100, DRAMPJPerByte: 243.75},
	}
	got := *s
	got.Energy, want.Energy = EnergyTable{}, EnergyTable{}
	if got != want {
		t.Errorf("Defaults:\n got  %+v\n want %+v", got, want)
	}
	e := s.Energy
	w := EnergyTable{MACPJ: 0.23, MACGatedPJ: 0.023, RegPJ: 0.23, LUTReadPJ: 0.23, IndexReadPJ: 0.23,
		IfmapReadPJ: 10, IfmapWritePJ: 10, FilterReadPJ: 20, FilterWritePJ: 20,
		OfmapReadPJ: 100, OfmapWritePJ: 100, DRAMPJPerByte: 243.75}
	pairs := [][2]float64{{e.MACPJ, w.MACPJ}, {e.MACGatedPJ, w.MACGatedPJ}, {e.RegPJ, w.RegPJ},
		{e.LUTReadPJ, w.LUTReadPJ}, {e.IndexReadPJ, w.IndexReadPJ}, {e.IfmapReadPJ, w.IfmapReadPJ},
		{e.IfmapWritePJ, w.IfmapWritePJ}, {e.FilterReadPJ, w.FilterReadPJ}, {e.FilterWritePJ, w.FilterWritePJ},
		{e.OfmapReadPJ, w.OfmapReadPJ}, {e.OfmapWritePJ, w.OfmapWritePJ}, {e.DRAMPJPerByte, w.DRAMPJPerByte}}
	for i, p := range pairs {
		if !near(p[0], p[1], 1e-12) {
			t.Errorf("energy field %d = %v, want %v", i, p[0], p[1])
		}
	}
	if e.StaticMW != 0 {
		t.Errorf("static_mw = %v, want default 0", e.StaticMW)
	}
	if err := s.Validate(); err != nil {
		t.Errorf("defaulted spec invalid: %v", err)
	}
}

// TestDefaultsKeepGiven: values set in Go are kept, and dependent defaults
// follow them.
func TestDefaultsKeepGiven(t *testing.T) {
	s := DefaultSpec()
	s.Precision.WeightBits = 4
	s.Codebook.DecodedBits = 0
	s.Energy = EnergyTable{MACPJ: 2, IfmapReadPJ: 7}
	s.Memory.Banks = 4
	s.Defaults()
	if s.Codebook.DecodedBits != 4 {
		t.Errorf("decoded_bits = %d, want weight_bits 4", s.Codebook.DecodedBits)
	}
	e := s.Energy
	if e.MACPJ != 2 || !near(e.MACGatedPJ, 0.2, 1e-12) || e.RegPJ != 2 || e.IndexReadPJ != 2 || e.LUTReadPJ != 2 {
		t.Errorf("MAC-derived energies = %+v, want mac 2, gated 0.2, reg/index/lut 2", e)
	}
	if e.IfmapReadPJ != 7 || e.IfmapWritePJ != 7 {
		t.Errorf("ifmap read/write = %v/%v, want given 7/7", e.IfmapReadPJ, e.IfmapWritePJ)
	}
	// 512 KiB in 4 banks: each access reads a 128 KiB bank.
	if want := SRAMReadPJ(128, 64); !near(e.FilterReadPJ, want, 1e-12) {
		t.Errorf("filter read = %v, want the 128 KiB bank's %v", e.FilterReadPJ, want)
	}
	before := *s
	s.Defaults()
	if *s != before {
		t.Error("Defaults is not idempotent")
	}
}

// TestDefaultsInvalidLeftForValidate: Defaults never produces NaN from bad
// fields; Validate reports the cause.
func TestDefaultsInvalidLeftForValidate(t *testing.T) {
	s, err := Parse([]byte(minimal+"precision:\n  weight_bits: -2\n"), "x.yaml")
	if err == nil || err.Error() != "x.yaml:14: precision.weight_bits: must be > 0, got -2" {
		t.Fatalf("Parse = %v, %v", s, err)
	}
	g := &Spec{Memory: Memory{IfmapSRAMKiB: -1, Banks: -1}, Precision: Precision{WeightBits: 99}}
	g.Defaults()
	for _, v := range []float64{g.Energy.MACPJ, g.Energy.IfmapReadPJ, g.Energy.LUTReadPJ} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Errorf("Defaults produced %v from invalid fields", v)
		}
	}
}
