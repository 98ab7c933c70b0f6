package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// timingRow matches the sweep summary rows that depend on the machine
// (wall and CPU time, rates), which a golden file cannot hold.
var timingRow = regexp.MustCompile(`(?m)^(elapsed s|points/s|CPU s|points per CPU-second) .*$`)

// TestSweepReportGolden: the text tables of sweep and of report on its
// results (the small sweep of sweep_test.go) are golden (sweep's timing
// rows masked) and fit 100 columns; so does accel show of a systolic
// preset with every default filled.
func TestSweepReportGolden(t *testing.T) {
	dir := t.TempDir()
	spec := "testdata/sweep-small.yaml"
	res := filepath.Join(dir, "s.jsonl")
	sweep, errs, code := run(t, "sweep", "--spec", spec, "--out", res, "--workers", "1")
	if code != 0 {
		t.Fatalf("sweep: exit %d: %s", code, errs)
	}
	report, errs, code := run(t, "report", "--in", res, "--out", filepath.Join(dir, "rep"))
	if code != 0 {
		t.Fatalf("report: exit %d: %s", code, errs)
	}
	show, errs, code := run(t, "accel", "show", cfg+"accelerators/systolic-32x32.yaml")
	if code != 0 {
		t.Fatalf("accel show: exit %d: %s", code, errs)
	}
	for _, g := range []struct{ name, out string }{
		{"sweep-table.txt", timingRow.ReplaceAllString(sweep, "$1 (masked)")},
		{"report-sweep.txt", report},
		{"accel-show-systolic.txt", show},
	} {
		checkWidth(t, g.name, g.out)
		path := filepath.Join("testdata", "golden", g.name)
		if *update {
			if err := os.WriteFile(path, []byte(g.out), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./internal/cli -run TestSweepReportGolden -update)", err)
		}
		if g.out != string(want) {
			t.Errorf("%s differs (rerun with -update if intended):\n%s", path, g.out)
		}
	}
	if !strings.Contains(report, "Pareto") {
		t.Errorf("report printed no Pareto table:\n%s", report)
	}
}

// TestCodesignTableWidth: codesign's text table (the small run of
// TestCodesignJSON) fits 100 columns.
func TestCodesignTableWidth(t *testing.T) {
	out, errs, code := run(t, tinyCodesign(codesignModel(t), "--max-drop", "0.9")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "conv") {
		t.Errorf("no candidate table:\n%s", out)
	}
	checkWidth(t, "codesign", out)
}
