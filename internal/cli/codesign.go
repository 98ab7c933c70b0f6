package cli

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/dcsim/dcsim/internal/workload"

	"github.com/dcsim/dcsim/internal/codesign"
	"github.com/dcsim/dcsim/nn"
	"github.com/dcsim/dcsim/pruning"
	"github.com/dcsim/dcsim/reports"
	"github.com/dcsim/dcsim/sim"
	"github.com/spf13/cobra"
)

func init() { register(newCodesign) }

// Default candidate grids of dcsim codesign.
const (
	defaultConvKeeps = "0.02,0.03,0.05,0.1,0.2,0.3,0.5,1"
	defaultFCKeeps   = "0.02,0.04,0.06,0.08,0.1,0.15"
	// defaultSaliencyImages: the candidate masks rank weights by saliency
	// summed over this many training images (one gradient pass).
	defaultSaliencyImages = 10000
	// defaultCodesignImages: test images run through every candidate to
	// measure its activation sparsity (fewer than simulate's default: every
	// candidate is measured).
	defaultCodesignImages = 20
)

type codesignFlags struct {
	in, accel         string
	convKeep, fcKeep  string
	globalKeep        string
	bits              []string
	maxDrop           float64
	s                 codesign.Settings
	rounds, retrainEp int
	finalEp           int
	confirm           int
	lr                float64
	images            int
	actData           *nn.Dataset // the images activations are measured on, once loaded
	data              dataFlags
	output            outputFlags
}

func newCodesign(e *env) *cobra.Command {
	f := &codesignFlags{}
	cmd := &cobra.Command{
		Use:   "codesign",
		Short: "Simulator-guided conv/FC-separated pruning with a Pareto table",
		Long: `codesign enumerates pruning candidates (conv keep × FC keep, optionally × codebook
bits, and with --search walk per-layer moves), derives each one's masks from one
saliency pass over the trained model, simulates it on the accelerator with those
exact masks and measured activations, and estimates its accuracy with a short
masked fine-tune (the proxy) measured on test images held out for the choice.
A candidate is admissible when it keeps at least --min-keep of the weights, its
proxy accuracy is within --max-drop of global-threshold pruning with as many
weights (the --global-keep ladder), and it meets every budget given (budgets
combine: all must hold); the one with the lowest --objective is chosen. It is then
retrained and clustered for real, next to global-threshold pruning at the same
number of kept weights, and all are measured on the test images not held out.
A budget no candidate meets is an error naming the closest candidate.`,
		Example: `  dcsim codesign --in out/lenet5.npz --accel configs/accelerators/eie.yaml
  dcsim codesign --in out/lenet5.npz --accel configs/accelerators/eie.yaml --max-latency-us 20 \
      --conv-keep 0.1,0.2,0.3 --fc-keep 0.02,0.05 --bits conv=8,fc=5 \
      --format json --out codesign.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runCodesign(e, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.in, "in", "", "trained model (.npz or .onnx)")
	fl.StringVar(&f.accel, "accel", "", "accelerator YAML or built-in name (scnn, scnn-eie, eie, ...) (default: systolic-32x32)")
	fl.Float64Var(&f.s.Budget.MaxLatencyUS, "max-latency-us", 0, "latency budget in µs (0 = none)")
	fl.Float64Var(&f.s.Budget.MaxEnergyUJ, "max-energy-uj", 0, "energy budget in µJ per inference (0 = none)")
	fl.Int64Var(&f.s.Budget.MaxParams, "max-params", 0, "parameter budget: kept weights + biases (0 = none)")
	fl.StringVar(&f.convKeep, "conv-keep", defaultConvKeeps, "conv keep fractions of the grid, comma-separated, each in (0,1]")
	fl.StringVar(&f.fcKeep, "fc-keep", defaultFCKeeps, "FC keep fractions of the grid, comma-separated, each in (0,1]")
	fl.StringVar(&f.globalKeep, "global-keep", joinFloats(codesign.DefaultGlobalKeeps),
		"keep fractions of the global-threshold ladder every candidate's accuracy is measured against")
	fl.Float64Var(&f.s.MinKeep, "min-keep", codesign.DefaultMinKeep, "fewest weights a chosen candidate keeps, as a fraction of all")
	fl.StringArrayVar(&f.bits, "bits", nil, "codebook index bits per kind, e.g. conv=8,fc=5; repeat for a grid")
	fl.StringVar(&f.s.Objective, "objective", codesign.Latency, "minimised among admissible candidates: "+strings.Join(codesign.Objectives(), ", "))
	fl.Float64Var(&f.maxDrop, "max-drop", codesign.DefaultMaxDrop,
		"proxy accuracy a candidate may lose against global-threshold pruning of its size (fraction)")
	fl.StringVar(&f.s.Search, "search", codesign.Walk, "search strategy: "+strings.Join(codesign.Searches(), ", "))
	fl.IntVar(&f.s.ProxyTrainImages, "proxy-images", codesign.DefaultProxyTrainImages, "training images of each candidate's proxy fine-tune")
	fl.IntVar(&f.s.ValImages, "val-images", codesign.DefaultValImages,
		"test images (the first N, at most half) held out to choose; the rest measure the comparison")
	fl.IntVar(&f.s.WalkSteps, "walk-steps", codesign.DefaultWalkSteps, "with --search walk: most steps of the per-layer walk")
	fl.IntVar(&f.s.SaliencyImages, "saliency-images", defaultSaliencyImages, "training images of the saliency pass that sets the candidate masks (0 = all)")
	fl.IntVar(&f.confirm, "confirm", codesign.DefaultConfirm,
		"candidates faster than the proxy's choice retrained for real to confirm one (0 = none)")
	fl.IntVar(&f.s.ValidateProxy, "validate-proxy", 0, "retrain N candidates for real and report the proxy's Spearman rank correlation")
	fl.IntVar(&f.rounds, "rounds", codesign.DefaultRounds, "prune/retrain rounds of the real retraining")
	fl.IntVar(&f.retrainEp, "retrain-epochs", codesign.DefaultRetrainEpochs, "retraining epochs per round")
	fl.IntVar(&f.finalEp, "final-epochs", codesign.DefaultFinalEpochs, "fine-tuning epochs with frozen masks (0 = none)")
	fl.Float64Var(&f.lr, "lr", 0, "retraining learning rate (default "+strconv.FormatFloat(pruning.DefaultLRScale, 'g', -1, 64)+" × the dense rate)")
	fl.IntVar(&f.s.ClusterEpochs, "cluster-epochs", 1, "centroid fine-tuning epochs after clustering the chosen model")
	fl.BoolVar(&f.s.NoRetrain, "no-retrain", false, "skip the final comparison (no retraining of the chosen candidate and the baseline; --validate-proxy still runs)")
	fl.Int64Var(&f.s.Seed, "seed", 1, "seed for fine-tuning and retraining shuffles and clustering")
	fl.IntVar(&f.images, "images", defaultCodesignImages,
		"test images run through every candidate to measure its activation sparsity (0 = none)")
	f.data.add(cmd)
	f.output.add(cmd, "also write the output to this file (atomically)")
	return cmd
}

// parseKeeps parses a comma-separated list of keep fractions.
func parseKeeps(flag, text string) ([]float64, error) {
	var out []float64
	for _, part := range strings.Split(text, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		v, err := strconv.ParseFloat(part, 64)
		if err != nil {
			return nil, fmt.Errorf("--%s: %q is not a number", flag, part)
		}
		if err := checkUnit(flag, v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("--%s: the grid is empty (give one or more fractions in (0,1])", flag)
	}
	return out, nil
}

// settings turns the flags into codesign.Settings (before any work).
func (f *codesignFlags) settings() (codesign.Settings, error) {
	s := f.s
	var err error
	if s.ConvKeeps, err = parseKeeps("conv-keep", f.convKeep); err != nil {
		return s, err
	}
	if s.FCKeeps, err = parseKeeps("fc-keep", f.fcKeep); err != nil {
		return s, err
	}
	if s.GlobalKeeps, err = parseKeeps("global-keep", f.globalKeep); err != nil {
		return s, err
	}
	if !(f.s.MinKeep > 0 && f.s.MinKeep <= 1) {
		return s, fmt.Errorf("--min-keep: must be in (0,1], got %g", f.s.MinKeep)
	}
	for _, b := range f.bits {
		v, err := codesign.ParseBits(b)
		if err != nil {
			return s, flagError(err, codesignFields)
		}
		s.Bits = append(s.Bits, v)
	}
	switch {
	case f.lr < 0 || math.IsNaN(f.lr):
		return s, fmt.Errorf("--lr: must be ≥ 0 (0 = default), got %g", f.lr)
	case !(f.maxDrop >= 0 && f.maxDrop < 1):
		return s, fmt.Errorf("--max-drop: must be in [0,1), got %g", f.maxDrop)
	case f.maxDrop == 0:
		s.MaxDrop = math.SmallestNonzeroFloat64 // zero in Settings means the default
	default:
		s.MaxDrop = f.maxDrop
	}
	switch {
	case f.s.ValImages < 1:
		return s, fmt.Errorf("--val-images: must be ≥ 1, got %d", f.s.ValImages)
	case f.s.WalkSteps < 1:
		return s, fmt.Errorf("--walk-steps: must be ≥ 1, got %d", f.s.WalkSteps)
	case f.rounds < 1:
		return s, fmt.Errorf("--rounds: must be ≥ 1, got %d", f.rounds)
	case f.retrainEp < 1:
		return s, fmt.Errorf("--retrain-epochs: must be ≥ 1, got %d", f.retrainEp)
	case f.confirm < 0:
		return s, fmt.Errorf("--confirm: must be ≥ 0, got %d", f.confirm)
	case f.finalEp < 0:
		return s, fmt.Errorf("--final-epochs: must be ≥ 0, got %d", f.finalEp)
	case f.finalEp == 0:
		s.Prune.FinalEpochs = -1 // none
	default:
		s.Prune.FinalEpochs = f.finalEp
	}
	s.Prune.Rounds, s.Prune.RetrainEpochs, s.Prune.Train.LR = f.rounds, f.retrainEp, f.lr
	if s.Confirm = f.confirm; f.confirm == 0 {
		s.Confirm = -1 // none
	}
	s.Workers = f.data.workers
	if f.images < 0 {
		return s, fmt.Errorf("--images: must be ≥ 0, got %d", f.images)
	}
	s.Workloads = f.workloads
	if err := s.Validate(); err != nil {
		return s, flagError(err, codesignFields)
	}
	return s, f.data.check()
}

// workloads is codesign's Settings.Workloads: the candidate's own masks,
// and its activation masks measured on the first --images test images.
func (f *codesignFlags) workloads(m *nn.Model) ([]*sim.Workload, error) {
	w := workload.FromModel(m)
	if f.images == 0 {
		return []*sim.Workload{w}, nil
	}
	return imageWorkloads(m, w, f.actData, f.images)
}

func runCodesign(e *env, f *codesignFlags) error {
	format, err := f.output.parse()
	if err != nil {
		return err
	}
	s, err := f.settings()
	if err != nil {
		return err
	}
	if err := checkOut("--out", f.output.out); err != nil {
		return err
	}
	spec, err := e.loadSpec(f.accel)
	if err != nil {
		return err
	}
	m, meta, err := loadModel(f.in)
	if err != nil {
		return err
	}
	train, test, _, err := f.data.loadFor(e, "codesign", f.in, meta)
	if err != nil {
		return err
	}
	if f.images > test.N {
		return fmt.Errorf("--images: must be ≤ %d (the test images), got %d", test.N, f.images)
	}
	f.actData = test
	e.work()
	s.Progress = e.progressWriter()
	// Run fails on its settings, on a model the accelerator cannot run,
	// or when retraining diverges: bad input.
	res, err := codesign.Run(m, spec, train, test, s)
	if err != nil {
		return input(flagError(err, codesignFields))
	}
	render := func(out io.Writer) error {
		return reports.Render(out, format, codesignDoc{codesignFormat, res}, res.Tables()...)
	}
	if f.output.out != "" {
		if err := reports.WriteFileAtomic(f.output.out, render); err != nil {
			return err
		}
	}
	if err := render(e.stdout); err != nil {
		return internal(err)
	}
	return nil
}
