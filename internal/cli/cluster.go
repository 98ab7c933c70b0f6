package cli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/dcsim/dcsim/clustering"
	"github.com/dcsim/dcsim/nn"
	"github.com/dcsim/dcsim/reports"
	"github.com/spf13/cobra"
)

func init() { register(newCluster) }

type clusterFlags struct {
	in, out        string
	s              clustering.ModelSettings
	finetuneEpochs int
	lr             float64
	storage        storageFlags
	data           dataFlags
	output         outputFlags
}

func newCluster(e *env) *cobra.Command {
	f := &clusterFlags{}
	cmd := &cobra.Command{
		Use:   "cluster",
		Short: "Adaptive weight sharing: per-layer codebooks",
		Long: `cluster replaces each layer's surviving weights by a codebook of k shared
values and per-weight indices of ceil(log2 k) bits. The default method,
birch-kmeans, finds k by itself from a BIRCH CF-tree summary; kmeans, linear,
random, density and exact take a fixed --k. Pruned weights stay zero.
--finetune-epochs trains the centroids (the gradient of a shared weight is the
sum of its members' gradients). Reports storage and compression ratio.`,
		Example: `  dcsim cluster --in out/lenet5-p4.npz --finetune-epochs 2 --out out/lenet5-c.npz --huffman
  dcsim cluster --in out/lenet5-p4.npz --method linear --k 16`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// 0 is "default" only when the flag is not given.
			if err := explicitZero(cmd, "must be in 1–16", "max-bits", "conv-max-bits", "fc-max-bits"); err != nil {
				return err
			}
			if err := explicitZero(cmd, "must be > 0 (leave it out for the default)", "lr"); err != nil {
				return err
			}
			return runCluster(e, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.in, "in", "", "model file (.npz or .onnx), usually pruned")
	fl.StringVar(&f.out, "out", "", "write the clustered model (codebooks and indices) to this .npz or .onnx file")
	fl.StringVar(&f.s.Method, "method", "birch-kmeans", "clustering method: "+strings.Join(clustering.Methods(), ", "))
	fl.IntVar(&f.s.Settings.K, "k", 0, "clusters per layer (0 = adaptive, birch-kmeans only)")
	fl.IntVar(&f.s.MaxBits, "max-bits", 0, "cap on index bits per layer (default 5)")
	fl.IntVar(&f.s.ConvMaxBits, "conv-max-bits", 0, "cap on index bits for conv layers (default --max-bits)")
	fl.IntVar(&f.s.FCMaxBits, "fc-max-bits", 0, "cap on index bits for FC layers (default --max-bits)")
	fl.Float64Var(&f.s.Distortion, "distortion", 0, "adaptive rule: smallest k with RMS error ≤ distortion·σ of the layer")
	fl.IntVar(&f.finetuneEpochs, "finetune-epochs", clustering.DefaultFinetuneEpochs, "epochs of centroid fine-tuning (0 = none)")
	fl.Float64Var(&f.lr, "lr", 0, "fine-tuning learning rate (default 0.1 × the dense rate)")
	f.storage.add(cmd)
	fl.Int64Var(&f.s.Seed, "seed", 1, "seed for K-Means++ and fine-tuning shuffles")
	f.data.add(cmd)
	f.output.add(cmd, "")
	return cmd
}

func (f *clusterFlags) check() error {
	switch {
	case f.finetuneEpochs < 0:
		return fmt.Errorf("--finetune-epochs: must be ≥ 0, got %d", f.finetuneEpochs)
	case f.lr < 0:
		return fmt.Errorf("--lr: must be ≥ 0, got %g", f.lr)
	}
	if err := f.s.Validate(); err != nil {
		return flagError(err, clusterFields)
	}
	if err := f.storage.check(); err != nil {
		return err
	}
	return f.data.check()
}

func runCluster(e *env, f *clusterFlags) error {
	format, err := f.output.parse()
	if err != nil {
		return err
	}
	if err := f.check(); err != nil {
		return err
	}
	if err := checkOut("--out", f.out); err != nil {
		return err
	}
	m, meta, err := loadModel(f.in)
	if err != nil {
		return err
	}
	train, test, norm, err := f.data.loadFor(e, "cluster", f.in, meta)
	if err != nil {
		return err
	}
	e.work()
	// Evaluation, clustering and fine-tuning fail on the model or the
	// settings given (k above a layer's distinct weights, a learning rate
	// that diverges): bad input.
	before, _, err := f.data.evaluate(m, test)
	if err != nil {
		return input(err)
	}
	rep, err := clustering.ClusterModel(m, f.s)
	if err != nil {
		return input(err)
	}
	clustered, _, err := f.data.evaluate(m, test)
	if err != nil {
		return input(err)
	}
	acc := clustered
	if f.finetuneEpochs > 0 {
		if acc, err = f.finetune(e, m, train, test); err != nil {
			return input(err)
		}
	}
	sum, err := summarize(m, acc, 0, f.storage.s)
	if err != nil {
		return internal(err)
	}
	sum.Extra = map[string]any{"accuracy_before_clustering": before, "accuracy_after_clustering": clustered,
		"finetune_epochs": f.finetuneEpochs, "method": f.s.Method,
		"sse": rep.SSE, "cluster_seconds": rep.Duration.Seconds()}
	if f.finetuneEpochs > 0 {
		sum.Extra["accuracy_after_finetune"] = acc
	}
	if f.out != "" {
		if meta == nil {
			meta = map[string]string{}
		}
		meta["command"] = "cluster"
		norm.SetMeta(meta)
		meta["cluster_method"] = f.s.Method
		meta["finetune_epochs"] = strconv.Itoa(f.finetuneEpochs)
		meta["test_accuracy"] = strconv.FormatFloat(acc, 'f', 4, 64)
		if err := saveModelMeta(f.out, m, meta); err != nil {
			return err
		}
	} else {
		e.notSaved("cluster")
	}
	return e.printSummary(format, sum, clusterTable(rep, before, clustered, acc, f.finetuneEpochs))
}

// finetune trains the centroids with indices and masks fixed.
func (f *clusterFlags) finetune(e *env, m *nn.Model, train, test *nn.Dataset) (float64, error) {
	s := nn.DefaultTrainSettings(m.Arch.Name)
	s.Epochs = f.finetuneEpochs
	s.LR = f.lr
	if s.LR == 0 {
		s.LR = nn.DefaultTrainSettings(m.Arch.Name).LR * clustering.DefaultFinetuneLRScale
	}
	s.FinetuneCodebook = true
	s.Seed = f.s.Seed
	s.Workers = f.data.workers
	bar := e.stepBar("fine-tune centroids")
	s.Progress = bar.progress()
	_, err := nn.Train(m, train, s)
	bar.finish()
	if err != nil {
		return 0, err
	}
	clustering.RoundModelHalf(m) // centroids and biases back to half precision
	acc, _, err := f.data.evaluate(m, test)
	if err == nil {
		fmt.Fprintf(e.stderr, "fine-tuned centroids: %d epochs, test accuracy %.2f%%\n", s.Epochs, 100*acc)
	}
	return acc, err
}

// clusterTable lists per-layer k, index bits and distortion.
func clusterTable(r clustering.ModelReport, before, after, tuned float64, epochs int) reports.Table {
	t := reports.Table{Title: "codebooks", Left: 2,
		Header: []string{"layer", "kind", "weights", "clustered", "k", "index bits", "SSE", "iterations"}}
	for _, l := range r.Layers {
		t.Rows = append(t.Rows, []string{l.Layer, string(l.Kind), strconv.Itoa(l.Weights), strconv.Itoa(l.Nonzero),
			strconv.Itoa(l.K), strconv.Itoa(l.IndexBits), strconv.FormatFloat(l.Stats.SSE, 'g', 4, 64),
			strconv.Itoa(l.Stats.Iterations)})
	}
	note := fmt.Sprintf("test accuracy: %.2f%% before clustering, %.2f%% after", 100*before, 100*after)
	if epochs > 0 {
		note += fmt.Sprintf(", %.2f%% after %d epochs of centroid fine-tuning", 100*tuned, epochs)
	} else {
		note += " (no fine-tuning: --finetune-epochs 0)"
	}
	t.Notes = []string{note}
	return t
}
