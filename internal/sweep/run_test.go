package sweep

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/sim"
)

// runTo runs spec s (shard sh) into a new file and returns its path.
func runTo(t *testing.T, s *Spec, set Settings, path string, resume bool) Summary {
	t.Helper()
	p, err := NewPlan(s, set)
	if err != nil {
		t.Fatal(err)
	}
	out, err := Create(path, s, set.Shard, resume)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := p.Run(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return sum
}

func merged(t *testing.T, files ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := Merge(&b, files); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Sharded runs merged together equal the unsharded run, byte for byte,
// after merge's canonical ordering; in both formats.
func TestShardedMergeEqualsUnsharded(t *testing.T) {
	for _, ext := range []string{".jsonl", ".csv"} {
		t.Run(ext, func(t *testing.T) {
			s := mustLoad(t, "testdata/small.yaml")
			dir := t.TempDir()
			all := filepath.Join(dir, "all"+ext)
			sum := runTo(t, s, Settings{Workers: 2}, all, false)
			if sum.Done != 36 || sum.Points != 36 || sum.Failed != 0 {
				t.Fatalf("unsharded summary %+v, want 36 points done", sum)
			}
			var shards []string
			total := int64(0)
			for i := 0; i < 3; i++ {
				f := filepath.Join(dir, "shard"+string(rune('0'+i))+ext)
				total += runTo(t, s, Settings{Workers: 2, Shard: Shard{i, 3}}, f, false).Done
				shards = append(shards, f)
			}
			if total != 36 {
				t.Errorf("shards ran %d points, want 36", total)
			}
			want := merged(t, all)
			got := merged(t, shards[2], shards[0], shards[1], shards[0]) // order and duplicates do not matter
			if !bytes.Equal(got, want) {
				t.Errorf("merged shards differ from the unsharded run:\n%s\nvs\n%s", got, want)
			}
			if n := bytes.Count(want, []byte("\n")); n != 37 {
				t.Errorf("merged file has %d lines, want header + 36", n)
			}
		})
	}
}

// An interrupted run (complete lines plus a torn one) resumed gives the
// same merged result, simulating only the missing points.
func TestResume(t *testing.T) {
	for _, ext := range []string{".jsonl", ".csv"} {
		t.Run(ext, func(t *testing.T) {
			s := mustLoad(t, "testdata/small.yaml")
			dir := t.TempDir()
			full := filepath.Join(dir, "full"+ext)
			runTo(t, s, Settings{Workers: 2}, full, false)
			data, _ := os.ReadFile(full)
			lines := strings.SplitAfter(string(data), "\n")
			part := filepath.Join(dir, "part"+ext)
			torn := strings.Join(lines[:11], "") + lines[11][:len(lines[11])/2]
			if err := os.WriteFile(part, []byte(torn), 0o644); err != nil {
				t.Fatal(err)
			}
			sum := runTo(t, s, Settings{Workers: 2}, part, true)
			if sum.Skipped != 10 || sum.Done != 26 {
				t.Errorf("resume summary %+v, want 10 skipped and 26 done", sum)
			}
			if got, want := merged(t, part), merged(t, full); !bytes.Equal(got, want) {
				t.Errorf("resumed run differs from the uninterrupted one")
			}
			// Resuming a complete file does nothing.
			if sum := runTo(t, s, Settings{Workers: 2}, part, true); sum.Done != 0 || sum.Skipped != 36 {
				t.Errorf("second resume %+v, want all 36 skipped", sum)
			}
		})
	}
}

func TestOutputErrors(t *testing.T) {
	s := mustLoad(t, "testdata/small.yaml")
	other := mustLoad(t, "testdata/compressed.yaml")
	dir := t.TempDir()
	f := filepath.Join(dir, "r.jsonl")
	runTo(t, s, Settings{Shard: Shard{0, 2}}, f, false)
	for _, c := range []struct {
		name   string
		spec   *Spec
		shard  Shard
		resume bool
		want   string
	}{
		{"exists", s, Shard{0, 2}, false, "already exists (use --resume"},
		{"another spec", other, Shard{}, true, "r.jsonl:1: results of another spec"},
		{"another shard", s, Shard{1, 2}, true, `results of shard "0/2", this run is shard "1/2"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Create(f, c.spec, c.shard, c.resume)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error = %v, want %q", err, c.want)
			}
		})
	}
	g := filepath.Join(dir, "other.jsonl")
	runTo(t, other, Settings{}, g, false)
	if _, err := Merge(&bytes.Buffer{}, []string{f, g}); err == nil || !strings.Contains(err.Error(), "results of another spec") {
		t.Errorf("merging two specs: error = %v", err)
	}
}

// TestForeignRecords: a resumed file or a merge input holding a record that
// is not a point of the sweep (index out of range, another point's id,
// another shard's point) is an error, never kept.
func TestForeignRecords(t *testing.T) {
	s := mustLoad(t, "testdata/small.yaml")
	dir := t.TempDir()
	full := filepath.Join(dir, "full.jsonl")
	runTo(t, s, Settings{Workers: 2}, full, false)
	data, _ := os.ReadFile(full)
	lines := strings.SplitAfter(strings.TrimSuffix(string(data), "\n"), "\n")
	rec3 := lines[4] // point 3
	id3 := rec3[strings.Index(rec3, `"id":"`)+6:][:16]
	id4 := lines[5][strings.Index(lines[5], `"id":"`)+6:][:16]
	for _, c := range []struct {
		name, extra, want string
		shard             Shard
	}{
		{"index past the end", strings.Replace(rec3, `"index":3,`, `"index":99,`, 1), "point index 99 is not a point of this sweep (0..35)", Shard{}},
		{"negative index", strings.Replace(rec3, `"index":3,`, `"index":-1,`, 1), "point index -1 is not a point", Shard{}},
		{"another point's id", strings.Replace(rec3, id3, id4, 1), "point 3 has id " + id4, Shard{}},
		{"made-up id", strings.Replace(rec3, id3, "0123456789abcdef", 1), "point 3 has id 0123456789abcdef", Shard{}},
		{"no index", strings.Replace(rec3, `"index":3,`, ``, 1), "no point index", Shard{}},
		{"another shard", rec3, "point 3 is not in shard 0/2", Shard{0, 2}},
	} {
		t.Run(c.name, func(t *testing.T) {
			part := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_")+".jsonl")
			head := string(s.Header(c.shard).line())
			if err := os.WriteFile(part, []byte(head+strings.TrimSuffix(c.extra, "\n")+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Create(part, s, c.shard, true)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), ":2: ") {
				t.Errorf("resume: error %v, want %q at line 2", err, c.want)
			}
		})
	}
	// Merge: an index past the end, and one index with two ids.
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte(lines[0]+strings.Replace(rec3, `"index":3,`, `"index":36,`, 1)), 0o644)
	if _, err := Merge(io.Discard, []string{full, bad}); err == nil || !strings.Contains(err.Error(), "bad.jsonl:2: point index 36 is not a point of this sweep") {
		t.Errorf("merge, index past the end: error %v", err)
	}
	os.WriteFile(bad, []byte(lines[0]+strings.Replace(rec3, id3, "0123456789abcdef", 1)), 0o644)
	if _, err := Merge(io.Discard, []string{full, bad}); err == nil || !strings.Contains(err.Error(), "bad.jsonl:2: point 3 has id 0123456789abcdef here") {
		t.Errorf("merge, two ids for one index: error %v", err)
	}
}

func TestInvalidPoints(t *testing.T) {
	s := mustParse(t, `version: 1
accelerator: testdata/sys.yaml
grid: {array.rows: [0, 8], array.dataflow: [ws, systolic]}
networks: [lenet-5]
`)
	_, err := NewPlan(s, Settings{})
	var ie *InvalidError
	if !errors.As(err, &ie) || ie.Points != 3 {
		t.Fatalf("error = %v, want 3 invalid points", err)
	}
	if !strings.Contains(err.Error(), "array.rows=0, array.dataflow=ws: array.rows: must be > 0") {
		t.Errorf("error does not name the point and field: %v", err)
	}
	f := filepath.Join(t.TempDir(), "r.jsonl")
	sum := runTo(t, s, Settings{SkipInvalid: true}, f, false)
	if sum.Invalid != 3 || sum.Done != 1 {
		t.Errorf("summary %+v, want 3 invalid, 1 done", sum)
	}
	fh, _ := os.Open(f)
	defer fh.Close()
	_, recs, err := ReadJSONL(fh, f)
	if err != nil || len(recs) != 4 {
		t.Fatalf("ReadJSONL: %d records, %v", len(recs), err)
	}
	for _, r := range recs {
		if (r.Error != "") != (r.Param("array.rows") == "0" || r.Param("array.dataflow") == "systolic") {
			t.Errorf("record %d: error %q with params %v", r.Index, r.Error, r.Params)
		}
	}
}

// The sweep's allocation-free totals equal sim.Simulate's, and the record
// read back carries them.
func TestTotalsMatchSimulate(t *testing.T) {
	s := mustLoad(t, "testdata/compressed.yaml")
	p, err := NewPlan(s, Settings{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	out, _ := NewOutput(&b, s, Shard{}, JSONL)
	if _, err := p.Run(context.Background(), out); err != nil {
		t.Fatal(err)
	}
	_, recs, err := ReadJSONL(&b, "stdout")
	if err != nil || int64(len(recs)) != s.NumPoints() {
		t.Fatalf("read %d records (%v), want %d", len(recs), err, s.NumPoints())
	}
	sawSparse := false
	for _, r := range recs {
		spec := s.Accelerator(r.Index)
		pairIdx := int(r.Index / s.NumConfigs())
		res, err := sim.Simulate(spec, p.workloads[pairIdx])
		if err != nil {
			t.Fatal(err)
		}
		tot := res.Total
		if r.Cycles != int64(tot.Cycles) || r.MACs != tot.MACs || r.DRAMBytes != tot.DRAMBytes ||
			!near(r.LatencyUS, tot.LatencyUS) || !near(r.Energy.Total, tot.Energy.Total) || !near(r.Energy.SRAM, tot.Energy.SRAM) {
			t.Errorf("point %d: record %+v\nsim.Simulate total %+v", r.Index, r.Totals, tot)
		}
		sawSparse = sawSparse || r.Profile != None
	}
	if !sawSparse {
		t.Errorf("no compressed pair in the results")
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

// Cancelling a run writes what finished and returns the context's error.
func TestRunCancelled(t *testing.T) {
	s := mustLoad(t, "testdata/small.yaml")
	p, err := NewPlan(s, Settings{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var b bytes.Buffer
	out, _ := NewOutput(&b, s, Shard{}, JSONL)
	sum, err := p.Run(ctx, out)
	if !errors.Is(err, context.Canceled) || sum.Done != 0 {
		t.Errorf("Run on a cancelled context: %+v, %v", sum, err)
	}
}

// workload.index_bits rewrites every conv and FC layer's codebook width:
// each point equals sim.Simulate on the hand-edited workload.
func TestWorkloadIndexBits(t *testing.T) {
	s := mustParse(t, `version: 1
accelerator: ../../configs/accelerators/sparse-systolic-32x32.yaml
grid: {workload.index_bits: [0, 2, 8]}
compression: [testdata/profile-lenet5.yaml]
networks: [lenet-5]
`)
	p, err := NewPlan(s, Settings{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	out, _ := NewOutput(&b, s, Shard{}, JSONL)
	if _, err := p.Run(context.Background(), out); err != nil {
		t.Fatal(err)
	}
	_, recs, err := ReadJSONL(&b, "stdout")
	if err != nil || len(recs) != 3 {
		t.Fatalf("%d records, %v", len(recs), err)
	}
	energies := map[float64]bool{}
	for _, r := range recs {
		bits := map[string]int{"0": 0, "2": 2, "8": 8}[r.Param("workload.index_bits")]
		w := &sim.Workload{Name: "lenet-5", Layers: append([]sim.Layer(nil), p.workloads[0].Layers...)}
		for i := range w.Layers {
			if w.Layers[i].Kind != sim.Pool {
				w.Layers[i].IndexBits = bits
			}
		}
		res, err := sim.Simulate(s.Accelerator(r.Index), w)
		if err != nil {
			t.Fatal(err)
		}
		if r.Cycles != int64(res.Total.Cycles) || !near(r.Energy.Total, res.Total.Energy.Total) {
			t.Errorf("index_bits %d: record %+v, want %+v", bits, r.Totals, res.Total)
		}
		energies[r.Energy.Total] = true
	}
	if len(energies) < 2 {
		t.Errorf("codebook width did not change the energy: %v", energies)
	}
	if p.workloads[0].Layers[0].IndexBits != 0 {
		t.Errorf("the shared base workload was modified")
	}
	if _, err := Parse([]byte(`version: 1
accelerator: testdata/sys.yaml
grid: {workload.index_bits: [17]}
networks: [lenet-5]
`), "t.yaml"); err == nil || !strings.Contains(err.Error(), "t.yaml:3: grid.workload.index_bits: must be in 0..16") {
		t.Errorf("index_bits 17: error %v", err)
	}
}

// FuzzResultsReaders feeds arbitrary bytes to the results readers (resume's
// scan, merge's header and record parsing, ReadJSONL) in memory: they must
// return errors, never panic.
func FuzzResultsReaders(f *testing.F) {
	s := mustLoad(f, "testdata/small.yaml")
	h := string(s.Header(Shard{}).line())
	f.Add([]byte(h + `{"index":0,"id":"1c2ae450c21156e8","network":"lenet-5"}` + "\n"))
	f.Add([]byte(h + "{\"index\":1,\"id\":\"zz\"}\n{torn"))
	f.Add([]byte(csvHeader(s) + "0,1c2ae450c21156e8,lenet-5,none\n"))
	ids := map[uint64]bool{}
	for i := int64(0); i < s.NumPoints(); i++ {
		choice := make([]int, len(s.axes))
		pair := s.locate(i, choice)
		ids[s.pointID(choice, pair)] = true
	}
	dir := f.TempDir()
	f.Add([]byte(h + `{"index":0,"id":"1c2ae450c21156e8","latency_us":-1,"energy_pj":{"total":0}}` + "\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, recs, err := ReadJSONL(bytes.NewReader(data), "fuzz"); err == nil {
			for _, r := range recs {
				if r.Error == "" && !(r.LatencyUS > 0 && r.Energy.Total > 0 && !math.IsInf(r.LatencyUS+r.Energy.Total, 0)) {
					t.Fatalf("ReadJSONL accepted latency %v, energy %v", r.LatencyUS, r.Energy.Total)
				}
			}
		}
		for _, format := range []Format{JSONL, CSV} {
			lines := completeLines(data)
			if len(lines) == 0 {
				continue
			}
			o := &Output{format: format, done: map[uint64]bool{}}
			if o.scan(data[:bytes.LastIndexByte(data, '\n')+1], "fuzz", s, Shard{}) == nil {
				// Resume keeps only records that are points of the spec.
				for id := range o.done {
					if !ids[id] {
						t.Fatalf("resume kept id %016x, not a point of the spec", id)
					}
				}
			}
			// Merge never reports more records than the sweep has points.
			in := filepath.Join(dir, "in."+string(format))
			if os.WriteFile(in, data, 0o644) == nil {
				if st, err := Merge(io.Discard, []string{in}); err == nil && st.Missing() < 0 {
					t.Fatalf("merge: %d records of %d points", st.Records, st.Points)
				}
			}
			var hdr Header
			if _, err := mergeHeader(lines[0], "fuzz", format, "fuzz", nil, &hdr); err != nil {
				continue
			}
			hash := ""
			for _, l := range lines[1:] {
				mergeRecord(l, format, &hash)
			}
		}
	})
}
