package pruning

import (
	"testing"

	"github.com/dcsim/dcsim/network"
	"github.com/dcsim/dcsim/nn"
)

// BenchmarkSaliencyPassLeNet300 times Scores (a gradient pass with the
// saliency accumulation) over 10,000 MNIST images.
func BenchmarkSaliencyPassLeNet300(b *testing.B) {
	train, _ := testData(b, 10000)
	arch, _ := network.Zoo("lenet-300-100")
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
	arch, _ := network.Zoo("lenet-300-100")
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

// BenchmarkPruneRoundLeNet5 times one pruning round on LeNet-5: the
// saliency pass over all 60,000 training images, thresholding, and one
// retraining epoch with splicing. The split is reported as saliency-s and
// retrain-s.
func BenchmarkPruneRoundLeNet5(b *testing.B) {
	train, _ := testData(b, 0)
	arch, _ := network.Zoo("lenet-5")
	m0, err := nn.NewModel(arch, 1)
	if err != nil {
		b.Fatal(err)
	}
	s := Settings{Keep: 0.5, Rounds: 1, RetrainEpochs: 1, FinalEpochs: -1, Seed: 1}
	var sal, tr float64
	b.ReportAllocs()
	for b.Loop() {
		rep, err := Prune(m0.Clone(), train, nil, s)
		if err != nil {
			b.Fatal(err)
		}
		sal += rep.Rounds[0].SaliencySeconds
		tr += rep.Rounds[0].TrainSeconds
	}
	b.ReportMetric(sal/float64(b.N), "saliency-s")
	b.ReportMetric(tr/float64(b.N), "retrain-s")
}

// BenchmarkSaliencyPassLeNet5 times Scores on LeNet-5 over 10,000 images.
func BenchmarkSaliencyPassLeNet5(b *testing.B) {
	train, _ := testData(b, 10000)
	arch, _ := network.Zoo("lenet-5")
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
