// Command trainbench times dcsim's training engine for scripts/bench_train.sh:
// one model trained on MNIST for a few epochs, dense or with every prunable
// layer masked to a random fraction of its weights (frozen masks: the
// retraining of a pruned network), and prints one line
//
//	dcsim <model> density <d> kernels <auto|dense> workers <w>: <wall> s/epoch, <cpu> cpu-s/epoch, loss <l>
//
// Wall and CPU seconds (all threads, the process's user + system time)
// cover Train only, not data loading; with -train N they are measured on
// the first N images and scaled to a full epoch (× 60000/N). With -in FILE
// the model is a dcsim model file (for instance one `dcsim prune` wrote)
// trained with its own masks frozen: a really pruned network, whose layers
// are not uniformly sparse.
//
//	go run ./scripts/trainbench -model lenet-5 -density 0.04
//	go run ./scripts/trainbench -in out/lenet5-p.npz -dense-kernels
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime/pprof"
	"time"

	"github.com/dcsim/dcsim/internal/proctime"
	"github.com/dcsim/dcsim/network"
	"github.com/dcsim/dcsim/nn"
)

func main() {
	model := flag.String("model", "lenet-5", "zoo model")
	density := flag.Float64("density", 0, "keep this fraction of every layer's weights (random mask, frozen); 0 = dense model")
	dense := flag.Bool("dense-kernels", false, "run masked layers on the dense kernels")
	epochs := flag.Int("epochs", 1, "epochs")
	workers := flag.Int("workers", 2, "worker goroutines")
	data := flag.String("data", "", "MNIST directory (default: as dcsim train)")
	subset := flag.Int("train", 0, "train on the first N training images and scale the times to a full epoch of 60 000; 0 = all")
	profile := flag.String("cpuprofile", "", "write a CPU profile of the training to this file (go tool pprof)")
	in := flag.String("in", "", "train this model file with its masks frozen instead of a zoo model (not with -model or -density)")
	flag.Parse()
	if *in != "" && (*density != 0 || isSet("model")) {
		fmt.Fprintln(os.Stderr, "trainbench: -in: the model file gives the model and its masks; drop -model and -density")
		os.Exit(2)
	}
	if err := run(*model, *in, *profile, *density, *dense, *epochs, *workers, *subset, *data); err != nil {
		fmt.Fprintln(os.Stderr, "trainbench:", err)
		os.Exit(2)
	}
}

// isSet reports whether the named flag was given.
func isSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// load returns the model to train: the file in with its masks, or the zoo
// model masked to a random density.
func load(model, in string, density float64) (*nn.Model, error) {
	if in != "" {
		m, _, err := nn.LoadModel(in)
		return m, err
	}
	if density < 0 || density > 1 {
		return nil, fmt.Errorf("-density: must be in [0, 1], got %g", density)
	}
	arch, err := network.Zoo(model)
	if err != nil {
		return nil, err
	}
	m, err := nn.NewModel(arch, 1)
	if err != nil {
		return nil, err
	}
	if density > 0 {
		r := rand.New(rand.NewPCG(1, 3))
		for _, p := range m.Params() {
			p.Mask = make([]float32, len(p.W))
			for i := range p.Mask {
				if r.Float64() < density {
					p.Mask[i] = 1
				}
			}
		}
	}
	return m, nil
}

func run(model, in, profile string, density float64, dense bool, epochs, workers, subset int, data string) error {
	m, err := load(model, in, density)
	if err != nil {
		return err
	}
	model = m.Arch.Name
	dir, err := nn.MNISTDir(data)
	if err != nil {
		return err
	}
	train, _, err := nn.LoadMNIST(dir)
	if err != nil {
		return err
	}
	full := train.N
	if subset > 0 && subset < train.N {
		train = train.Subset(subset)
	}
	scale := float64(full) / float64(train.N) / float64(epochs) // to seconds per full epoch
	if in != "" {
		density = maskedDensity(m)
	}
	s := nn.DefaultTrainSettings(model)
	s.Epochs, s.Workers = epochs, workers
	s.DenseKernels = dense // bench:new (bench_train.sh drops this line to build an older engine)
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
	}
	c0, t0 := proctime.CPU(), time.Now()
	st, err := nn.Train(m, train, s)
	pprof.StopCPUProfile() // a no-op without -cpuprofile
	if err != nil {
		return err
	}
	wall, cpu := time.Since(t0).Seconds(), (proctime.CPU() - c0).Seconds()
	kernels := "auto"
	if dense {
		kernels = "dense"
	}
	fmt.Printf("dcsim %s density %g kernels %s workers %d: %.3f s/epoch, %.3f cpu-s/epoch, loss %.4f\n",
		model, density, kernels, workers, wall*scale, cpu*scale, st.FinalLoss)
	return nil
}

// maskedDensity is the fraction of the masked layers' weights kept (1 when
// no layer has a mask).
func maskedDensity(m *nn.Model) float64 {
	kept, all := 0, 0
	for _, p := range m.Params() {
		if p.Mask == nil {
			continue
		}
		all += len(p.Mask)
		for _, v := range p.Mask {
			if v != 0 {
				kept++
			}
		}
	}
	if all == 0 {
		return 1
	}
	return float64(kept) / float64(all)
}
