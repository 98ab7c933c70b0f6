package accel

import (
	"fmt"
	"strconv"
)

// EnergyEntry is one action of a spec's resolved energy table, like a row
// of Accelergy's energy reference table: its YAML key, its energy (pJ per
// action; mW for static_mw) and where the value comes from.
type EnergyEntry struct {
	Key    string  `json:"key"`
	Value  float64 `json:"value"`
	Source string  `json:"source"`
}

// EnergyTable lists the resolved energy table in YAML order. Source is
// "FILE:LINE" for a value given in the loaded file, otherwise the rule its
// default follows
// (accel's Defaults, from Horowitz, ISSCC 2014, and Eyeriss, ISCA 2016).
func (s *Spec) EnergyTable() []EnergyEntry {
	e, p, m, c := s.Energy, s.Precision, s.Memory, s.Codebook
	sram := func(kib float64) string {
		return fmt.Sprintf("default: %d-bit read, %g KiB bank (Horowitz 2014, interpolated)",
			8*m.WordBytes, kib/float64(max(m.Banks, 1)))
	}
	rows := []struct {
		key  string
		v    float64
		rule string
	}{
		{"mac_pj", e.MACPJ, fmt.Sprintf("default: %d×%d-bit multiply + add (Horowitz 2014)", p.WeightBits, p.ActivationBits)},
		{"mac_gated_pj", e.MACGatedPJ, fmt.Sprintf("default: %g × mac_pj (assumption)", GatedMACFraction)},
		{"reg_pj", e.RegPJ, fmt.Sprintf("default: %g × mac_pj (Eyeriss, ISCA 2016)", RegToMACRatio)},
		{"lut_read_pj", e.LUTReadPJ, fmt.Sprintf("default: %d × %d-bit table read, ≥ reg_pj", c.Entries, c.DecodedBits)},
		{"index_read_pj", e.IndexReadPJ, "default: = reg_pj"},
		{"ifmap_read_pj", e.IfmapReadPJ, sram(m.IfmapSRAMKiB)},
		{"ifmap_write_pj", e.IfmapWritePJ, "default: = ifmap_read_pj (assumption)"},
		{"filter_read_pj", e.FilterReadPJ, sram(m.FilterSRAMKiB)},
		{"filter_write_pj", e.FilterWritePJ, "default: = filter_read_pj (assumption)"},
		{"ofmap_read_pj", e.OfmapReadPJ, sram(m.OfmapSRAMKiB)},
		{"ofmap_write_pj", e.OfmapWritePJ, "default: = ofmap_read_pj (assumption)"},
		{"dram_pj_per_byte", e.DRAMPJPerByte, "default: 1.95 nJ per 64-bit access / 8 (Horowitz 2014)"},
		{"static_mw", e.StaticMW, "default: 0, dynamic energy only"},
	}
	out := make([]EnergyEntry, len(rows))
	for i, r := range rows {
		src := r.rule
		if s.given("energy." + r.key) {
			src = s.src.file + ":" + strconv.Itoa(s.src.lines["energy."+r.key])
		}
		out[i] = EnergyEntry{Key: r.key, Value: r.v, Source: src}
	}
	return out
}
