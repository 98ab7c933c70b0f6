package cli

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/dcsim/dcsim/clustering"
	"github.com/dcsim/dcsim/nn"
	"github.com/dcsim/dcsim/onnx"
	"github.com/dcsim/dcsim/reports"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
)

// dataFlags are the flags of every command that reads MNIST.
type dataFlags struct {
	dir        string
	trainLimit int
	testLimit  int
	workers    int
}

func (d *dataFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&d.dir, "data", "", "MNIST directory (default: $DCSIM_MNIST, else GoMNIST's data/ in the Go module cache)")
	cmd.Flags().IntVar(&d.trainLimit, "train-limit", 0, "use only the first N training images (0 = all 60000)")
	cmd.Flags().IntVar(&d.testLimit, "test-limit", 0, "use only the first N test images (0 = all 10000)")
	cmd.Flags().IntVar(&d.workers, "workers", 0, "goroutines for training and evaluation (0 = all CPUs)")
}

func (d *dataFlags) check() error {
	switch {
	case d.trainLimit < 0:
		return fmt.Errorf("--train-limit: must be ≥ 0, got %d", d.trainLimit)
	case d.testLimit < 0:
		return fmt.Errorf("--test-limit: must be ≥ 0, got %d", d.testLimit)
	case d.workers < 0:
		return fmt.Errorf("--workers: must be ≥ 0, got %d", d.workers)
	}
	return nil
}

// load reads MNIST (after the flags were checked).
func (d *dataFlags) load() (train, test *nn.Dataset, err error) {
	dir, err := nn.MNISTDir(d.dir)
	if err != nil {
		return nil, nil, err
	}
	train, test, err = nn.LoadMNIST(dir)
	if err != nil {
		return nil, nil, err
	}
	return train.Subset(d.trainLimit), test.Subset(d.testLimit), nil
}

// evaluate returns test accuracy and loss, reporting failures as errors.
func (d *dataFlags) evaluate(m *nn.Model, test *nn.Dataset) (acc, loss float64, err error) {
	acc, loss, err = nn.EvaluateErr(m, test, d.workers)
	if err != nil {
		return 0, 0, fmt.Errorf("evaluate: %w", err)
	}
	return acc, loss, nil
}

// summarize builds the model summary of INTERFACES.md: sizes from the
// model's masks and codebooks, storage from clustering.Storage (Deep
// Compression's format), test accuracy as given. nonzero_params counts the
// surviving weights plus all biases (biases are never pruned).
func summarize(m *nn.Model, acc, loss float64, ss clustering.StorageSettings) (reports.ModelSummary, error) {
	st, err := clustering.Storage(m, ss)
	if err != nil {
		return reports.ModelSummary{}, err
	}
	s := reports.ModelSummary{Model: m.Arch.Name, TestAccuracy: acc, TestLoss: loss,
		StorageBits: st.Bits, CompressionRatio: st.CompressionRatio,
		HuffmanBits: st.HuffmanBits, HuffmanRatio: st.HuffmanRatio}
	bits := map[string]int64{}
	for _, l := range st.Layers {
		bits[l.Layer] = l.Total
	}
	for _, p := range m.Params() {
		w, nz, b := int64(len(p.W)), int64(p.Nonzero()), int64(len(p.Bias))
		l := reports.ModelLayer{Name: p.Layer, Kind: string(p.Kind), Weights: w, Nonzero: nz,
			Density: float64(nz) / float64(w), MACs: m.MACs(p.Layer), NonzeroMACs: m.NonzeroMACs(p.Layer),
			StorageBits: bits[p.Layer]}
		if k := len(p.Codebook); k > 0 {
			l.Clusters, l.IndexBits = k, clustering.IndexBits(k)
		}
		s.Params += w + b
		s.NonzeroParams += nz + b
		s.MACs += l.MACs
		s.NonzeroMACs += l.NonzeroMACs
		s.Layers = append(s.Layers, l)
	}
	return s, nil
}

// storageFlags choose how model storage is counted (Deep Compression's
// format; by default each sparse layer's relative-index width and entry
// order are chosen to minimise its bits, --rel-bits-conv/--rel-bits-fc fix
// them, Deep Compression's are 8 and 5).
type storageFlags struct {
	s   clustering.StorageSettings
	cmd *cobra.Command
}

func (f *storageFlags) add(cmd *cobra.Command) {
	f.cmd = cmd
	cmd.Flags().BoolVar(&f.s.Huffman, "huffman", false, "also report the Huffman-coded storage")
	cmd.Flags().IntVar(&f.s.RelBitsConv, "rel-bits-conv", clustering.DefaultRelBitsConv, "relative-index bits of sparse conv layers")
	cmd.Flags().IntVar(&f.s.RelBitsFC, "rel-bits-fc", clustering.DefaultRelBitsFC, "relative-index bits of sparse FC layers")
	cmd.Flags().BoolVar(&f.s.AutoRelBits, "auto-rel-bits", true, "choose each layer's relative-index width, entry order and skipping of empty rows/columns to minimise its storage (stored per layer); --rel-bits-conv/--rel-bits-fc turn it off unless it is given")
}

func (f *storageFlags) check() error {
	if f.cmd != nil && !f.cmd.Flags().Changed("auto-rel-bits") &&
		(f.cmd.Flags().Changed("rel-bits-conv") || f.cmd.Flags().Changed("rel-bits-fc")) {
		f.s.AutoRelBits = false // fixed widths asked for
	}
	for _, b := range []struct {
		flag string
		v    int
	}{{"rel-bits-conv", f.s.RelBitsConv}, {"rel-bits-fc", f.s.RelBitsFC}} {
		if b.v < 1 || b.v > 16 {
			return fmt.Errorf("--%s: must be in 1–16, got %d", b.flag, b.v)
		}
	}
	return nil
}

// printSummary renders a model summary (plus extra tables) in format f.
func (e *env) printSummary(f reports.Format, s reports.ModelSummary, extra ...reports.Table) error {
	return e.emit(f, s, append([]reports.Table{reports.ModelTable(s)}, extra...)...)
}

// stepBar returns, when stderr is a terminal, a progress bar that nn.Train
// advances once per mini-batch (count, rate and time left) and describes
// with the epoch and loss; lines written to it (pruning rounds) are printed
// above the bar. Off a terminal it returns nil: nothing is printed per step
// or epoch, only the one line each stage writes when it ends.
func (e *env) stepBar(label string) *stageBar {
	if !e.interactive() {
		return nil
	}
	bar := progressbar.NewOptions(-1, progressbar.OptionSetWriter(e.stderr),
		progressbar.OptionSetDescription(label), progressbar.OptionShowCount(),
		progressbar.OptionShowIts(), progressbar.OptionSetItsString("batches"),
		progressbar.OptionSetPredictTime(true), progressbar.OptionSetElapsedTime(true),
		progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
	return &stageBar{bar: bar, label: label, w: e.stderr}
}

// stageBar is the progress bar of one command; it implements the interface
// nn.Train drives (ChangeMax, Add, Describe) and io.Writer for log lines.
type stageBar struct {
	bar   *progressbar.ProgressBar
	label string
	w     io.Writer
}

// ChangeMax starts a new training run of n steps: the count restarts.
func (b *stageBar) ChangeMax(n int) {
	b.bar.Reset()
	b.bar.ChangeMax(n)
	b.bar.Describe(b.label)
}

func (b *stageBar) Add(n int) error { return b.bar.Add(n) }

func (b *stageBar) Describe(s string) { b.bar.Describe(b.label + ": " + s) }

// Write prints p above the bar.
func (b *stageBar) Write(p []byte) (int, error) {
	_ = b.bar.Clear()
	return b.w.Write(p)
}

// finish removes the bar from the terminal.
func (b *stageBar) finish() {
	if b != nil {
		_ = b.bar.Finish()
	}
}

// progress returns b as nn.TrainSettings.Progress: nil stays a nil
// interface, so Train prints nothing.
func (b *stageBar) progress() io.Writer {
	if b == nil {
		return nil
	}
	return b
}

// notSaved tells the user that a command which produces a model kept it
// in memory only.
func (e *env) notSaved(cmd string) {
	fmt.Fprintf(e.stderr, "dcsim %s: no --out given, so the model was not saved\n", cmd)
}

// progressWriter is where per-round progress lines of long commands go.
func (e *env) progressWriter() io.Writer { return e.stderr }

// checkUnit rejects a fraction outside (0,1].
func checkUnit(flag string, v float64) error {
	if !(v > 0 && v <= 1) || math.IsNaN(v) {
		return fmt.Errorf("--%s: must be in (0,1], got %s", flag, strconv.FormatFloat(v, 'g', -1, 64))
	}
	return nil
}

// loadModel reads a model file and checks it is one of the trainable zoo
// architectures.
func loadModel(path string) (*nn.Model, map[string]string, error) {
	if path == "" {
		return nil, nil, fmt.Errorf("--in: a model file is required")
	}
	if isONNX(path) {
		return onnxModel(path)
	}
	return nn.LoadModel(path)
}

// loadFor reads MNIST normalised as the model file's meta says its weights
// expect (nn.NormalizationOf: dcsim's MNIST normalisation when the file does
// not say), and says so on stderr when that is not dcsim's default.
func (d *dataFlags) loadFor(e *env, cmd, path string, meta map[string]string) (train, test *nn.Dataset, norm nn.Normalization, err error) {
	norm, err = nn.NormalizationOf(meta)
	if err != nil {
		return nil, nil, norm, fmt.Errorf("%s: %w", path, err)
	}
	if train, test, err = d.load(); err != nil {
		return nil, nil, norm, err
	}
	if norm != nn.MNISTNormalization {
		fmt.Fprintf(e.stderr, "dcsim %s: inputs normalised as %s, as %s records\n", cmd, norm, path)
		train = train.Renormalize(nn.MNISTNormalization, norm)
		test = test.Renormalize(nn.MNISTNormalization, norm)
	}
	return train, test, norm, nil
}

// saveModelMeta writes a model file atomically; a failure is an
// *fs.PathError naming path (exit status 2).
func saveModelMeta(path string, m *nn.Model, meta map[string]string) error {
	save := nn.SaveModel
	if isONNX(path) {
		save = onnx.SaveModel
	}
	return save(path, m, meta)
}

// explicitZero rejects a flag given as 0 where the zero value stands for a
// default: "--max-bits 0" must not silently mean 5.
func explicitZero(cmd *cobra.Command, what string, flags ...string) error {
	for _, name := range flags {
		if fl := cmd.Flags().Lookup(name); fl != nil && fl.Changed {
			if v, err := strconv.ParseFloat(fl.Value.String(), 64); err == nil && v == 0 {
				return fmt.Errorf("--%s: %s, got 0", name, what)
			}
		}
	}
	return nil
}
