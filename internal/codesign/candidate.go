package codesign

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/dcsim/dcsim/internal/fielderr"
	"github.com/dcsim/dcsim/network"
	"github.com/dcsim/dcsim/nn"
	"github.com/dcsim/dcsim/pruning"
)

// Candidate is one point of the design space: its settings, its proxy
// accuracy and its simulated cost on the accelerator. The JSON fields
// name, series, accuracy, compression_ratio, params, latency_us and
// energy_pj are the codesign rows `dcsim report` plots.
type Candidate struct {
	Name     string  `json:"name"`
	Series   string  `json:"series"`
	ConvKeep float64 `json:"conv_keep"`
	FCKeep   float64 `json:"fc_keep"`
	// LayerKeeps, set on the per-layer walk's candidates, is the keep
	// fraction of every layer; their real retraining keeps each layer at
	// it (pruning.Settings.LayerKeeps). Grid candidates retrain with the
	// conv and FC thresholds instead.
	LayerKeeps map[string]float64 `json:"layer_keeps,omitempty"`
	// Keep is set on the global-threshold ladder's candidates (series
	// "global"): the fraction of all weights one threshold keeps.
	Keep float64 `json:"keep,omitempty"`
	Bits Bits    `json:"bits"`
	// Accuracy is the proxy accuracy (after the short fine-tune);
	// OneShotAccuracy the accuracy with the masks applied and no training.
	// Both on the proxy validation images, fractions in [0,1].
	Accuracy        float64 `json:"accuracy"`
	OneShotAccuracy float64 `json:"one_shot_accuracy"`
	// Reference is the proxy accuracy of global-threshold pruning at this
	// candidate's number of weights (the ladder, interpolated): the
	// accuracy tolerance is measured from it.
	Reference        float64 `json:"reference_accuracy"`
	ProxyImages      int     `json:"proxy_images"` // fine-tune images the proxy used
	CompressionRatio float64 `json:"compression_ratio"`
	// Params counts the kept weights plus all biases; Weights the kept
	// weights only.
	Params    int64   `json:"params"`
	Weights   int64   `json:"nonzero_weights"`
	MACs      int64   `json:"macs"` // multiply-accumulates left when zero weights are skipped
	LatencyUS float64 `json:"latency_us"`
	EnergyPJ  float64 `json:"energy_pj"`
	Pareto    bool    `json:"pareto"`
	// Admissible: proxy accuracy within the tolerance of dense and every
	// budget met.
	Admissible bool `json:"admissible"`

	masks [][]float32 // per param of the model, from the saliency thresholds
}

// candidateName is "conv 0.2 fc 0.05" plus the bits when set.
func candidateName(ck, fk float64, b Bits) string {
	n := "conv " + strconv.FormatFloat(ck, 'g', -1, 64) + " fc " + strconv.FormatFloat(fk, 'g', -1, 64)
	if b != (Bits{}) {
		n += " bits " + b.String()
	}
	return n
}

// saliency scores every weight of m once (one gradient pass over train,
// pruning.Scores with the retraining criterion).
func saliency(m *nn.Model, train *nn.Dataset, s Settings) ([][]float32, error) {
	p := s.Prune
	p.Keep, p.ConvKeep, p.FCKeep = 1, 0, 0 // Scores validates; the keep is unused
	p.Train.Workers = s.Workers
	sal, err := pruning.Scores(m, m.Params(), train, p)
	if err != nil {
		return nil, fmt.Errorf("saliency: %w", err)
	}
	return sal, nil
}

// kindMasks thresholds the saliencies of the layers of one kind at keep
// (one threshold shared by those layers, pruning.SelectGlobal) and writes
// their masks into masks.
func kindMasks(ps []*nn.Param, sal [][]float32, kind network.Kind, keep, minDensity float64, masks [][]float32) error {
	var idx []int
	var group [][]float32
	for i, p := range ps {
		if p.Kind == kind {
			idx = append(idx, i)
			group = append(group, sal[i])
		}
	}
	if len(idx) == 0 {
		if keep < 1 {
			return fmt.Errorf("%s-keep %g: the network has no %s layers", kind, keep, kind)
		}
		return nil // nothing of this kind to prune (Explore collapsed its axis)
	}
	th, err := pruning.SelectGlobal(group, keep, minDensity)
	if err != nil {
		return fmt.Errorf("%s-keep %g: %w", kind, keep, err)
	}
	for j, i := range idx {
		masks[i] = th.Masks[j]
	}
	return nil
}

// Masks returns the masks of the candidate (convKeep, fcKeep) of m: the
// conv layers' saliencies sal thresholded together at convKeep, the FC
// layers' at fcKeep; every layer keeps at least minDensity of its weights
// (0 means pruning.DefaultMinLayerDensity), as pruning.Prune does.
func Masks(m *nn.Model, sal [][]float32, convKeep, fcKeep, minDensity float64) ([][]float32, error) {
	ps := m.Params()
	if len(sal) != len(ps) {
		return nil, fmt.Errorf("masks: %d saliency slices for %d layers", len(sal), len(ps))
	}
	if minDensity == 0 {
		minDensity = pruning.DefaultMinLayerDensity
	}
	masks := make([][]float32, len(ps))
	if err := kindMasks(ps, sal, network.Conv, convKeep, minDensity, masks); err != nil {
		return nil, err
	}
	if err := kindMasks(ps, sal, network.FC, fcKeep, minDensity, masks); err != nil {
		return nil, err
	}
	return masks, nil
}

// layerMask keeps the keep fraction of one layer's weights with the
// highest saliency (at least minDensity of them).
func layerMask(sal []float32, keep, minDensity float64) ([]float32, error) {
	th, err := pruning.SelectGlobal([][]float32{sal}, keep, minDensity)
	if err != nil {
		return nil, err
	}
	return th.Masks[0], nil
}

// applyMasks sets copies of masks on m's params.
func applyMasks(m *nn.Model, masks [][]float32) {
	for i, p := range m.Params() {
		p.Mask = append([]float32(nil), masks[i]...)
	}
}

// enumerate builds the grid ConvKeeps × FCKeeps × Bits with their masks,
// and the size-floor line: for every conv keep, the FC keep that makes
// the candidate hold exactly the floor's number of weights (MinKeep of
// all), when the network has both kinds and that FC keep is in (0,1].
// At a given conv keep, fewer weights are never slower, so the fastest
// candidate a size allows is on that line; the grid's FC keeps rarely
// fall on it.
func enumerate(m *nn.Model, sal [][]float32, s Settings) ([]Candidate, error) {
	var cs []Candidate
	add := func(name func(Bits) string, ck, fk float64) error {
		masks, err := Masks(m, sal, ck, fk, s.Prune.MinLayerDensity)
		if err != nil {
			return err
		}
		for _, b := range s.Bits {
			cs = append(cs, Candidate{Name: name(b), Series: "candidates", ConvKeep: ck, FCKeep: fk, Bits: b, masks: masks})
		}
		return nil
	}
	for _, ck := range s.ConvKeeps {
		for _, fk := range s.FCKeeps {
			if err := add(func(b Bits) string { return candidateName(ck, fk, b) }, ck, fk); err != nil {
				return nil, err
			}
		}
	}
	for _, ck := range s.ConvKeeps {
		fk, ok := floorFCKeep(m, ck, s)
		if !ok || slices.ContainsFunc(s.FCKeeps, func(f float64) bool { return math.Abs(f-fk) < 1e-9 }) {
			continue
		}
		name := func(b Bits) string {
			n := "floor conv " + strconv.FormatFloat(ck, 'g', -1, 64) + " fc " + strconv.FormatFloat(fk, 'g', 4, 64)
			if b != (Bits{}) {
				n += " bits " + b.String()
			}
			return n
		}
		if err := add(name, ck, fk); err != nil {
			return nil, err
		}
	}
	return cs, nil
}

// floorFCKeep is the FC keep that, with conv keep ck, keeps exactly the
// floor's number of weights (round(MinKeep × all), each kind's count
// rounded as pruning.SelectGlobal rounds it); ok is false when m lacks a
// kind or no FC keep in (0,1] above the FC layers' minimum density
// (s.Prune.MinLayerDensity) does it.
func floorFCKeep(m *nn.Model, ck float64, s Settings) (float64, bool) {
	var convN, fcN, fcMin int
	for _, p := range m.Params() {
		switch p.Kind {
		case network.Conv:
			convN += len(p.W)
		case network.FC:
			fcN += len(p.W)
			fcMin += pruning.MinKept(len(p.W), s.Prune.MinLayerDensity)
		}
	}
	if convN == 0 || fcN == 0 {
		return 0, false
	}
	fcKept := pruning.KeepCount(s.MinKeep, convN+fcN) - pruning.KeepCount(ck, convN)
	if fcKept < fcMin || fcKept > fcN {
		return 0, false
	}
	return float64(fcKept) / float64(fcN), true
}

// ladder builds the global-threshold candidates: one threshold over all
// layers at each keep of s.GlobalKeeps, as pruning.Prune with Keep sets
// masks.
func ladder(m *nn.Model, sal [][]float32, s Settings) ([]Candidate, error) {
	minD := s.Prune.MinLayerDensity // filled by withDefaults
	ps := m.Params()
	var cs []Candidate
	for _, k := range s.GlobalKeeps {
		th, err := pruning.SelectGlobal(sal, k, minD)
		if err != nil {
			return nil, fmt.Errorf("global-keep %g: %w", k, err)
		}
		cs = append(cs, Candidate{Name: "global " + strconv.FormatFloat(k, 'g', -1, 64), Series: "global",
			ConvKeep: kindKeep(ps, th.Masks, network.Conv), FCKeep: kindKeep(ps, th.Masks, network.FC), Keep: k, masks: th.Masks})
	}
	return cs, nil
}

// ParseBits parses a codebook setting "conv=8,fc=5" (either kind may be
// left out, meaning no codebook for it). Errors are *fielderr.Error on
// "bits".
func ParseBits(text string) (Bits, error) {
	var b Bits
	seen := map[string]bool{}
	for _, part := range strings.Split(text, ",") {
		key, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		key = strings.TrimSpace(key)
		if !ok || (key != "conv" && key != "fc") {
			return Bits{}, fielderr.Errorf("bits", "%q: want conv=N,fc=N, got %q", text, part)
		}
		if seen[key] {
			return Bits{}, fielderr.Errorf("bits", "%q: %s given twice", text, key)
		}
		seen[key] = true
		n, err := strconv.Atoi(strings.TrimSpace(val))
		if err != nil || n < 1 || n > 16 {
			return Bits{}, fielderr.Errorf("bits", "%q: %s: want an integer in 1–16, got %q", text, key, val)
		}
		if key == "conv" {
			b.Conv = n
		} else {
			b.FC = n
		}
	}
	return b, nil
}

// hasKind reports whether m has a conv or FC layer of kind k.
func hasKind(m *nn.Model, k network.Kind) bool {
	for _, p := range m.Params() {
		if p.Kind == k {
			return true
		}
	}
	return false
}

// forModel collapses the keep axis of a layer kind m lacks to {1}: an
// FC-only network (LeNet-300-100) is searched over FC keeps only, a
// conv-only one over conv keeps only.
func (s Settings) forModel(m *nn.Model) Settings {
	if !hasKind(m, network.Conv) && !slices.Equal(s.ConvKeeps, []float64{1}) {
		s.logf("%s has no conv layers: the FC keep is the only axis", m.Arch.Name)
		s.ConvKeeps = []float64{1}
	}
	if !hasKind(m, network.FC) && !slices.Equal(s.FCKeeps, []float64{1}) {
		s.logf("%s has no FC layers: the conv keep is the only axis", m.Arch.Name)
		s.FCKeeps = []float64{1}
	}
	return s
}
