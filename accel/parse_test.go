package accel

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// minimal is the INTERFACES.md example: only required keys. Line numbers in
// the cases below refer to it.
const minimal = `version: 1
name: t
clock_mhz: 1000
array:
  rows: 32
  cols: 32
  dataflow: ws
memory:
  ifmap_sram_kib: 512
  filter_sram_kib: 512
  ofmap_sram_kib: 256
  dram_gb_per_s: 25.6
`

func edit(old, new string) string {
	if !strings.Contains(minimal, old) {
		panic("accel test: edit: " + old + " not in minimal")
	}
	return strings.Replace(minimal, old, new, 1)
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, yaml, want string
	}{
		{"empty", "", "x.yaml: empty file (want an accelerator spec with version: 1)"},
		{"only comment", "# nothing\n", "x.yaml: no YAML document (want an accelerator spec with version: 1)"},
		{"list document", "- a\n- b\n", "x.yaml:1: document must be a mapping of keys (version, name, clock_mhz, array, memory, ...), got a list"},
		{"scalar document", "hello\n", "x.yaml:1: document must be a mapping"},
		{"syntax", minimal + "  bad: [\n", "x.yaml:13: did not find expected node content"},
		{"tab indent", "version: 1\n\tname: x\n", "x.yaml:2: found a tab character"},
		{"two documents", minimal + "---\nversion: 1\n", "x.yaml:13: more than one YAML document; want exactly one"},
		{"negative rows", edit("rows: 32", "rows: -3"), "x.yaml:5: array.rows: must be > 0, got -3"},
		{"zero cols", edit("cols: 32", "cols: 0"), "x.yaml:6: array.cols: must be > 0, got 0"},
		{"huge rows", edit("rows: 32", "rows: 100000"), "x.yaml:5: array.rows: must be ≤ 65536, got 100000"},
		{"string rows", edit("rows: 32", "rows: abc"), `x.yaml:5: array.rows: want an integer, got "abc"`},
		{"float rows", edit("rows: 32", "rows: 1.5"), `x.yaml:5: array.rows: want an integer, got "1.5"`},
		{"overflow rows", edit("rows: 32", "rows: 99999999999999999999"), `x.yaml:5: array.rows: want an integer, got "99999999999999999999"`},
		{"null rows", edit("rows: 32", "rows:"), "x.yaml:5: array.rows: no value given (want an integer)"},
		{"list rows", edit("rows: 32", "rows: [1]"), "x.yaml:5: array.rows: want an integer, got a list"},
		{"unknown key", edit("rows: 32", "rowz: 32"), "x.yaml:5: array.rowz: unknown key (valid: accumulator_banks, accumulator_entries, cols, dataflow, pe_activations, pe_weights, queue_depth, rows)"},
		{"unknown top key", minimal + "memroy: {}\n", "x.yaml:13: memroy: unknown key (valid: array, clock_mhz, codebook, energy, memory, name, precision, sparsity, version)"},
		{"duplicate key", edit("cols: 32", "rows: 4"), "x.yaml:6: array.rows: duplicate key (first at line 5)"},
		{"duplicate section", minimal + "memory:\n  banks: 2\n", "x.yaml:13: memory: duplicate key (first at line 8)"},
		{"section not mapping", minimal + "energy: 5\n", `x.yaml:13: energy: want a mapping of keys, got the value "5"`},
		{"merge key", minimal + "<<: {x: 1}\n", "x.yaml:13: keys must be plain names"},
		{"malformed dataflow", edit("dataflow: ws", "dataflow: W/S"), `x.yaml:7: array.dataflow: dataflow name "W/S": must be lowercase letters, digits, '-' or '_'`},
		{"version 2", edit("version: 1", "version: 2"), "x.yaml:1: version: unsupported version 2 (want 1)"},
		{"version missing", edit("version: 1\n", ""), "x.yaml:1: version: required key missing (want version: 1)"},
		{"version string", edit("version: 1", "version: one"), `x.yaml:1: version: want an integer, got "one"`},
		{"name missing", edit("name: t\n", ""), "x.yaml:1: name: required key missing"},
		{"name empty", edit("name: t", `name: ""`), "x.yaml:2: name: must not be empty"},
		{"dram missing", edit("  dram_gb_per_s: 25.6\n", ""), "x.yaml:8: memory.dram_gb_per_s: required key missing"},
		{"array missing", edit("array:\n  rows: 32\n  cols: 32\n  dataflow: ws\n", ""), "x.yaml:1: array.rows: required key missing"},
		{"dataflow missing", edit("  dataflow: ws\n", ""), "x.yaml:4: array.dataflow: required key missing"},
		{"zero clock", edit("clock_mhz: 1000", "clock_mhz: 0"), "x.yaml:3: clock_mhz: must be > 0, got 0"},
		{"string clock", edit("clock_mhz: 1000", "clock_mhz: fast"), `x.yaml:3: clock_mhz: want a number, got "fast"`},
		{"inf buffer", edit("ifmap_sram_kib: 512", "ifmap_sram_kib: .inf"), "x.yaml:9: memory.ifmap_sram_kib: must be a finite number, got +Inf"},
		{"negative buffer", edit("ofmap_sram_kib: 256", "ofmap_sram_kib: -1"), "x.yaml:11: memory.ofmap_sram_kib: must be > 0, got -1"},
		{"zero dram", edit("dram_gb_per_s: 25.6", "dram_gb_per_s: 0"), "x.yaml:12: memory.dram_gb_per_s: must be > 0, got 0"},
		{"banks zero", edit("  dram_gb_per_s: 25.6\n", "  dram_gb_per_s: 25.6\n  banks: 0\n"), "x.yaml:13: memory.banks: must be > 0, got 0"},
		{"word bytes", edit("  dram_gb_per_s: 25.6\n", "  dram_gb_per_s: 25.6\n  word_bytes: -8\n"), "x.yaml:13: memory.word_bytes: must be > 0, got -8"},
		{"weight bits", minimal + "precision:\n  weight_bits: 33\n", "x.yaml:14: precision.weight_bits: must be ≤ 32, got 33"},
		{"activation bits zero", minimal + "precision:\n  activation_bits: 0\n", "x.yaml:14: precision.activation_bits: must be > 0, got 0"},
		{"accumulator bits", minimal + "precision:\n  accumulator_bits: 64\n", "x.yaml:14: precision.accumulator_bits: must be ≤ 32, got 64"},
		{"zero handling", minimal + "sparsity:\n  weights: maybe\n", `x.yaml:14: sparsity.weights: unknown value "maybe" (valid: gate, none, skip)`},
		{"activation handling", minimal + "sparsity:\n  activations: drop\n", `x.yaml:14: sparsity.activations: unknown value "drop" (valid: gate, none, skip)`},
		{"format", minimal + "sparsity:\n  format: coo\n", `x.yaml:14: sparsity.format: unknown value "coo" (valid: bitmask, csc, dense)`},
		{"rel index bits", minimal + "sparsity:\n  rel_index_bits: 17\n", "x.yaml:14: sparsity.rel_index_bits: must be ≤ 16, got 17"},
		{"entries too many", minimal + "codebook:\n  entries: 32\n", "x.yaml:14: codebook.entries: must be ≤ 2^index_bits = 16, got 32"},
		{"entries one", minimal + "codebook:\n  entries: 1\n", "x.yaml:14: codebook.entries: must be ≥ 2, got 1"},
		{"index bits", minimal + "codebook:\n  index_bits: 0\n", "x.yaml:14: codebook.index_bits: must be > 0, got 0"},
		{"index bits big", minimal + "codebook:\n  index_bits: 17\n", "x.yaml:14: codebook.index_bits: must be ≤ 16, got 17"},
		{"lookups", minimal + "codebook:\n  lookups_per_cycle: -1\n", "x.yaml:14: codebook.lookups_per_cycle: must be > 0, got -1"},
		{"decoded bits", minimal + "codebook:\n  decoded_bits: 40\n", "x.yaml:14: codebook.decoded_bits: must be ≤ 32, got 40"},
		{"enabled type", minimal + "codebook:\n  enabled: 3\n", `x.yaml:14: codebook.enabled: want true or false, got "3"`},
		{"negative energy", minimal + "energy:\n  mac_pj: -1\n", "x.yaml:14: energy.mac_pj: must be ≥ 0, got -1"},
		{"nan energy", minimal + "energy:\n  dram_pj_per_byte: .nan\n", "x.yaml:14: energy.dram_pj_per_byte: must be a finite number, got NaN"},
		{"inf static", minimal + "energy:\n  static_mw: .inf\n", "x.yaml:14: energy.static_mw: must be a finite number, got +Inf"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := Parse([]byte(c.yaml), "x.yaml")
			if err == nil {
				t.Fatalf("Parse: no error, got spec %+v; want %q", s, c.want)
			}
			if !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("Parse error\n got  %q\n want %q", err, c.want)
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Errorf("error %T is not a *FieldError", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
		})
	}
}

func TestParseMinimal(t *testing.T) {
	s, err := Parse([]byte(minimal), "x.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "t" || s.ClockMHz != 1000 || s.Array.Rows != 32 || s.Array.Dataflow != WS ||
		s.Memory.OfmapSRAMKiB != 256 || s.Memory.DRAMGBPerS != 25.6 {
		t.Errorf("required fields not decoded: %+v", s)
	}
	if s.File() != "x.yaml" || s.Line("array.rows") != 5 || s.Line("memory") != 8 || s.Line("energy") != 0 {
		t.Errorf("source: file %q, array.rows line %d, memory line %d, energy line %d; want x.yaml, 5, 8, 0",
			s.File(), s.Line("array.rows"), s.Line("memory"), s.Line("energy"))
	}
}

// TestParseAliases accepts anchors and aliases, which yaml.v3 resolves.
func TestParseAliases(t *testing.T) {
	y := edit("rows: 32\n  cols: 32", "rows: &side 24\n  cols: *side")
	s, err := Parse([]byte(y), "x.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if s.Array.Rows != 24 || s.Array.Cols != 24 {
		t.Errorf("rows, cols = %d, %d; want 24, 24", s.Array.Rows, s.Array.Cols)
	}
}

// TestExplicitZeroKept: a key present in the file keeps its value even
// when zero; an absent one takes its default.
func TestExplicitZeroKept(t *testing.T) {
	s, err := Parse([]byte(minimal+"energy:\n  mac_gated_pj: 0\n  static_mw: 0\n"), "x.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if s.Energy.MACGatedPJ != 0 {
		t.Errorf("mac_gated_pj = %v, want the explicit 0", s.Energy.MACGatedPJ)
	}
	if s.Energy.MACPJ == 0 || s.Energy.RegPJ == 0 {
		t.Errorf("absent energies not defaulted: %+v", s.Energy)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(path, []byte(edit("rows: 32", "rows: -3")), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	if want := path + ":5: array.rows: must be > 0, got -3"; err == nil || err.Error() != want {
		t.Errorf("Load(bad) = %v, want %q", err, want)
	}
	_, err = Load(filepath.Join(dir, "missing.yaml"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load(missing) = %v, want an os.ErrNotExist", err)
	}
}
