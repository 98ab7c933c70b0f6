package pruning

import (
	"fmt"
	"slices"
	"time"

	"github.com/dcsim/dcsim/nn"
)

// DefaultSensitivityDensities are the per-layer densities Sensitivity tries
// when none are given: Distiller's sparsities 10 %–90 % in steps of 10,
// then the 95–99 % range pruning targets reach.
var DefaultSensitivityDensities = []float64{0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05, 0.02, 0.01}

// SensitivityPoint is the accuracy of the model with one layer pruned to
// Density (of all its weights) and every other layer as it was.
type SensitivityPoint struct {
	Layer    string  `json:"layer"`
	Density  float64 `json:"density"`
	Kept     int     `json:"kept"`
	Accuracy float64 `json:"accuracy"`
	Loss     float64 `json:"loss"`
}

// SensitivityReport is the result of Sensitivity.
type SensitivityReport struct {
	Model         string             `json:"model"`
	Criterion     string             `json:"criterion"`
	Normalize     string             `json:"normalize,omitempty"`
	Accumulate    string             `json:"accumulate,omitempty"`
	DenseAccuracy float64            `json:"dense_accuracy"`
	Densities     []float64          `json:"densities"`
	Layers        []string           `json:"layers"`
	Points        []SensitivityPoint `json:"points"` // layer-major, densities in the given order
	Seconds       float64            `json:"seconds"`
}

// At returns the point of layer at density, and whether it exists.
func (r SensitivityReport) At(layer string, density float64) (SensitivityPoint, bool) {
	for _, p := range r.Points {
		if p.Layer == layer && p.Density == density {
			return p, true
		}
	}
	return SensitivityPoint{}, false
}

// Sensitivity is the per-layer pruning sensitivity analysis of Distiller
// (Zmora et al. 2019, "sensitivity analysis"): each conv and fc layer in
// turn is pruned alone to each density of densities (nil =
// DefaultSensitivityDensities), keeping its most important weights under
// s's criterion, with no retraining, and the model is evaluated on test; the
// layer's mask is then restored. Weights the model has already pruned stay
// pruned (a point's Kept is then below Density·n). Scores are computed once on the model as
// given (one gradient pass over train for the saliency criterion; train may
// be nil for magnitude). Only the scoring fields of s are used (Criterion,
// Normalize, Accumulate, SaliencyBatch, Train.WeightDecay and
// Train.Workers); Keep need not be set. A user reads the result to see
// which layers tolerate pruning: a layer whose accuracy holds at low
// density can take a lower keep fraction.
func Sensitivity(m *nn.Model, train, test *nn.Dataset, s Settings, densities []float64) (SensitivityReport, error) {
	start := time.Now()
	if densities == nil {
		densities = DefaultSensitivityDensities
	}
	if len(densities) == 0 {
		return SensitivityReport{}, fmt.Errorf("densities: none given")
	}
	for _, d := range densities {
		if !(d > 0 && d <= 1) {
			return SensitivityReport{}, fmt.Errorf("densities: %g is not in (0,1]", d)
		}
	}
	if test == nil || test.N == 0 {
		return SensitivityReport{}, fmt.Errorf("sensitivity needs test data")
	}
	if s.Keep == 0 && !s.separate() {
		s.Keep = 1 // not used; satisfies Validate
	}
	s, err := s.withDefaults(m)
	if err != nil {
		return SensitivityReport{}, err
	}
	ps := m.Params()
	if len(ps) == 0 {
		return SensitivityReport{}, fmt.Errorf("network %q has no conv or fc layers to prune", m.Arch.Name)
	}
	rep := SensitivityReport{Model: m.Arch.Name, Criterion: s.Criterion, Densities: slices.Clone(densities)}
	if criteria[s.Criterion].gradient {
		rep.Normalize, rep.Accumulate = s.Normalize, s.Accumulate
	}
	if rep.DenseAccuracy, _, err = nn.EvaluateErr(m, test, s.Train.Workers); err != nil {
		return SensitivityReport{}, fmt.Errorf("test data: %w", err)
	}
	scores, err := Scores(m, ps, train, s)
	if err != nil {
		return SensitivityReport{}, err
	}
	for l, p := range ps {
		rep.Layers = append(rep.Layers, p.Layer)
		old := p.Mask
		sc := scores[l]
		if old != nil {
			// Weights already pruned stay pruned: rank them last and
			// intersect with the old mask below.
			sc = slices.Clone(sc)
			for i, v := range old {
				if v == 0 {
					sc[i] = -1
				}
			}
		}
		for _, d := range densities {
			th, err := SelectGlobal([][]float32{sc}, d, 0)
			if err != nil {
				return SensitivityReport{}, fmt.Errorf("layer %s: %w", p.Layer, err)
			}
			mask := th.Masks[0]
			if old != nil {
				th.Kept = 0
				for i := range mask {
					mask[i] *= old[i]
					th.Kept += int(mask[i])
				}
			}
			p.Mask = mask
			acc, loss, err := nn.EvaluateErr(m, test, s.Train.Workers)
			p.Mask = old
			if err != nil {
				return SensitivityReport{}, fmt.Errorf("layer %s density %g: %w", p.Layer, d, err)
			}
			rep.Points = append(rep.Points, SensitivityPoint{Layer: p.Layer, Density: d, Kept: th.Kept, Accuracy: acc, Loss: loss})
		}
	}
	rep.Seconds = time.Since(start).Seconds()
	return rep, nil
}
