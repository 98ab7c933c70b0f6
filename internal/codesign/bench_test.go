package codesign

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkMasks derives one LeNet-5 candidate's masks from its saliency
// (two SelectGlobal thresholds over 430,500 weights).
func BenchmarkMasks(b *testing.B) {
	m := testModel(b)
	r := rand.New(rand.NewPCG(1, 1))
	var sal [][]float32
	for _, p := range m.Params() {
		s := make([]float32, len(p.W))
		for i := range s {
			s[i] = r.Float32()
		}
		sal = append(sal, s)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Masks(m, sal, 0.2, 0.05, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFront is the Pareto filter over a 500-candidate grid.
func BenchmarkFront(b *testing.B) {
	r := rand.New(rand.NewPCG(2, 2))
	pts := make([]Point, 500)
	for i := range pts {
		pts[i] = Point{Accuracy: r.Float64(), LatencyUS: r.Float64(), EnergyPJ: r.Float64(), Params: r.Int64N(1e6)}
	}
	b.ReportAllocs()
	for b.Loop() {
		Front(pts)
	}
}
