package sim

import (
	"math/rand/v2"
	"testing"

	"github.com/dcsim/dcsim/internal/proctime"
)

// scnnVGGWorkload is VGG-16 (conv and fc layers) with the SCNN validation
// profile (configs/compression/scnn-vgg16.yaml: Deep Compression weight
// densities, Cnvlutin/EIE activation densities). With masks, every layer
// gets a random weight mask at its density and a random input-activation
// mask of one image at its activation density, drawn once.
func scnnVGGWorkload(b *testing.B, masks bool) *Workload {
	w := &Workload{Name: "vgg-16", Layers: vgg16Layers()}
	p, err := LoadProfile("../configs/compression/scnn-vgg16.yaml")
	if err != nil {
		b.Fatal(err)
	}
	if !masks {
		if err := p.Apply(w); err != nil {
			b.Fatal(err)
		}
		return w
	}
	if err := p.ApplyMasks(w); err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range w.Layers {
		l := &w.Layers[i]
		l.ActMask = randomActMask(l.InC, l.InH, l.InW, l.ActivationDensity(), rng)
	}
	return w
}

func benchSCNN(b *testing.B, masks bool) {
	w := scnnVGGWorkload(b, masks)
	spec := scnnSpec(b, "scnn")
	// The bank-conflict table is built once per process and (F·I, A);
	// BenchmarkSCNNConflictTable times it.
	conflictsFor(spec.Array.PEWeights*spec.Array.PEActivations, spec.Array.AccumulatorBanks)
	b.ReportAllocs()
	b.ResetTimer()
	c0 := proctime.CPU()
	for b.Loop() {
		if _, err := Simulate(spec, w); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(proctime.CPU()-c0)/1e3/float64(b.N), "cpu-µs/op")
}

// BenchmarkSimulateSCNNStatistical: whole VGG-16 on scnn from densities.
func BenchmarkSimulateSCNNStatistical(b *testing.B) { benchSCNN(b, false) }

// BenchmarkSimulateSCNNMasks: whole VGG-16 on scnn, mask-accurate (real
// weight masks at Deep Compression densities, one image's activation
// masks).
func BenchmarkSimulateSCNNMasks(b *testing.B) { benchSCNN(b, true) }

// BenchmarkSCNNConflictTable: building the bank-conflict table for SCNN's
// F·I = 16, A = 32 (once per process).
func BenchmarkSCNNConflictTable(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		newConflictTable(16, 32)
	}
}
