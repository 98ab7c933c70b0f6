package accel

import "testing"

// TestValidateGoSpec: a Spec built in Go has no file, so messages start at
// the field path.
func TestValidateGoSpec(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*Spec)
		want   string // "" = valid
	}{
		{"default", func(*Spec) {}, ""},
		{"rows", func(s *Spec) { s.Array.Rows = -3 }, "array.rows: must be > 0, got -3"},
		{"dataflow", func(s *Spec) { s.Array.Dataflow = "RS" }, `array.dataflow: dataflow name "RS": must be lowercase letters, digits, '-' or '_'`},
		{"empty dataflow", func(s *Spec) { s.Array.Dataflow = "" }, `array.dataflow: dataflow name is empty`},
		// Which names exist is the simulator's business (sim.CheckSpec).
		{"unregistered dataflow", func(s *Spec) { s.Array.Dataflow = "rs" }, ""},
		{"clock nan", func(s *Spec) { s.ClockMHz = nan() }, "clock_mhz: must be a finite number, got NaN"},
		{"filter", func(s *Spec) { s.Memory.FilterSRAMKiB = 0 }, "memory.filter_sram_kib: must be > 0, got 0"},
		{"format", func(s *Spec) { s.Sparsity.Format = "CSC" }, `sparsity.format: unknown value "CSC" (valid: bitmask, csc, dense)`},
		{"lut energy", func(s *Spec) { s.Energy.LUTReadPJ = -0.5 }, "energy.lut_read_pj: must be ≥ 0, got -0.5"},
		{"entries at limit", func(s *Spec) { s.Codebook.IndexBits, s.Codebook.Entries = 2, 4 }, ""},
		{"entries over limit", func(s *Spec) { s.Codebook.IndexBits, s.Codebook.Entries = 2, 5 }, "codebook.entries: must be ≤ 2^index_bits = 4, got 5"},
		// Valid but huge values would overflow the totals to +Inf.
		{"mac energy huge", func(s *Spec) { s.Energy.MACPJ = 1e308 }, "energy.mac_pj: must be in [0, 1e+09], got 1e+308"},
		{"dram energy huge", func(s *Spec) { s.Energy.DRAMPJPerByte = 1e300 }, "energy.dram_pj_per_byte: must be in [0, 1e+09], got 1e+300"},
		{"static huge", func(s *Spec) { s.Energy.StaticMW = 1e200 }, "energy.static_mw: must be in [0, 1e+09], got 1e+200"},
		{"clock tiny", func(s *Spec) { s.ClockMHz = 1e-300 }, "clock_mhz: must be in [0.001, 1e+06], got 1e-300"},
		{"bandwidth tiny", func(s *Spec) { s.Memory.DRAMGBPerS = 1e-300 }, "memory.dram_gb_per_s: must be in [1e-06, 1e+06], got 1e-300"},
		{"sram huge", func(s *Spec) { s.Memory.IfmapSRAMKiB = 1e300 }, "memory.ifmap_sram_kib: must be in [0, 1.073741824e+09], got 1e+300"},
		{"energy at bound", func(s *Spec) { s.Energy.MACPJ = MaxEnergyPJ }, ""},
		// The first problem in field order is reported.
		{"order", func(s *Spec) { s.Energy.MACPJ = -1; s.Array.Cols = 0 }, "array.cols: must be > 0, got 0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := DefaultSpec()
			s.src = nil // built in Go: no file
			c.mutate(s)
			err := s.Validate()
			switch {
			case c.want == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case c.want != "" && (err == nil || err.Error() != c.want):
				t.Errorf("Validate() = %v, want %q", err, c.want)
			}
		})
	}
}

// TestValidateNamesLineOfLoadedSpec: after Load, a field changed in Go is
// still reported at its line in the file.
func TestValidateNamesLineOfLoadedSpec(t *testing.T) {
	s, err := Parse([]byte(minimal), "x.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s.Memory.DRAMGBPerS = -1
	if err, want := s.Validate(), "x.yaml:12: memory.dram_gb_per_s: must be > 0, got -1"; err == nil || err.Error() != want {
		t.Errorf("Validate() = %v, want %q", err, want)
	}
	// A defaulted field absent from the file falls back to the file name
	// and the nearest enclosing section present (none here).
	s.Memory.DRAMGBPerS = 1
	s.Codebook.LookupsPerCycle = 0
	if err, want := s.Validate(), "x.yaml: codebook.lookups_per_cycle: must be > 0, got 0"; err == nil || err.Error() != want {
		t.Errorf("Validate() = %v, want %q", err, want)
	}
}
