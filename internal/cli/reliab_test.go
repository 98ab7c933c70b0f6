package cli

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dcsim/dcsim/accel"
	"github.com/dcsim/dcsim/internal/sweep"
	"github.com/dcsim/dcsim/network"
	"github.com/dcsim/dcsim/nn"
)

// fixtures are the bad (and good) input files of the reliability battery
// (issue 15), built once per test in a temporary directory.
type fixtures struct {
	dir                                            string
	model, model5, corrupt, nan, dup, wide, stride string
	typoCSV, bigCSV, poolProfile, seedProfile      string
	hugeAccel, file, exp                           string
}

func (fx *fixtures) path(name string) string { return filepath.Join(fx.dir, name) }

func (fx *fixtures) write(t *testing.T, name, body string) string {
	t.Helper()
	p := fx.path(name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// zipEntry is one entry of an .npz, uncompressed.
type zipEntry struct {
	name string
	data []byte
}

func readEntries(t *testing.T, path string) []zipEntry {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var out []zipEntry
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, zipEntry{f.Name, b})
	}
	return out
}

// writeStored writes entries as an uncompressed zip and returns the data
// offset of each entry.
func writeStored(t *testing.T, path string, es []zipEntry) map[string]int64 {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, e := range es {
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Store})
		w.Write(e.data)
	}
	zw.Close()
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	zr, _ := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
	off := map[string]int64{}
	for _, f := range zr.File {
		off[f.Name], _ = f.DataOffset()
	}
	return off
}

func newFixtures(t *testing.T) *fixtures {
	t.Helper()
	fx := &fixtures{dir: t.TempDir()}
	save := func(name, arch string, edit func(*nn.Model)) string {
		a, err := network.Zoo(arch)
		if err != nil {
			t.Fatal(err)
		}
		m, err := nn.NewModel(a, 1)
		if err != nil {
			t.Fatal(err)
		}
		if edit != nil {
			edit(m)
		}
		p := fx.path(name)
		if err := nn.SaveModel(p, m, nil); err != nil {
			t.Fatal(err)
		}
		return p
	}
	fx.model = save("lenet300.npz", "lenet-300-100", nil)
	fx.model5 = save("lenet5.npz", "lenet-5", nil)
	fx.nan = save("nan.npz", "lenet-300-100", func(m *nn.Model) { m.Params()[0].W[0] = float32(math.NaN()) })
	entries := readEntries(t, fx.model)
	// A byte of fc1.weight overwritten: only the CRC can tell.
	fx.corrupt = fx.path("corrupt.npz")
	off := writeStored(t, fx.corrupt, entries)
	b, _ := os.ReadFile(fx.corrupt)
	b[off["fc1.weight.npy"]+5000] ^= 0x40
	os.WriteFile(fx.corrupt, b, 0o644)
	// fc1.weight twice: numpy would read the second, dcsim the first.
	fx.dup = fx.path("dup.npz")
	for _, e := range entries {
		if e.name == "fc1.weight.npy" {
			writeStored(t, fx.dup, append(entries, e))
		}
	}
	// Stride 0 in a model file's layers (same byte length as 1).
	fx.stride = fx.path("stride0.npz")
	es5 := readEntries(t, fx.model5)
	for i := range es5 {
		if es5[i].name == "layers.npy" {
			es5[i].data = bytes.Replace(es5[i].data, []byte(`"stride":1`), []byte(`"stride":0`), 1)
		}
	}
	writeStored(t, fx.stride, es5)
	// A legal but enormous layer (1×1 conv to 32768 channels): the layers
	// entry rewritten with a longer JSON (header rebuilt).
	fx.wide = fx.path("wide.npz")
	es5 = readEntries(t, fx.model5)
	for i := range es5 {
		if es5[i].name == "layers.npy" {
			js := es5[i].data[bytes.IndexByte(es5[i].data, '\n')+1:]
			js = bytes.ReplaceAll(js, []byte(`"out_c":20,`), []byte(`"out_c":32768,`))
			js = bytes.ReplaceAll(js, []byte(`"in_c":20,`), []byte(`"in_c":32768,`))
			es5[i].data = npyBytes(js)
		}
	}
	writeStored(t, fx.wide, es5)
	hdr := "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n"
	fx.typoCSV = fx.write(t, "typo.csv", hdr+"conv1, 3O, 32, 3, 3, 1, 4, 1,\nconv2, 30, 30, 3, 3, 4, 8, 1,\n")
	fx.bigCSV = fx.write(t, "bigdim.csv", hdr+"conv1, 20000000, 32, 3, 3, 1, 4, 1,\n")
	fx.poolProfile = fx.write(t, "pool.yaml", "version: 1\nlayers:\n  pool1: {weight_density: 0.5}\n")
	fx.seedProfile = fx.write(t, "seed.yaml", "version: 1\nseed: -1\nlayers:\n  fc1: {weight_density: 0.5}\n")
	fx.hugeAccel = fx.write(t, "huge.yaml", "version: 1\nname: h\nclock_mhz: 1000\narray: {rows: 8, cols: 8, dataflow: ws}\n"+
		"memory: {ifmap_sram_kib: 64, filter_sram_kib: 64, ofmap_sram_kib: 64, dram_gb_per_s: 10}\nenergy:\n  mac_pj: 1e308\n")
	fx.file = fx.write(t, "afile", "x")
	fx.exp = fx.write(t, "exp.yaml", "version: 1\nname: e\nmodel: lenet-5\nkeep: 0.1\n")
	return fx
}

// npyBytes is a version-1 .npy of uint8 values.
func npyBytes(v []byte) []byte {
	h := fmt.Sprintf("{'descr': '|u1', 'fortran_order': False, 'shape': (%d,), }", len(v))
	for (10+len(h)+1)%64 != 0 {
		h += " "
	}
	h += "\n"
	out := append([]byte("\x93NUMPY\x01\x00"), byte(len(h)), byte(len(h)>>8))
	return append(append(out, h...), v...)
}

// TestReliabilityBadInput is the bad-input battery of issue 15: each case
// once exited 0 with a wrong answer, exited 1, or named no file. Each must
// now exit 2 with one line naming the file, line and field where known.
// Neighbours (the same mistake in another command or file kind) are
// included.
func TestReliabilityBadInput(t *testing.T) {
	fx := newFixtures(t)
	dir := fx.dir
	spec := func(name, body string) string { return fx.write(t, name, body) }
	inlineAccel := "accelerator:\n  version: 1\n  name: s\n  clock_mhz: 500\n  array: {rows: 8, cols: 8, dataflow: ws}\n" +
		"  memory: {ifmap_sram_kib: 64, filter_sram_kib: 64, ofmap_sram_kib: 32, dram_gb_per_s: 12.8}\n"
	sweepOf := func(name, grid, networks string) string {
		return spec(name, "version: 1\n"+inlineAccel+"grid:\n"+grid+"networks: ["+networks+"]\n")
	}
	outDir := filepath.Join(dir, "adir")
	os.Mkdir(outDir, 0o755)
	under := filepath.Join(fx.file, "x.npz") // a path under a regular file: cannot be created, even by root
	cases := []badInputCase{
		// 1. A mistyped number before the first layer is an error, not a header.
		{"1 topology typo simulate", []string{"simulate", "--network", fx.typoCSV}, fx.typoCSV + `:2: IFMAP Height: "3O" is not an integer`},
		{"1 topology typo sweep", []string{"sweep", "--spec", sweepOf("s1.yaml", "  array.rows: [8]\n", fx.typoCSV)}, fx.typoCSV + `:2: IFMAP Height: "3O" is not an integer`},
		// 2. A corrupted .npz (CRC mismatch) in every command that reads one.
		{"2 corrupt eval", []string{"eval", "--in", fx.corrupt}, fx.corrupt + ": fc1.weight: checksum mismatch"},
		{"2 corrupt simulate", []string{"simulate", "--network", fx.corrupt}, fx.corrupt + ": fc1.weight: checksum mismatch"},
		{"2 corrupt sweep", []string{"sweep", "--spec", sweepOf("s2.yaml", "  array.rows: [8]\n", fx.corrupt)}, fx.corrupt + ": fc1.weight: checksum mismatch"},
		{"2 corrupt prune", []string{"prune", "--in", fx.corrupt, "--keep", "0.1"}, fx.corrupt + ": fc1.weight: checksum mismatch"},
		{"2 corrupt cluster", []string{"cluster", "--in", fx.corrupt}, fx.corrupt + ": fc1.weight: checksum mismatch"},
		{"2 corrupt codesign", []string{"codesign", "--in", fx.corrupt}, fx.corrupt + ": fc1.weight: checksum mismatch"},
		// 3. NaN weights are refused at load.
		{"3 NaN eval", []string{"eval", "--in", fx.nan, "--format", "json"}, fx.nan + ": fc1.weight: value NaN at 0: must be finite"},
		{"3 NaN simulate", []string{"simulate", "--network", fx.nan}, fx.nan + ": fc1.weight: value NaN"},
		{"3 NaN prune", []string{"prune", "--in", fx.nan, "--keep", "0.1"}, fx.nan + ": fc1.weight: value NaN"},
		{"3 NaN cluster", []string{"cluster", "--in", fx.nan}, fx.nan + ": fc1.weight: value NaN"},
		// 4. Sweep integer keys are strict.
		{"4 sweep 16.5", []string{"sweep", "--spec", sweepOf("s4.yaml", "  array.rows: [8, 16.5]\n", "lenet-5")}, `s4.yaml:9: grid.array.rows: want an integer, got "16.5"`},
		{"4 sweep dry-run 16.5", []string{"sweep", "--dry-run", "--spec", sweepOf("s4b.yaml", "  array.cols: [8.5]\n", "lenet-5")}, `s4b.yaml:9: grid.array.cols: want an integer, got "8.5"`},
		// 5. --out is checked before any work, for every command with --out.
		{"5 train out dir", []string{"train", "--out", outDir}, "--out " + outDir + ": is a directory"},
		{"5 train out unwritable", []string{"train", "--out", under}, "--out " + under + ": cannot create directory"},
		{"5 prune out dir", []string{"prune", "--in", fx.model, "--keep", "0.1", "--out", outDir}, "--out " + outDir + ": is a directory"},
		{"5 cluster out dir", []string{"cluster", "--in", fx.model, "--out", outDir}, "--out " + outDir + ": is a directory"},
		{"5 cluster out unwritable", []string{"cluster", "--in", fx.model, "--out", under}, "--out " + under},
		{"5 codesign out dir", []string{"codesign", "--in", fx.model, "--out", outDir}, "--out " + outDir + ": is a directory"},
		{"5 simulate out dir", []string{"simulate", "--network", "lenet-5", "--out", outDir}, "--out " + outDir + ": is a directory"},
		{"5 merge out dir", []string{"merge", "--out", outDir + "/", fx.file}, "--out " + outDir},
		{"5 report out file", []string{"report", "--in", fx.file, "--out", fx.file}, "--out " + fx.file + ": is a file"},
		{"5 sweep out exists", []string{"sweep", "--spec", sweepOf("s5.yaml", "  array.rows: [8]\n", "lenet-5"), "--out", fx.file}, fx.file + ": already exists"},
		{"5 sweep out unwritable", []string{"sweep", "--spec", sweepOf("s5b.yaml", "  array.rows: [8]\n", "lenet-5"), "--out", under}, "--out " + under},
		// 6. The memory a model file's architecture implies is bounded at load.
		{"6 wide eval", []string{"eval", "--in", fx.wide}, fx.wide + `: layers: network "lenet-5": needs`},
		{"6 wide simulate", []string{"simulate", "--network", fx.wide}, "working memory per sample"},
		// 7. An experiment's model: is checked against --in.
		{"7 experiment model", []string{"prune", "--experiment", fx.exp, "--in", fx.model}, fx.exp + `:3: model: "lenet-5", but ` + fx.model + " holds a lenet-300-100 model"},
		// 8. Energies that would overflow the totals.
		{"8 huge energy simulate", []string{"simulate", "--accel", fx.hugeAccel, "--format", "json"}, fx.hugeAccel + ":7: energy.mac_pj: must be in [0, 1e+09], got 1e+308"},
		{"8 huge energy sweep", []string{"sweep", "--spec", sweepOf("s8.yaml", "  energy.mac_pj: [1, 1e308]\n", "lenet-5")}, "energy.mac_pj=1e+308: energy.mac_pj: must be in [0, 1e+09]"},
		{"8 tiny clock sweep", []string{"sweep", "--spec", sweepOf("s8b.yaml", "  clock_mhz: [1e-300]\n", "lenet-5")}, "clock_mhz: must be in [0.001, 1e+06]"},
		// 11. Explicit zeros are errors, not defaults.
		{"11 max-bits 0", []string{"cluster", "--in", fx.model, "--max-bits", "0"}, "--max-bits: must be in 1–16, got 0"},
		{"11 conv-max-bits 0", []string{"cluster", "--in", fx.model, "--conv-max-bits", "0"}, "--conv-max-bits: must be in 1–16, got 0"},
		{"11 fc-max-bits 0", []string{"cluster", "--in", fx.model, "--fc-max-bits", "0"}, "--fc-max-bits: must be in 1–16, got 0"},
		{"11 cluster lr 0", []string{"cluster", "--in", fx.model, "--lr", "0"}, "--lr: must be > 0"},
		{"11 prune rounds 0", []string{"prune", "--in", fx.model, "--keep", "0.1", "--rounds", "0"}, "--rounds: must be ≥ 1"},
		{"11 prune retrain 0", []string{"prune", "--in", fx.model, "--keep", "0.1", "--retrain-epochs", "0"}, "--retrain-epochs: must be ≥ 1"},
		{"11 stride 0 eval", []string{"eval", "--in", fx.stride}, fx.stride + ": layers: conv1: stride: must be ≥ 1, got 0"},
		{"11 stride 0 simulate", []string{"simulate", "--network", fx.stride}, "stride: must be ≥ 1, got 0"},
		// 12. A pooling layer has no weight density.
		{"12 pool density", []string{"simulate", "--network", "lenet-5", "--compression", fx.poolProfile}, fx.poolProfile + `:3: layers.pool1.weight_density: "pool1" is a pooling layer`},
		{"12 pool density mask-accurate", []string{"simulate", "--network", "lenet-5", "--compression", fx.poolProfile, "--mask-accurate"}, "layers.pool1.weight_density"},
		// 13. Duplicate .npz entries.
		{"13 duplicate eval", []string{"eval", "--in", fx.dup}, fx.dup + ": fc1.weight: duplicate entry"},
		{"13 duplicate simulate", []string{"simulate", "--network", fx.dup}, fx.dup + ": fc1.weight: duplicate entry"},
		// 15. A codesign file with no rows.
		{"15 report future format", []string{"report", "--in", fx.write(t, "future.json", `{"format": "dcsim-simulate/9", "layers": []}`), "--out", filepath.Join(dir, "r15f")}, `future.json: format "dcsim-simulate/9": this dcsim reads dcsim-simulate/1, dcsim-codesign/1 and sweep JSONL`},
		{"15 report []", []string{"report", "--in", fx.write(t, "empty.json", "[]\n"), "--out", filepath.Join(dir, "r15")}, "empty.json: no codesign rows"},
		{"15 report {candidates: []}", []string{"report", "--in", fx.write(t, "nocand.json", `{"candidates": []}`), "--out", filepath.Join(dir, "r15b")}, "nocand.json: no codesign rows"},
		// 16. Messages in the file:line: field: what form.
		{"16 CSV dimension limit", []string{"simulate", "--network", fx.bigCSV}, fx.bigCSV + ":2: IFMAP Height: 20000000 exceeds the limit 16777216"},
		{"16 profile seed -1", []string{"simulate", "--network", "lenet-5", "--compression", fx.seedProfile}, fx.seedProfile + `:2: seed: want an integer ≥ 0, got "-1"`},
		// 17. More than 10^8 points in one run without --force.
		{"17 sweep cap", []string{"sweep", "--spec", sweepOf("s17.yaml", "  array.rows: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n  array.cols: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]\n  array.queue_depth: "+seq(1000)+"\n  memory.banks: "+seq(1000)+"\n", "lenet-5")}, "110000000 design points in this run: more than the cap of 100000000"},
	}
	// 19. Inputs beyond their size caps fail at once with one line.
	sparse := func(name string, size int64) string {
		p := fx.path(name)
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		f.Truncate(size) // no real write
		f.Close()
		return p
	}
	var many strings.Builder
	for i := 0; i <= network.MaxTopologyLayers; i++ {
		fmt.Fprintf(&many, "l%d, 8, 8, 3, 3, 1, 4, 1,\n", i)
	}
	manyCSV := fx.write(t, "many.csv", many.String())
	bigAccel, bigProfile, bigSpec := sparse("big.yaml", 2<<20), sparse("bigprof.yaml", 17<<20), sparse("bigspec.yaml", 5<<20)
	cases = append(cases,
		badInputCase{"19 topology layers", []string{"simulate", "--network", manyCSV}, manyCSV + ":65537: more than 65536 layers"},
		badInputCase{"19 accel size", []string{"simulate", "--accel", bigAccel}, bigAccel + ": more than 1024 KiB, the limit of an accelerator file"},
		badInputCase{"19 profile size", []string{"simulate", "--compression", bigProfile}, bigProfile + ": more than 16 MiB, the limit for a compression profile"},
		badInputCase{"19 sweep spec size", []string{"sweep", "--spec", bigSpec}, bigSpec + ": more than 4 MiB, the limit of a sweep spec"},
	)
	checkBadInput(t, cases)
}

// seq is the YAML list [1, 2, ..., n].
func seq(n int) string {
	var b strings.Builder
	b.WriteByte('[')
	for i := 1; i <= n; i++ {
		if i > 1 {
			b.WriteString(", ")
		}
		fmt.Fprint(&b, i)
	}
	return b.String() + "]"
}

// TestReliabilityResults: report and merge refuse results that no sweep of
// the spec could give (issues 10 and 14).
func TestReliabilityResults(t *testing.T) {
	dir := t.TempDir()
	spec := writeSpec(t, dir, "s.yaml", sweepSpec)
	all := filepath.Join(dir, "all.jsonl")
	if _, errs, code := dcsim("sweep", "--spec", spec, "--out", all); code != 0 {
		t.Fatalf("sweep: exit %d: %s", code, errs)
	}
	data, _ := os.ReadFile(all)
	lines := strings.SplitAfter(string(data), "\n")
	rec := lines[1]
	lat := rec[strings.Index(rec, `"latency_us":`):]
	lat = lat[:strings.IndexByte(lat, ',')]
	neg := writeSpec(t, dir, "neg.jsonl", lines[0]+strings.Replace(rec, lat, `"latency_us":-1`, 1))
	foreign := writeSpec(t, dir, "foreign.jsonl", lines[0]+strings.Replace(rec, `"index":0,`, `"index":99,`, 1))
	eTotal := rec[strings.Index(rec, `"total":`):]
	eTotal = eTotal[:strings.IndexAny(eTotal, ",}")]
	zeroE := writeSpec(t, dir, "zeroe.jsonl", lines[0]+strings.Replace(rec, eTotal, `"total":0`, 1))
	resumed := filepath.Join(dir, "resumed.jsonl")
	os.WriteFile(resumed, []byte(lines[0]+strings.Replace(rec, `"index":0,`, `"index":99,`, 1)), 0o644)
	simOut, _, _ := dcsim("simulate", "--network", "lenet-5", "--format", "json")
	negSim := writeSpec(t, dir, "negsim.json", strings.Replace(simOut, `"latency_us": `, `"latency_us": -`, 1))
	checkBadInput(t, []badInputCase{
		{"14 report negative layer latency (simulate JSON)", []string{"report", "--in", negSim, "--out", filepath.Join(dir, "r3")}, "negsim.json: layers[0] (conv1): negative latency"},
		{"14 report negative latency", []string{"report", "--in", neg, "--out", filepath.Join(dir, "r1")}, "neg.jsonl:2: latency_us: must be a finite number > 0, got -1"},
		{"14 report zero energy", []string{"report", "--in", zeroE, "--out", filepath.Join(dir, "r2")}, "zeroe.jsonl:2: energy_pj.total: must be a finite number > 0, got 0"},
		{"10 merge foreign record", []string{"merge", "--complete", foreign}, "foreign.jsonl:2: point index 99 is not a point of this sweep (0..7)"},
		{"10 resume foreign record", []string{"sweep", "--spec", spec, "--out", resumed, "--resume"}, "resumed.jsonl:2: point index 99 is not a point of this sweep"},
	})
}

// TestExitStatus: the exit status follows the error's type.
func TestExitStatus(t *testing.T) {
	pathErr := &fs.PathError{Op: "open", Path: "x", Err: fs.ErrNotExist}
	for _, c := range []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, ExitOK},
		{"usage", usageError{errors.New("unknown flag")}, ExitInput},
		{"input", inputf("x.csv:2: bad"), ExitInput},
		{"field error", fmt.Errorf("wrapped: %w", &accel.FieldError{File: "a.yaml", Msg: "bad"}), ExitInput},
		{"invalid points", &sweep.InvalidError{Msg: "x"}, ExitInput},
		{"path error", fmt.Errorf("save: %w", pathErr), ExitInput},
		{"internal", internal(errors.New("bug")), ExitInternal},
		{"internal beats input", inputError{internal(errors.New("bug"))}, ExitInternal},
		{"untyped", errors.New("something unexpected"), ExitInternal},
		{"SIGINT", interruptedError{sig: syscall.SIGINT}, 130},
		{"SIGTERM", interruptedError{sig: syscall.SIGTERM}, 143},
	} {
		if got := exitStatus(c.err); got != c.want {
			t.Errorf("%s: exit %d, want %d", c.name, got, c.want)
		}
	}
}

// failWriter fails every write, like a closed pipe.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("write: broken pipe") }

// TestInternalExit1: a failure that is not the user's input (here stdout
// breaking under the command) exits 1 with one line, no stack trace.
func TestInternalExit1(t *testing.T) {
	var errb bytes.Buffer
	code := Main([]string{"simulate", "--network", "lenet-5"}, failWriter{}, &errb)
	if code != ExitInternal {
		t.Fatalf("exit %d, want %d; stderr %q", code, ExitInternal, errb.String())
	}
	if s := errb.String(); !strings.HasPrefix(s, "dcsim: ") || strings.Count(s, "\n") != 1 || !strings.Contains(s, "broken pipe") {
		t.Errorf("stderr %q: want one line naming the failure", s)
	}
}

// TestStaleTempFiles: temporary files of killed writers (kill -9 between
// create and rename) are removed by the next write of the same file.
func TestStaleTempFiles(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "r.json")
	stale := []string{".r.json.99999999-12345.tmp", ".r.json.tmp123456"} // dead writer; pre-PID naming
	for _, s := range stale {
		p := filepath.Join(dir, s)
		os.WriteFile(p, []byte("half"), 0o600)
		os.Chtimes(p, timeAgo(2), timeAgo(2))
	}
	if _, errs, code := dcsim("simulate", "--network", "lenet-5", "--format", "json", "--out", out); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 || ents[0].Name() != "r.json" {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Fatalf("directory holds %v, want only r.json", names)
	}
}

func timeAgo(hours int) time.Time { return time.Now().Add(-time.Duration(hours) * time.Hour) }

// TestSweepDryRunHuge: --dry-run counts a 10^12-point grid without
// validating its points (issue 17).
func TestSweepDryRunHuge(t *testing.T) {
	dir := t.TempDir()
	body := "version: 1\naccelerator:\n  version: 1\n  name: s\n  clock_mhz: 500\n  array: {rows: 8, cols: 8, dataflow: ws}\n" +
		"  memory: {ifmap_sram_kib: 64, filter_sram_kib: 64, ofmap_sram_kib: 32, dram_gb_per_s: 12.8}\ngrid:\n" +
		"  array.rows: " + seq(1000) + "\n  array.cols: " + seq(1000) + "\n  array.queue_depth: " + seq(1000) +
		"\n  memory.banks: " + seq(1000) + "\nnetworks: [lenet-5]\n"
	spec := writeSpec(t, dir, "huge.yaml", body)
	out, errs, code := dcsim("sweep", "--spec", spec, "--dry-run", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var sum sweepSummaryDoc
	if err := json.Unmarshal([]byte(out), &sum); err != nil || sum.Points != 1e12 {
		t.Fatalf("summary %s (%v), want 10^12 points", out, err)
	}
}
