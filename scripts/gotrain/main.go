// Command gotrain trains a zoo network on MNIST with the nn engine and the
// same flags as `dcsim train`. It exists so scripts/bench_train.sh can time
// the Go engine on its own; users run `dcsim train`.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/dcsim/dcsim/nn"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "gotrain:", err)
		os.Exit(2)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gotrain", flag.ContinueOnError)
	fs.SetOutput(stderr)
	model := fs.String("model", "lenet-5", "zoo network")
	d := nn.DefaultTrainSettings("lenet-5")
	epochs := fs.Int("epochs", 0, "epochs (0 = model default)")
	lr := fs.Float64("lr", 0, "peak learning rate (0 = model default)")
	mom := fs.Float64("momentum", -1, "momentum (-1 = model default)")
	wd := fs.Float64("weight-decay", -1, "weight decay (-1 = model default)")
	batch := fs.Int("batch", 0, "batch size (0 = model default)")
	sched := fs.String("schedule", "", "cosine|step|constant (empty = model default)")
	seed := fs.Int64("seed", d.Seed, "seed for initialisation and shuffling")
	workers := fs.Int("workers", 0, "goroutines (0 = all CPUs)")
	data := fs.String("data", "", "MNIST directory")
	out := fs.String("out", "", "model file to write")
	evalEach := fs.Bool("eval-each", false, "print test accuracy after every epoch")
	if err := fs.Parse(args); err != nil {
		return err
	}
	arch, err := nn.Zoo(*model)
	if err != nil {
		return err
	}
	s := nn.DefaultTrainSettings(arch.Name)
	if *epochs != 0 {
		s.Epochs = *epochs
	}
	if *lr != 0 {
		s.LR = *lr
	}
	if *mom != -1 {
		s.Momentum = *mom
	}
	if *wd != -1 {
		s.WeightDecay = *wd
	}
	if *batch != 0 {
		s.BatchSize = *batch
	}
	if *sched != "" {
		s.Schedule = *sched
	}
	s.Seed, s.Workers, s.Progress = *seed, *workers, stderr
	dir, err := nn.MNISTDir(*data)
	if err != nil {
		return err
	}
	train, test, err := nn.LoadMNIST(dir)
	if err != nil {
		return err
	}
	m, err := nn.NewModel(arch, *seed)
	if err != nil {
		return err
	}
	if *evalEach {
		s.OnEpoch = func(ep int, loss float64) {
			acc, tl := nn.Evaluate(m, test)
			fmt.Fprintf(stderr, "epoch %d: test accuracy %.4f, test loss %.4f\n", ep, acc, tl)
		}
	}
	st, err := nn.Train(m, train, s)
	if err != nil {
		return err
	}
	acc, loss := nn.Evaluate(m, test)
	fmt.Fprintf(stdout, "model %s epochs %d lr %g momentum %g weight_decay %g batch %d schedule %s: test accuracy %.4f, test loss %.4f, %.2f s/epoch (training only)\n",
		arch.Name, s.Epochs, s.LR, s.Momentum, s.WeightDecay, s.BatchSize, s.Schedule, acc, loss, st.EpochSeconds)
	if *out != "" {
		meta := map[string]string{"seed": strconv.FormatInt(*seed, 10), "epochs": strconv.Itoa(s.Epochs),
			"test_accuracy": strconv.FormatFloat(acc, 'f', 4, 64), "lr": strconv.FormatFloat(s.LR, 'g', -1, 64),
			"schedule": s.Schedule}
		return nn.SaveModel(*out, m, meta)
	}
	return nil
}
