package cli

import (
	"fmt"
	"io"
	"math"
	"strconv"

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
	cmd.Flags().StringVar(&d.dir, "data", "", "MNIST directory (default: $DCSIM_MNIST, else the GoMNIST module's data/)")
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
// format: relative indices of 8 bits for conv and 5 for FC layers by
// default).
type storageFlags struct {
	s clustering.StorageSettings
}

func (f *storageFlags) add(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&f.s.Huffman, "huffman", false, "also report the Huffman-coded storage")
	cmd.Flags().IntVar(&f.s.RelBitsConv, "rel-bits-conv", clustering.DefaultRelBitsConv, "relative-index bits of sparse conv layers")
	cmd.Flags().IntVar(&f.s.RelBitsFC, "rel-bits-fc", clustering.DefaultRelBitsFC, "relative-index bits of sparse FC layers")
	cmd.Flags().BoolVar(&f.s.AutoRelBits, "auto-rel-bits", false, "choose each layer's relative-index width to minimise its storage (width stored per layer)")
}

func (f *storageFlags) check() error {
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

// epochBar returns an OnEpoch callback that advances a progress bar on a
// terminal, or logs one line per epoch to stderr otherwise (for JSON
// output, stderr keeps the logs and stdout the document).
func (e *env) epochBar(label string, epochs int) func(int, float64) {
	if !e.interactive() {
		return func(ep int, loss float64) {
			fmt.Fprintf(e.stderr, "%s: epoch %d/%d loss %.4f\n", label, ep, epochs, loss)
		}
	}
	bar := progressbar.NewOptions(epochs, progressbar.OptionSetWriter(e.stderr),
		progressbar.OptionSetDescription(label), progressbar.OptionShowCount(),
		progressbar.OptionClearOnFinish())
	return func(ep int, loss float64) {
		bar.Describe(fmt.Sprintf("%s loss %.4f", label, loss))
		_ = bar.Set(ep)
		if ep == epochs {
			_ = bar.Finish()
		}
	}
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

// saveModelMeta writes a model file atomically, mapping failures to
// internal errors.
func saveModelMeta(path string, m *nn.Model, meta map[string]string) error {
	save := nn.SaveModel
	if isONNX(path) {
		save = onnx.SaveModel
	}
	if err := save(path, m, meta); err != nil {
		return internal(err)
	}
	return nil
}
