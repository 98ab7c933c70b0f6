package pruning

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"time"

	"github.com/dcsim/dcsim/internal/fielderr"
	"github.com/dcsim/dcsim/network"
	"github.com/dcsim/dcsim/nn"
)

// Phases of a Round.
const (
	PhasePrune    = "prune"
	PhaseFinetune = "finetune"
)

// group is a set of layers thresholded together with one keep target.
type group struct {
	name   string
	idx    []int     // indices into m.Params()
	target float64   // final keep fraction
	keeps  []float64 // scheduled keep fraction per round
}

// groupsOf splits m's params into the groups of s: one global group, or
// conv and FC separately. Schedules start from each group's current density.
func groupsOf(m *nn.Model, s Settings) ([]group, error) {
	ps := m.Params()
	if len(ps) == 0 {
		return nil, fmt.Errorf("network %q has no conv or fc layers to prune", m.Arch.Name)
	}
	var gs []group
	switch {
	case s.perLayer():
		var err error
		if gs, err = layerGroups(ps, s.LayerKeeps); err != nil {
			return nil, err
		}
	case !s.separate():
		g := group{name: "all", target: s.Keep}
		for i := range ps {
			g.idx = append(g.idx, i)
		}
		gs = []group{g}
	default:
		conv, fc := group{name: "conv", target: s.ConvKeep}, group{name: "fc", target: s.FCKeep}
		for i, p := range ps {
			if p.Kind == network.Conv {
				conv.idx = append(conv.idx, i)
			} else {
				fc.idx = append(fc.idx, i)
			}
		}
		for _, g := range []group{conv, fc} {
			if len(g.idx) == 0 {
				return nil, fielderr.Errorf(g.name+"_keep", "network %q has no %s layers", m.Arch.Name, g.name)
			}
		}
		gs = []group{conv, fc}
	}
	for i := range gs {
		var k, n int64
		for _, j := range gs[i].idx {
			k += kept(ps[j])
			n += int64(len(ps[j].W))
		}
		var err error
		if gs[i].keeps, err = KeepSchedule(s.Schedule, ratio(k, n), gs[i].target, s.Rounds); err != nil {
			return nil, err
		}
	}
	return gs, nil
}

// layerGroups makes one group per layer with the keep of keeps; every
// layer must have one, and every name must be a layer.
func layerGroups(ps []*nn.Param, keeps map[string]float64) ([]group, error) {
	var gs []group
	seen := 0
	for i, p := range ps {
		k, ok := keeps[p.Layer]
		if !ok {
			return nil, fielderr.Errorf("layer_keeps", "no keep fraction for layer %q", p.Layer)
		}
		seen++
		gs = append(gs, group{name: p.Layer, idx: []int{i}, target: k})
	}
	if seen != len(keeps) {
		for _, name := range slices.Sorted(maps.Keys(keeps)) {
			if !slices.ContainsFunc(ps, func(p *nn.Param) bool { return p.Layer == name }) {
				return nil, fielderr.Errorf("layer_keeps", "%q is not a conv or fc layer of the network", name)
			}
		}
	}
	return gs, nil
}

// Prune prunes m in place towards the keep target of s, retraining on
// train, and reports every round with accuracy on val (nil skips
// evaluation). Each of s.Rounds rounds scores all weights (shadow values
// included), sets the masks of each group by one threshold at the round's
// scheduled keep fraction (reviving at most the round's share of
// s.ReviveFraction), and retrains s.RetrainEpochs epochs with splicing; a
// final s.FinalEpochs of fine-tuning runs with frozen masks, and the shadow
// values of pruned weights are then set to 0.
func Prune(m *nn.Model, train, val *nn.Dataset, s Settings) (Report, error) {
	start := time.Now()
	s, err := s.withDefaults(m)
	if err != nil {
		return Report{}, err
	}
	if train == nil || train.N == 0 {
		return Report{}, fmt.Errorf("pruning needs training data for retraining")
	}
	gs, err := groupsOf(m, s)
	if err != nil {
		return Report{}, err
	}
	rep := newReport(m, s)
	if val != nil {
		if rep.DenseAccuracy, _, err = nn.EvaluateErr(m, val, s.Train.Workers); err != nil {
			return Report{}, fmt.Errorf("validation data: %w", err)
		}
	}
	d, err := teacher(m, train, s)
	if err != nil {
		return Report{}, err
	}
	rs := s // the rounds' retraining
	if d != nil && s.DistillPhases == "all" {
		rs.Train.Distill = d
	}
	for r := 1; r <= s.Rounds; r++ {
		rd, err := pruneRound(m, train, s, gs, r)
		if err != nil {
			return rep, fmt.Errorf("round %d: %w", r, err)
		}
		if err := retrain(m, train, val, rs, s.RetrainEpochs, r, !s.NoSplicing && !s.FrozenShadows, &rd); err != nil {
			return rep, fmt.Errorf("round %d: %w", r, err)
		}
		rep.add(rd, s)
	}
	if s.FinalEpochs > 0 {
		rd := Round{Round: s.Rounds + 1, Phase: PhaseFinetune, Density: rep.Rounds[len(rep.Rounds)-1].Density}
		fs := s
		fs.Train.LR = s.FinalLR
		fs.Train.Distill = d
		if err := retrain(m, train, val, fs, s.FinalEpochs, s.Rounds+1, false, &rd); err != nil {
			return rep, fmt.Errorf("final fine-tuning: %w", err)
		}
		rep.add(rd, s)
	}
	zeroShadows(m)
	rep.Layers, rep.Total = Summarize(m)
	if n := len(rep.Rounds); n > 0 {
		rep.Accuracy = rep.Rounds[n-1].Accuracy
	}
	rep.Seconds = time.Since(start).Seconds()
	return rep, nil
}

// pruneRound scores every weight and sets new masks at round r's keep
// fractions, counting revived and newly pruned weights.
func pruneRound(m *nn.Model, train *nn.Dataset, s Settings, gs []group, r int) (Round, error) {
	rd := Round{Round: r, Phase: PhasePrune}
	t0 := time.Now()
	ps := m.Params()
	data := train
	if s.SaliencyImages > 0 && s.SaliencyImages < train.N {
		data = train.Subset(s.SaliencyImages)
	}
	scores, err := Scores(m, ps, data, s)
	if err != nil {
		return rd, err
	}
	rd.SaliencySeconds = time.Since(t0).Seconds()
	if !s.NoSplicing && s.ReviveMargin > 0 {
		// Hysteresis: a kept weight keeps its place unless a pruned one
		// beats it by the factor 1+ReviveMargin.
		f := float32(1 + s.ReviveMargin)
		for l, p := range ps {
			for i := range scores[l] {
				if p.Mask == nil || p.Mask[i] != 0 {
					scores[l][i] *= f
				}
			}
		}
	}
	for _, g := range gs {
		sal := make([][]float32, len(g.idx))
		for j, l := range g.idx {
			sal[j] = scores[l]
		}
		if s.NoSplicing {
			// Without splicing a pruned weight never returns.
			sal = rankPrunedLast(sal, ps, g.idx)
		}
		keep := g.keeps[r-1]
		sel := func(sal [][]float32) (Threshold, error) { return SelectGlobal(sal, keep, s.MinLayerDensity) }
		if s.LayerRevival && !s.NoSplicing {
			sel = func(sal [][]float32) (Threshold, error) {
				return selectLayerRevival(sal, ps, g.idx, keep, s.MinLayerDensity)
			}
		}
		th, err := sel(sal)
		if err == nil && s.ReviveFraction > 0 && !s.NoSplicing {
			th, err = capRevival(sal, ps, g.idx, th, reviveCap(s.ReviveFraction, r, s.Rounds, th.Kept), sel)
		}
		if err != nil {
			return rd, fmt.Errorf("%s layers: %w", g.name, err)
		}
		for j, l := range g.idx {
			rev, pru := diffMasks(ps[l].Mask, th.Masks[j])
			rd.Revived += rev
			rd.Pruned += pru
			if s.ReviveAtZero && rev > 0 {
				zeroRevived(ps[l], th.Masks[j])
			}
			ps[l].Mask = th.Masks[j]
		}
		switch {
		case s.perLayer():
			if rd.LayerKeepTargets == nil {
				rd.LayerKeepTargets = map[string]float64{}
			}
			rd.LayerKeepTargets[g.name] = keep
		case g.name == "conv":
			rd.ConvKeepTarget = keep
		case g.name == "fc":
			rd.FCKeepTarget = keep
		default:
			rd.KeepTarget = keep
		}
	}
	_, total := Summarize(m)
	rd.Density = total.Density
	return rd, nil
}

// reviveCap is how many weights round r of rounds may revive when it keeps
// kept: α/2·(1+cos(π·(r−1)/rounds))·kept, RigL's cosine-decayed update
// fraction, rounded down.
func reviveCap(alpha float64, r, rounds, kept int) int {
	f := alpha / 2 * (1 + math.Cos(math.Pi*float64(r-1)/float64(rounds)))
	return int(f * float64(kept))
}

// capRevival keeps at most limit of the weights th revives (mask 0→1), the
// most salient, and selects again with every other pruned weight ranked
// last, so the freed slots go to live weights.
func capRevival(sal [][]float32, ps []*nn.Param, idx []int, th Threshold, limit int, sel func([][]float32) (Threshold, error)) (Threshold, error) {
	var rev []entry
	for j, l := range idx {
		if m := ps[l].Mask; m != nil {
			for i, v := range th.Masks[j] {
				if v != 0 && m[i] == 0 {
					rev = append(rev, entry{sal[j][i], int32(j), int32(i)})
				}
			}
		}
	}
	if len(rev) <= limit {
		return th, nil
	}
	slices.SortFunc(rev, byRank)
	capped := rankPrunedLast(sal, ps, idx)
	for _, e := range rev[:limit] {
		capped[e.l][e.i] = sal[e.l][e.i]
	}
	return sel(capped)
}

// rankPrunedLast returns a copy of the scores sal of layers idx of ps with
// every currently pruned weight scored -1, below every live one (scores are
// ≥ 0), as ranking without splicing does.
func rankPrunedLast(sal [][]float32, ps []*nn.Param, idx []int) [][]float32 {
	out := make([][]float32, len(sal))
	for j, l := range idx {
		out[j] = slices.Clone(sal[j])
		if m := ps[l].Mask; m != nil {
			for i, v := range m {
				if v == 0 {
					out[j][i] = -1
				}
			}
		}
	}
	return out
}

// selectLayerRevival sets each layer's budget from the global ranking of
// its live weights (pruned ones ranked last, as without splicing) and gives
// the budget to the layer's most salient weights, shadows included.
func selectLayerRevival(sal [][]float32, ps []*nn.Param, idx []int, keep, minDensity float64) (Threshold, error) {
	th, err := SelectGlobal(rankPrunedLast(sal, ps, idx), keep, minDensity)
	if err != nil {
		return th, err
	}
	for j := range sal {
		n := 0
		for _, v := range th.Masks[j] {
			if v != 0 {
				n++
			}
		}
		es := make([]entry, len(sal[j]))
		for i, v := range sal[j] {
			es[i] = entry{v, int32(j), int32(i)}
		}
		slices.SortFunc(es, byRank)
		clear(th.Masks[j])
		for _, e := range es[:n] {
			th.Masks[j][e.i] = 1
		}
	}
	return th, nil
}

// zeroRevived sets to 0 the weights of p that new revives (mask 0→1).
func zeroRevived(p *nn.Param, new []float32) {
	for i, v := range new {
		if v != 0 && p.Mask != nil && p.Mask[i] == 0 {
			p.W[i] = 0
		}
	}
}

// diffMasks counts entries going 0→1 (revived) and 1→0 (pruned) from old
// (nil = all ones) to new.
func diffMasks(old, new []float32) (revived, pruned int64) {
	for i, v := range new {
		was := old == nil || old[i] != 0
		switch {
		case !was && v != 0:
			revived++
		case was && v == 0:
			pruned++
		}
	}
	return revived, pruned
}

// retrain trains epochs epochs from the base settings, with pruned shadow
// weights updated when splice is set, and evaluates on val into rd.
func retrain(m *nn.Model, train, val *nn.Dataset, s Settings, epochs, r int, splice bool, rd *Round) error {
	t0 := time.Now()
	ts := s.Train
	ts.Epochs = epochs
	ts.Seed = s.Seed*1000 + int64(r)
	ts.UpdatePruned = splice
	if _, err := nn.Train(m, train, ts); err != nil {
		return fmt.Errorf("retraining: %w", err)
	}
	rd.TrainSeconds = time.Since(t0).Seconds()
	if val != nil {
		var err error
		if rd.Accuracy, rd.Loss, err = nn.EvaluateErr(m, val, s.Train.Workers); err != nil {
			return fmt.Errorf("validation data: %w", err)
		}
	}
	return nil
}

// zeroShadows sets the shadow value of every pruned weight to 0, so W holds
// exactly the effective weights.
func zeroShadows(m *nn.Model) {
	for _, p := range m.Params() {
		for i, v := range p.Mask {
			if v == 0 {
				p.W[i] = 0
			}
		}
	}
}

// newReport starts the report of a run with settings s (defaults filled).
func newReport(m *nn.Model, s Settings) Report {
	r := Report{Model: m.Arch.Name, Criterion: s.Criterion, Schedule: s.Schedule,
		Keep: s.Keep, ConvKeep: s.ConvKeep, FCKeep: s.FCKeep, LayerKeeps: s.LayerKeeps, Splicing: !s.NoSplicing, Seed: s.Seed}
	if !s.NoSplicing && s.ReviveFraction > 0 {
		r.ReviveFraction = s.ReviveFraction
	}
	if criteria[s.Criterion].gradient {
		r.Normalize, r.Accumulate = s.Normalize, s.Accumulate
	}
	return r
}

// add records a round and writes its progress line.
func (r *Report) add(rd Round, s Settings) {
	r.Rounds = append(r.Rounds, rd)
	if s.Progress == nil {
		return
	}
	target := fmt.Sprintf("keep %.4f", rd.KeepTarget)
	if rd.ConvKeepTarget != 0 || rd.FCKeepTarget != 0 {
		target = fmt.Sprintf("conv keep %.4f fc keep %.4f", rd.ConvKeepTarget, rd.FCKeepTarget)
	}
	if rd.LayerKeepTargets != nil {
		target = "per-layer keeps"
	}
	if rd.Phase == PhaseFinetune {
		target = "masks frozen"
	}
	fmt.Fprintf(s.Progress, "%s %d: %s density %.4f revived %d pruned %d accuracy %.2f%% (saliency %.1f s, train %.1f s)\n",
		rd.Phase, rd.Round, target, rd.Density, rd.Revived, rd.Pruned, 100*rd.Accuracy, rd.SaliencySeconds, rd.TrainSeconds)
}
