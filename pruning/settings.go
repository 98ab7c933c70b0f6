package pruning

import (
	"io"
	"maps"
	"math"
	"slices"

	"github.com/dcsim/dcsim/internal/fielderr"
	"github.com/dcsim/dcsim/nn"
)

// Defaults used when a Settings field is zero.
const (
	DefaultRounds        = 5
	DefaultRetrainEpochs = 2
	// DefaultFinalEpochs is a sentinel: the final fine-tuning defaults to
	// the dense training schedule of the architecture
	// (nn.DefaultTrainSettings(model).Epochs: 25 for LeNet-300-100, 10 for
	// LeNet-5), i.e. learning-rate rewinding (Renda et al. 2020): the final
	// mask is fine-tuned with the schedule the dense model was trained
	// with. On LeNet-300-100 at 4 % kept (magnitude, seed 1) 3 final epochs
	// ended at 98.21 %, 10 at 98.38 %, 20 at 98.42 % (dense 98.58 %); the
	// PyTorch peer with 3 ended at 98.18 % (docs/pruning.md).
	DefaultFinalEpochs = 0
	// DefaultLRScale multiplies the dense training rate of
	// nn.DefaultTrainSettings (0.05 for LeNet-300-100, 0.01 for LeNet-5)
	// for retraining when Settings.Train.LR is zero: retraining runs at the
	// dense rate, as learning-rate rewinding does. Han et al. (2015)
	// fine-tune at 1/10 of it; on LeNet-300-100 at 8 % kept, 0.005 ended at
	// 98.30 %, 0.01 at 98.38 %, 0.05 at 98.39 % (docs/pruning.md).
	DefaultLRScale = 1.0
	// DefaultReviveMargin is Settings.ReviveMargin when zero: none (a
	// margin of 0.25 changed nothing measurable, docs/pruning.md).
	DefaultReviveMargin = -1
	// DefaultReviveFraction is Settings.ReviveFraction when zero: RigL's
	// α = 0.3 (Evci et al. 2020), untuned; since issue 12's fifth pass
	// (docs/pruning.md).
	DefaultReviveFraction = 0.3
	// DefaultDistillWeight is Settings.DistillWeight when zero: the final
	// fine-tuning (the default DistillPhases with splicing) learns from
	// the dense model's soft targets alone, α = 1. Over 5 seeds of LeNet-300-100 (paired
	// with the same runs without it) it gained 0.12 ± 0.07 points at 4 %
	// kept (saliency; standard error 0.03, every seed) and 0.12 ± 0.10 at
	// 2 %, and changed 8 % by −0.05 ± 0.10, inside the seed noise
	// (docs/pruning.md, "fourth pass").
	DefaultDistillWeight = 1
	// DefaultDistillTemperature is Settings.DistillTemperature when zero:
	// T = 4 (T = 2–4 within 0.06 points of each other on seed 1, 6 and 8
	// worse).
	DefaultDistillTemperature = 4
)

// Settings configures Prune. The zero value is invalid only because a keep
// fraction is required: set Keep (one global threshold) or both ConvKeep and
// FCKeep (conv and FC layers thresholded separately); every other zero field
// means the documented default.
type Settings struct {
	// Criterion is "saliency" (default) or "magnitude"; see Criteria.
	Criterion string
	// Normalize is the per-layer gradient normalisation of the saliency
	// criterion: "l2", "mean", "max" or "none"; empty means "none" with
	// Accumulate "obd" and "l2" otherwise.
	Normalize string
	// Accumulate is "batch" (default: normalise each batch's gradient, then
	// sum), "epoch" (sum, then normalise the epoch sums) or "fisher" (sum
	// the squared per-sample gradients, then normalise their square roots)
	// or "obd" (fisher plus the weight-decay curvature; see Accumulations).
	Accumulate string
	// Keep is the fraction of all weights kept, in (0,1].
	Keep float64
	// ConvKeep and FCKeep are the fractions of conv and of FC weights kept
	// when the two kinds are thresholded separately (both or neither; not
	// with Keep).
	ConvKeep, FCKeep float64
	// LayerKeeps, instead of Keep or ConvKeep/FCKeep, gives every conv and
	// FC layer (by name) its own keep fraction: each layer is thresholded
	// alone at its scheduled keep. Every layer must be listed. dcsim
	// codesign's per-layer search retrains its choice with it.
	LayerKeeps map[string]float64
	// Schedule moves the keep fraction from the model's current density to
	// the target over Rounds: "cubic" (default) or "geometric".
	Schedule string
	// Rounds of saliency → masks → retraining; 0 means DefaultRounds.
	Rounds int
	// RetrainEpochs per round, with splicing; 0 means DefaultRetrainEpochs.
	RetrainEpochs int
	// FinalEpochs of fine-tuning with frozen masks; 0 means the dense
	// training epochs of the architecture (see DefaultFinalEpochs),
	// negative means none.
	FinalEpochs int
	// FinalLR is the learning rate of the final fine-tuning; 0 means the
	// retraining rate (Train.LR).
	FinalLR float64
	// MinLayerDensity is the fraction of its weights (at least one) every
	// layer keeps regardless of the threshold; 0 means
	// DefaultMinLayerDensity.
	MinLayerDensity float64
	// SaliencyImages limits each round's saliency pass to the first that
	// many training images; 0 means all of them.
	SaliencyImages int
	// SaliencyBatch is the batch size of the gradient pass; 0 means the
	// training batch size, or 1 (per-sample gradients) with Accumulate
	// "fisher". With a batch B > 1, "fisher" and "obd" sum squared batch
	// gradients g^b = Σ_{n∈b} g^n: E[(g^b)²] = Σ_n E[(g^n)²] + B(B−1)·ḡ²,
	// so Σ_b (g^b)² estimates Σ_n (g^n)² without bias where the mean
	// gradient ḡ is 0 (a converged model) at the cost of one batch pass.
	SaliencyBatch int
	// FisherEstimate is how the fisher and obd modes estimate Σ_n (g^n)²
	// from batch gradients: "sum" (default) or "unbiased"; see
	// fisherEstimates. With a saliency batch of 1 both are the same.
	FisherEstimate string
	// PrunedScores is how obd scores currently pruned weights (with
	// splicing): "obd" (default, the same formula as kept weights) or
	// "gain" (the loss decrease of reviving them); see prunedScores.
	PrunedScores string
	// Train is the base of every retraining run. Zero fields mean what
	// they mean to nn.Train (the architecture's defaults; nn.None turns
	// momentum or decay off), except LR, which defaults to DefaultLRScale
	// times the dense rate. Epochs, Seed and UpdatePruned are set by Prune.
	Train nn.TrainSettings
	// NoSplicing freezes pruned weights during retraining and only ever
	// removes weights (classic iterative pruning). By default pruned
	// weights keep receiving updates and masks are recomputed over all
	// weights each round, so wrongly pruned weights come back.
	NoSplicing bool
	// FrozenShadows keeps splicing's revival at the round boundaries (every
	// round ranks all weights, pruned ones by their shadow values) but does
	// not train the shadows during a round: a pruned weight comes back when
	// its saliency (for obd, its curvature × its frozen value²) outranks a
	// kept one, not by drifting. Ignored with NoSplicing.
	FrozenShadows bool
	// ReviveAtZero brings a revived weight back at 0 instead of its shadow
	// value (RigL, Evci et al. 2020; sparse momentum, Dettmers &
	// Zettlemoyer 2019): the shadow's drift still ranks it, but the
	// network's function does not jump when it returns. Ignored with
	// NoSplicing.
	ReviveAtZero bool
	// LayerRevival splits each round's selection in two: the per-layer
	// budgets come from the global ranking of the live weights alone (as
	// without splicing), and within each layer the budget goes to the most
	// salient weights, pruned shadows included, so a revived weight
	// replaces a kept weight of its own layer. Ignored with NoSplicing.
	LayerRevival bool
	// ReviveMargin is the hysteresis of splicing (Guo et al. 2016 prune
	// below one threshold and revive only above a higher one): before each
	// round's ranking the scores of weights currently kept are multiplied
	// by 1+ReviveMargin, so a pruned weight comes back only when its score
	// beats a kept one by that factor. The count kept stays exact. 0 means
	// DefaultReviveMargin; negative means none.
	ReviveMargin float64
	// ReviveFraction α caps splicing's churn as RigL caps its updates
	// (Evci et al. 2020): round r of R revives at most
	// α/2·(1+cos(π·(r−1)/R)) of the weights it keeps, the most salient
	// pruned ones, and the slots the cap frees go to the next live weights.
	// 0 means DefaultReviveFraction; negative means no cap. Ignored with
	// NoSplicing.
	ReviveFraction float64
	// DistillWeight α turns retraining into knowledge distillation from
	// the model as Prune receives it (Hinton et al. 2015; the dense model
	// teaches its pruned self): the retraining of DistillPhases minimises
	// (1−α)·CE + α·T²·KL(teacher ‖ student) at temperature T =
	// DistillTemperature (nn.Distillation). The teacher's logits on the
	// training set are computed once, before the first round. 0 means
	// DefaultDistillWeight; negative means none; at most 1.
	DistillWeight float64
	// DistillTemperature T of the distillation; 0 means
	// DefaultDistillTemperature.
	DistillTemperature float64
	// DistillPhases is where distillation applies: "finetune" (the final
	// fine-tuning only) or "all" (every retraining epoch); empty means
	// "finetune" with splicing and "all" with NoSplicing.
	DistillPhases string
	// Seed varies the shuffling of every retraining run.
	Seed int64
	// Progress receives one line per round; nil is quiet.
	Progress io.Writer
}

// separate reports whether conv and FC layers are thresholded separately.
func (s Settings) separate() bool { return s.ConvKeep != 0 || s.FCKeep != 0 }

// perLayer reports whether every layer has its own keep fraction.
func (s Settings) perLayer() bool { return s.LayerKeeps != nil }

// Validate checks the settings without a model. Its errors are
// *fielderr.Error naming the field as a pruning experiment file spells it
// ("conv_keep", "train.lr"; LayerKeeps is "layer_keeps" and SaliencyImages
// "saliency_images", which no file sets), so the experiment reader adds
// the line and the command line maps the names to its flags.
func (s Settings) Validate() error {
	switch {
	case s.perLayer() && (s.Keep != 0 || s.separate()):
		return fielderr.Errorf("layer_keeps", "set either layer_keeps, keep, or conv_keep and fc_keep")
	case s.perLayer():
		if len(s.LayerKeeps) == 0 {
			return fielderr.Errorf("layer_keeps", "empty (give every conv and fc layer a keep fraction)")
		}
		for _, name := range slices.Sorted(maps.Keys(s.LayerKeeps)) {
			if err := inUnit("layer_keeps."+name, s.LayerKeeps[name]); err != nil {
				return err
			}
		}
	case s.Keep != 0 && s.separate():
		return fielderr.Errorf("keep", "set either keep or conv_keep and fc_keep, not both")
	case s.separate() && s.ConvKeep == 0:
		return fielderr.Errorf("fc_keep", "set both conv_keep and fc_keep or neither")
	case s.separate() && s.FCKeep == 0:
		return fielderr.Errorf("conv_keep", "set both conv_keep and fc_keep or neither")
	case s.separate():
		if err := inUnit("conv_keep", s.ConvKeep); err != nil {
			return err
		}
		if err := inUnit("fc_keep", s.FCKeep); err != nil {
			return err
		}
	case s.Keep == 0:
		return fielderr.Errorf("keep", "required (give keep, or conv_keep and fc_keep)")
	default:
		if err := inUnit("keep", s.Keep); err != nil {
			return err
		}
	}
	return s.ValidateSchedule()
}

// inUnit is the error of a keep fraction outside (0,1], or nil.
func inUnit(field string, v float64) error {
	if !(v > 0 && v <= 1) || math.IsNaN(v) {
		return fielderr.Errorf(field, "must be in (0,1], got %g", v)
	}
	return nil
}

// ValidateSchedule checks everything Validate does but the keep fractions,
// for callers that choose those themselves (codesign's keep grid).
func (s Settings) ValidateSchedule() error {
	var err error
	if _, err = pick("criterion", s.Criterion, DefaultCriterion, criteria); err != nil {
		return err
	}
	if _, err = pick("normalize", s.Normalize, DefaultNormalize, normalizations); err != nil {
		return err
	}
	if _, err = pick("accumulate", s.Accumulate, DefaultAccumulate, accumulations); err != nil {
		return err
	}
	if _, err = pick("pruned_scores", s.PrunedScores, DefaultPrunedScores, prunedScores); err != nil {
		return err
	}
	if _, err = pick("fisher_estimate", s.FisherEstimate, DefaultFisherEstimate, fisherEstimates); err != nil {
		return err
	}
	if _, err = pick("distill_phases", s.DistillPhases, defaultDistillPhases(s.NoSplicing), distillPhases); err != nil {
		return err
	}
	if _, err = schedule(s.Schedule); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"rounds", s.Rounds}, {"retrain_epochs", s.RetrainEpochs}, {"saliency_batch", s.SaliencyBatch},
		{"saliency_images", s.SaliencyImages}} {
		if f.v < 0 {
			return fielderr.Errorf(f.name, "must be ≥ 0, got %d", f.v)
		}
	}
	if err := s.Train.Validate(); err != nil {
		return fielderr.In("train", err)
	}
	if s.FinalLR < 0 || math.IsNaN(s.FinalLR) || math.IsInf(s.FinalLR, 0) {
		return fielderr.Errorf("final_lr", "must be a finite number ≥ 0, got %g", s.FinalLR)
	}
	if math.IsNaN(s.ReviveFraction) || s.ReviveFraction > 1 {
		return fielderr.Errorf("revive_fraction", "must be a number ≤ 1 (0 or negative: no cap), got %g", s.ReviveFraction)
	}
	if math.IsNaN(s.ReviveMargin) || math.IsInf(s.ReviveMargin, 0) {
		return fielderr.Errorf("revive_margin", "must be a finite number, got %g", s.ReviveMargin)
	}
	if !(s.DistillWeight <= 1) || math.IsInf(s.DistillWeight, 0) {
		return fielderr.Errorf("distill_weight", "must be a number ≤ 1 (negative: none), got %g", s.DistillWeight)
	}
	if !(s.DistillTemperature >= 0) || math.IsInf(s.DistillTemperature, 0) {
		return fielderr.Errorf("distill_temperature", "must be a finite number ≥ 0, got %g", s.DistillTemperature)
	}
	if s.MinLayerDensity < 0 || s.MinLayerDensity > 1 {
		return fielderr.Errorf("min_layer_density", "must be in [0,1], got %g", s.MinLayerDensity)
	}
	return nil
}

// withDefaults validates s and fills every zero field from the defaults for
// m's architecture.
func (s Settings) withDefaults(m *nn.Model) (Settings, error) {
	if err := s.Validate(); err != nil {
		return s, err
	}
	s.Criterion, _ = pick("criterion", s.Criterion, DefaultCriterion, criteria)
	s.Accumulate, _ = pick("accumulate", s.Accumulate, DefaultAccumulate, accumulations)
	s.Normalize, _ = pick("normalize", s.Normalize, defaultNormalize(s.Accumulate), normalizations)
	s.PrunedScores, _ = pick("pruned_scores", s.PrunedScores, DefaultPrunedScores, prunedScores)
	s.FisherEstimate, _ = pick("fisher_estimate", s.FisherEstimate, DefaultFisherEstimate, fisherEstimates)
	s.DistillPhases, _ = pick("distill_phases", s.DistillPhases, defaultDistillPhases(s.NoSplicing), distillPhases)
	if s.Schedule == "" {
		s.Schedule = DefaultSchedule
	}
	if s.Rounds == 0 {
		s.Rounds = DefaultRounds
	}
	if s.RetrainEpochs == 0 {
		s.RetrainEpochs = DefaultRetrainEpochs
	}
	if s.FinalEpochs == 0 {
		s.FinalEpochs = nn.DefaultTrainSettings(m.Arch.Name).Epochs
	}
	if s.MinLayerDensity == 0 {
		s.MinLayerDensity = DefaultMinLayerDensity
	}
	if s.ReviveMargin == 0 {
		s.ReviveMargin = DefaultReviveMargin
	}
	if s.ReviveFraction == 0 {
		s.ReviveFraction = DefaultReviveFraction
	}
	if s.DistillWeight == 0 {
		s.DistillWeight = DefaultDistillWeight
	}
	if s.DistillTemperature == 0 {
		s.DistillTemperature = DefaultDistillTemperature
	}
	s.Train = trainDefaults(m.Arch.Name, s.Train)
	if s.FinalLR == 0 {
		s.FinalLR = s.Train.LR
	}
	if s.SaliencyBatch == 0 {
		s.SaliencyBatch = s.Train.BatchSize
		if s.Accumulate == "fisher" {
			s.SaliencyBatch = 1 // Σ_n g_n² needs per-sample gradients
		}
	}
	return s, nil
}

// defaultNormalize is the normalisation used when Settings.Normalize is
// empty: "none" for obd, whose scores are loss changes comparable across
// layers, DefaultNormalize for the first-order modes.
func defaultNormalize(accumulate string) string {
	if accumulate == "obd" {
		return "none"
	}
	return DefaultNormalize
}

// trainDefaults fills the zero fields of t as nn.Train does, with the
// retraining rate DefaultLRScale × the dense rate.
func trainDefaults(model string, t nn.TrainSettings) nn.TrainSettings {
	if t.LR == 0 {
		t.LR = nn.DefaultTrainSettings(model).LR * DefaultLRScale
	}
	t, _ = t.WithDefaults(model) // Validate has checked t
	return t
}
