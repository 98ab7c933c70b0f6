package sim

import "github.com/dcsim/dcsim/accel"

// EnergyOf multiplies action counts by the spec's energy table; static energy
// = StaticMW × latency. It is the only place picojoules appear, so an energy
// table can be swapped without re-simulating:
//
//	MAC    = MACs·mac_pj + MACsGated·mac_gated_pj
//	LUT    = LUTReads·lut_read_pj + IndexReads·index_read_pj
//	SRAM   = Σ_buffer (reads·read_pj + writes·write_pj) + RegAccesses·reg_pj
//	DRAM   = (DRAMReadBytes + DRAMWriteBytes)·dram_pj_per_byte
//	Static = static_mw·1e-3 W · cycles/(clock_mhz·1e6) s · 1e12 pJ/J
//	       = static_mw·cycles·1e3/clock_mhz
//	Total  = MAC + LUT + SRAM + DRAM + Static
//
// Skipped MACs cost nothing. A non-positive clock gives zero static energy.
func EnergyOf(spec *accel.Spec, c Counts, cycles Cycles) Energy {
	t := &spec.Energy
	var e Energy
	e.MAC = float64(c.MACs)*t.MACPJ + float64(c.MACsGated)*t.MACGatedPJ
	e.LUT = float64(c.LUTReads)*t.LUTReadPJ + float64(c.IndexReads)*t.IndexReadPJ
	e.SRAM = float64(c.IfmapReads)*t.IfmapReadPJ + float64(c.IfmapWrites)*t.IfmapWritePJ +
		float64(c.FilterReads)*t.FilterReadPJ + float64(c.FilterWrites)*t.FilterWritePJ +
		float64(c.OfmapReads)*t.OfmapReadPJ + float64(c.OfmapWrites)*t.OfmapWritePJ +
		float64(c.RegAccesses)*t.RegPJ
	e.DRAM = float64(c.DRAMReadBytes+c.DRAMWriteBytes) * t.DRAMPJPerByte
	if spec.ClockMHz > 0 {
		e.Static = t.StaticMW * float64(cycles) * 1e3 / spec.ClockMHz
	}
	e.Total = e.MAC + e.LUT + e.SRAM + e.DRAM + e.Static
	return e
}

// addEnergy accumulates o into e field by field.
func addEnergy(e *Energy, o Energy) {
	e.MAC += o.MAC
	e.LUT += o.LUT
	e.SRAM += o.SRAM
	e.DRAM += o.DRAM
	e.Static += o.Static
	e.Total += o.Total
}
