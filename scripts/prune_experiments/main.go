// Command prune_experiments runs the pruning experiments of docs/results.md
// ("## Pruning") through the pruning API: a dense model is loaded (or
// trained with nn.DefaultTrainSettings when -in is empty), then every
// (criterion, keep) pair and every (conv keep, fc keep) grid point is pruned
// from a clone of it with the same settings, and one Markdown row per run is
// printed. Progress goes to stderr; -json appends one JSON report per line.
//
//	go run ./scripts/prune_experiments -net lenet-300-100 -keeps 0.08,0.04,0.02 -criteria saliency,magnitude
//	go run ./scripts/prune_experiments -net lenet-5 -grid 0.5:0.02,0.2:0.04
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/dcsim/dcsim/network"
	"github.com/dcsim/dcsim/nn"
	"github.com/dcsim/dcsim/pruning"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "prune_experiments:", err)
		os.Exit(2)
	}
}

// options are the command-line flags.
type options struct {
	net, in, save, data, jsonOut, keeps, criteria, grid, only string
	denseEpochs, train                                        int
	oneshot, curv                                             bool
	s                                                         pruning.Settings
}

func parse(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("prune_experiments", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.net, "net", "lenet-300-100", "zoo network")
	fs.StringVar(&o.in, "in", "", "dense model .npz (empty: train one with nn.DefaultTrainSettings)")
	fs.StringVar(&o.save, "save", "", "when training the dense model, save it here")
	fs.StringVar(&o.data, "data", "", "MNIST directory (default: nn.MNISTDir)")
	fs.StringVar(&o.jsonOut, "json", "", "append one JSON report per run to this file")
	fs.StringVar(&o.keeps, "keeps", "", "comma-separated global keep fractions")
	fs.StringVar(&o.criteria, "criteria", "saliency", "comma-separated criteria")
	fs.StringVar(&o.grid, "grid", "", "comma-separated conv:fc keep pairs (separated thresholds)")
	fs.IntVar(&o.denseEpochs, "dense-epochs", 0, "epochs of dense training when -in is empty (0 = default)")
	fs.BoolVar(&o.oneshot, "oneshot", false, "score once and evaluate every criterion variant at -keeps without retraining")
	fs.BoolVar(&o.curv, "curvature", false, "print the empirical Fisher against the weight decay per layer, then stop")
	fs.StringVar(&o.only, "only", "", "with -oneshot: only this normalize/accumulate variant, e.g. l2/batch")
	fs.IntVar(&o.train, "train", 0, "use only the first N training images (0 = all)")
	fs.StringVar(&o.s.Normalize, "normalize", "", "saliency normalisation")
	fs.StringVar(&o.s.Accumulate, "accumulate", "", "saliency accumulation")
	fs.StringVar(&o.s.Schedule, "schedule", "", "pruning schedule")
	fs.IntVar(&o.s.Rounds, "rounds", 0, "pruning rounds")
	fs.IntVar(&o.s.SaliencyBatch, "saliency-batch", 0, "batch size of the saliency pass (0 = training batch)")
	fs.IntVar(&o.s.RetrainEpochs, "retrain-epochs", 0, "retraining epochs per round")
	fs.IntVar(&o.s.FinalEpochs, "final-epochs", 0, "fine-tuning epochs with frozen masks")
	fs.Float64Var(&o.s.Train.LR, "lr", 0, "retraining learning rate (0 = default)")
	fs.BoolVar(&o.s.NoSplicing, "no-splicing", false, "freeze pruned weights")
	fs.Int64Var(&o.s.Seed, "seed", 1, "seed")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.keeps == "" && o.grid == "" && !o.curv {
		return o, fmt.Errorf("nothing to run: give -keeps and/or -grid")
	}
	return o, nil
}

// job is one pruning run.
type job struct {
	label string
	s     pruning.Settings
}

func jobs(o options) ([]job, error) {
	var js []job
	for _, k := range split(o.keeps) {
		keep, err := strconv.ParseFloat(k, 64)
		if err != nil {
			return nil, fmt.Errorf("-keeps: %q: %w", k, err)
		}
		for _, c := range split(o.criteria) {
			s := o.s
			s.Criterion, s.Keep = c, keep
			js = append(js, job{fmt.Sprintf("%s keep %g", c, keep), s})
		}
	}
	for _, g := range split(o.grid) {
		c, f, ok := strings.Cut(g, ":")
		ck, err1 := strconv.ParseFloat(c, 64)
		fk, err2 := strconv.ParseFloat(f, 64)
		if !ok || err1 != nil || err2 != nil {
			return nil, fmt.Errorf("-grid: %q: want conv:fc keep fractions", g)
		}
		for _, crit := range split(o.criteria) {
			s := o.s
			s.Criterion, s.ConvKeep, s.FCKeep = crit, ck, fk
			js = append(js, job{fmt.Sprintf("%s conv %g fc %g", crit, ck, fk), s})
		}
	}
	return js, nil
}

func split(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func run(args []string, stdout, stderr io.Writer) error {
	o, err := parse(args, stderr)
	if err != nil {
		return err
	}
	js, err := jobs(o)
	if err != nil {
		return err
	}
	dir, err := nn.MNISTDir(o.data)
	if err != nil {
		return err
	}
	train, test, err := nn.LoadMNIST(dir)
	if err != nil {
		return err
	}
	train = train.Subset(o.train)
	dense, err := denseModel(o, train, stderr)
	if err != nil {
		return err
	}
	acc, _ := nn.Evaluate(dense, test)
	fmt.Fprintf(stdout, "%s dense test accuracy %.2f%%\n\n", o.net, 100*acc)
	if o.curv {
		return curvature(dense, train, stdout)
	}
	if o.oneshot {
		var keeps []float64
		for _, j := range js {
			if j.s.Keep != 0 && j.s.Criterion == "saliency" {
				keeps = append(keeps, j.s.Keep)
			}
		}
		return oneShot(o, dense, train, test, keeps, stdout)
	}
	fmt.Fprintln(stdout, "| run | kept | density | × | params left | MACs left | test acc | Δ vs dense (pts) | revived | seconds |")
	fmt.Fprintln(stdout, "|---|---|---|---|---|---|---|---|---|---|")
	for _, j := range js {
		j.s.Progress = stderr
		fmt.Fprintf(stderr, "== %s %s\n", o.net, j.label)
		m := dense.Clone()
		rep, err := pruning.Prune(m, train, test, j.s)
		if err != nil {
			return fmt.Errorf("%s: %w", j.label, err)
		}
		var revived int64
		for _, r := range rep.Rounds {
			revived += r.Revived
		}
		t := rep.Total
		fmt.Fprintf(stdout, "| %s | %d/%d | %.2f%% | %.1f | %d | %.1f%% | %.2f%% | %+.2f | %d | %.0f |\n",
			j.label, t.Kept, t.Weights, 100*t.Density, 1/t.Density, t.ParamsKept(),
			100*float64(t.MACsKept)/float64(t.MACs), 100*rep.Accuracy, 100*(rep.Accuracy-acc), revived, rep.Seconds)
		for _, l := range rep.Layers {
			fmt.Fprintf(stderr, "   %s: %d/%d kept (%.2f%%), MACs %d of %d\n", l.Name, l.Kept, l.Weights, 100*l.Density, l.MACsKept, l.MACs)
		}
		if err := appendJSON(o.jsonOut, rep); err != nil {
			return err
		}
	}
	return nil
}

// denseModel loads -in or trains the network with its default settings.
func denseModel(o options, train *nn.Dataset, stderr io.Writer) (*nn.Model, error) {
	if o.in != "" {
		m, _, err := nn.LoadModel(o.in)
		return m, err
	}
	arch, err := network.Zoo(o.net)
	if err != nil {
		return nil, err
	}
	m, err := nn.NewModel(arch, o.s.Seed)
	if err != nil {
		return nil, err
	}
	ts := nn.DefaultTrainSettings(o.net)
	if o.denseEpochs > 0 {
		ts.Epochs = o.denseEpochs
	}
	ts.Seed, ts.Progress = o.s.Seed, stderr
	t0 := time.Now()
	if _, err := nn.Train(m, train, ts); err != nil {
		return nil, err
	}
	fmt.Fprintf(stderr, "dense %s trained in %.0f s\n", o.net, time.Since(t0).Seconds())
	if o.save != "" {
		meta := map[string]string{"epochs": strconv.Itoa(ts.Epochs), "seed": strconv.FormatInt(ts.Seed, 10)}
		if err := nn.SaveModel(o.save, m, meta); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func appendJSON(path string, rep pruning.Report) error {
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if err := json.NewEncoder(f).Encode(rep); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
