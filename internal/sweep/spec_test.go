package sweep

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/accel"
	"gopkg.in/yaml.v3"
)

func mustLoad(t testing.TB, path string) *Spec {
	t.Helper()
	s, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestParseSmall(t *testing.T) {
	s := mustLoad(t, "testdata/small.yaml")
	if got, want := s.NumConfigs(), int64(18); got != want {
		t.Errorf("NumConfigs = %d, want %d", got, want)
	}
	if got, want := s.NumPoints(), int64(36); got != want {
		t.Errorf("NumPoints = %d, want %d", got, want)
	}
	if got, want := strings.Join(s.ParamKeys(), ","), "array.rows,array.cols,array.dataflow,memory.ifmap_sram_kib"; got != want {
		t.Errorf("ParamKeys = %s, want %s", got, want)
	}
	// Last axis fastest; tied keys move together; pairs outermost.
	for _, c := range []struct {
		i    int64
		want string
	}{
		{0, "array.rows=8 array.cols=8 array.dataflow=ws memory.ifmap_sram_kib=64 lenet-5"},
		{1, "array.rows=8 array.cols=8 array.dataflow=ws memory.ifmap_sram_kib=512 lenet-5"},
		{2, "array.rows=8 array.cols=8 array.dataflow=os memory.ifmap_sram_kib=64 lenet-5"},
		{6, "array.rows=16 array.cols=16 array.dataflow=ws memory.ifmap_sram_kib=64 lenet-5"},
		{35, "array.rows=32 array.cols=32 array.dataflow=is memory.ifmap_sram_kib=512 alexnet"},
	} {
		p := s.Point(c.i)
		var parts []string
		for _, q := range p.Params {
			parts = append(parts, q.Key+"="+q.Value)
		}
		if got := strings.Join(append(parts, p.Network), " "); got != c.want {
			t.Errorf("Point(%d) = %s, want %s", c.i, got, c.want)
		}
	}
}

// A design point's accelerator must equal the one accel.Parse builds from
// the base file edited by hand: derived defaults (here the ifmap SRAM read
// energy, which follows the buffer size) are re-derived per point.
func TestPointAcceleratorMatchesEditedFile(t *testing.T) {
	s := mustLoad(t, "testdata/small.yaml")
	got := s.Accelerator(2) // rows=cols=8, os, ifmap 64 KiB
	want, err := accel.Parse([]byte(`version: 1
name: sys-inline
clock_mhz: 1000
array: {rows: 8, cols: 8, dataflow: os}
memory: {ifmap_sram_kib: 64, filter_sram_kib: 512, ofmap_sram_kib: 256, dram_gb_per_s: 25.6}
`), "edited.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got.Array != want.Array || got.Memory != want.Memory || got.Energy != want.Energy ||
		got.Precision != want.Precision || got.Sparsity != want.Sparsity || got.Codebook != want.Codebook {
		t.Errorf("point accelerator differs from the edited file:\n got %+v\nwant %+v", *got, *want)
	}
	if base := s.Base.Energy.IfmapReadPJ; math.Abs(got.Energy.IfmapReadPJ-base) < 1e-9 {
		t.Errorf("ifmap read energy %v did not follow the swept SRAM size (base %v)", got.Energy.IfmapReadPJ, base)
	}
}

func TestPointIDStable(t *testing.T) {
	a := mustParse(t, `version: 1
accelerator: testdata/sys.yaml
grid: {array.rows: [8, 16], array.dataflow: [ws, os]}
networks: [alexnet]
`)
	b := mustParse(t, `version: 1
accelerator: testdata/sys.yaml
grid: {array.dataflow: [os, ws, is], array.rows: [16, 8, 4]}
networks: [alexnet]
`)
	// The IDs are stable identifiers across dcsim versions (results files
	// written by one version are resumed and merged by the next): pinned.
	pinned := map[string]string{
		"array.rows=8, array.dataflow=ws":  "e65b508fea571270",
		"array.rows=8, array.dataflow=os":  "e541bfa1f4c28298",
		"array.rows=16, array.dataflow=ws": "f4881665913fac97",
		"array.rows=16, array.dataflow=os": "c35564efacc334bf",
	}
	for i := int64(0); i < a.NumPoints(); i++ {
		if p := a.Point(i); pinned[paramText(p)] != p.ID {
			t.Errorf("%s: ID %s, want %s", paramText(p), p.ID, pinned[paramText(p)])
		}
	}
	ids := map[string]string{}
	for i := int64(0); i < b.NumPoints(); i++ {
		p := b.Point(i)
		ids[paramText(p)] = p.ID
	}
	for i := int64(0); i < a.NumPoints(); i++ {
		p := a.Point(i)
		if len(p.ID) != 16 {
			t.Fatalf("ID %q: want 16 hex digits", p.ID)
		}
		// Same parameters (in the other order) must give the same ID.
		q := Point{Params: []Param{p.Params[1], p.Params[0]}}
		if got := ids[paramText(q)]; got != p.ID {
			t.Errorf("%s: ID %s, reordered grid gives %s", paramText(p), p.ID, got)
		}
	}
}

func mustParse(t testing.TB, y string) *Spec {
	t.Helper()
	s, err := Parse([]byte(y), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestRandomSampling(t *testing.T) {
	spec := func(seed int) string {
		return `version: 1
accelerator: testdata/sys.yaml
grid: {array.rows: [4, 8, 16, 32, 64], array.cols: [4, 8, 16, 32, 64], array.dataflow: [ws, os, is]}
random: {samples: 7, seed: ` + string(rune('0'+seed)) + `}
networks: [alexnet]
`
	}
	a, a2, b := mustParse(t, spec(1)), mustParse(t, spec(1)), mustParse(t, spec(2))
	if a.NumPoints() != 7 {
		t.Fatalf("NumPoints = %d, want 7", a.NumPoints())
	}
	seen := map[string]bool{}
	same := true
	for i := int64(0); i < 7; i++ {
		p, p2, q := a.Point(i), a2.Point(i), b.Point(i)
		if p.ID != p2.ID {
			t.Errorf("point %d: same seed gave %s and %s", i, p.ID, p2.ID)
		}
		if seen[p.ID] {
			t.Errorf("point %d: %s sampled twice", i, p.ID)
		}
		seen[p.ID] = true
		same = same && p.ID == q.ID
	}
	if same {
		t.Errorf("seeds 1 and 2 drew the same sample")
	}
	// More samples than the grid holds: the whole grid.
	c := mustParse(t, strings.Replace(spec(1), "samples: 7", "samples: 1000", 1))
	if c.NumPoints() != 75 {
		t.Errorf("NumPoints with samples > grid = %d, want 75", c.NumPoints())
	}
}

func TestParseErrors(t *testing.T) {
	const head = "version: 1\naccelerator: testdata/sys.yaml\n"
	for _, c := range []struct {
		name, yaml, want string
	}{
		{"unknown key", head + "grid: {array.row: [8]}\nnetworks: [alexnet]\n",
			`test.yaml:3: grid: unknown accelerator key "array.row" (did you mean array.rows`},
		{"unknown key far", head + "grid: {frobnicate: [8]}\nnetworks: [alexnet]\n",
			`unknown accelerator key "frobnicate" (valid keys are dotted paths`},
		{"bare leaf", head + "grid: {dram_gb_per_s: [8]}\nnetworks: [alexnet]\n",
			`did you mean memory.dram_gb_per_s`},
		{"empty grid", head + "grid: {}\nnetworks: [alexnet]\n", "test.yaml:3: grid: empty grid"},
		{"no grid", head + "networks: [alexnet]\n", "grid: required key missing"},
		{"version", "version: 2\naccelerator: testdata/sys.yaml\ngrid: {array.rows: [8]}\nnetworks: [alexnet]\n",
			"test.yaml:1: version: unsupported version"},
		{"top-level typo", head + "gird: {array.rows: [8]}\n", "test.yaml:3: gird: unknown key (valid: version"},
		{"bad value", head + "grid: {array.rows: [8, big]}\nnetworks: [alexnet]\n",
			`test.yaml:3: grid.array.rows: want an integer, got "big"`},
		// Integer keys are read strictly, as in accelerator files: no
		// truncation of 16.5 to 16, in any integer key.
		{"fraction in integer key", head + "grid: {array.rows: [8, 16.5]}\nnetworks: [alexnet]\n",
			`test.yaml:3: grid.array.rows: want an integer, got "16.5"`},
		{"fraction in another integer key", head + "grid:\n  array.queue_depth: [64, 1e2]\nnetworks: [alexnet]\n",
			`test.yaml:4: grid.array.queue_depth: want an integer, got "1e2"`},
		{"fraction in workload key", head + "grid: {workload.index_bits: [4.5]}\nnetworks: [alexnet]\n",
			`test.yaml:3: grid.workload.index_bits: want an integer, got "4.5"`},
		{"fraction as single scalar", head + "grid: {array.cols: 8.0}\nnetworks: [alexnet]\n",
			`test.yaml:3: grid.array.cols: want an integer, got "8.0"`},
		{"string in number key", head + "grid: {clock_mhz: [fast]}\nnetworks: [alexnet]\n",
			`test.yaml:3: grid.clock_mhz: want a number, got "fast"`},
		{"null value", head + "grid: {array.rows: [8, ~]}\nnetworks: [alexnet]\n",
			`test.yaml:3: grid.array.rows: no value given (want an integer)`},
		{"empty values", head + "grid: {array.rows: []}\nnetworks: [alexnet]\n", "grid.array.rows: empty list"},
		{"duplicate value", head + "grid: {array.rows: [8, 8]}\nnetworks: [alexnet]\n", "value 8 listed twice"},
		{"tie lengths", head + "grid: {array.rows: [8, 16], array.cols: [8]}\ntie: [[array.rows, array.cols]]\nnetworks: [alexnet]\n",
			"test.yaml:4: tie: tied keys need lists of equal length"},
		{"tie unknown", head + "grid: {array.rows: [8]}\ntie: [[array.rows, array.cols]]\nnetworks: [alexnet]\n",
			`tie: key "array.cols" is not in the grid`},
		{"no networks", head + "grid: {array.rows: [8]}\nnetworks: []\n", "networks: want a non-empty list"},
		{"profile for other network", head + "grid: {array.rows: [8]}\nnetworks: [alexnet]\ncompression: [{network: vgg-16, profile: x.yaml}]\n",
			`network "vgg-16" is not in networks`},
		{"missing profile", head + "grid: {array.rows: [8]}\nnetworks: [alexnet]\ncompression: [nope.yaml]\n",
			"test.yaml:5: compression: open nope.yaml"},
		{"missing accelerator", "version: 1\naccelerator: nope.yaml\ngrid: {array.rows: [8]}\nnetworks: [alexnet]\n",
			"test.yaml:2: accelerator: open nope.yaml"},
		{"random zero", head + "grid: {array.rows: [8]}\nrandom: {samples: 0}\nnetworks: [alexnet]\n", "random.samples: must be > 0"},
		{"random typo", head + "grid: {array.rows: [8]}\nrandom: {sample: 3}\nnetworks: [alexnet]\n", "test.yaml:4: random.sample: unknown key (valid: samples, seed)"},
		{"inline accel error keeps line", "version: 1\naccelerator:\n  version: 1\n  name: x\n  clock_mhz: 1000\n" +
			"  array: {rows: 8, cols: 8, dataflow: ws}\n  memory:\n    ifmap_sram_kib: 1\n    filter_sram_kib: -4\n" +
			"    ofmap_sram_kib: 1\n    dram_gb_per_s: 1\ngrid: {array.rows: [8]}\nnetworks: [alexnet]\n",
			"test.yaml:9: memory.filter_sram_kib: must be > 0"},
		{"empty", "", "test.yaml: empty file (want a sweep spec"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.yaml), "test.yaml")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error = %v\nwant it to contain %q", err, c.want)
			}
		})
	}
}

func TestParseShard(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Shard
		err  string
	}{
		{"", Shard{0, 1}, ""},
		{"0/4", Shard{0, 4}, ""},
		{"3/4", Shard{3, 4}, ""},
		{"3/2", Shard{}, "shard: 3/2: I must be in 0..1"},
		{"2/2", Shard{}, "I must be in 0..1"},
		{"-1/2", Shard{}, "I must be in 0..1"},
		{"1/0", Shard{}, "N must be ≥ 1"},
		{"a/b", Shard{}, "want I/N"},
		{"3", Shard{}, "want I/N"},
	} {
		got, err := ParseShard(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("ParseShard(%q) error = %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("ParseShard(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"abc", "", 3}, {"array.row", "array.rows", 1}, {"kitten", "sitting", 3}} {
		if got := editDistance(c.a, c.b); got != c.d {
			t.Errorf("editDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.d)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("version: 1\naccelerator: testdata/sys.yaml\ngrid: {array.rows: [8, 16]}\nnetworks: [alexnet]\n"))
	f.Add([]byte("version: 1\naccelerator: {version: 1}\ngrid: {}\n"))
	f.Add([]byte("version: 1\ntie: [[a]]\nrandom: {samples: 3}\n"))
	f.Add([]byte("version: 1\naccelerator: testdata/sys.yaml\ngrid: {array.rows: [8, 16.5], workload.index_bits: 4}\nnetworks: [alexnet]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data, "fuzz.yaml")
		if err != nil {
			return
		}
		if s.NumPoints() <= 0 {
			t.Fatalf("parsed a spec with %d points", s.NumPoints())
		}
		_ = s.Point(s.NumPoints() - 1)
		checkIntegersExact(t, data)
	})
}

// checkIntegersExact fails when an accepted spec gives an integer key a
// value that is not a YAML integer (a value that would be truncated).
func checkIntegersExact(t *testing.T, data []byte) {
	var doc struct {
		Grid map[string]any `yaml:"grid"`
	}
	if yaml.Unmarshal(data, &doc) != nil {
		return
	}
	for path, v := range doc.Grid {
		k, err := lookupKey(path)
		if err != nil || k.typ.Kind() != reflect.Int {
			continue
		}
		items, ok := v.([]any)
		if !ok {
			items = []any{v}
		}
		for _, it := range items {
			if _, isInt := it.(int); !isInt {
				t.Fatalf("integer key %s accepted the value %v (%T)", path, it, it)
			}
		}
	}
}
