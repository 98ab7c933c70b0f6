package sim

import "github.com/dcsim/dcsim/accel"

// LevelEnergy splits a layer's energy by storage level and operand, as
// Timeloop and Accelergy report it: the PE register file apart from the
// three SRAM buffers, each buffer on its own. It is the same counts × table
// product as EnergyOf, regrouped:
//
//	RegFile    = RegAccesses·reg_pj
//	IfmapSRAM  = IfmapReads·ifmap_read_pj + IfmapWrites·ifmap_write_pj
//	FilterSRAM = FilterReads·filter_read_pj + FilterWrites·filter_write_pj
//	OfmapSRAM  = OfmapReads·ofmap_read_pj + OfmapWrites·ofmap_write_pj
//
// so RegFile + IfmapSRAM + FilterSRAM + OfmapSRAM = Energy.SRAM, and MAC,
// LUT, DRAM, Static and Total equal Energy's fields.
type LevelEnergy struct {
	MAC        float64 `json:"mac"`
	LUT        float64 `json:"lut"`
	RegFile    float64 `json:"reg_file"`
	IfmapSRAM  float64 `json:"ifmap_sram"`
	FilterSRAM float64 `json:"filter_sram"`
	OfmapSRAM  float64 `json:"ofmap_sram"`
	DRAM       float64 `json:"dram"`
	Static     float64 `json:"static"`
	Total      float64 `json:"total"`
}

// EnergyByLevel is EnergyOf regrouped by storage level (see LevelEnergy).
func EnergyByLevel(spec *accel.Spec, c Counts, cycles Cycles) LevelEnergy {
	t := &spec.Energy
	e := EnergyOf(spec, c, cycles)
	return LevelEnergy{
		MAC:        e.MAC,
		LUT:        e.LUT,
		RegFile:    float64(c.RegAccesses) * t.RegPJ,
		IfmapSRAM:  float64(c.IfmapReads)*t.IfmapReadPJ + float64(c.IfmapWrites)*t.IfmapWritePJ,
		FilterSRAM: float64(c.FilterReads)*t.FilterReadPJ + float64(c.FilterWrites)*t.FilterWritePJ,
		OfmapSRAM:  float64(c.OfmapReads)*t.OfmapReadPJ + float64(c.OfmapWrites)*t.OfmapWritePJ,
		DRAM:       e.DRAM,
		Static:     e.Static,
		Total:      e.Total,
	}
}

func (e *LevelEnergy) add(o LevelEnergy) {
	e.MAC += o.MAC
	e.LUT += o.LUT
	e.RegFile += o.RegFile
	e.IfmapSRAM += o.IfmapSRAM
	e.FilterSRAM += o.FilterSRAM
	e.OfmapSRAM += o.OfmapSRAM
	e.DRAM += o.DRAM
	e.Static += o.Static
	e.Total += o.Total
}
