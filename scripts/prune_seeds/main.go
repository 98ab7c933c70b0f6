// Command prune_seeds runs the paired seed experiment of docs/results.md
// ("Pruning: seeds"): for every seed a dense model (out/seeds/NET-sSEED.npz,
// trained with nn.DefaultTrainSettings and that seed when missing) is pruned
// with the default pruning.Settings at every keep fraction by every
// criterion, so saliency and magnitude share the dense model of a seed
// (paired). The default-criterion model at -cluster-keep is then clustered
// with the defaults of `dcsim cluster` (birch-kmeans, one epoch of centroid
// fine-tuning, half-precision codebooks and biases) and its compression
// ratio is counted with and without Huffman coding in the default storage
// format (per-layer relative-index width and entry order). -save keeps the
// pruned models, -recluster redoes the clustering from them, -storage FILE
// prints where a clustered model's bits go.
//
// Each finished run is appended as one JSON line to -runs, and runs already
// there are skipped, so an interrupted experiment resumes. When all runs are
// done the summary (mean, sample standard deviation, paired difference with
// its standard error, verdict) is written atomically to -out as JSON and
// printed as Markdown.
//
//	go run ./scripts/prune_seeds -net lenet-300-100 -seeds 1,2,3
//	go run ./scripts/prune_seeds -net lenet-5 -seeds 1,2,3 -keeps 0.04,0.02
//	go run ./scripts/prune_seeds -recluster -save out/seeds/models -seeds 1,2,3 -keeps 0.04 -criteria saliency,magnitude
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dcsim/dcsim/clustering"
	"github.com/dcsim/dcsim/network"
	"github.com/dcsim/dcsim/nn"
	"github.com/dcsim/dcsim/pruning"
	"github.com/dcsim/dcsim/reports"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "prune_seeds:", err)
		os.Exit(2)
	}
}

type options struct {
	net, denseDir, data, runs, out string
	save                           string // directory for the pruned models ("" = not saved)
	storage                        string // model whose storage breakdown to print
	seeds                          []int64
	keeps                          []float64
	criteria                       []string
	clusterKeep                    float64
	clusterEpochs                  int     // centroid fine-tuning epochs
	clusterLRScale                 float64 // centroid fine-tuning rate ÷ the dense rate
	clusterDistill                 float64 // centroid fine-tuning distils the unclustered model with this weight (0 = none)
	list, recluster                bool
	s                              pruning.Settings // overrides of the defaults (zero = default)
}

// Run is one pruning run (and, at the cluster keep, its clustering).
type Run struct {
	Net           string  `json:"net"`
	Seed          int64   `json:"seed"`
	Keep          float64 `json:"keep"`
	Criterion     string  `json:"criterion"`
	Settings      string  `json:"settings"` // non-default settings, "" = defaults
	DenseAccuracy float64 `json:"dense_accuracy"`
	Accuracy      float64 `json:"accuracy"`
	Density       float64 `json:"density"`
	Revived       int64   `json:"revived"`
	Seconds       float64 `json:"seconds"`
	// Layers holds each layer's density after pruning.
	Layers map[string]float64 `json:"layers"`
	// Cluster is set for the default criterion at -cluster-keep.
	Cluster *ClusterRun `json:"cluster,omitempty"`
}

// ClusterRun is `dcsim cluster` with its defaults on the pruned model.
type ClusterRun struct {
	Accuracy     float64 `json:"accuracy"`
	Ratio        float64 `json:"compression_ratio"`
	HuffmanRatio float64 `json:"huffman_ratio"`
	Seconds      float64 `json:"seconds"`
}

// Stat is a mean with its sample standard deviation over n seeds.
type Stat struct {
	N    int     `json:"n"`
	Mean float64 `json:"mean"`
	Std  float64 `json:"std"`
}

// Cell summarises one (keep, criterion) over the seeds, accuracies in
// percent and differences in points.
type Cell struct {
	Keep      float64 `json:"keep"`
	Criterion string  `json:"criterion"`
	Accuracy  Stat    `json:"accuracy_pct"`
	Delta     Stat    `json:"delta_vs_dense_pts"`
}

// Paired is saliency − magnitude per seed at one keep fraction.
type Paired struct {
	Keep    float64 `json:"keep"`
	A       string  `json:"a"`
	B       string  `json:"b"`
	Diff    Stat    `json:"diff_pts"`
	SE      float64 `json:"se_pts"`
	Verdict string  `json:"verdict"`
}

// Summary is the -out document.
type Summary struct {
	Net      string          `json:"net"`
	Settings string          `json:"settings"`
	Seeds    []int64         `json:"seeds"`
	Dense    Stat            `json:"dense_accuracy_pct"`
	Cells    []Cell          `json:"cells"`
	Paired   []Paired        `json:"paired"`
	Cluster  *ClusterSummary `json:"cluster,omitempty"`
	Runs     []Run           `json:"runs"`
}

// ClusterSummary is the prune-then-cluster pipeline over the seeds.
type ClusterSummary struct {
	Keep         float64 `json:"keep"`
	Delta        Stat    `json:"delta_vs_dense_pts"`
	Ratio        Stat    `json:"compression_ratio"`
	HuffmanRatio Stat    `json:"huffman_ratio"`
}

func parse(args []string, stderr io.Writer) (options, error) {
	var o options
	var seeds, keeps, criteria string
	fs := flag.NewFlagSet("prune_seeds", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.net, "net", "lenet-300-100", "zoo network")
	fs.StringVar(&seeds, "seeds", "1,2,3", "comma-separated seeds (dense model, retraining shuffles)")
	fs.StringVar(&keeps, "keeps", "0.08,0.04,0.02", "comma-separated keep fractions")
	fs.StringVar(&criteria, "criteria", "saliency,magnitude", "comma-separated criteria; the first two are paired")
	fs.Float64Var(&o.clusterKeep, "cluster-keep", 0.04, "cluster the first criterion's model at this keep (0 = none)")
	fs.IntVar(&o.clusterEpochs, "cluster-epochs", clustering.DefaultFinetuneEpochs, "epochs of centroid fine-tuning after clustering")
	fs.Float64Var(&o.clusterDistill, "cluster-distill", 0, "centroid fine-tuning learns the unclustered model's soft targets with this weight α at T 4 (0 = hard labels)")
	fs.Float64Var(&o.clusterLRScale, "cluster-lr-scale", clustering.DefaultFinetuneLRScale, "centroid fine-tuning rate as a multiple of the dense rate")
	fs.StringVar(&o.denseDir, "dense-dir", "out/seeds", "dense models NET-sSEED.npz (trained and saved here when missing)")
	fs.StringVar(&o.data, "data", "", "MNIST directory (default: nn.MNISTDir)")
	fs.StringVar(&o.runs, "runs", "", "JSON lines of finished runs (default out/seeds/NET-runs.jsonl)")
	fs.StringVar(&o.out, "out", "", "summary JSON (default out/seeds/NET-summary.json)")
	fs.StringVar(&o.save, "save", "", "also save every pruned model as DIR/NET-sSEED-CRIT-kKEEP.npz (before clustering)")
	fs.StringVar(&o.storage, "storage", "", "do not run anything: print where the bits of this (clustered) model go, per layer, and exit")
	fs.BoolVar(&o.recluster, "recluster", false, "redo the clustering of the runs file's clustered runs from the models saved by -save (then summarise)")
	fs.BoolVar(&o.list, "summary-only", false, "do not run anything: summarise the runs file as it is")
	fs.IntVar(&o.s.Rounds, "rounds", 0, "override: pruning rounds")
	fs.IntVar(&o.s.RetrainEpochs, "retrain-epochs", 0, "override: retraining epochs per round")
	fs.IntVar(&o.s.FinalEpochs, "final-epochs", 0, "override: fine-tuning epochs")
	fs.Float64Var(&o.s.Train.LR, "lr", 0, "override: retraining learning rate")
	fs.Float64Var(&o.s.FinalLR, "final-lr", 0, "override: fine-tuning learning rate")
	fs.StringVar(&o.s.Accumulate, "accumulate", "", "override: saliency accumulation")
	fs.StringVar(&o.s.Normalize, "normalize", "", "override: saliency normalisation")
	fs.StringVar(&o.s.PrunedScores, "pruned-scores", "", "override: how obd scores pruned weights (obd, gain)")
	fs.StringVar(&o.s.FisherEstimate, "fisher-estimate", "", "override: estimate of the summed squared per-sample gradients (sum, unbiased)")
	fs.StringVar(&o.s.Schedule, "schedule", "", "override: keep schedule")
	fs.Float64Var(&o.s.Train.WeightDecay, "wd", 0, "override: retraining weight decay (negative = none)")
	fs.Float64Var(&o.s.Train.Momentum, "momentum", 0, "override: retraining momentum (negative = none)")
	fs.StringVar(&o.s.Train.Schedule, "lr-schedule", "", "override: retraining learning-rate schedule")
	fs.BoolVar(&o.s.NoSplicing, "no-splicing", false, "override: freeze pruned weights")
	fs.BoolVar(&o.s.ReviveAtZero, "revive-at-zero", false, "override: revived weights return at 0, not at their shadow value")
	fs.BoolVar(&o.s.LayerRevival, "layer-revival", false, "override: layer budgets from the live weights, revival within a layer")
	fs.Float64Var(&o.s.ReviveFraction, "revive-fraction", 0, "override: RigL cap on the weights a round revives (negative = none)")
	fs.BoolVar(&o.s.FrozenShadows, "frozen-shadows", false, "override: revive at round boundaries without training the pruned shadows")
	fs.Float64Var(&o.s.ReviveMargin, "revive-margin", 0, "override: splicing hysteresis (negative = none)")
	fs.Float64Var(&o.s.DistillWeight, "distill-weight", 0, "override: weight of the distillation term (negative = none)")
	fs.Float64Var(&o.s.DistillTemperature, "distill-temperature", 0, "override: distillation temperature")
	fs.StringVar(&o.s.DistillPhases, "distill-phases", "", "override: where distillation applies (finetune, all)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	for _, f := range split(seeds) {
		v, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return o, fmt.Errorf("-seeds: %q is not an integer", f)
		}
		o.seeds = append(o.seeds, v)
	}
	for _, f := range split(keeps) {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil || !(v > 0 && v <= 1) {
			return o, fmt.Errorf("-keeps: %q is not a fraction in (0,1]", f)
		}
		o.keeps = append(o.keeps, v)
	}
	o.criteria = split(criteria)
	if len(o.seeds) == 0 || len(o.keeps) == 0 || len(o.criteria) == 0 {
		return o, fmt.Errorf("need at least one seed, keep and criterion")
	}
	for _, c := range o.criteria {
		if !slices.Contains(pruning.Criteria(), c) {
			return o, fmt.Errorf("-criteria: unknown %q (valid: %s)", c, strings.Join(pruning.Criteria(), ", "))
		}
	}
	if o.runs == "" {
		o.runs = filepath.Join(o.denseDir, o.net+"-runs.jsonl")
	}
	if o.out == "" {
		o.out = filepath.Join(o.denseDir, o.net+"-summary.json")
	}
	return o, nil
}

// settingsLabel names the non-default settings of a run ("" = defaults).
func settingsLabel(s pruning.Settings) string {
	var f []string
	if s.Rounds != 0 {
		f = append(f, fmt.Sprintf("rounds=%d", s.Rounds))
	}
	if s.RetrainEpochs != 0 {
		f = append(f, fmt.Sprintf("retrain-epochs=%d", s.RetrainEpochs))
	}
	if s.FinalEpochs != 0 {
		f = append(f, fmt.Sprintf("final-epochs=%d", s.FinalEpochs))
	}
	if s.Train.LR != 0 {
		f = append(f, fmt.Sprintf("lr=%g", s.Train.LR))
	}
	if s.FinalLR != 0 {
		f = append(f, fmt.Sprintf("final-lr=%g", s.FinalLR))
	}
	if s.Accumulate != "" {
		f = append(f, "accumulate="+s.Accumulate)
	}
	if s.Normalize != "" {
		f = append(f, "normalize="+s.Normalize)
	}
	if s.PrunedScores != "" {
		f = append(f, "pruned-scores="+s.PrunedScores)
	}
	if s.FisherEstimate != "" {
		f = append(f, "fisher-estimate="+s.FisherEstimate)
	}
	if s.Schedule != "" {
		f = append(f, "schedule="+s.Schedule)
	}
	if s.Train.WeightDecay != 0 {
		f = append(f, fmt.Sprintf("wd=%g", s.Train.WeightDecay))
	}
	if s.Train.Momentum != 0 {
		f = append(f, fmt.Sprintf("momentum=%g", s.Train.Momentum))
	}
	if s.Train.Schedule != "" {
		f = append(f, "lr-schedule="+s.Train.Schedule)
	}
	if s.ReviveMargin != 0 {
		f = append(f, fmt.Sprintf("revive-margin=%g", s.ReviveMargin))
	}
	if s.NoSplicing {
		f = append(f, "no-splicing")
	}
	if s.ReviveAtZero {
		f = append(f, "revive-at-zero")
	}
	if s.ReviveFraction != 0 {
		f = append(f, fmt.Sprintf("revive-fraction=%g", s.ReviveFraction))
	}
	if s.LayerRevival {
		f = append(f, "layer-revival")
	}
	if s.FrozenShadows {
		f = append(f, "frozen-shadows")
	}
	if s.DistillWeight != 0 {
		f = append(f, fmt.Sprintf("distill-weight=%g", s.DistillWeight))
	}
	if s.DistillTemperature != 0 {
		f = append(f, fmt.Sprintf("distill-temperature=%g", s.DistillTemperature))
	}
	if s.DistillPhases != "" {
		f = append(f, "distill-phases="+s.DistillPhases)
	}
	return strings.Join(f, " ")
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
	if o.storage != "" {
		return storageBreakdown(o.storage, stdout)
	}
	label := settingsLabel(o.s)
	done, err := readRuns(o.runs)
	if err != nil {
		return err
	}
	keyOf := func(net string, seed int64, keep float64, crit, settings string) string {
		return fmt.Sprintf("%s|%d|%g|%s|%s", net, seed, keep, crit, settings)
	}
	key := func(seed int64, keep float64, crit string) string { return keyOf(o.net, seed, keep, crit, label) }
	have := map[string]Run{}
	for _, r := range done {
		have[keyOf(r.Net, r.Seed, r.Keep, r.Criterion, r.Settings)] = r
	}
	if o.recluster {
		if o.save == "" {
			return fmt.Errorf("-recluster needs -save DIR (where the pruned models are)")
		}
		dir, err := nn.MNISTDir(o.data)
		if err != nil {
			return err
		}
		train, test, err := nn.LoadMNIST(dir)
		if err != nil {
			return err
		}
		if err := recluster(o, done, train, test, stderr); err != nil {
			return err
		}
		for _, r := range done {
			have[keyOf(r.Net, r.Seed, r.Keep, r.Criterion, r.Settings)] = r
		}
		o.list = true
	}
	if !o.list {
		if err := os.MkdirAll(o.denseDir, 0o755); err != nil {
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
		for _, seed := range o.seeds {
			var dense *nn.Model
			var denseAcc float64
			for _, keep := range o.keeps {
				for _, crit := range o.criteria {
					if _, ok := have[key(seed, keep, crit)]; ok {
						continue
					}
					if dense == nil {
						if dense, err = denseModel(o, seed, train, stderr); err != nil {
							return err
						}
						denseAcc, _ = nn.Evaluate(dense, test)
						fmt.Fprintf(stderr, "== %s seed %d dense %.2f%%\n", o.net, seed, 100*denseAcc)
					}
					r, err := pruneRun(o, dense, denseAcc, seed, keep, crit, label, train, test, stderr)
					if err != nil {
						return err
					}
					if err := appendRun(o.runs, r); err != nil {
						return err
					}
					have[key(seed, keep, crit)] = r
				}
			}
		}
	}
	var runs []Run
	for _, seed := range o.seeds {
		for _, keep := range o.keeps {
			for _, crit := range o.criteria {
				if r, ok := have[key(seed, keep, crit)]; ok {
					runs = append(runs, r)
				}
			}
		}
	}
	sum := summarize(o, label, runs)
	if err := reports.WriteFileAtomic(o.out, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(sum)
	}); err != nil {
		return err
	}
	printMarkdown(stdout, sum)
	return nil
}

// denseModel loads DIR/NET-sSEED.npz or trains and saves it.
func denseModel(o options, seed int64, train *nn.Dataset, stderr io.Writer) (*nn.Model, error) {
	path := filepath.Join(o.denseDir, fmt.Sprintf("%s-s%d.npz", o.net, seed))
	if m, _, err := nn.LoadModel(path); err == nil {
		return m, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	arch, err := network.Zoo(o.net)
	if err != nil {
		return nil, err
	}
	m, err := nn.NewModel(arch, seed)
	if err != nil {
		return nil, err
	}
	ts := nn.DefaultTrainSettings(o.net)
	ts.Seed = seed
	t0 := time.Now()
	if _, err := nn.Train(m, train, ts); err != nil {
		return nil, err
	}
	fmt.Fprintf(stderr, "dense %s seed %d trained in %.0f s\n", o.net, seed, time.Since(t0).Seconds())
	meta := map[string]string{"command": "train", "epochs": strconv.Itoa(ts.Epochs), "seed": strconv.FormatInt(seed, 10)}
	return m, nn.SaveModel(path, m, meta)
}

func pruneRun(o options, dense *nn.Model, denseAcc float64, seed int64, keep float64, crit, label string,
	train, test *nn.Dataset, stderr io.Writer) (Run, error) {
	s := o.s
	s.Criterion, s.Keep, s.Seed, s.Progress = crit, keep, seed, stderr
	fmt.Fprintf(stderr, "== %s seed %d %s keep %g %s\n", o.net, seed, crit, keep, label)
	m := dense.Clone()
	rep, err := pruning.Prune(m, train, test, s)
	if err != nil {
		return Run{}, fmt.Errorf("seed %d %s keep %g: %w", seed, crit, keep, err)
	}
	r := Run{Net: o.net, Seed: seed, Keep: keep, Criterion: crit, Settings: label, DenseAccuracy: denseAcc,
		Accuracy: rep.Accuracy, Density: rep.Total.Density, Seconds: rep.Seconds, Layers: map[string]float64{}}
	for _, rd := range rep.Rounds {
		r.Revived += rd.Revived
	}
	for _, l := range rep.Layers {
		r.Layers[l.Name] = l.Density
	}
	fmt.Fprintf(stderr, "   %.2f%% (%+.2f pts) in %.0f s\n", 100*r.Accuracy, 100*(r.Accuracy-denseAcc), r.Seconds)
	if o.save != "" {
		if err := os.MkdirAll(o.save, 0o755); err != nil {
			return Run{}, err
		}
		path := filepath.Join(o.save, fmt.Sprintf("%s-s%d-%s-k%g.npz", o.net, seed, crit, keep))
		if err := nn.SaveModel(path, m, rep.Meta()); err != nil {
			return Run{}, fmt.Errorf("seed %d: %w", seed, err)
		}
	}
	if keep == o.clusterKeep && crit == o.criteria[0] {
		c, err := clusterRun(o, m, seed, denseAcc, train, test, stderr)
		if err != nil {
			return Run{}, err
		}
		r.Cluster = &c
	}
	return r, nil
}

// clusterRun is `dcsim cluster` with its defaults on the pruned model m (in
// place): birch-kmeans, -cluster-epochs (default
// clustering.DefaultFinetuneEpochs) of centroid fine-tuning at
// -cluster-lr-scale (default clustering.DefaultFinetuneLRScale) × the dense
// rate, codebooks and biases in half precision, storage with per-layer
// relative-index widths and entry orders.
func clusterRun(o options, m *nn.Model, seed int64, denseAcc float64, train, test *nn.Dataset, stderr io.Writer) (ClusterRun, error) {
	t0 := time.Now()
	var d *nn.Distillation
	if o.clusterDistill > 0 && o.clusterEpochs > 0 {
		t, err := m.Logits(train, 0)
		if err != nil {
			return ClusterRun{}, fmt.Errorf("seed %d: distillation teacher: %w", seed, err)
		}
		d = &nn.Distillation{Logits: t, Temperature: pruning.DefaultDistillTemperature, Weight: o.clusterDistill}
	}
	if _, err := clustering.ClusterModel(m, clustering.ModelSettings{Settings: clustering.Settings{Seed: seed}}); err != nil {
		return ClusterRun{}, fmt.Errorf("seed %d: clustering: %w", seed, err)
	}
	if e := o.clusterEpochs; e > 0 {
		ts := nn.DefaultTrainSettings(m.Arch.Name)
		ts.Epochs, ts.Seed, ts.FinetuneCodebook, ts.Distill = e, seed, true, d
		ts.LR *= o.clusterLRScale
		if _, err := nn.Train(m, train, ts); err != nil {
			return ClusterRun{}, fmt.Errorf("seed %d: centroid fine-tuning: %w", seed, err)
		}
		clustering.RoundModelHalf(m)
	}
	acc, _ := nn.Evaluate(m, test)
	st, err := clustering.Storage(m, clustering.StorageSettings{AutoRelBits: true, Huffman: true})
	if err != nil {
		return ClusterRun{}, fmt.Errorf("seed %d: storage: %w", seed, err)
	}
	c := ClusterRun{Accuracy: acc, Ratio: st.CompressionRatio, HuffmanRatio: st.HuffmanRatio, Seconds: time.Since(t0).Seconds()}
	fmt.Fprintf(stderr, "   clustered: %.2f%% (%+.2f pts), %.1f× (Huffman %.1f×)\n", 100*acc, 100*(acc-denseAcc), st.CompressionRatio, st.HuffmanRatio)
	return c, nil
}

// recluster redoes the clustering of every run of the runs file that has
// one (first criterion at -cluster-keep, the settings of this invocation)
// from the pruned model saved by -save, and rewrites the runs file
// atomically.
func recluster(o options, runs []Run, train, test *nn.Dataset, stderr io.Writer) error {
	for i, r := range runs {
		if r.Net != o.net || r.Keep != o.clusterKeep || r.Criterion != o.criteria[0] || !slices.Contains(o.seeds, r.Seed) ||
			r.Settings != settingsLabel(o.s) {
			continue
		}
		path := filepath.Join(o.save, fmt.Sprintf("%s-s%d-%s-k%g.npz", r.Net, r.Seed, r.Criterion, r.Keep))
		m, _, err := nn.LoadModel(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "== recluster %s\n", path)
		c, err := clusterRun(o, m, r.Seed, r.DenseAccuracy, train, test, stderr)
		if err != nil {
			return err
		}
		runs[i].Cluster = &c
	}
	return reports.WriteFileAtomic(o.runs, func(w io.Writer) error {
		for _, r := range runs {
			b, err := json.Marshal(r)
			if err != nil {
				return err
			}
			if _, err := w.Write(append(b, '\n')); err != nil {
				return err
			}
		}
		return nil
	})
}

// storageBreakdown prints, per layer, the bits of a model in the default
// storage format (per-layer relative-index width, entry order and
// skipping of empty rows and columns) and in
// Deep Compression's fixed widths (8 conv / 5 FC bits), with and without
// Huffman coding.
func storageBreakdown(path string, w io.Writer) error {
	m, _, err := nn.LoadModel(path)
	if err != nil {
		return err
	}
	for _, c := range []struct {
		name string
		s    clustering.StorageSettings
	}{{"fixed widths (8 conv / 5 fc)", clustering.StorageSettings{Huffman: true}},
		{"per-layer width, order and skipping (default)", clustering.StorageSettings{Huffman: true, AutoRelBits: true}}} {
		st, err := clustering.Storage(m, c.s)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s: %d bits, %.1f×; Huffman %d bits, %.1f×\n\n", c.name, st.Bits, st.CompressionRatio, st.HuffmanBits, st.HuffmanRatio)
		fmt.Fprintln(w, "| layer | kept | fillers | index bits | rel. bits (order) | index stream | rel. index stream | live map | codebook | biases | total | Huffman: rel. bits (order), index, rel. index, live map, total |")
		fmt.Fprintln(w, "|---|--:|--:|--:|---|--:|--:|--:|--:|--:|--:|---|")
		order := func(col, skip bool) string {
			o := "row"
			if col {
				o = "col"
			}
			if skip {
				o += ", skip"
			}
			return o
		}
		for _, l := range st.Layers {
			fmt.Fprintf(w, "| %s | %d | %d | %d | %d (%s) | %d | %d | %d | %d | %d | %d | %d (%s), %d, %d, %d, %d |\n", l.Layer, l.Nonzero, l.Padding,
				l.IndexBits, l.RelBits, order(l.ColumnMajor, l.SkipEmpty), l.ValueBits, l.RelIndexBits, l.LiveMapBits, l.CodebookBits, l.BiasBits, l.Total,
				l.HuffRelBits, order(l.HuffColumnMajor, l.HuffSkipEmpty), l.HuffValueBits, l.HuffRelIndexBits, l.HuffLiveMapBits, l.HuffTotal)
		}
		fmt.Fprintln(w)
	}
	return nil
}

func readRuns(path string) ([]Run, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var runs []Run
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for line := 1; sc.Scan(); line++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var r Run
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		runs = append(runs, r)
	}
	return runs, sc.Err()
}

// appendRun appends one JSON line; a run is either wholly there or, if the
// process dies mid-write, a truncated last line that readRuns reports.
func appendRun(path string, r Run) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// stat is the mean and sample standard deviation (n−1) of v.
func stat(v []float64) Stat {
	s := Stat{N: len(v)}
	if len(v) == 0 {
		return s
	}
	for _, x := range v {
		s.Mean += x
	}
	s.Mean /= float64(len(v))
	if len(v) > 1 {
		var ss float64
		for _, x := range v {
			ss += (x - s.Mean) * (x - s.Mean)
		}
		s.Std = math.Sqrt(ss / float64(len(v)-1))
	}
	return s
}

// verdict calls a paired difference a tie when it lies within one standard
// error of zero (or when fewer than two pairs give no error estimate).
func verdict(d Stat, se float64, a, b string) string {
	switch {
	case d.N < 2:
		return "no estimate (fewer than 2 pairs)"
	case d.Mean > se:
		return a + " ahead"
	case d.Mean < -se:
		return b + " ahead"
	}
	return "tie"
}

func summarize(o options, label string, runs []Run) Summary {
	sum := Summary{Net: o.net, Settings: label, Seeds: o.seeds, Runs: runs}
	if label == "" {
		sum.Settings = "defaults"
	}
	denseBySeed := map[int64]float64{}
	for _, r := range runs {
		denseBySeed[r.Seed] = r.DenseAccuracy
	}
	var dense []float64
	for _, s := range o.seeds {
		if a, ok := denseBySeed[s]; ok {
			dense = append(dense, 100*a)
		}
	}
	sum.Dense = stat(dense)
	for _, keep := range o.keeps {
		acc := map[string]map[int64]float64{}
		for _, crit := range o.criteria {
			acc[crit] = map[int64]float64{}
			var a, d []float64
			for _, r := range runs {
				if r.Keep == keep && r.Criterion == crit {
					acc[crit][r.Seed] = 100 * r.Accuracy
					a = append(a, 100*r.Accuracy)
					d = append(d, 100*(r.Accuracy-r.DenseAccuracy))
				}
			}
			if len(a) > 0 {
				sum.Cells = append(sum.Cells, Cell{Keep: keep, Criterion: crit, Accuracy: stat(a), Delta: stat(d)})
			}
		}
		if len(o.criteria) < 2 {
			continue
		}
		ca, cb := o.criteria[0], o.criteria[1]
		var diffs []float64
		for _, s := range o.seeds {
			x, ok1 := acc[ca][s]
			y, ok2 := acc[cb][s]
			if ok1 && ok2 {
				diffs = append(diffs, x-y)
			}
		}
		if len(diffs) == 0 {
			continue
		}
		d := stat(diffs)
		se := d.Std / math.Sqrt(float64(d.N))
		sum.Paired = append(sum.Paired, Paired{Keep: keep, A: ca, B: cb, Diff: d, SE: se, Verdict: verdict(d, se, ca, cb)})
	}
	var cd, cr, ch []float64
	for _, r := range runs {
		if r.Cluster != nil {
			cd = append(cd, 100*(r.Cluster.Accuracy-r.DenseAccuracy))
			cr = append(cr, r.Cluster.Ratio)
			ch = append(ch, r.Cluster.HuffmanRatio)
		}
	}
	if len(cd) > 0 {
		sum.Cluster = &ClusterSummary{Keep: o.clusterKeep, Delta: stat(cd), Ratio: stat(cr), HuffmanRatio: stat(ch)}
	}
	return sum
}

func pm(s Stat, format string) string {
	if s.N < 2 {
		return fmt.Sprintf(format+" (n=%d)", s.Mean, s.N)
	}
	return fmt.Sprintf(format+" ± "+strings.Replace(format, "+", "", 1), s.Mean, s.Std)
}

func printMarkdown(w io.Writer, s Summary) {
	fmt.Fprintf(w, "%s, settings %s, seeds %v: dense %s %%\n\n", s.Net, s.Settings, s.Seeds, pm(s.Dense, "%.2f"))
	fmt.Fprintln(w, "| kept | criterion | n | test accuracy % | Δ vs dense (points) |")
	fmt.Fprintln(w, "|---|---|--:|--:|--:|")
	for _, c := range s.Cells {
		fmt.Fprintf(w, "| %g %% | %s | %d | %s | %s |\n", 100*c.Keep, c.Criterion, c.Accuracy.N, pm(c.Accuracy, "%.2f"), pm(c.Delta, "%+.2f"))
	}
	if len(s.Paired) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "| kept | paired difference | n | mean ± std (points) | standard error | verdict |")
		fmt.Fprintln(w, "|---|---|--:|--:|--:|---|")
		for _, p := range s.Paired {
			fmt.Fprintf(w, "| %g %% | %s − %s | %d | %s | %.3f | %s |\n", 100*p.Keep, p.A, p.B, p.Diff.N, pm(p.Diff, "%+.3f"), p.SE, p.Verdict)
		}
	}
	if c := s.Cluster; c != nil {
		fmt.Fprintf(w, "\nprune %g %% then cluster (birch-kmeans): Δ vs dense %s points, %s× without Huffman, %s× with\n",
			100*c.Keep, pm(c.Delta, "%+.2f"), pm(c.Ratio, "%.1f"), pm(c.HuffmanRatio, "%.1f"))
	}
}
