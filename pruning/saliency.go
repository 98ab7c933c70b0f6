package pruning

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/dcsim/dcsim/internal/fielderr"
	"github.com/dcsim/dcsim/nn"
)

// Defaults for the saliency criterion, used when the Settings field is
// empty. docs/pruning.md gives the experiment behind each choice: the
// second-order obd saliency (LeCun et al. 1990, with the weight-decay
// curvature) ranks at least as well as magnitude one-shot and after
// retraining, the first-order batch/epoch modes rank worse on a converged
// network. DefaultNormalize applies to the first-order modes; obd uses
// "none" (its scores are loss changes, comparable across layers).
const (
	DefaultCriterion  = "saliency"
	DefaultNormalize  = "l2"
	DefaultAccumulate = "obd"
)

// criteria is the registry of pruning criteria: whether each needs a
// gradient pass over the training set.
var criteria = map[string]struct{ gradient bool }{
	// saliency: |g̃ᵢ·wᵢ| accumulated over all training samples of an epoch.
	"saliency": {gradient: true},
	// magnitude: |wᵢ| (Han et al. 2015), the baseline.
	"magnitude": {gradient: false},
}

// normalizations is the registry of per-layer gradient normalisations: the
// gradient g of a layer is divided by the scale named here, so layers with
// gradients of different size compete fairly under one threshold.
var normalizations = map[string]string{
	"l2":   "‖g‖₂ = √Σgᵢ²",
	"max":  "max|gᵢ|",
	"mean": "Σ|gᵢ|/n",
	"none": "1",
}

// accumulations is the registry of ways the per-batch terms are summed.
var accumulations = map[string]string{
	// batch: s_i = Σ_b |g_i^b·w_i| / scale(g^b): every batch normalised on its own.
	"batch": "normalise each batch's gradient, then sum",
	// epoch: s_i = |w_i|·A_i / scale(A), A_i = Σ_b |g_i^b|: normalise the epoch sums.
	"epoch": "sum over the epoch, then normalise the sums",
	// fisher: s_i = |w_i|·F_i / scale(F), F_i = √(Σ_n (g_i^n)²) over the
	// samples n (per-sample gradients: the saliency batch defaults to 1).
	// s_i² ∝ Σ_n (g_i^n·w_i)², the diagonal-Fisher estimate of the loss
	// change ½·H_ii·w_i² of Optimal Brain Damage (LeCun et al. 1990) as
	// accumulated by Molchanov et al. (2019); the square root is monotone,
	// so the ranking is theirs, and keeps the units of the other modes.
	"fisher": "sum squared per-sample gradients, square root, then normalise",
	// obd: s_i = |w_i|·D_i / scale(D), D_i = √(Σ_n (g_i^n)²/N + λ) (by
	// default estimated from squared batch gradients, see
	// Settings.SaliencyBatch): the
	// Optimal Brain Damage estimate ½·H_ii·w_i² with H_ii = (empirical
	// Fisher of the data loss) + λ, the exact curvature of the training
	// objective's weight decay ½·λ·‖w‖² (λ = Settings.Train.WeightDecay).
	// With normalisation "none" it is in loss units, comparable across
	// layers; with H = λ alone it is magnitude pruning.
	"obd": "fisher plus the weight-decay curvature, square root, then normalise",
}

// fisherEstimates is the registry of estimators of Σ_n (g_i^n)² from the
// batch gradients g^b = Σ_{n∈b} g^n of the fisher and obd modes.
var fisherEstimates = map[string]string{
	// sum: Σ_b (g^b)², unbiased where the mean gradient ḡ is 0 (the kept
	// weights of a converged model), inflated by ḡ²·(Σ_b B_b² − N) elsewhere
	// (pruned weights, whose gradient at the effective value 0 is not 0).
	"sum": "squared batch gradients as they are",
	// unbiased: Σ_b (g^b)² less the estimated ḡ²·(Σ_b B_b² − N)
	// (accumulator.meanTerm).
	"unbiased": "squared batch gradients less the mean-gradient excess",
}

// prunedScores is the registry of ways obd scores pruned weights.
var prunedScores = map[string]string{
	// obd: |w|·√(F+λ) on the shadow value, as kept weights.
	"obd": "as kept weights: the loss increase of removing it",
	// gain: the loss decrease of reviving it (accumulator.revivalGain).
	"gain": "the loss decrease of reviving it, second order",
}

// DefaultPrunedScores is Settings.PrunedScores when empty.
const DefaultPrunedScores = "obd"

// DefaultFisherEstimate is Settings.FisherEstimate when empty.
const DefaultFisherEstimate = "sum"

// Criteria, Normalizations and Accumulations list the valid names.
func Criteria() []string       { return slices.Sorted(maps.Keys(criteria)) }
func Normalizations() []string { return slices.Sorted(maps.Keys(normalizations)) }
func Accumulations() []string  { return slices.Sorted(maps.Keys(accumulations)) }

// pick resolves name against a registry: "" is def; an unknown name is an
// error listing the valid ones.
func pick[V any](field, name, def string, reg map[string]V) (string, error) {
	if name == "" {
		return def, nil
	}
	n := strings.ToLower(name)
	if _, ok := reg[n]; !ok {
		return "", fielderr.Errorf(field, "%q: unknown (valid: %s)", name, strings.Join(slices.Sorted(maps.Keys(reg)), ", "))
	}
	return n, nil
}

// layerScale is the normalisation scale of v (see normalizations); a zero
// scale (all-zero gradient) is returned as 1 so the saliency stays 0.
func layerScale[T float32 | float64](name string, v []T) float64 {
	var s float64
	switch name {
	case "l2":
		for _, x := range v {
			s += float64(x) * float64(x)
		}
		s = math.Sqrt(s)
	case "max":
		var m T
		for _, x := range v {
			m = max(m, x, -x)
		}
		s = float64(m)
	case "mean":
		for _, x := range v {
			s += float64(max(x, -x))
		}
		s /= float64(max(len(v), 1))
	default:
		return 1
	}
	if s == 0 || math.IsInf(s, 0) {
		return 1
	}
	return s
}

// accumulator sums the normalised absolute gradients of every layer over
// the batches of a gradient pass. Since the weights do not change during
// the pass, Σ_b |g_i^b·w_i| = |w_i|·Σ_b |g_i^b| and |w| is applied once at
// the end.
type accumulator struct {
	normalize string
	perBatch  bool // normalise every batch (batch mode)
	squared   bool // sum g² and take √ at the end (fisher and obd modes)
	obd       bool // add damping to the mean squared gradient (obd mode)
	// damping is added to Σg²/samples in obd mode (the weight decay);
	// samples 0 means the number of batches.
	damping float64
	samples int
	// unbiased subtracts the mean-gradient term of squared batch sums
	// (FisherEstimates "unbiased"); gsum holds Σ_b g^b and sumB2 Σ_b B_b².
	unbiased bool
	// gain scores the pruned weights (masks[l][i] == 0) of obd by the loss
	// decrease of reviving them (PrunedScores "gain"); it needs gsum.
	gain    bool
	masks   [][]float32
	gsum    [][]float64
	sumB2   float64
	names   []string // layer names for errors
	sum     [][]float64
	batches int
}

func newAccumulator(normalize, accumulate string, names []string, sizes []int) *accumulator {
	a := &accumulator{normalize: normalize, perBatch: accumulate == "batch", squared: accumulate == "fisher" || accumulate == "obd",
		obd:   accumulate == "obd",
		names: names, sum: make([][]float64, len(sizes))}
	for l, n := range sizes {
		a.sum[l] = make([]float64, n)
	}
	return a
}

// add accumulates one batch's gradients (one slice per layer). nn checks
// that gradients are finite; a non-finite value would show in the sums,
// which saliency rejects.
func (a *accumulator) add(grads [][]float32) error {
	for l, g := range grads {
		if len(g) != len(a.sum[l]) {
			return fmt.Errorf("layer %s: gradient has %d entries, want %d", a.name(l), len(g), len(a.sum[l]))
		}
		inv := 1.0
		if a.perBatch {
			inv = 1 / layerScale(a.normalize, g)
		}
		acc := a.sum[l][:len(g)]
		if a.squared {
			for i, x := range g {
				acc[i] += float64(x) * float64(x)
			}
			if a.gsum != nil {
				gs := a.gsum[l][:len(g)]
				for i, x := range g {
					gs[i] += float64(x)
				}
			}
			continue
		}
		for i, x := range g {
			acc[i] += float64(abs32(x)) * inv
		}
	}
	a.batches++
	return nil
}

// meanTerm is the part of S = Σ_b (g_i^b)² that the mean gradient ḡ_i adds
// beyond Σ_n (g_i^n)². With batches of B_b samples drawn from per-sample
// gradients of mean ḡ and variance σ², N = Σ_b B_b, Q = Σ_b B_b² and
// G = Σ_b g^b: E[S] = N·σ² + Q·ḡ², E[G²] = N·σ² + N²·ḡ² and
// E[Σ_n (g^n)²] = N·σ² + N·ḡ², so the excess (Q − N)·ḡ² is estimated
// without bias by (G² − S)·(Q − N)/(N² − Q). One batch (Q = N²) cannot
// separate the two and is left as it is.
func (a *accumulator) meanTerm(l, i int, s float64) float64 {
	n := float64(max(a.samples, 1))
	if a.sumB2 <= n || a.sumB2 >= n*n {
		return 0
	}
	g := a.gsum[l][i]
	return (g*g - s) * (a.sumB2 - n) / (n*n - a.sumB2)
}

// name is layer l's name, or its number when names are not known.
func (a *accumulator) name(l int) string {
	if l < len(a.names) {
		return a.names[l]
	}
	return fmt.Sprint(l)
}

// abs32 is |x| by clearing the sign bit.
func abs32(x float32) float32 { return math.Float32frombits(math.Float32bits(x) &^ (1 << 31)) }

// saliency returns |w_i|·acc_i, the epoch sums normalised per layer first
// in epoch mode; in fisher mode acc_i is first replaced by √acc_i. In gain
// mode a pruned weight's score is √max(2·G_i, 0)/scale instead (revivalGain).
func (a *accumulator) saliency(weights [][]float32) ([][]float32, error) {
	out := make([][]float32, len(a.sum))
	for l, acc := range a.sum {
		if a.squared {
			root := make([]float64, len(acc))
			n := float64(max(a.samples, a.batches, 1))
			for i, v := range acc {
				if a.unbiased {
					v = max(v-a.meanTerm(l, i, v), 0)
				}
				root[i] = math.Sqrt(v)
				if a.obd {
					root[i] = math.Sqrt(v/n + a.damping)
				}
			}
			acc = root
		}
		inv := 1.0
		if !a.perBatch {
			inv = 1 / layerScale(a.normalize, acc)
		}
		out[l] = make([]float32, len(acc))
		for i, v := range acc {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("layer %s: saliency of weight %d is %v (non-finite gradients)", a.name(l), i, v)
			}
			w := float64(weights[l][i])
			if a.gain && a.masks[l] != nil && a.masks[l][i] == 0 {
				out[l][i] = float32(a.revivalGain(l, i, w, v) * inv)
				continue
			}
			out[l][i] = float32(math.Abs(w) * v * inv)
		}
	}
	return out, nil
}

// revivalGain is the obd-comparable score of a pruned weight with shadow
// value w and curvature d² = F + λ: √max(2·G, 0) with G the second-order
// decrease of the training objective when the weight enters the network at
// w, G = −ḡ·w − ½·d²·w² (ḡ the mean per-sample gradient at its effective
// value 0). A kept weight's obd score |w|·d is √(2·½·d²·w²), the increase
// from removing it, so both are loss changes on one scale. obd's own score
// for a pruned weight, |w|·d, counts its curvature as importance, while
// curvature makes reviving it less useful.
func (a *accumulator) revivalGain(l, i int, w, d float64) float64 {
	gbar := a.gsum[l][i] / float64(max(a.samples, 1))
	return math.Sqrt(max(-2*gbar*w-d*d*w*w, 0))
}

// magnitudes returns |w_i| for every weight, shadow values included.
func magnitudes(weights [][]float32) [][]float32 {
	out := make([][]float32, len(weights))
	for l, w := range weights {
		out[l] = make([]float32, len(w))
		for i, v := range w {
			out[l][i] = float32(math.Abs(float64(v)))
		}
	}
	return out
}

// Scores returns the pruning score of every weight of ps (one slice per
// param, in order) under the criterion of s: for "saliency" a gradient pass
// over all of train in batches of s.SaliencyBatch, for "magnitude" |w|.
// Pruned weights are scored on their shadow values, so they can come back.
func Scores(m *nn.Model, ps []*nn.Param, train *nn.Dataset, s Settings) ([][]float32, error) {
	s, err := s.withDefaults(m)
	if err != nil {
		return nil, err
	}
	weights := make([][]float32, len(ps))
	sizes := make([]int, len(ps))
	names := make([]string, len(ps))
	for l, p := range ps {
		weights[l], sizes[l], names[l] = p.W, len(p.W), p.Layer
	}
	if !criteria[s.Criterion].gradient {
		return magnitudes(weights), nil
	}
	if train == nil || train.N == 0 {
		return nil, fmt.Errorf("criterion %s needs training data", s.Criterion)
	}
	acc := newAccumulator(s.Normalize, s.Accumulate, names, sizes)
	acc.damping, acc.samples = max(s.Train.WeightDecay, 0), train.N // nn.None is no decay
	acc.unbiased = acc.squared && s.FisherEstimate == "unbiased"
	acc.gain = acc.obd && s.PrunedScores == "gain"
	if acc.unbiased || acc.gain {
		bs := min(max(s.SaliencyBatch, 1), train.N)
		full, rest := train.N/bs, train.N%bs
		acc.sumB2 = float64(full)*float64(bs)*float64(bs) + float64(rest)*float64(rest)
		acc.gsum = make([][]float64, len(sizes))
		for l, n := range sizes {
			acc.gsum[l] = make([]float64, n)
		}
	}
	if acc.gain {
		acc.masks = make([][]float32, len(ps))
		for l, p := range ps {
			acc.masks[l] = p.Mask
		}
	}
	grads := make([][]float32, len(ps))
	var first error
	err = m.GradientPass(train, s.SaliencyBatch, func() {
		if first != nil {
			return
		}
		for l, p := range ps {
			grads[l] = p.Grad
		}
		first = acc.add(grads)
	})
	if err == nil {
		err = first
	}
	if err != nil {
		return nil, fmt.Errorf("saliency pass: %w", err)
	}
	sal, err := acc.saliency(weights)
	if err != nil {
		return nil, fmt.Errorf("saliency pass: %w", err)
	}
	return sal, nil
}
