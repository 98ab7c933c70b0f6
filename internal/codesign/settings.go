package codesign

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/dcsim/dcsim/clustering"
	"github.com/dcsim/dcsim/internal/fielderr"
	"github.com/dcsim/dcsim/nn"
	"github.com/dcsim/dcsim/pruning"
	"github.com/dcsim/dcsim/sim"
)

// Defaults used when a Settings field is zero.
const (
	// DefaultMaxDrop is the proxy accuracy a candidate may lose against
	// global-threshold pruning at the same number of weights (0.002 = 0.2
	// percentage points).
	DefaultMaxDrop = 0.002
	// DefaultProxyTrainImages is the size of the training subset of the
	// proxy fine-tune: 6000 images, a tenth of an MNIST epoch.
	DefaultProxyTrainImages = 6000
	// DefaultValImages is the number of test images, taken from the
	// start of the test set, held out to choose: the proxy measures its
	// accuracy on them and nothing else does. The final comparison and the
	// proxy validation are measured on the remaining test images, which
	// never take part in a choice. (A model trained on all 60,000 MNIST
	// training images scores ~100 % on any of them, so a tolerance
	// measured there admits nothing.)
	DefaultValImages = 5000
	// DefaultRounds, DefaultRetrainEpochs and DefaultFinalEpochs are the
	// real retraining schedule of the chosen candidate and of the
	// global-threshold baseline when Settings.Prune leaves them zero: a
	// shorter schedule than dcsim prune's (5 × 2 + dense epochs), so that a
	// LeNet-5 run takes minutes. Both models get the same one.
	DefaultRounds        = 3
	DefaultRetrainEpochs = 1
	DefaultFinalEpochs   = 1
	// DefaultMinKeep is the smallest fraction of all weights a chosen
	// candidate keeps: 0.08, the density at which Deep Compression pruned
	// LeNet-5 and LeNet-300-100 without loss (Han et al. 2015, Table 1:
	// 431K → 36K and 267K → 22K weights). The proxy cannot certify a size:
	// a tenth of an epoch of fine-tuning recovers less than real
	// retraining (docs/results.md), so the size is the user's, like dcsim
	// prune's --keep, and the search decides where the weights go.
	DefaultMinKeep = 0.08
	// DefaultConfirm is how many candidates faster than the proxy's choice
	// are retrained for real to confirm one (Settings.Confirm). Three, not
	// two: with two, LeNet-5 seed 3 on scnn-eie spent its budget on
	// passing tests and stopped at conv 0.05 (1.49×); the third reached
	// conv 0.03 (1.60×, docs/results.md "Co-design").
	DefaultConfirm = 3
	// DefaultWalkSteps bounds the per-layer walk (Search "walk"): at most
	// this many accepted steps, each trying one move per layer.
	DefaultWalkSteps = 6
	// DefaultConvBits and DefaultFCBits cap the codebook index bits when
	// the chosen candidate is clustered (Deep Compression, Han et al. 2016,
	// §3: 8 bits for conv and 5 for FC layers keep accuracy).
	DefaultConvBits = 8
	DefaultFCBits   = 5
)

// WalkFactors are the per-layer walk's move sizes: a move keeps this
// fraction of one layer's kept weights. The walk starts with the first;
// when no move of a step is admissible it retries the step with the next,
// gentler one and keeps it (NetAdapt, Yang et al. 2018, shrinks its
// resource reduction the same way), and it stops when the last fails.
var WalkFactors = []float64{0.6, 0.8, 0.9}

// DefaultGlobalKeeps is the global-threshold ladder: keep fractions that
// span the sizes of the default grid (2–20 % of LeNet-5's weights).
var DefaultGlobalKeeps = []float64{0.02, 0.04, 0.08, 0.15, 0.3}

// Objectives, strategies by name: what the choice minimises among the
// candidates that meet the budget and the accuracy tolerance.
const (
	Latency = "latency"
	Energy  = "energy"
	Params  = "params"
)

// Objectives lists the valid objective names.
func Objectives() []string { return []string{Energy, Latency, Params} }

// Search strategies.
const (
	// Grid runs the proxy fine-tune on every candidate.
	Grid = "grid"
	// Halving is successive halving on the proxy (Jamieson & Talwalkar
	// 2016): every candidate gets a short fine-tune, the better half (by
	// proxy accuracy) a twice longer one, and so on until one rung holds
	// at most two candidates or the fine-tune reaches ProxyTrainImages.
	Halving = "halving"
	// Walk runs the grid, then a greedy per-layer walk from the grid's
	// choice (NetAdapt-style, Yang et al. 2018) at its number of weights:
	// each step tries, for each layer, keeping WalkFactors[0] of its
	// weights (gentler factors when no such move is admissible) and giving
	// the rest to the other layers' most salient pruned
	// weights; it simulates and proxies every move and takes the admissible
	// one that lowers the objective most per unit of proxy accuracy lost.
	Walk = "walk"
)

// Searches lists the valid search strategy names.
func Searches() []string { return []string{Grid, Halving, Walk} }

// Budget bounds the chosen candidate. A zero field is no bound; when
// several are set, a candidate must meet all of them.
type Budget struct {
	MaxLatencyUS float64 `json:"max_latency_us,omitempty"`
	MaxEnergyUJ  float64 `json:"max_energy_uj,omitempty"`
	MaxParams    int64   `json:"max_params,omitempty"`
}

// Bits are the codebook index bits of a candidate's conv and FC layers;
// zero means no codebook for that kind.
type Bits struct {
	Conv int `json:"conv"`
	FC   int `json:"fc"`
}

// String is "conv=C,fc=F".
func (b Bits) String() string { return fmt.Sprintf("conv=%d,fc=%d", b.Conv, b.FC) }

// Settings configures Run. Every zero field means the documented default;
// ConvKeeps, FCKeeps and Workloads are required.
type Settings struct {
	// ConvKeeps × FCKeeps is the candidate grid: fractions of conv and of
	// FC weights kept, each in (0,1].
	ConvKeeps, FCKeeps []float64
	// Bits multiplies the grid by codebook settings: each candidate is also
	// clustered (linear initialisation, k = 2^bits per layer kind) before
	// the proxy, and simulated with those index bits. Nil means pruning
	// only, the chosen candidate then clustered with ≤ DefaultConvBits /
	// DefaultFCBits.
	Bits   []Bits
	Budget Budget
	// Objective is minimised among the admissible candidates: "latency"
	// (default), "energy" or "params".
	Objective string
	// MaxDrop is the proxy accuracy a candidate may lose against global
	// threshold pruning at the same number of weights (fraction, not
	// points); 0 means DefaultMaxDrop.
	MaxDrop float64
	// MinKeep is the smallest fraction of all weights a chosen candidate
	// keeps; 0 means DefaultMinKeep. Candidates below it are listed with
	// their one-shot accuracy only.
	MinKeep float64
	// GlobalKeeps are the keep fractions of the global-threshold ladder:
	// each is a candidate (series "global"), and their proxy accuracies,
	// interpolated in log(weights), are every candidate's reference. Nil
	// means DefaultGlobalKeeps.
	GlobalKeeps []float64
	// Search is "walk" (default), "grid" or "halving".
	Search string
	// WalkSteps bounds the per-layer walk; 0 means DefaultWalkSteps.
	WalkSteps int
	// ProxyTrainImages sizes the proxy fine-tune, ValImages the held-out
	// test images it is measured on (see the defaults); SaliencyImages
	// limits the saliency pass (0 = all training images).
	ProxyTrainImages, ValImages, SaliencyImages int
	// Confirm bounds the real retrainings that test candidates faster than
	// the proxy's choice (see confirm.go): 0 means DefaultConfirm, < 0
	// none. It needs retraining, so NoRetrain turns it off.
	Confirm int
	// ValidateProxy, when > 0, retrains that many candidates for real
	// (spread over the proxy ranking) and reports the Spearman rank
	// correlation of proxy and test accuracy.
	ValidateProxy int
	// Prune is the schedule of every real retraining (rounds, epochs,
	// learning rate, criterion); its keep fields are set by Run. Zero
	// Rounds, RetrainEpochs and FinalEpochs mean DefaultRounds,
	// DefaultRetrainEpochs and DefaultFinalEpochs (FinalEpochs < 0: none);
	// a zero SaliencyImages means SaliencyImages above (each round scores
	// the weights on the same images the candidates' masks came from).
	Prune pruning.Settings
	// Cluster configures clustering of the chosen candidate; zero caps
	// mean Bits of the chosen candidate, else DefaultConvBits/DefaultFCBits.
	Cluster clustering.ModelSettings
	// ClusterEpochs fine-tunes the centroids after clustering (0 = none).
	ClusterEpochs int
	// NoRetrain skips the final comparison (the proxy validation still
	// runs when ValidateProxy > 0); used by tests and dry runs.
	NoRetrain bool
	Seed      int64
	Workers   int // goroutines for training and evaluation; 0 = all CPUs
	// Workloads turns a model (its masks and codebooks) into simulator
	// workloads: one per input image when activations are measured (each
	// layer carrying that image's activation mask, so a candidate's own
	// masks decide its activation sparsity), or one. The command layer
	// supplies it. Required.
	Workloads func(*nn.Model) ([]*sim.Workload, error)
	// Progress receives one line per phase; nil is quiet.
	Progress io.Writer
}

// Validate checks s without a model or data. Its errors are
// *fielderr.Error naming the field in snake_case ("conv_keeps",
// "budget.max_latency_us", "prune.rounds"), which the command line maps
// to its flags.
func (s Settings) Validate() error {
	if err := checkKeeps("conv_keeps", s.ConvKeeps); err != nil {
		return err
	}
	if err := checkKeeps("fc_keeps", s.FCKeeps); err != nil {
		return err
	}
	if s.GlobalKeeps != nil {
		if err := checkKeeps("global_keeps", s.GlobalKeeps); err != nil {
			return err
		}
	}
	for _, b := range s.Bits {
		if err := b.check(); err != nil {
			return err
		}
	}
	if err := s.Budget.check(); err != nil {
		return fielderr.In("budget", err)
	}
	if err := s.checkScalars(); err != nil {
		return err
	}
	if s.Workloads == nil {
		return fielderr.Errorf("workloads", "required (the command layer's model → workload conversion)")
	}
	return fielderr.In("prune", s.Prune.ValidateSchedule())
}

// checkScalars checks the strategy names and the numeric fields.
func (s Settings) checkScalars() error {
	switch {
	case s.Objective != "" && !slices.Contains(Objectives(), s.Objective):
		return fielderr.Errorf("objective", "%q: unknown (valid: %s)", s.Objective, strings.Join(Objectives(), ", "))
	case s.Search != "" && !slices.Contains(Searches(), s.Search):
		return fielderr.Errorf("search", "%q: unknown (valid: %s)", s.Search, strings.Join(Searches(), ", "))
	case !(s.MaxDrop >= 0 && s.MaxDrop < 1):
		return fielderr.Errorf("max_drop", "must be in [0,1), got %g", s.MaxDrop)
	case !(s.MinKeep >= 0 && s.MinKeep <= 1):
		return fielderr.Errorf("min_keep", "must be in (0,1], got %g", s.MinKeep)
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"proxy_train_images", s.ProxyTrainImages}, {"val_images", s.ValImages}, {"walk_steps", s.WalkSteps},
		{"saliency_images", s.SaliencyImages}, {"validate_proxy", s.ValidateProxy},
		{"cluster_epochs", s.ClusterEpochs}, {"workers", s.Workers}} {
		if f.v < 0 {
			return fielderr.Errorf(f.name, "must be ≥ 0, got %d", f.v)
		}
	}
	return nil
}

// checkKeeps rejects an empty list, a value outside (0,1] and duplicates.
func checkKeeps(field string, v []float64) error {
	if len(v) == 0 {
		return fielderr.Errorf(field, "the grid is empty (give one or more fractions in (0,1])")
	}
	seen := map[float64]bool{}
	for _, k := range v {
		if !(k > 0 && k <= 1) || math.IsNaN(k) {
			return fielderr.Errorf(field, "must be in (0,1], got %g", k)
		}
		if seen[k] {
			return fielderr.Errorf(field, "%g is listed twice", k)
		}
		seen[k] = true
	}
	return nil
}

func (b Bits) check() error {
	for _, f := range []struct {
		name string
		v    int
	}{{"conv", b.Conv}, {"fc", b.FC}} {
		if f.v < 0 || f.v > 16 {
			return fielderr.Errorf("bits", "%s=%d: must be in 1–16 (0 = no codebook)", f.name, f.v)
		}
	}
	return nil
}

func (b Budget) check() error {
	switch {
	case b.MaxLatencyUS < 0 || math.IsNaN(b.MaxLatencyUS) || math.IsInf(b.MaxLatencyUS, 0):
		return fielderr.Errorf("max_latency_us", "must be a finite number > 0, got %g", b.MaxLatencyUS)
	case b.MaxEnergyUJ < 0 || math.IsNaN(b.MaxEnergyUJ) || math.IsInf(b.MaxEnergyUJ, 0):
		return fielderr.Errorf("max_energy_uj", "must be a finite number > 0, got %g", b.MaxEnergyUJ)
	case b.MaxParams < 0:
		return fielderr.Errorf("max_params", "must be > 0, got %d", b.MaxParams)
	}
	return nil
}

// withDefaults fills the zero fields.
func (s Settings) withDefaults() Settings {
	if s.Objective == "" {
		s.Objective = Latency
	}
	if s.Search == "" {
		s.Search = Walk
	}
	if s.MaxDrop == 0 {
		s.MaxDrop = DefaultMaxDrop
	}
	if s.ProxyTrainImages == 0 {
		s.ProxyTrainImages = DefaultProxyTrainImages
	}
	if s.MinKeep == 0 {
		s.MinKeep = DefaultMinKeep
	}
	if s.GlobalKeeps == nil {
		s.GlobalKeeps = DefaultGlobalKeeps
	}
	if s.ValImages == 0 {
		s.ValImages = DefaultValImages
	}
	if s.WalkSteps == 0 {
		s.WalkSteps = DefaultWalkSteps
	}
	if s.Confirm == 0 {
		s.Confirm = DefaultConfirm
	}
	if s.Prune.Rounds == 0 {
		s.Prune.Rounds = DefaultRounds
	}
	if s.Prune.RetrainEpochs == 0 {
		s.Prune.RetrainEpochs = DefaultRetrainEpochs
	}
	if s.Prune.FinalEpochs == 0 {
		s.Prune.FinalEpochs = DefaultFinalEpochs
	}
	if s.Prune.MinLayerDensity == 0 {
		s.Prune.MinLayerDensity = pruning.DefaultMinLayerDensity
	}
	if s.Prune.SaliencyImages == 0 {
		s.Prune.SaliencyImages = s.SaliencyImages
	}
	if len(s.Bits) == 0 {
		s.Bits = []Bits{{}}
	}
	return s
}

// logf writes one progress line.
func (s Settings) logf(format string, a ...any) {
	if s.Progress != nil {
		fmt.Fprintf(s.Progress, "codesign: "+format+"\n", a...)
	}
}
