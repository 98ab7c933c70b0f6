package pruning

import (
	"fmt"
	"strconv"

	"github.com/dcsim/dcsim/network"
	"github.com/dcsim/dcsim/nn"
)

// Report describes one Prune run: the settings used (defaults filled in),
// every round, and the pruned model layer by layer. It is plain data for
// the command layer to render.
type Report struct {
	Model      string  `json:"model"`
	Criterion  string  `json:"criterion"`
	Normalize  string  `json:"normalize,omitempty"` // saliency criterion only
	Accumulate string  `json:"accumulate,omitempty"`
	Schedule   string  `json:"schedule"`
	Keep       float64 `json:"keep,omitempty"` // global target, or 0 when separated
	ConvKeep   float64 `json:"conv_keep,omitempty"`
	FCKeep     float64 `json:"fc_keep,omitempty"`
	// LayerKeeps are the per-layer targets when every layer has its own.
	LayerKeeps map[string]float64 `json:"layer_keeps,omitempty"`
	Splicing   bool               `json:"splicing"`
	// ReviveFraction is splicing's cap on revival (Settings.ReviveFraction);
	// 0 without splicing or without a cap.
	ReviveFraction float64 `json:"revive_fraction,omitempty"`
	Seed           int64   `json:"seed"`
	// DenseAccuracy and Accuracy are the validation accuracy before and
	// after pruning (0 when no validation set was given).
	DenseAccuracy float64      `json:"dense_accuracy"`
	Accuracy      float64      `json:"accuracy"`
	Rounds        []Round      `json:"rounds"`
	Layers        []LayerStats `json:"layers"`
	Total         LayerStats   `json:"total"` // sums over Layers, Name "total"
	Seconds       float64      `json:"seconds"`
}

// Round is one pruning round (Phase "prune") or the final fine-tuning
// (Phase "finetune", Round = rounds+1).
type Round struct {
	Round int    `json:"round"`
	Phase string `json:"phase"`
	// KeepTarget is this round's scheduled keep fraction over all weights
	// (global) — or ConvKeepTarget/FCKeepTarget when separated.
	KeepTarget     float64 `json:"keep_target,omitempty"`
	ConvKeepTarget float64 `json:"conv_keep_target,omitempty"`
	FCKeepTarget   float64 `json:"fc_keep_target,omitempty"`
	// LayerKeepTargets are this round's per-layer keeps (Settings.LayerKeeps).
	LayerKeepTargets map[string]float64 `json:"layer_keep_targets,omitempty"`
	Density          float64            `json:"density"` // kept ÷ all weights after masking
	// Revived counts weights whose mask went 0→1 this round, Pruned 1→0.
	Revived         int64   `json:"revived"`
	Pruned          int64   `json:"pruned"`
	Accuracy        float64 `json:"accuracy"` // validation accuracy after retraining
	Loss            float64 `json:"loss"`
	SaliencySeconds float64 `json:"saliency_seconds"`
	TrainSeconds    float64 `json:"train_seconds"`
}

// LayerStats is one layer's size after pruning. MACsKept is MACs·density,
// the multiply-accumulates left when zero weights are skipped.
type LayerStats struct {
	Name     string       `json:"name"`
	Kind     network.Kind `json:"kind"`
	Weights  int64        `json:"weights"`
	Kept     int64        `json:"nonzero"`
	Density  float64      `json:"density"`
	Biases   int64        `json:"biases"`
	MACs     int64        `json:"macs"`
	MACsKept int64        `json:"macs_remaining"`
}

// ParamsKept is the parameters remaining: kept weights plus biases.
func (l LayerStats) ParamsKept() int64 { return l.Kept + l.Biases }

// Summarize returns the per-layer statistics of m's conv and FC layers, in
// order, and their total. A weight is kept when its mask is 1 (all weights
// of an unmasked layer are kept).
func Summarize(m *nn.Model) ([]LayerStats, LayerStats) {
	var layers []LayerStats
	total := LayerStats{Name: "total"}
	for _, p := range m.Params() {
		shape, _ := m.Layer(p.Layer)
		l := LayerStats{Name: p.Layer, Kind: p.Kind, Weights: int64(len(p.W)), Kept: kept(p),
			Biases: int64(len(p.Bias)), MACs: shape.MACs()}
		l.Density = ratio(l.Kept, l.Weights)
		l.MACsKept = int64(float64(l.MACs)*l.Density + 0.5)
		layers = append(layers, l)
		total.Weights += l.Weights
		total.Kept += l.Kept
		total.Biases += l.Biases
		total.MACs += l.MACs
		total.MACsKept += l.MACsKept
	}
	total.Density = ratio(total.Kept, total.Weights)
	return layers, total
}

// kept counts the weights of p whose mask is 1.
func kept(p *nn.Param) int64 {
	if p.Mask == nil {
		return int64(len(p.W))
	}
	var n int64
	for _, v := range p.Mask {
		if v != 0 {
			n++
		}
	}
	return n
}

func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Meta is the metadata stored with the pruned model file (nn.SaveModel),
// keys prefixed "pruning.".
func (r Report) Meta() map[string]string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	m := map[string]string{
		"pruning.criterion": r.Criterion,
		"pruning.schedule":  r.Schedule,
		"pruning.rounds":    strconv.Itoa(r.prunedRounds()),
		"pruning.splicing":  strconv.FormatBool(r.Splicing),
		"pruning.seed":      strconv.FormatInt(r.Seed, 10),
		"pruning.density":   f(r.Total.Density),
		"pruning.accuracy":  f(r.Accuracy),
	}
	if r.ReviveFraction > 0 {
		m["pruning.revive_fraction"] = f(r.ReviveFraction)
	}
	if r.Normalize != "" {
		m["pruning.normalize"] = r.Normalize
		m["pruning.accumulate"] = r.Accumulate
	}
	if r.Keep != 0 {
		m["pruning.keep"] = f(r.Keep)
	} else {
		m["pruning.conv_keep"] = f(r.ConvKeep)
		m["pruning.fc_keep"] = f(r.FCKeep)
	}
	for _, l := range r.Layers {
		m["pruning.density."+l.Name] = f(l.Density)
	}
	return m
}

func (r Report) prunedRounds() int {
	n := 0
	for _, rd := range r.Rounds {
		if rd.Phase == PhasePrune {
			n++
		}
	}
	return n
}

// String is a one-line summary.
func (r Report) String() string {
	return fmt.Sprintf("%s %s: kept %d of %d weights (%.2f%%, %.1f×), MACs %.1f%%, accuracy %.2f%% (dense %.2f%%)",
		r.Model, r.Criterion, r.Total.Kept, r.Total.Weights, 100*r.Total.Density, 1/r.Total.Density,
		100*ratio(r.Total.MACsKept, r.Total.MACs), 100*r.Accuracy, 100*r.DenseAccuracy)
}
