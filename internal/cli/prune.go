package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/dcsim/dcsim/clustering"
	"github.com/dcsim/dcsim/internal/experiment"
	"github.com/dcsim/dcsim/pruning"
	"github.com/dcsim/dcsim/reports"
	"github.com/spf13/cobra"
)

func init() { register(newPrune) }

type pruneFlags struct {
	in, out    string
	experiment string
	expModel   string // the experiment's model: key ("" = any)
	s          pruning.Settings
	splicing   bool
	// sensitivity analysis (--sensitivity)
	sensitivity bool
	densities   string
	plot        string
	data        dataFlags
	output      outputFlags
}

func newPrune(e *env) *cobra.Command {
	f := &pruneFlags{}
	cmd := &cobra.Command{
		Use:   "prune",
		Short: "Saliency or magnitude pruning with retraining",
		Long: `prune removes weights from a trained model in rounds of saliency (or magnitude)
ranking, one global threshold, and retraining with splicing, so weights pruned
by mistake can come back. --keep sets one global keep fraction; --conv-keep and
--fc-keep threshold conv and FC layers separately (PyTorch's
torch.nn.utils.prune amount is 1 − keep). Settings may also come from an
experiment YAML (configs/experiments/); flags given override it.

--sensitivity instead prunes each layer alone to each of --densities (no
retraining, other layers untouched) and tabulates test accuracy per layer and
density, as Distiller's sensitivity analysis: a layer that keeps its accuracy
at low density tolerates pruning. --plot FILE.png|svg|pdf draws it.`,
		Example: `  dcsim prune --in out/lenet5.npz --keep 0.04 --out out/lenet5-p4.npz
  dcsim prune --in out/lenet5.npz --conv-keep 0.3 --fc-keep 0.03 --out out/lenet5-sep.npz
  dcsim prune --experiment configs/experiments/lenet5-saliency-4pct.yaml
  dcsim prune --in out/lenet5.npz --sensitivity --criterion magnitude --plot out/lenet5-sens.png`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// 0 is "default" only when the flag is not given.
			if err := explicitZero(cmd, "must be ≥ 1 (leave it out for the default)", "rounds", "retrain-epochs"); err != nil {
				return err
			}
			if err := explicitZero(cmd, "must be > 0 (leave it out for the default)", "lr"); err != nil {
				return err
			}
			return runPrune(e, cmd, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.in, "in", "", "trained model (.npz or .onnx)")
	fl.StringVar(&f.out, "out", "", "write the pruned model (with masks) to this .npz or .onnx file")
	fl.StringVar(&f.experiment, "experiment", "", "experiment YAML with the settings (flags override)")
	fl.StringVar(&f.s.Criterion, "criterion", "", "saliency or magnitude (default saliency)")
	fl.StringVar(&f.s.Normalize, "normalize", "", "per-layer gradient normalisation: "+strings.Join(pruning.Normalizations(), ", ")+" (default none with --accumulate obd, else "+pruning.DefaultNormalize+")")
	fl.StringVar(&f.s.Accumulate, "accumulate", "", "saliency accumulation: "+strings.Join(pruning.Accumulations(), ", ")+" (default "+pruning.DefaultAccumulate+")")
	fl.Float64Var(&f.s.Keep, "keep", 0, "global fraction of weights kept, in (0,1]; PyTorch's prune amount = 1 − keep")
	fl.Float64Var(&f.s.ConvKeep, "conv-keep", 0, "fraction of conv weights kept (with --fc-keep)")
	fl.Float64Var(&f.s.FCKeep, "fc-keep", 0, "fraction of FC weights kept (with --conv-keep)")
	fl.StringVar(&f.s.Schedule, "schedule", "", "keep schedule over the rounds: cubic or geometric (default geometric)")
	fl.IntVar(&f.s.Rounds, "rounds", 0, "prune/retrain rounds (default 5)")
	fl.IntVar(&f.s.RetrainEpochs, "retrain-epochs", 0, "retraining epochs per round (default 2)")
	fl.IntVar(&f.s.FinalEpochs, "final-epochs", finalEpochsAuto, "fine-tuning epochs with frozen masks (0 = none)")
	fl.Lookup("final-epochs").DefValue = "the dense training epochs: 25 for lenet-300-100, 10 for lenet-5"
	fl.Float64Var(&f.s.Train.LR, "lr", 0, "retraining learning rate (default "+strconv.FormatFloat(pruning.DefaultLRScale, 'g', -1, 64)+" × the dense rate)")
	fl.Float64Var(&f.s.ReviveMargin, "revive-margin", 0, "splicing hysteresis: a pruned weight returns only when its score beats a kept one by 1+margin (default none)")
	fl.Float64Var(&f.s.ReviveFraction, "revive-fraction", 0, "splicing's cap: round r of R revives at most α/2·(1+cos(π(r−1)/R)) of the weights it keeps (RigL), α in [0,1]; 0 or negative: no cap (default "+strconv.FormatFloat(pruning.DefaultReviveFraction, 'g', -1, 64)+")")
	fl.Float64Var(&f.s.DistillWeight, "distill-weight", 0, "weight α of distillation from the input model while retraining, in (0,1]; 0 or negative: none (default "+distillDefault()+")")
	fl.Float64Var(&f.s.DistillTemperature, "distill-temperature", 0, "distillation temperature (default "+strconv.FormatFloat(pruning.DefaultDistillTemperature, 'g', -1, 64)+")")
	fl.StringVar(&f.s.DistillPhases, "distill-phases", "", "where distillation applies: "+strings.Join(pruning.DistillPhases(), ", ")+" (default finetune, all with --splicing=false)")
	fl.BoolVar(&f.splicing, "splicing", true, "let pruned weights keep learning and come back")
	fl.Int64Var(&f.s.Seed, "seed", 1, "seed for retraining shuffles")
	fl.BoolVar(&f.sensitivity, "sensitivity", false, "per-layer sensitivity analysis instead of pruning")
	fl.StringVar(&f.densities, "densities", joinFloats(pruning.DefaultSensitivityDensities), "with --sensitivity: comma-separated layer densities to try, each in (0,1]")
	fl.StringVar(&f.plot, "plot", "", "with --sensitivity: write the accuracy-vs-density plot here (.png, .svg or .pdf)")
	f.data.add(cmd)
	f.output.add(cmd, "")
	return cmd
}

// distillDefault describes pruning.DefaultDistillWeight for --help.
func distillDefault() string {
	if pruning.DefaultDistillWeight <= 0 {
		return "none"
	}
	return strconv.FormatFloat(pruning.DefaultDistillWeight, 'g', -1, 64)
}

// settings merges an experiment file (if any) with the flags the user set.
func (f *pruneFlags) settings(cmd *cobra.Command) (pruning.Settings, error) {
	fromFlags := f.s
	fromFlags.NoSplicing = !f.splicing
	if cmd.Flags().Changed("distill-weight") && fromFlags.DistillWeight == 0 {
		fromFlags.DistillWeight = -1 // an explicit 0: none, never the default
	}
	if cmd.Flags().Changed("revive-fraction") && fromFlags.ReviveFraction == 0 {
		fromFlags.ReviveFraction = -1 // an explicit 0: no cap, never the default
	}
	var err error
	if fromFlags.FinalEpochs, err = finalEpochs(fromFlags.FinalEpochs); err != nil {
		return pruning.Settings{}, err
	}
	if f.experiment == "" {
		return fromFlags, nil
	}
	exp, err := experiment.Load(f.experiment)
	if err != nil {
		return pruning.Settings{}, err
	}
	s := exp.Settings
	f.expModel = exp.Model
	if f.in == "" {
		f.in = exp.In
	}
	if f.out == "" {
		f.out = exp.Out
	}
	ch := cmd.Flags().Changed
	over := []struct {
		flag  string
		apply func()
	}{
		{"criterion", func() { s.Criterion = fromFlags.Criterion }},
		{"normalize", func() { s.Normalize = fromFlags.Normalize }},
		{"accumulate", func() { s.Accumulate = fromFlags.Accumulate }},
		{"keep", func() { s.Keep, s.ConvKeep, s.FCKeep = fromFlags.Keep, 0, 0 }},
		{"conv-keep", func() { s.ConvKeep, s.Keep = fromFlags.ConvKeep, 0 }},
		{"fc-keep", func() { s.FCKeep, s.Keep = fromFlags.FCKeep, 0 }},
		{"schedule", func() { s.Schedule = fromFlags.Schedule }},
		{"rounds", func() { s.Rounds = fromFlags.Rounds }},
		{"retrain-epochs", func() { s.RetrainEpochs = fromFlags.RetrainEpochs }},
		{"final-epochs", func() { s.FinalEpochs = fromFlags.FinalEpochs }},
		{"lr", func() { s.Train.LR = fromFlags.Train.LR }},
		{"splicing", func() { s.NoSplicing = fromFlags.NoSplicing }},
		{"revive-margin", func() { s.ReviveMargin = fromFlags.ReviveMargin }},
		{"revive-fraction", func() { s.ReviveFraction = fromFlags.ReviveFraction }},
		{"distill-weight", func() { s.DistillWeight = fromFlags.DistillWeight }},
		{"distill-temperature", func() { s.DistillTemperature = fromFlags.DistillTemperature }},
		{"distill-phases", func() { s.DistillPhases = fromFlags.DistillPhases }},
		{"seed", func() { s.Seed = fromFlags.Seed }},
	}
	for _, o := range over {
		if ch(o.flag) {
			o.apply()
		}
	}
	return s, nil
}

func runPrune(e *env, cmd *cobra.Command, f *pruneFlags) error {
	format, err := f.output.parse()
	if err != nil {
		return err
	}
	s, err := f.settings(cmd)
	if err != nil {
		return err
	}
	if f.sensitivity {
		return runSensitivity(e, cmd, f, s, format)
	}
	if f.plot != "" || cmd.Flags().Changed("densities") {
		return fmt.Errorf("--plot and --densities need --sensitivity")
	}
	if err := s.Validate(); err != nil {
		return flagError(err, pruneFields)
	}
	if err := f.data.check(); err != nil {
		return err
	}
	if err := checkOut("--out", f.out); err != nil {
		return err
	}
	m, inMeta, err := loadModel(f.in)
	if err != nil {
		return err
	}
	if err := f.checkExperimentModel(m.Arch.Name, inMeta); err != nil {
		return err
	}
	train, test, norm, err := f.data.loadFor(e, "prune", f.in, inMeta)
	if err != nil {
		return err
	}
	e.work()
	s.Train.Workers = f.data.workers
	bar := e.stepBar("prune")
	s.Progress = e.progressWriter()
	if bar != nil {
		s.Progress, s.Train.Progress = bar, bar
	}
	// Prune fails on its settings or when retraining diverges: bad input.
	rep, err := pruning.Prune(m, train, test, s)
	bar.finish()
	if err != nil {
		return input(flagError(err, pruneFields))
	}
	// Prune evaluated the final model on the test set after its last
	// phase (zeroing shadow values does not change effective weights).
	last := rep.Rounds[len(rep.Rounds)-1]
	acc, loss := last.Accuracy, last.Loss
	// Storage counted as dcsim cluster and codesign count it.
	sum, err := summarize(m, acc, loss, clustering.StorageSettings{AutoRelBits: true})
	if err != nil {
		return internal(err)
	}
	sum.Extra = map[string]any{"pruning": rep}
	if f.out != "" {
		meta := rep.Meta()
		meta["command"] = "prune"
		norm.SetMeta(meta)
		meta["test_accuracy"] = strconv.FormatFloat(acc, 'f', 4, 64)
		if err := saveModelMeta(f.out, m, meta); err != nil {
			return err
		}
	} else {
		e.notSaved("prune")
	}
	return e.printSummary(format, sum, roundsTable(rep))
}

// checkExperimentModel checks the architecture of the --in model against
// the experiment's model: key.
func (f *pruneFlags) checkExperimentModel(arch string, meta map[string]string) error {
	if f.expModel == "" || f.expModel == arch {
		return nil
	}
	return inputf("%s: model: %q, but %s holds a %s model", fileLine(f.experiment, "model"), f.expModel, f.in, arch)
}

// fileLine is "file:line" of the first top-level YAML key in file, or
// "file" when it cannot be found.
func fileLine(file, key string) string {
	data, err := os.ReadFile(file)
	if err != nil {
		return file
	}
	for i, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, key+":") {
			return fmt.Sprintf("%s:%d", file, i+1)
		}
	}
	return file
}

// roundsTable lists the pruning rounds: targets, density reached, weights
// revived and pruned, accuracy.
func roundsTable(r pruning.Report) reports.Table {
	splicing := strconv.FormatBool(r.Splicing)
	if r.ReviveFraction > 0 {
		splicing += ", revival cap α " + strconv.FormatFloat(r.ReviveFraction, 'g', -1, 64)
	}
	t := reports.Table{Left: 2, Title: fmt.Sprintf("%s pruning rounds (%s, schedule %s, splicing %s)", r.Criterion, r.Model, r.Schedule, splicing),
		Header: []string{"round", "phase", "keep target", "density", "revived", "pruned", "accuracy %", "saliency s", "train s"}}
	for _, rd := range r.Rounds {
		target := "-"
		switch {
		case rd.KeepTarget != 0:
			target = strconv.FormatFloat(rd.KeepTarget, 'f', 4, 64)
		case rd.ConvKeepTarget != 0 || rd.FCKeepTarget != 0:
			target = fmt.Sprintf("conv %.4f fc %.4f", rd.ConvKeepTarget, rd.FCKeepTarget)
		}
		t.Rows = append(t.Rows, []string{strconv.Itoa(rd.Round), rd.Phase, target,
			strconv.FormatFloat(rd.Density, 'f', 4, 64), strconv.FormatInt(rd.Revived, 10),
			strconv.FormatInt(rd.Pruned, 10), strconv.FormatFloat(100*rd.Accuracy, 'f', 2, 64),
			strconv.FormatFloat(rd.SaliencySeconds, 'f', 1, 64), strconv.FormatFloat(rd.TrainSeconds, 'f', 1, 64)})
	}
	return t
}

// runSensitivity is prune --sensitivity: every layer alone at every density.
func runSensitivity(e *env, cmd *cobra.Command, f *pruneFlags, s pruning.Settings, format reports.Format) error {
	for _, fl := range []string{"out", "keep", "conv-keep", "fc-keep", "rounds", "retrain-epochs", "final-epochs", "lr", "schedule", "splicing", "revive-margin", "revive-fraction", "distill-weight", "distill-temperature", "distill-phases"} {
		if cmd.Flags().Changed(fl) {
			return fmt.Errorf("--%s: not used with --sensitivity (it prunes one layer at a time without retraining)", fl)
		}
	}
	var densities []float64
	for _, field := range strings.Split(f.densities, ",") {
		d, err := strconv.ParseFloat(strings.TrimSpace(field), 64)
		if err != nil || !(d > 0 && d <= 1) {
			return fmt.Errorf("--densities: %q is not a number in (0,1]", field)
		}
		densities = append(densities, d)
	}
	if f.plot != "" {
		switch strings.ToLower(filepath.Ext(f.plot)) {
		case ".png", ".svg", ".pdf":
		default:
			return fmt.Errorf("--plot: %s: must end in .png, .svg or .pdf", f.plot)
		}
	}
	s.Keep, s.ConvKeep, s.FCKeep = 1, 0, 0
	if err := s.Validate(); err != nil {
		return flagError(err, pruneFields)
	}
	if err := f.data.check(); err != nil {
		return err
	}
	m, _, err := loadModel(f.in)
	if err != nil {
		return err
	}
	train, test, err := f.data.load()
	if err != nil {
		return err
	}
	s.Train.Workers = f.data.workers
	rep, err := pruning.Sensitivity(m, train, test, s, densities)
	if err != nil {
		return err
	}
	if f.plot != "" {
		var curves []reports.SensitivityCurve
		for _, l := range rep.Layers {
			c := reports.SensitivityCurve{Layer: l}
			for _, d := range rep.Densities {
				p, _ := rep.At(l, d)
				c.Density, c.Accuracy = append(c.Density, d), append(c.Accuracy, p.Accuracy)
			}
			curves = append(curves, c)
		}
		p, err := reports.SensitivityPlot(fmt.Sprintf("%s: one layer pruned (%s)", rep.Model, rep.Criterion), rep.DenseAccuracy, curves)
		if err != nil {
			return internal(err)
		}
		if err := os.MkdirAll(filepath.Dir(f.plot), 0o755); err != nil {
			return fmt.Errorf("--plot: %w", err)
		}
		if err := reports.SavePlot(p, f.plot); err != nil {
			return internal(err)
		}
	}
	return e.emit(format, rep, sensitivityTable(rep))
}

// sensitivityTable has one row per density and one accuracy column per
// layer.
func sensitivityTable(r pruning.SensitivityReport) reports.Table {
	t := reports.Table{Title: fmt.Sprintf("%s sensitivity (%s): test accuracy %% with one layer pruned, dense %.2f %%",
		r.Model, r.Criterion, 100*r.DenseAccuracy), Header: append([]string{"density"}, r.Layers...)}
	for _, d := range r.Densities {
		row := []string{strconv.FormatFloat(100*d, 'g', 4, 64) + " %"}
		for _, l := range r.Layers {
			p, _ := r.At(l, d)
			row = append(row, strconv.FormatFloat(100*p.Accuracy, 'f', 2, 64))
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// finalEpochsAuto is the default of --final-epochs: the pruner's own (the
// dense training epochs of the architecture). 0 given explicitly means none.
const finalEpochsAuto = -1

// finalEpochs maps --final-epochs to pruning.Settings.FinalEpochs, where
// zero means the default and a negative value none.
func finalEpochs(v int) (int, error) {
	switch {
	case v == finalEpochsAuto:
		return 0, nil
	case v < 0:
		return 0, fmt.Errorf("--final-epochs: must be ≥ 0, got %d", v)
	case v == 0:
		return -1, nil
	}
	return v, nil
}

// joinFloats formats v as a comma-separated flag default.
func joinFloats(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.FormatFloat(x, 'g', -1, 64)
	}
	return strings.Join(s, ",")
}
