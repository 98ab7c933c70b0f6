package accel

import (
	"strings"
	"testing"
)

// The eyeriss.cfg shipped with SCALE-Sim v2 (configs/eyeriss.cfg).
const eyerissCfg = `[general]
run_name = eyeriss

[architecture_presets]
ArrayHeight:    12
ArrayWidth:     14
IfmapSramSzkB:    36
FilterSramSzkB:   36
OfmapSramSzkB:    36
IfmapOffset:    0
FilterOffset:   10000000
OfmapOffset:    20000000
Dataflow : ws
Bandwidth : 10
MemoryBanks: 1

[run_presets]
InterfaceBandwidth: CALC
SRAM_row_size: 2
`

func TestParseSCALESimCfg(t *testing.T) {
	s, notes, err := ParseSCALESimCfg([]byte(eyerissCfg), "eyeriss.cfg")
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "eyeriss" || s.Array.Rows != 12 || s.Array.Cols != 14 || s.Array.Dataflow != WS ||
		s.Memory.IfmapSRAMKiB != 36 || s.Memory.FilterSRAMKiB != 36 || s.Memory.OfmapSRAMKiB != 36 ||
		s.Memory.DRAMGBPerS != SCALESimCALCGBPerS || s.ClockMHz != SCALESimClockMHz || s.Energy.MACPJ == 0 {
		t.Errorf("spec %+v", *s)
	}
	if len(notes) != 2 || !strings.Contains(notes[1], "FilterOffset") || !strings.Contains(notes[1], "SRAM_row_size") {
		t.Errorf("notes %q", notes)
	}
	user := strings.Replace(eyerissCfg, "CALC", "USER", 1)
	if s, _, err := ParseSCALESimCfg([]byte(user), "u.cfg"); err != nil || s.Memory.DRAMGBPerS != 10 {
		t.Errorf("USER bandwidth: %v, %v", s, err)
	}
	for _, c := range []struct{ from, to, want string }{
		{"Dataflow : ws", "Dataflow : rs", "x.cfg:13: Dataflow"},
		{"ArrayHeight:    12", "ArrayHeight:    -1", "x.cfg:5: ArrayHeight"},
		{"ArrayWidth:     14", "", "ArrayWidth"},
		{"MemoryBanks: 1", "garbage line", "x.cfg:15"},
	} {
		_, _, err := ParseSCALESimCfg([]byte(strings.Replace(eyerissCfg, c.from, c.to, 1)), "x.cfg")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q → %q: error %v, want %q", c.from, c.to, err, c.want)
		}
	}
}

// TestEnergyTableSources: a key given in the file is sourced to its line,
// the others to their default rule; values are the spec's.
func TestEnergyTableSources(t *testing.T) {
	doc := "version: 1\nname: x\nclock_mhz: 500\narray: {rows: 4, cols: 4, dataflow: ws}\n" +
		"memory: {ifmap_sram_kib: 8, filter_sram_kib: 8, ofmap_sram_kib: 8, dram_gb_per_s: 1}\n" +
		"energy:\n  mac_pj: 1.5\n"
	s, err := Parse([]byte(doc), "x.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tab := s.EnergyTable()
	if len(tab) != 13 || tab[0].Key != "mac_pj" || tab[0].Value != 1.5 || tab[0].Source != "x.yaml:7" {
		t.Fatalf("first entry %+v of %d", tab[0], len(tab))
	}
	if tab[2].Key != "reg_pj" || tab[2].Value != 1.5*RegToMACRatio || !strings.HasPrefix(tab[2].Source, "default: ") {
		t.Errorf("reg_pj %+v", tab[2])
	}
	if tab[5].Key != "ifmap_read_pj" || tab[5].Value != s.Energy.IfmapReadPJ || !strings.Contains(tab[5].Source, "8 KiB") {
		t.Errorf("ifmap_read_pj %+v", tab[5])
	}
}
