package sim

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/accel"
	"github.com/dcsim/dcsim/internal/atomicfile"
)

// TestDocTable produces the two tables of docs/simulator.md "AlexNet on a
// 32×32 array" — per-layer compute cycles on the 32×32 test spec for each
// dataflow with the closed form that gives them, and the network totals —
// checks that each formula evaluates to the simulated cycles, and checks
// that the doc holds exactly these tables (a golden test whose golden file
// is the doc). scripts/doctables.sh -update rewrites the doc's blocks.
func TestDocTable(t *testing.T) {
	w := alexNet()
	var sb strings.Builder
	sb.WriteString("| layer | GEMM M×K×N ×groups | ws cycles | ws closed form | os cycles | os closed form | is cycles | is closed form |\n")
	sb.WriteString("|---|---|--:|---|--:|---|--:|---|\n")
	var totals [3]Cycles
	for _, l := range w.Layers {
		m, k, n, g := l.GEMM()
		if l.Kind == Pool {
			m, k, n, g = 0, 0, 0, 0
		}
		fmt.Fprintf(&sb, "| %s | %s |", l.Name, gemmLabel(l, m, k, n, g))
		for i, df := range []accel.Dataflow{accel.WS, accel.OS, accel.IS} {
			r, err := SimulateLayer(testSpec(df, 32, 32), &l)
			if err != nil {
				t.Fatal(err)
			}
			form, val := closedForm(l, df, 32, 32)
			if val != r.ComputeCycles {
				t.Errorf("%s %s: formula %s = %d, simulated %d", df, l.Name, form, val, r.ComputeCycles)
			}
			totals[i] += r.ComputeCycles
			fmt.Fprintf(&sb, " %d | %s |", r.ComputeCycles, form)
		}
		sb.WriteString("\n")
	}
	fmt.Fprintf(&sb, "| **total** | | %d | | %d | | %d | |\n", totals[0], totals[1], totals[2])
	docBlock(t, "../docs/simulator.md", "sim-alexnet-cycles", sb.String())
	sb.Reset()
	sb.WriteString("| network | dataflow | compute cycles | stall cycles | latency µs | utilization | DRAM MB |\n")
	sb.WriteString("|---|---|--:|--:|--:|--:|--:|\n")
	for _, w := range []*Workload{alexNet(), vgg16()} {
		for _, df := range []accel.Dataflow{accel.WS, accel.OS, accel.IS} {
			res, err := Simulate(testSpec(df, 32, 32), w)
			if err != nil {
				t.Fatal(err)
			}
			tot := res.Total
			util := tot.Utilization
			fmt.Fprintf(&sb, "| %s | %s | %d | %d | %.1f | %.3f | %.2f |\n", w.Name, df,
				tot.ComputeCycles, tot.StallCycles, tot.LatencyUS, util, float64(tot.DRAMBytes)/1e6)
		}
	}
	docBlock(t, "../docs/simulator.md", "sim-network-totals", sb.String())
}

var updateDocs = flag.Bool("update", false, "rewrite the generated blocks of docs/ (scripts/doctables.sh -update)")

// docBlock checks that the doc at path holds content between the lines
// "<!-- begin generated: name -->" and "<!-- end generated: name -->", or
// with -update writes it there (atomically).
func docBlock(t *testing.T, path, name, content string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	begin, end := "<!-- begin generated: "+name+" -->\n", "<!-- end generated: "+name+" -->"
	i, j := bytes.Index(data, []byte(begin)), bytes.Index(data, []byte(end))
	if i < 0 || j < i {
		t.Fatalf("%s: no block %q…%q", path, begin, end)
	}
	have := string(data[i+len(begin) : j])
	if have == content {
		return
	}
	if !*updateDocs {
		t.Errorf("%s: block %s differs from what the code produces; run scripts/doctables.sh -update\n--- doc\n%s--- code\n%s", path, name, have, content)
		return
	}
	out := append(append(append([]byte{}, data[:i+len(begin)]...), content...), data[j:]...)
	if err := atomicfile.Write(path, func(w io.Writer) error { _, err := w.Write(out); return err }); err != nil {
		t.Fatal(err)
	}
}

func gemmLabel(l Layer, m, k, n, g int) string {
	if l.Kind == Pool {
		return "pool"
	}
	s := fmt.Sprintf("%d×%d×%d", m, k, n)
	if g > 1 {
		s += fmt.Sprintf(" ×%d", g)
	}
	return s
}

// closedForm writes the compute-cycle formula of a layer with its numbers
// filled in and evaluates it independently of systolicGeom.
func closedForm(l Layer, df accel.Dataflow, rows, cols int) (string, Cycles) {
	if l.Kind == Pool {
		in := l.InC * l.InH * l.InW
		out := l.InC * l.OutH() * l.OutW()
		return fmt.Sprintf("⌈(%d+%d)/%d⌉", in, out, cols), Cycles((in + out + cols - 1) / cols)
	}
	m, k, n, g := l.GEMM()
	dims := map[accel.Dataflow][3]int{accel.OS: {m, n, k}, accel.WS: {k, n, m}, accel.IS: {k, m, n}}[df]
	sr, sc, tt := dims[0], dims[1], dims[2]
	rf, cf := (sr+rows-1)/rows, (sc+cols-1)/cols
	var form string
	var fold int
	if df == accel.OS {
		form = fmt.Sprintf("%d·%d·(%d+%d+%d−2)", rf, cf, rows, cols, tt)
		fold = rows + cols + tt - 2
	} else {
		form = fmt.Sprintf("%d·%d·(2·%d+%d+%d−2)", rf, cf, rows, cols, tt)
		fold = 2*rows + cols + tt - 2
	}
	if g > 1 {
		form = fmt.Sprintf("%d·%s", g, form)
	}
	return form, Cycles(g * rf * cf * fold)
}
