package pruning_test

import (
	"fmt"
	"log"

	"github.com/dcsim/dcsim/network"
	"github.com/dcsim/dcsim/nn"
	"github.com/dcsim/dcsim/pruning"
)

// Prune a briefly trained LeNet-300-100 to 10% of its weights with the
// saliency criterion (the defaults) in two rounds, on 500 MNIST images.
func ExamplePrune() {
	dir, err := nn.MNISTDir("")
	if err != nil {
		log.Fatal(err)
	}
	train, test, err := nn.LoadMNIST(dir)
	if err != nil {
		log.Fatal(err)
	}
	train, test = train.Subset(500), test.Subset(500)
	arch, _ := network.Zoo("lenet-300-100")
	m, _ := nn.NewModel(arch, 1)
	if _, err := nn.Train(m, train, nn.TrainSettings{Epochs: 2, Momentum: 0.9}); err != nil {
		log.Fatal(err)
	}
	rep, err := pruning.Prune(m, train, test, pruning.Settings{Keep: 0.1, Rounds: 2, RetrainEpochs: 1, FinalEpochs: 1, Seed: 1})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("kept %d of %d weights\n", rep.Total.Kept, rep.Total.Weights)
	for _, r := range rep.Rounds {
		fmt.Printf("%s %d: keep target %.4f, density %.4f\n", r.Phase, r.Round, r.KeepTarget, r.Density)
	}
	// Output:
	// kept 26620 of 266200 weights
	// prune 1: keep target 0.3162, density 0.3162
	// prune 2: keep target 0.1000, density 0.1000
	// finetune 3: keep target 0.0000, density 0.1000
}

// The cubic schedule of Zhu & Gupta (2017) prunes fast first, then slowly;
// the geometric one removes the same fraction of the remaining weights
// every round.
func ExampleKeepSchedule() {
	for _, name := range pruning.Schedules() {
		ks, _ := pruning.KeepSchedule(name, 1, 0.04, 5)
		fmt.Printf("%-9s %.3f\n", name, ks)
	}
	// Output:
	// cubic     [0.532 0.247 0.101 0.048 0.040]
	// geometric [0.525 0.276 0.145 0.076 0.040]
}

// One global threshold keeps the most salient weights of all layers, so the
// layers' keep rates differ.
func ExampleSelectGlobal() {
	sal := [][]float32{{0.9, 0.1, 0.8, 0.7}, {0.2, 0.3, 0.05, 0.6}}
	th, _ := pruning.SelectGlobal(sal, 0.5, 0)
	fmt.Println(th.Masks, th.Kept)
	// Output: [[1 0 1 1] [0 0 0 1]] 4
}
