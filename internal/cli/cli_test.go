package cli

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dcsim/dcsim/network"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// run executes a command line and returns stdout, stderr and the exit status.
func run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, &out, &errb)
	return out.String(), errb.String(), code
}

const cfg = "../../configs/"

func TestGolden(t *testing.T) {
	cases := []struct {
		name string
		args []string
	}{
		{"simulate-default.txt", []string{"simulate"}},
		{"simulate-lenet5.json", []string{"simulate", "--network", "lenet-5", "--format", "json"}},
		{"simulate-lenet5.csv", []string{"simulate", "--network", "lenet-5", "--format", "csv"}},
		{"simulate-lenet5.md", []string{"simulate", "--network", "lenet-5", "--format", "md"}},
		{"simulate-tiny-os.txt", []string{"simulate", "--network", "testdata/tiny.csv", "--accel", cfg + "accelerators/edge-16x16.yaml"}},
		{"simulate-eie.json", []string{"simulate", "--accel", cfg + "accelerators/eie.yaml",
			"--network", cfg + "networks/eie-benchmarks.csv", "--compression", cfg + "compression/eie-benchmarks.yaml", "--format", "json"}},
		{"simulate-alexnet-all.txt", []string{"simulate", "--view", "all"}},
		{"simulate-mobilenet-energy.txt", []string{"simulate", "--network", "mobilenet-v1", "--view", "energy"}},
		{"simulate-eie-memory.txt", []string{"simulate", "--accel", cfg + "accelerators/eie.yaml",
			"--compression", cfg + "compression/deep-compression-alexnet.yaml", "--view", "memory"}},
		{"accel-show-eie.txt", []string{"accel", "show", cfg + "accelerators/eie.yaml"}},
		{"simulate-scalesim-cfg.txt", []string{"simulate", "--accel", "testdata/scale.cfg", "--network", "lenet-5"}},
		{"simulate-alexnet-dc-sparse.txt", []string{"simulate", "--accel", cfg + "accelerators/sparse-systolic-32x32.yaml",
			"--compression", cfg + "compression/deep-compression-alexnet.yaml"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errs, code := run(t, c.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			path := filepath.Join("testdata", "golden", c.name)
			if *update {
				if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/cli -run TestGolden -update)", err)
			}
			if out != string(want) {
				t.Errorf("output differs from %s (rerun with -update if the change is intended)\ngot:\n%s", path, out)
			}
		})
	}
}

// TestDeterministic runs the same simulation twice: identical bytes.
func TestDeterministic(t *testing.T) {
	args := []string{"simulate", "--accel", cfg + "accelerators/eie.yaml", "--network", "alexnet",
		"--compression", cfg + "compression/deep-compression-alexnet.yaml", "--mask-accurate", "--format", "json"}
	a, _, c1 := run(t, args...)
	b, _, c2 := run(t, args...)
	if c1 != 0 || c2 != 0 || a != b {
		t.Fatalf("exit %d/%d, outputs equal: %v", c1, c2, a == b)
	}
}

// TestBadInput: every bad input gives exit status 2 and one line on stderr
// naming what is wrong (file, line and field where known).
func TestBadInput(t *testing.T) {
	cases := []badInputCase{
		{"missing accel", []string{"simulate", "--accel", "testdata/nope.yaml"}, "testdata/nope.yaml"},
		{"unknown preset", []string{"simulate", "--accel", "scnnn"}, "open scnnn: no such file or directory (nor is it a built-in accelerator: dcnn, edge-16x16, eie,"},
		{"yaml typo", []string{"simulate", "--accel", "testdata/typo.yaml"}, "testdata/typo.yaml:6: array.colls"},
		{"unknown dataflow", []string{"simulate", "--accel", "testdata/baddataflow.yaml"}, "testdata/baddataflow.yaml:7: array.dataflow"},
		{"negative rows", []string{"simulate", "--accel", "testdata/negrows.yaml"}, "testdata/negrows.yaml:5: array.rows"},
		{"wrong type", []string{"simulate", "--accel", "testdata/wrongtype.yaml"}, "testdata/wrongtype.yaml:3: clock_mhz"},
		{"unknown network", []string{"simulate", "--network", "lenet-7"}, `unknown network "lenet-7"`},
		{"missing csv", []string{"simulate", "--network", "testdata/nope.csv"}, "testdata/nope.csv"},
		{"filter too big", []string{"simulate", "--network", "testdata/bigfilter.csv"}, "testdata/bigfilter.csv:2: Filter Height"},
		{"bad format", []string{"simulate", "--format", "xml"}, `dcsim: --format: "xml": unknown (valid: table, json, csv, md)`},
		{"profile unknown layer", []string{"simulate", "--compression", "testdata/badlayer-profile.yaml"}, "testdata/badlayer-profile.yaml:4: layers.fc9"},
		{"profile bad density", []string{"simulate", "--compression", "testdata/baddensity-profile.yaml"}, "testdata/baddensity-profile.yaml:4"},
		{"bad view", []string{"simulate", "--view", "speed"}, `dcsim: --view: "speed": unknown (valid: perf, energy, memory, all)`},
		{"mask-accurate without profile", []string{"simulate", "--mask-accurate"}, "--mask-accurate"},
		{"unknown flag", []string{"simulate", "--acel", "x"}, "unknown flag: --acel"},
		{"unknown command", []string{"simulat"}, "unknown command"},
		{"train negative epochs", []string{"train", "--epochs", "-1"}, "--epochs: must be > 0"},
		{"train zero batch", []string{"train", "--batch", "0"}, "--batch: must be > 0"},
		{"train negative lr", []string{"train", "--lr", "-0.1"}, "--lr: must be > 0"},
		{"train unknown model", []string{"train", "--model", "alexnet"}, "--model"},
		{"eval missing model", []string{"eval", "--in", "testdata/nope.npz"}, "testdata/nope.npz"},
		{"eval corrupt model", []string{"eval", "--in", "testdata/truncated.npz"}, "testdata/truncated.npz"},
		{"eval no model", []string{"eval"}, "--in"},
		{"train momentum 1", []string{"train", "--momentum", "1"}, "dcsim: --momentum: must be < 1"},
		{"train weight decay NaN", []string{"train", "--weight-decay", "NaN"}, "dcsim: --weight-decay: must be a finite number"},
		{"train unknown schedule", []string{"train", "--schedule", "linear"}, `dcsim: --schedule: "linear": unknown (valid: constant, cosine, step)`},
		// pruning.Settings errors name its fields; the CLI names the flags.
		{"prune no keep", []string{"prune", "--in", "x.npz"}, "dcsim: --keep: required (give --keep, or --conv-keep and --fc-keep)"},
		{"prune keep out of range", []string{"prune", "--in", "x.npz", "--keep", "1.5"}, "dcsim: --keep: must be in (0,1], got 1.5"},
		{"prune both keeps", []string{"prune", "--in", "x.npz", "--keep", "0.1", "--conv-keep", "0.2", "--fc-keep", "0.1"},
			"dcsim: --keep: set either --keep or --conv-keep and --fc-keep, not both"},
		{"prune one separate keep", []string{"prune", "--in", "x.npz", "--conv-keep", "0.2"}, "dcsim: --conv-keep: set both --conv-keep and --fc-keep or neither"},
		{"prune fc keep out of range", []string{"prune", "--in", "x.npz", "--conv-keep", "0.2", "--fc-keep", "2"}, "dcsim: --fc-keep: must be in (0,1], got 2"},
		{"prune bad accumulate", []string{"prune", "--in", "x.npz", "--keep", "0.1", "--accumulate", "foo"}, `dcsim: --accumulate: "foo": unknown`},
		{"prune bad criterion", []string{"prune", "--in", "x.npz", "--keep", "0.1", "--criterion", "random"}, `dcsim: --criterion: "random": unknown (valid: magnitude, saliency)`},
		{"prune criterion named like a field", []string{"prune", "--in", "x.npz", "--keep", "0.1", "--criterion", "keep"}, `dcsim: --criterion: "keep": unknown`},
		{"prune bad schedule", []string{"prune", "--in", "x.npz", "--keep", "0.1", "--schedule", "linear"}, `dcsim: --schedule: "linear": unknown (valid: cubic, geometric)`},
		{"prune revive margin NaN", []string{"prune", "--in", "x.npz", "--keep", "0.1", "--revive-margin", "NaN"}, "dcsim: --revive-margin: must be a finite number, got NaN"},
		{"prune revive fraction above one", []string{"prune", "--in", "x.npz", "--keep", "0.1", "--revive-fraction", "1.5"}, "dcsim: --revive-fraction: must be a number ≤ 1 (0 or negative: no cap), got 1.5"},
		{"prune distill weight above one", []string{"prune", "--in", "x.npz", "--keep", "0.1", "--distill-weight", "2"}, "dcsim: --distill-weight: must be a number ≤ 1 (negative: none), got 2"},
		{"prune bad distill phases", []string{"prune", "--in", "x.npz", "--keep", "0.1", "--distill-phases", "rounds"}, `dcsim: --distill-phases: "rounds": unknown (valid: all, finetune)`},
		{"prune negative lr", []string{"prune", "--in", "x.npz", "--keep", "0.1", "--lr", "-1"}, "dcsim: --lr: must be a number ≥ 0"},
		{"cluster bad bits", []string{"cluster", "--in", "x.npz", "--max-bits", "20"}, "--max-bits: must be in 1–16"},
		{"eval bad rel bits", []string{"eval", "--in", "x.npz", "--rel-bits-fc", "0"}, "--rel-bits-fc: must be in 1–16"},
		{"cluster bad method", []string{"cluster", "--in", "x.npz", "--method", "dbscan"}, `--method: "dbscan": unknown (valid: birch-kmeans,`},
		{"cluster k over bits", []string{"cluster", "--in", "x.npz", "--k", "40", "--max-bits", "3"}, "--k: 40 does not fit in --max-bits 3"},
		{"cluster kmeans without k", []string{"cluster", "--in", "x.npz", "--method", "kmeans"}, `--k: --method "kmeans" needs --k ≥ 1`},
		{"scnn zero grid", []string{"simulate", "--accel", "testdata/scnn-zerogrid.yaml"}, "testdata/scnn-zerogrid.yaml:5: array.rows: must be > 0"},
		{"scnn negative F", []string{"simulate", "--accel", "testdata/scnn-negf.yaml"}, "testdata/scnn-negf.yaml:8: array.pe_weights: must be > 0"},
		{"scnn zero I", []string{"simulate", "--accel", "testdata/scnn-zeroi.yaml"}, "testdata/scnn-zeroi.yaml:9: array.pe_activations: must be > 0"},
		{"scnn banks > entries", []string{"simulate", "--accel", "testdata/scnn-banks.yaml"}, "testdata/scnn-banks.yaml:10: array.accumulator_banks: 64 banks but only 32"},
		{"scnn layer not tileable", []string{"simulate", "--accel", "testdata/scnn-untileable.yaml", "--network", "alexnet"},
			`testdata/scnn-untileable.yaml:11: array.accumulator_entries: network "alexnet": layer "conv1": cannot be tiled`},
	}
	checkBadInput(t, cases)
}

// badInputCase is a command line that must fail as bad input with a
// message mentioning want.
type badInputCase struct {
	name string
	args []string
	want string
}

// checkBadInput runs each case: exit status 2, nothing on stdout, one line
// "dcsim: ..." on stderr that mentions what is wrong.
func checkBadInput(t *testing.T, cases []badInputCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errs, code := run(t, c.args...)
			if code != ExitInput {
				t.Fatalf("exit %d, want %d; stderr %q", code, ExitInput, errs)
			}
			if out != "" {
				t.Errorf("stdout not empty: %q", out)
			}
			if !strings.HasPrefix(errs, "dcsim: ") || strings.Count(errs, "\n") != 1 {
				t.Errorf("stderr is not one line starting with 'dcsim: ': %q", errs)
			}
			if !strings.Contains(errs, c.want) {
				t.Errorf("stderr %q does not mention %q", errs, c.want)
			}
		})
	}
}

// TestOutFileAtomic: --out writes the same bytes as stdout and leaves no
// temporary file behind.
func TestOutFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.json")
	out, errs, code := run(t, "simulate", "--network", "lenet-300-100", "--format", "json", "--out", path)
	if code != 0 {
		t.Fatal(errs)
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != out {
		t.Fatalf("file differs from stdout (err %v)", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("directory holds %d entries, want 1", len(entries))
	}
}

// TestTableWidth: the default table and every --view of simulate fit a
// 100-column terminal for every zoo network on every preset accelerator.
func TestTableWidth(t *testing.T) {
	presets, err := filepath.Glob(cfg + "accelerators/*.yaml")
	if err != nil || len(presets) == 0 {
		t.Fatalf("no presets: %v", err)
	}
	for _, a := range presets {
		for _, n := range network.ZooNames() {
			for _, v := range []string{"perf", "energy", "memory"} {
				out, errs, code := run(t, "simulate", "--accel", a, "--network", n, "--view", v)
				if code != 0 {
					t.Fatalf("%s %s %s: exit %d: %s", a, n, v, code, errs)
				}
				checkWidth(t, fmt.Sprintf("%s %s --view %s", filepath.Base(a), n, v), out)
				if v == "perf" && strings.Contains(out, "─[ 1 ]") {
					t.Errorf("%s %s: the performance table printed as expanded records, not a table", filepath.Base(a), n)
				}
			}
		}
	}
}

// checkWidth fails when a line of out is wider than 100 characters.
func checkWidth(t *testing.T, what, out string) {
	t.Helper()
	for i, line := range strings.Split(out, "\n") {
		if w := utf8.RuneCountInString(line); w > 100 {
			t.Errorf("%s: line %d is %d columns wide:\n%s", what, i+1, w, line)
		}
	}
}

// TestHelpWidth: every command's help fits 100 columns, and --network
// lists the zoo.
func TestHelpWidth(t *testing.T) {
	for _, c := range []string{"", "simulate", "train", "prune", "cluster", "eval", "codesign", "sweep", "report", "accel"} {
		args := []string{"--help"}
		if c != "" {
			args = []string{c, "--help"}
		}
		out, errs, code := run(t, args...)
		if code != 0 || out == "" {
			t.Fatalf("%s --help: exit %d, %s", c, code, errs)
		}
		checkWidth(t, c+" --help", out)
		for _, n := range network.ZooNames() {
			if c == "simulate" && !strings.Contains(out, n) {
				t.Errorf("simulate --help does not list %s:\n%s", n, out)
			}
		}
	}
}

// TestCLIMessages: --version, a mistyped command and a mistyped flag give
// one readable line each, without a doubled "dcsim" prefix.
func TestCLIMessages(t *testing.T) {
	out, _, code := run(t, "--version")
	if code != 0 || !strings.HasPrefix(out, "dcsim ") || !strings.Contains(out, "go1.") {
		t.Errorf("--version: exit %d, %q", code, out)
	}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"simulat"}, "dcsim: unknown command \"simulat\" for \"dcsim\"; did you mean simulate?\n"},
		{[]string{"simulate", "--netwrk", "x"}, "dcsim: simulate: unknown flag: --netwrk (did you mean --network?)\n"},
		{[]string{"simulate", "--zzz"}, "dcsim: simulate: unknown flag: --zzz (run 'dcsim simulate --help' for the flags)\n"},
	}
	for _, c := range cases {
		_, errs, code := run(t, c.args...)
		if code != 2 || errs != c.want {
			t.Errorf("%v: exit %d, stderr %q; want 2, %q", c.args, code, errs, c.want)
		}
	}
}

// TestAccelPresetName: --accel NAME runs the built-in accelerator of that
// name exactly as its file in configs/accelerators does.
func TestAccelPresetName(t *testing.T) {
	byFile, _, code := run(t, "simulate", "--network", "testdata/tiny.csv", "--accel", cfg+"accelerators/scnn-eie.yaml", "--format", "json")
	if code != 0 {
		t.Fatalf("by file: exit %d", code)
	}
	byName, errs, code := run(t, "simulate", "--network", "testdata/tiny.csv", "--accel", "scnn-eie", "--format", "json")
	if code != 0 || byName != byFile {
		t.Fatalf("by name: exit %d, stderr %q, same output as the file: %v", code, errs, byName == byFile)
	}
}
