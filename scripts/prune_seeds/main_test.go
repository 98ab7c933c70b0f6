package main

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/clustering"
	"github.com/dcsim/dcsim/network"
	"github.com/dcsim/dcsim/nn"
)

func TestStatAndVerdict(t *testing.T) {
	s := stat([]float64{1, 2, 3})
	if s.N != 3 || s.Mean != 2 || math.Abs(s.Std-1) > 1e-12 {
		t.Fatalf("stat(1,2,3) = %+v, want mean 2, std 1", s)
	}
	se := s.Std / math.Sqrt(3)
	if v := verdict(Stat{N: 3, Mean: 0.5}, se, "a", "b"); v != "tie" {
		t.Errorf("0.5 within SE %.3f: %q, want tie", se, v)
	}
	if v := verdict(Stat{N: 3, Mean: -0.6}, se, "a", "b"); v != "b ahead" {
		t.Errorf("-0.6 beyond SE %.3f: %q, want b ahead", se, v)
	}
	if v := verdict(Stat{N: 1, Mean: 5}, 0, "a", "b"); v == "a ahead" {
		t.Errorf("one pair must not give a verdict, got %q", v)
	}
}

func TestSummarizePairs(t *testing.T) {
	o := options{net: "n", seeds: []int64{1, 2, 3}, keeps: []float64{0.04}, criteria: []string{"saliency", "magnitude"}, clusterKeep: 0.04}
	var runs []Run
	for i, s := range o.seeds {
		d := 0.98
		runs = append(runs,
			Run{Net: "n", Seed: s, Keep: 0.04, Criterion: "saliency", DenseAccuracy: d, Accuracy: d - 0.001*float64(i),
				Cluster: &ClusterRun{Accuracy: d - 0.002, Ratio: 50, HuffmanRatio: 70}},
			Run{Net: "n", Seed: s, Keep: 0.04, Criterion: "magnitude", DenseAccuracy: d, Accuracy: d - 0.001*float64(i) - 0.002})
	}
	sum := summarize(o, "", runs)
	if len(sum.Paired) != 1 || math.Abs(sum.Paired[0].Diff.Mean-0.2) > 1e-9 || sum.Paired[0].Diff.Std > 1e-9 {
		t.Fatalf("paired %+v, want +0.2 points with no spread", sum.Paired)
	}
	if sum.Paired[0].Verdict != "saliency ahead" {
		t.Errorf("verdict %q", sum.Paired[0].Verdict)
	}
	if c := sum.Cluster; c == nil || c.Ratio.Mean != 50 || math.Abs(c.Delta.Mean+0.2) > 1e-9 {
		t.Errorf("cluster summary %+v", sum.Cluster)
	}
	if len(sum.Cells) != 2 || math.Abs(sum.Cells[0].Delta.Mean+0.1) > 1e-9 {
		t.Errorf("cells %+v", sum.Cells)
	}
}

func TestRunsFileRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.jsonl")
	r := Run{Net: "n", Seed: 2, Keep: 0.08, Criterion: "magnitude", Accuracy: 0.98}
	if err := appendRun(path, r); err != nil {
		t.Fatal(err)
	}
	if err := appendRun(path, r); err != nil {
		t.Fatal(err)
	}
	got, err := readRuns(path)
	if err != nil || len(got) != 2 || got[1].Seed != 2 {
		t.Fatalf("readRuns: %v, %+v", err, got)
	}
}

// -storage prints both formats for a clustered model, and the per-layer
// format is the smaller.
func TestStorageBreakdown(t *testing.T) {
	arch, err := network.Zoo("lenet-300-100")
	if err != nil {
		t.Fatal(err)
	}
	m, err := nn.NewModel(arch, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range m.Params() {
		p.Mask = make([]float32, len(p.W))
		for i := range p.Mask {
			if i%40 == 0 { // gaps of 39 overflow 5-bit relative indices
				p.Mask[i] = 1
			}
		}
	}
	if _, err := clustering.ClusterModel(m, clustering.ModelSettings{}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "m.npz")
	if err := nn.SaveModel(path, m, nil); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := storageBreakdown(path, &out); err != nil {
		t.Fatal(err)
	}
	var fixed, auto int64
	var fr, ar float64
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(line, "fixed widths") {
			fmt.Sscanf(line[strings.Index(line, ": ")+2:], "%d bits, %g", &fixed, &fr)
		}
		if strings.HasPrefix(line, "per-layer width") {
			fmt.Sscanf(line[strings.Index(line, ": ")+2:], "%d bits, %g", &auto, &ar)
		}
	}
	if fixed == 0 || auto == 0 || auto >= fixed || strings.Count(out.String(), "| fc1 |") != 2 {
		t.Errorf("fixed %d bits, per-layer %d bits; output:\n%s", fixed, auto, out.String())
	}
}
