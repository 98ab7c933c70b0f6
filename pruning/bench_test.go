package pruning

import (
	"testing"

	"github.com/dcsim/dcsim/nn"
)

// BenchmarkSaliencyPassLeNet300 times Scores (a gradient pass with the
// saliency accumulation) over 10,000 MNIST images.
func BenchmarkSaliencyPassLeNet300(b *testing.B) {
	train, _ := testData(b, 10000)
	arch, _ := nn.Zoo("lenet-300-100")
	m, err := nn.NewModel(arch, 1)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Scores(m, m.Params(), train, Settings{Keep: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGradientPassLeNet300 is the bare nn.GradientPass of the above,
// to separate the engine's cost from the accumulation's.
func BenchmarkGradientPassLeNet300(b *testing.B) {
	train, _ := testData(b, 10000)
	arch, _ := nn.Zoo("lenet-300-100")
	m, err := nn.NewModel(arch, 1)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := m.GradientPass(train, 64, func() {}); err != nil {
			b.Fatal(err)
		}
	}
}
