package cli

import (
	"cmp"
	"fmt"
	"io"
	"strconv"

	"github.com/dcsim/dcsim/clustering"
	"github.com/dcsim/dcsim/network"
	"github.com/dcsim/dcsim/nn"
	"github.com/spf13/cobra"
)

func init() {
	register(newTrain)
	register(newEval)
}

type trainFlags struct {
	model    string
	out      string
	evalEach bool
	settings nn.TrainSettings
	data     dataFlags
	output   outputFlags
}

func newTrain(e *env) *cobra.Command {
	f := &trainFlags{}
	cmd := &cobra.Command{
		Use:   "train",
		Short: "Train a zoo network on MNIST",
		Long: `train trains LeNet-300-100 or LeNet-5 on MNIST with SGD (momentum, weight decay,
learning-rate schedule, seeded shuffling) and writes the model as .npz.
Flags left unset take the per-model defaults that reach the documented
accuracy (docs/results.md).`,
		Example: `  dcsim train --model lenet-5 --seed 1 --out out/lenet5.npz
  dcsim train --model lenet-300-100 --epochs 2 --train-limit 5000 --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runTrain(e, cmd, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.model, "model", "lenet-5", "network: lenet-300-100 or lenet-5")
	fl.StringVar(&f.out, "out", "", "write the trained model to this .npz or .onnx file")
	fl.IntVar(&f.settings.Epochs, "epochs", 0, "epochs (default: per model)")
	fl.IntVar(&f.settings.BatchSize, "batch", 0, "mini-batch size (default: per model)")
	fl.Float64Var(&f.settings.LR, "lr", 0, "peak learning rate (default: per model)")
	fl.Float64Var(&f.settings.Momentum, "momentum", 0, "momentum (default: per model)")
	fl.Float64Var(&f.settings.WeightDecay, "weight-decay", 0, "L2 weight decay (default: per model)")
	fl.StringVar(&f.settings.Schedule, "schedule", "", "learning-rate schedule: cosine, step or constant (default: per model)")
	fl.Int64Var(&f.settings.Seed, "seed", 1, "seed for initialisation and shuffling")
	fl.BoolVar(&f.evalEach, "eval-each", false, "evaluate the test set after every epoch (stderr, and epoch_test_accuracy in JSON)")
	f.data.add(cmd)
	f.output.add(cmd, "")
	return cmd
}

// trainSettings merges the flags the user set over the model's defaults.
func (f *trainFlags) trainSettings(cmd *cobra.Command) nn.TrainSettings {
	s := nn.DefaultTrainSettings(f.model)
	set := func(name string) bool { return cmd.Flags().Changed(name) }
	if set("epochs") {
		s.Epochs = f.settings.Epochs
	}
	if set("batch") {
		s.BatchSize = f.settings.BatchSize
	}
	if set("lr") {
		s.LR = f.settings.LR
	}
	// An explicit 0 turns momentum or decay off (in TrainSettings 0
	// means the default).
	if set("momentum") {
		s.Momentum = cmp.Or(f.settings.Momentum, nn.None)
	}
	if set("weight-decay") {
		s.WeightDecay = cmp.Or(f.settings.WeightDecay, nn.None)
	}
	if set("schedule") {
		s.Schedule = f.settings.Schedule
	}
	s.Seed = f.settings.Seed
	s.Workers = f.data.workers
	return s
}

// checkTrain rejects nonsense hyper-parameters before any data is read:
// nn's one check, its field names mapped to flags. The flags start from
// the model's defaults, so a 0 left in epochs, batch or lr was given.
func checkTrain(s nn.TrainSettings) error {
	switch {
	case s.Epochs <= 0:
		return fmt.Errorf("--epochs: must be > 0, got %d", s.Epochs)
	case s.BatchSize <= 0:
		return fmt.Errorf("--batch: must be > 0, got %d", s.BatchSize)
	case !(s.LR > 0):
		return fmt.Errorf("--lr: must be > 0, got %g", s.LR)
	}
	if err := s.Validate(); err != nil {
		return flagError(err, trainFields)
	}
	return nil
}

func runTrain(e *env, cmd *cobra.Command, f *trainFlags) error {
	format, err := f.output.parse()
	if err != nil {
		return err
	}
	if f.model != "lenet-300-100" && f.model != "lenet-5" {
		return fmt.Errorf("--model: %q cannot be trained on MNIST (valid: lenet-300-100, lenet-5)", f.model)
	}
	s := f.trainSettings(cmd)
	if err := checkTrain(s); err != nil {
		return err
	}
	if err := f.data.check(); err != nil {
		return err
	}
	if err := checkOut("--out", f.out); err != nil {
		return err
	}
	arch, err := network.Zoo(f.model)
	if err != nil {
		return err
	}
	train, test, err := f.data.load()
	if err != nil {
		return err
	}
	m, err := nn.NewModel(arch, f.settings.Seed)
	if err != nil {
		return internal(err)
	}
	e.work()
	bar := e.stepBar("train " + f.model)
	s.Progress = bar.progress()
	var perEpoch []float64
	var evalErr error
	if f.evalEach {
		out := io.Writer(e.stderr)
		if bar != nil {
			out = bar
		}
		s.OnEpoch = func(ep int, loss float64) {
			acc, _, err := f.data.evaluate(m, test)
			if err != nil && evalErr == nil {
				evalErr = err
			}
			perEpoch = append(perEpoch, acc)
			fmt.Fprintf(out, "epoch %d: loss %.4f, test accuracy %.2f%%\n", ep, loss, 100*acc)
		}
	}
	// Train fails only on its settings or data, or when the chosen
	// learning rate makes it diverge: bad input.
	stats, err := nn.Train(m, train, s)
	bar.finish()
	if err == nil {
		err = evalErr
	}
	if err != nil {
		return input(err)
	}
	acc, loss, err := f.data.evaluate(m, test)
	if err != nil {
		return input(err)
	}
	// Storage counted as dcsim cluster and codesign count it.
	sum, err := summarize(m, acc, loss, clustering.StorageSettings{AutoRelBits: true})
	if err != nil {
		return internal(err)
	}
	sum.Extra = map[string]any{"epochs": stats.Epochs, "seconds_per_epoch": stats.EpochSeconds,
		"final_train_loss": stats.FinalLoss, "seed": s.Seed, "lr": s.LR, "batch": s.BatchSize,
		"momentum": max(s.Momentum, 0), "weight_decay": max(s.WeightDecay, 0), "schedule": s.Schedule,
		"train_images": train.N, "test_images": test.N}
	if f.evalEach {
		sum.Extra["epoch_test_accuracy"] = perEpoch
	}
	if f.out != "" {
		meta := map[string]string{"seed": strconv.FormatInt(s.Seed, 10), "epochs": strconv.Itoa(s.Epochs),
			"test_accuracy": strconv.FormatFloat(acc, 'f', 4, 64), "command": "train"}
		nn.MNISTNormalization.SetMeta(meta)
		if err := saveModelMeta(f.out, m, meta); err != nil {
			return err
		}
	} else {
		e.notSaved("train")
	}
	fmt.Fprintf(e.stderr, "trained %s: %d epochs, %.2f s/epoch, test accuracy %.2f%%\n",
		f.model, stats.Epochs, stats.EpochSeconds, 100*acc)
	return e.printSummary(format, sum)
}

type evalFlags struct {
	in      string
	storage storageFlags
	data    dataFlags
	output  outputFlags
}

func newEval(e *env) *cobra.Command {
	f := &evalFlags{}
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "Test accuracy and size of a model file",
		Long: `eval loads a dcsim model file (.npz: weights, and masks and codebooks when the
model was pruned or clustered), scores it on the MNIST test set, and prints per
layer its weights, non-zeros, density, codebook size and index bits, MACs and
storage, with the compression ratio against 32-bit dense storage (Deep
Compression's format: values or indices, relative sparse indices of
--rel-bits-conv/--rel-bits-fc bits, codebooks and biases; --huffman adds the
Huffman-coded size). The test images are normalised as the file's meta
records (input_scale, input_mean, input_std; docs/model-format.md).`,
		Example: "  dcsim eval --in out/lenet5.npz --huffman",
		Args:    cobra.NoArgs,
		RunE:    func(cmd *cobra.Command, _ []string) error { return runEval(e, f) },
	}
	cmd.Flags().StringVar(&f.in, "in", "", "model file (.npz or .onnx)")
	f.storage.add(cmd)
	f.data.add(cmd)
	f.output.add(cmd, "")
	return cmd
}

func runEval(e *env, f *evalFlags) error {
	format, err := f.output.parse()
	if err != nil {
		return err
	}
	if err := f.data.check(); err != nil {
		return err
	}
	if err := f.storage.check(); err != nil {
		return err
	}
	m, meta, err := loadModel(f.in)
	if err != nil {
		return err
	}
	_, test, _, err := f.data.loadFor(e, "eval", f.in, meta)
	if err != nil {
		return err
	}
	e.work()
	acc, loss, err := f.data.evaluate(m, test)
	if err != nil {
		return input(err)
	}
	sum, err := summarize(m, acc, loss, f.storage.s)
	if err != nil {
		return internal(err)
	}
	return e.printSummary(format, sum)
}
