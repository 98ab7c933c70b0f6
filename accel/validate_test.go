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
		// The first problem in field order is reported.
		{"order", func(s *Spec) { s.Energy.MACPJ = -1; s.Array.Cols = 0 }, "array.cols: must be > 0, got 0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := DefaultSpec()
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
