package sim

import (
	"math"
	"testing"

	"github.com/dcsim/dcsim/accel"
)

// TestEnergyOf checks every term of the energy formula against a hand
// computation with the test table (mac 0.23, gated 0.023, reg 0.09, lut 0.5,
// index 0.07, ifmap 40/41, filter 42/43, ofmap 30/31 pJ per word, DRAM 244
// pJ/B, static 50 mW at 1000 MHz).
func TestEnergyOf(t *testing.T) {
	spec := testSpec(accel.WS, 32, 32)
	c := Counts{MACs: 1000, MACsGated: 100, MACsSkipped: 55, LUTReads: 10, IndexReads: 20, RegAccesses: 3000,
		IfmapReads: 1, IfmapWrites: 2, FilterReads: 3, FilterWrites: 4, OfmapReads: 5, OfmapWrites: 6,
		DRAMReadBytes: 7, DRAMWriteBytes: 8}
	got := EnergyOf(spec, c, 2000)
	want := Energy{
		MAC:  1000*0.23 + 100*0.023,
		LUT:  10*0.5 + 20*0.07,
		SRAM: 1*40 + 2*41 + 3*42 + 4*43 + 5*30 + 6*31 + 3000*0.09,
		DRAM: 15 * 244,
		// 50 mW × 2000 cycles / 1000 MHz = 50e-3 W × 2e-6 s = 1e-7 J = 1e5 pJ.
		Static: 1e5,
	}
	want.Total = want.MAC + want.LUT + want.SRAM + want.DRAM + want.Static
	for _, f := range []struct {
		name      string
		got, want float64
	}{
		{"mac", got.MAC, want.MAC}, {"lut", got.LUT, want.LUT}, {"sram", got.SRAM, want.SRAM},
		{"dram", got.DRAM, want.DRAM}, {"static", got.Static, want.Static}, {"total", got.Total, want.Total},
	} {
		if math.Abs(f.got-f.want) > 1e-9*math.Max(1, math.Abs(f.want)) {
			t.Errorf("%s = %v pJ, want %v", f.name, f.got, f.want)
		}
	}
	// Energy is linear in the table: doubling every entry doubles the total.
	s2 := *spec
	e := &s2.Energy
	for _, p := range []*float64{&e.MACPJ, &e.MACGatedPJ, &e.RegPJ, &e.LUTReadPJ, &e.IndexReadPJ, &e.IfmapReadPJ,
		&e.IfmapWritePJ, &e.FilterReadPJ, &e.FilterWritePJ, &e.OfmapReadPJ, &e.OfmapWritePJ, &e.DRAMPJPerByte, &e.StaticMW} {
		*p *= 2
	}
	if d := EnergyOf(&s2, c, 2000).Total; math.Abs(d-2*got.Total) > 1e-9*d {
		t.Errorf("doubled table gives %v, want %v", d, 2*got.Total)
	}
}

// TestEnergyZeroClock: a spec without a clock has no static energy rather
// than an infinite one.
func TestEnergyZeroClock(t *testing.T) {
	spec := testSpec(accel.WS, 4, 4)
	spec.ClockMHz = 0
	if e := EnergyOf(spec, Counts{MACs: 1}, 100); e.Static != 0 || math.IsInf(e.Total, 0) || e.Total != 0.23 {
		t.Errorf("energy %+v", e)
	}
}
