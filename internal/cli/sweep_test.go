package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// dcsim runs one command line and returns stdout, stderr and the exit status.
func dcsim(args ...string) (string, string, int) {
	var out, errb bytes.Buffer
	code := Main(args, &out, &errb)
	return out.String(), errb.String(), code
}

// sweepSpec is a small sweep with an inline accelerator (no file
// references): 2 square arrays x 2 dataflows on LeNet-5 and LeNet-300-100 =
// 8 points.
const sweepSpec = `version: 1
name: cli-test
accelerator:
  version: 1
  name: sys
  clock_mhz: 500
  array: {rows: 16, cols: 16, dataflow: ws}
  memory: {ifmap_sram_kib: 64, filter_sram_kib: 64, ofmap_sram_kib: 32, dram_gb_per_s: 12.8}
grid:
  array.rows: [8, 16]
  array.cols: [8, 16]
  array.dataflow: [ws, os]
tie: [[array.rows, array.cols]]
networks: [lenet-5, lenet-300-100]
`

func writeSpec(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSweepShardMergeCLI(t *testing.T) {
	dir := t.TempDir()
	spec := writeSpec(t, dir, "s.yaml", sweepSpec)
	all := filepath.Join(dir, "all.jsonl")
	out, errs, code := dcsim("sweep", "--spec", spec, "--out", all, "--format", "json")
	if code != 0 {
		t.Fatalf("sweep: exit %d: %s", code, errs)
	}
	var sum sweepSummaryDoc
	if err := json.Unmarshal([]byte(out), &sum); err != nil || sum.Simulated != 8 || sum.Points != 8 {
		t.Fatalf("summary %s (%v), want 8 points simulated", out, err)
	}
	var shards []string
	for _, sh := range []string{"0/3", "1/3", "2/3"} {
		f := filepath.Join(dir, "shard"+sh[:1]+".jsonl")
		if _, errs, code := dcsim("sweep", "--spec", spec, "--shard", sh, "--out", f, "--workers", "1"); code != 0 {
			t.Fatalf("shard %s: exit %d: %s", sh, code, errs)
		}
		shards = append(shards, f)
	}
	m1, m2 := filepath.Join(dir, "m1.jsonl"), filepath.Join(dir, "m2.jsonl")
	if _, errs, code := dcsim("merge", "--out", m1, all); code != 0 {
		t.Fatalf("merge all: exit %d: %s", code, errs)
	}
	_, errs, code = dcsim(append([]string{"merge", "--complete", "--out", m2}, shards...)...)
	if code != 0 || !strings.Contains(errs, "8 points of 8 (0 missing)") {
		t.Fatalf("merge shards: exit %d: %s", code, errs)
	}
	a, _ := os.ReadFile(m1)
	b, _ := os.ReadFile(m2)
	if !bytes.Equal(a, b) || len(a) == 0 {
		t.Errorf("merged shards differ from the merged unsharded run")
	}
	_, errs, code = dcsim("merge", "--complete", "--out", filepath.Join(dir, "m3.jsonl"), shards[0])
	if code != 2 || !strings.Contains(errs, "points are missing") {
		t.Errorf("merge --complete with a shard missing: exit %d: %s", code, errs)
	}
	// The report reads the merged results.
	rep := filepath.Join(dir, "rep")
	if out, errs, code := dcsim("report", "--in", m2, "--out", rep, "--format", "csv"); code != 0 || !strings.Contains(out, "series,points") {
		t.Fatalf("report: exit %d: %s\n%s", code, errs, out)
	}
	for _, f := range []string{"report.md", "sweep-cli-test-pareto.png", "sweep-cli-test-pareto.svg", "sweep-cli-test-best.csv"} {
		if _, err := os.Stat(filepath.Join(rep, f)); err != nil {
			t.Errorf("report: %v", err)
		}
	}
}

func TestSweepResumeCLI(t *testing.T) {
	dir := t.TempDir()
	spec := writeSpec(t, dir, "s.yaml", sweepSpec)
	f := filepath.Join(dir, "r.csv")
	if _, errs, code := dcsim("sweep", "--spec", spec, "--out", f); code != 0 {
		t.Fatalf("sweep: exit %d: %s", code, errs)
	}
	data, _ := os.ReadFile(f)
	lines := strings.SplitAfter(string(data), "\n")
	os.WriteFile(f, []byte(strings.Join(lines[:4], "")+"12,abc"), 0o644) // header, 3 points, a torn line
	out, errs, code := dcsim("sweep", "--spec", spec, "--out", f, "--resume", "--format", "json")
	var sum sweepSummaryDoc
	if code != 0 || json.Unmarshal([]byte(out), &sum) != nil || sum.Skipped != 3 || sum.Simulated != 5 {
		t.Fatalf("resume: exit %d: %s %s", code, out, errs)
	}
	var a, b bytes.Buffer
	if _, err := mergeBytes(&a, f); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(f+".orig.csv", data, 0o644)
	if _, err := mergeBytes(&b, f+".orig.csv"); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Errorf("resumed CSV differs from the uninterrupted one")
	}
}

func mergeBytes(w *bytes.Buffer, files ...string) (int, error) {
	out, errs, code := dcsim(append([]string{"merge"}, files...)...)
	if code != 0 {
		return code, os.ErrInvalid
	}
	_ = errs
	w.WriteString(out)
	return 0, nil
}

func TestSweepBadInputCLI(t *testing.T) {
	dir := t.TempDir()
	good := writeSpec(t, dir, "good.yaml", sweepSpec)
	other := writeSpec(t, dir, "other.yaml", strings.Replace(sweepSpec, "[8, 16]\n  array.cols: [8, 16]", "[4, 8]\n  array.cols: [4, 8]", 1))
	typo := writeSpec(t, dir, "typo.yaml", strings.Replace(sweepSpec, "array.dataflow: [ws, os]", "array.dataflw: [ws, os]", 1))
	empty := writeSpec(t, dir, "empty.yaml", strings.Replace(sweepSpec, "grid:\n  array.rows: [8, 16]\n  array.cols: [8, 16]\n  array.dataflow: [ws, os]\ntie: [[array.rows, array.cols]]\n", "grid: {}\n", 1))
	invalid := writeSpec(t, dir, "invalid.yaml", strings.Replace(sweepSpec, "[8, 16]\n  array.cols: [8, 16]", "[0, 16]\n  array.cols: [0, 16]", 1))
	res := filepath.Join(dir, "res.jsonl")
	if _, errs, code := dcsim("sweep", "--spec", good, "--out", res); code != 0 {
		t.Fatal(errs)
	}
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown key", []string{"sweep", "--spec", typo}, `typo.yaml:12: grid: unknown accelerator key "array.dataflw" (did you mean array.dataflow?)`},
		{"empty grid", []string{"sweep", "--spec", empty}, "empty.yaml:9: grid: empty grid"},
		{"shard 3/2", []string{"sweep", "--spec", good, "--shard", "3/2"}, "dcsim: --shard: 3/2: I must be in 0..1"},
		{"resume other spec", []string{"sweep", "--spec", other, "--out", res, "--resume"}, "res.jsonl:1: results of another spec"},
		{"exists", []string{"sweep", "--spec", good, "--out", res}, "already exists (use --resume"},
		{"no spec", []string{"sweep"}, "--spec is required"},
		{"resume stdout", []string{"sweep", "--spec", good, "--resume"}, "--resume: needs --out"},
		{"invalid points", []string{"sweep", "--spec", invalid}, "array.rows=0, array.cols=0, array.dataflow=ws: array.rows: must be > 0"},
		{"merge two specs", []string{"merge", res, writeOther(t, dir, other)}, "results of another spec"},
		{"report missing", []string{"report", "--in", filepath.Join(dir, "nope.jsonl"), "--out", dir}, "no such file"},
		{"report garbage", []string{"report", "--in", typo, "--out", dir}, "not sweep results or simulate JSON"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, errs, code := dcsim(c.args...)
			if code != 2 || !strings.Contains(errs, c.want) || strings.Count(errs, "\n") != 1 || !strings.HasPrefix(errs, "dcsim: ") {
				t.Errorf("exit %d, stderr %q; want exit 2 and one line containing %q", code, errs, c.want)
			}
		})
	}
	// --skip-invalid records the invalid points and runs the rest.
	out, errs, code := dcsim("sweep", "--spec", invalid, "--skip-invalid", "--out", filepath.Join(dir, "inv.jsonl"), "--format", "json")
	var sum sweepSummaryDoc
	if code != 0 || json.Unmarshal([]byte(out), &sum) != nil || sum.Invalid != 4 || sum.Simulated != 4 {
		t.Errorf("--skip-invalid: exit %d %s %s", code, out, errs)
	}
}

func writeOther(t *testing.T, dir, spec string) string {
	f := filepath.Join(dir, "other.jsonl")
	if _, errs, code := dcsim("sweep", "--spec", spec, "--out", f); code != 0 {
		t.Fatal(errs)
	}
	return f
}

func TestSweepDryRun(t *testing.T) {
	spec := writeSpec(t, t.TempDir(), "s.yaml", sweepSpec)
	out, errs, code := dcsim("sweep", "--spec", spec, "--dry-run", "--out", "unused.jsonl", "--format", "json")
	var sum sweepSummaryDoc
	if code != 0 || json.Unmarshal([]byte(out), &sum) != nil || !sum.DryRun || sum.Points != 8 || sum.AcceleratorConfig != 4 {
		t.Errorf("dry run: exit %d %s %s", code, out, errs)
	}
	if _, err := os.Stat("unused.jsonl"); err == nil {
		os.Remove("unused.jsonl")
		t.Errorf("--dry-run wrote the output file")
	}
}
