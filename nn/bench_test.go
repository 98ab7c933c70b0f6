package nn

import (
	"fmt"
	"testing"

	"github.com/dcsim/dcsim/internal/proctime"
	"github.com/dcsim/dcsim/network"
)

// benchStep builds a model and a fixed batch for a one-step benchmark.
func benchStep(b *testing.B, name string, batch, workers int) {
	benchStepMasked(b, name, batch, workers, 0, false)
}

// benchStepMasked is benchStep on a model whose every layer keeps a random
// fraction density of its weights (0 = no masks) with frozen masks, on the
// sparse plan or (denseKernels) the dense kernels.
func benchStepMasked(b *testing.B, name string, batch, workers int, density float64, denseKernels bool) {
	arch, err := network.Zoo(name)
	if err != nil {
		b.Fatal(err)
	}
	m, err := NewModel(arch, 1)
	if err != nil {
		b.Fatal(err)
	}
	if density > 0 {
		randomMask(m, density, 1)
	}
	benchStepModel(b, m, name, batch, workers, density == 0 || denseKernels)
}

// benchStepModel times the training step of model m (with its masks
// frozen, on the sparse plan unless denseKernels) on a random batch.
func benchStepModel(b *testing.B, m *Model, name string, batch, workers int, denseKernels bool) {
	in := m.Arch.Layers[0]
	ds := randomDataset(batch, 1, 28, 28, 10, 1)
	if in.Kind == network.FC {
		ds.C, ds.H, ds.W = 1, 28, 28
	}
	e := newEngine(m, batch, workers)
	defer e.close()
	if !denseKernels {
		e.enableSparse(true)
	}
	opt := newSGD(m, DefaultTrainSettings(name))
	e.opt = opt
	idx := make([]int, batch)
	for i := range idx {
		idx[i] = i
	}
	b.ReportAllocs()
	c0 := proctime.CPU()
	for b.Loop() {
		opt.setStep(0.01, batch)
		e.run(ds, idx, true)
		e.reduce()
		opt.finish()
	}
	// CPU time per step (all threads) is robust to other load on a shared
	// machine, unlike wall time; scripts/torch_train.py --step-bench
	// reports the same for PyTorch.
	b.ReportMetric(float64(proctime.CPU()-c0)/1e6/float64(b.N), "cpu-ms/step")
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "samples/s")
}

// BenchmarkTrainStepLeNet5 is one SGD step (forward, backward, reduction,
// update) of LeNet-5 on a batch of 64 with 2 workers.
func BenchmarkTrainStepLeNet5(b *testing.B) { benchStep(b, "lenet-5", 64, 2) }

// BenchmarkTrainStepLeNet300 is the same for LeNet-300-100.
func BenchmarkTrainStepLeNet300(b *testing.B) { benchStep(b, "lenet-300-100", 64, 2) }

// BenchmarkTrainStepLeNet5Sparse4 is BenchmarkTrainStepLeNet5 with every
// layer at 4 % density, frozen masks, on the sparse plan; …Dense4 the same
// masked model on the dense kernels.
func BenchmarkTrainStepLeNet5Sparse4(b *testing.B) { benchStepMasked(b, "lenet-5", 64, 2, 0.04, false) }
func BenchmarkTrainStepLeNet5Dense4(b *testing.B)  { benchStepMasked(b, "lenet-5", 64, 2, 0.04, true) }

// BenchmarkTrainStepLeNet300Sparse4 and …Dense4: the same for LeNet-300-100.
func BenchmarkTrainStepLeNet300Sparse4(b *testing.B) {
	benchStepMasked(b, "lenet-300-100", 64, 2, 0.04, false)
}
func BenchmarkTrainStepLeNet300Dense4(b *testing.B) {
	benchStepMasked(b, "lenet-300-100", 64, 2, 0.04, true)
}

// BenchmarkConvForward is LeNet-5's conv2 (20×12×12 → 50×8×8, 5×5) forward
// on one chunk (32 images): im2col plus GEMM.
func BenchmarkConvForward(b *testing.B) {
	arch, _ := network.Zoo("lenet-5")
	m, _ := NewModel(arch, 1)
	e := newEngine(m, chunkSize, 1)
	defer e.close()
	e.prepare(false)
	s := e.scr[0]
	li := 2
	l := &e.layers[li]
	x := randSlice(newRand(), chunkSize*l.in)
	copy(s.act[li], x)
	b.ReportAllocs()
	for b.Loop() {
		convForward(l, e.eff[l.pi], s.act[li], s.act[li+1], s.col[li], chunkSize)
	}
	b.ReportMetric(2*float64(l.s.MACs()*chunkSize)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkTrainStepOneWorker runs the step benchmarks on one worker: the
// compute alone, without the other core's share or any waiting for it.
func BenchmarkTrainStepOneWorker(b *testing.B) {
	for _, c := range []struct {
		name  string
		model string
		dens  float64
	}{{"LeNet5", "lenet-5", 0}, {"LeNet5Sparse4", "lenet-5", 0.04}, {"LeNet300", "lenet-300-100", 0}, {"LeNet300Sparse4", "lenet-300-100", 0.04}} {
		b.Run(c.name, func(b *testing.B) { benchStepMasked(b, c.model, 64, 1, c.dens, false) })
	}
}

// BenchmarkTrainStepLeNet5Density is the masked LeNet-5 step (one worker,
// every layer at the same random density) on the sparse plan and on the
// dense kernels, for choosing the density thresholds of engine_sparse.go.
func BenchmarkTrainStepLeNet5Density(b *testing.B) {
	for _, d := range []float64{0.14, 0.5, 0.82, 1} {
		for _, dense := range []bool{false, true} {
			name := fmt.Sprintf("density=%g/kernels=sparse", d)
			if dense {
				name = fmt.Sprintf("density=%g/kernels=dense", d)
			}
			b.Run(name, func(b *testing.B) { benchStepMasked(b, "lenet-5", 64, 1, d, dense) })
		}
	}
}

// BenchmarkTrainStepLeNet5OneConvMasked is the LeNet-5 step (one worker)
// with only conv1 (layer=0) or only conv2 (layer=1) masked at a random
// density, on the sparse plan (the direct convolution) and on the dense
// kernels: the per-layer measurement behind directConvDensity and
// directFirstConvDensity. The plan applies those thresholds, so a layer
// above its threshold runs dense in both; to measure past one, raise it.
func BenchmarkTrainStepLeNet5OneConvMasked(b *testing.B) {
	for _, li := range []int{0, 1} {
		for _, d := range []float64{0.6, 0.7, 0.82, 0.9} {
			for _, dense := range []bool{false, true} {
				b.Run(fmt.Sprintf("layer=%d/density=%g/dense=%v", li, d, dense), func(b *testing.B) {
					arch, _ := network.Zoo("lenet-5")
					m, _ := NewModel(arch, 1)
					randomMask(m, d, 1)
					for pi, p := range m.Params() {
						if pi != li {
							p.Mask = nil
						}
					}
					benchStepModel(b, m, "lenet-5", 64, 1, dense)
				})
			}
		}
	}
}
