package codesign

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dcsim/dcsim/accel"
	"github.com/dcsim/dcsim/network"
	"github.com/dcsim/dcsim/nn"
)

// The per-layer walk (Search "walk"). Two class thresholds cannot say that
// conv2 of LeNet-5 (70 % of its MACs) should be pruned much harder than
// conv1 (500 weights), or one FC layer harder than another; a walk over
// per-layer keeps can. It starts from the admissible grid candidate with
// the smallest objective and keeps its number of weights: at each step it
// tries one move per layer — keep a factor (WalkFactors[0], 0.6) of that
// layer's kept weights (its most salient, at least the minimum layer
// density) and turn on as many of the most salient pruned weights of the
// other layers — simulating and proxying every move like a grid
// candidate. The step takes the admissible move that lowers the objective
// most per unit of proxy accuracy lost (NetAdapt, Yang et al. 2018, with
// the simulator in place of its latency tables, at a fixed size rather
// than a shrinking one). When no move of a step is admissible, the step
// is retried with the next, gentler factor (0.8, then 0.9), which later
// steps keep, as NetAdapt shrinks its step. The walk stops after
// s.WalkSteps steps or when no admissible move at the gentlest factor
// lowers the objective. Every move becomes a
// candidate (series "walk"), so the Pareto front and the final choice see
// them next to the grid.

// walker holds one walk's fixed inputs and what it has proxied so far.
type walker struct {
	dense *nn.Model
	spec  *accel.Spec
	sal   [][]float32
	data  proxyData
	ref   func(weights int64) float64
	minD  float64
	s     Settings
	cs    []Candidate
	// seen maps a move's masks (maskKey) to its candidate in cs: a move an
	// earlier step already tried is not proxied again.
	seen  map[string]int
	tried int
}

// walk appends the walk's candidates to cs and returns it. cs carries its
// references (setReferences); floor is the fewest weights a choice keeps.
func walk(dense *nn.Model, spec *accel.Spec, sal [][]float32, cs []Candidate, data proxyData, floor float64, s Settings) ([]Candidate, error) {
	start := time.Now()
	from := walkStart(cs, floor, s)
	if from < 0 {
		s.logf("walk: no admissible grid candidate to start from")
		return cs, nil
	}
	w := &walker{dense: dense, spec: spec, sal: sal, data: data, ref: reference(cs),
		minD: s.Prune.MinLayerDensity /* filled by withDefaults */, s: s, cs: cs, seen: map[string]int{}}
	cur := cs[from]
	f := 0 // index into WalkFactors: moves only get gentler
	for step := 1; step <= s.WalkSteps; step++ {
		movesAt := func(factor float64) ([]Candidate, error) { return w.moves(&cur, factor, step) }
		moves, next, nf, err := shrinkingStep(&cur, f, movesAt, 1/float64(data.val.N), s)
		if err != nil {
			return nil, err
		}
		if nf != f {
			s.logf("walk: step %d: no admissible move keeping %g of a layer; moves now keep %g", step, WalkFactors[f], WalkFactors[nf])
			f = nf
		}
		if next < 0 {
			s.logf("walk: step %d: no admissible move lowers the %s", step, s.Objective)
			break
		}
		cur = moves[next]
		s.logf("walk: step %d: %s (proxy accuracy %.2f%%, latency %.4g µs)", step, cur.Name, 100*cur.Accuracy, cur.LatencyUS)
	}
	s.logf("walk: %d moves proxied from %s in %.1f s", w.tried, cs[from].Name, time.Since(start).Seconds())
	return w.cs, nil
}

// shrinkingStep is one step of the walk: the moves movesAt builds with
// WalkFactors[f] and, while none of them is admissible (bestMove), with
// each gentler factor in turn. It returns the last moves built, the index
// of the best one among them (-1 when even the gentlest factor has none)
// and the index of the factor it ended at.
func shrinkingStep(cur *Candidate, f int, movesAt func(factor float64) ([]Candidate, error), floor float64, s Settings) ([]Candidate, int, int, error) {
	for ; ; f++ {
		moves, err := movesAt(WalkFactors[f])
		if err != nil {
			return nil, -1, f, err
		}
		if next := bestMove(cur, moves, floor, s); next >= 0 || f == len(WalkFactors)-1 {
			return moves, next, f, nil
		}
	}
}

// moves builds, simulates and proxies one move per layer from cur, each
// keeping factor of one layer's kept weights. A move whose masks an
// earlier move had is not proxied again: the earlier candidate stands for
// it. New moves are appended to w.cs.
func (w *walker) moves(cur *Candidate, factor float64, step int) ([]Candidate, error) {
	var moves []Candidate
	for l := range w.dense.Params() {
		c, ok, err := move(w.dense, w.spec, w.sal, cur, l, factor, w.minD, step, w.s)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		key := maskKey(c.masks)
		if i, dup := w.seen[key]; dup {
			moves = append(moves, w.cs[i])
			continue
		}
		if err := proxyAccuracy(w.dense, &c, w.data, w.s.ProxyTrainImages, w.s); err != nil {
			return nil, err
		}
		if w.ref != nil {
			c.Reference = w.ref(c.Weights)
		}
		w.seen[key] = len(w.cs)
		w.cs = append(w.cs, c)
		moves = append(moves, c)
		w.tried++
	}
	return moves, nil
}

// walkStart is the index of the grid candidate with at least floor
// weights and proxy accuracy within the tolerance of its reference that
// has the smallest objective (ties as choose breaks them), or -1.
func walkStart(cs []Candidate, floor float64, s Settings) int {
	best := -1
	for i := range cs {
		c := &cs[i]
		if c.Series != "candidates" || !bigEnough(c, floor) || !withinTolerance(c, s.MaxDrop) {
			continue
		}
		if best < 0 || better(s.Objective, c, &cs[best]) {
			best = i
		}
	}
	return best
}

// move is cur with layer l cut to factor of its kept weights and the freed
// weights given to the most salient pruned weights of the other layers,
// simulated; ok is false when layer l is at its floor or nothing can take
// its weights.
func move(dense *nn.Model, spec *accel.Spec, sal [][]float32, cur *Candidate, l int, factor, minD float64, step int, s Settings) (Candidate, bool, error) {
	ps := dense.Params()
	n := len(cur.masks[l])
	before := keptOf(cur.masks[l])
	target := max(math.Round(before*factor), math.Ceil(minD*float64(n)), 1)
	if target >= before {
		return Candidate{}, false, nil // at the layer's floor
	}
	mask, err := layerMask(sal[l], target/float64(n), minD)
	if err != nil {
		return Candidate{}, false, err
	}
	freed := int(before - keptOf(mask))
	masks := append([][]float32(nil), cur.masks...)
	masks[l] = mask
	if freed <= 0 || !giveBack(masks, sal, l, freed) {
		return Candidate{}, false, nil
	}
	c := Candidate{Name: fmt.Sprintf("walk %d %s %.3g", step, ps[l].Layer, keptOf(mask)/float64(n)), Series: "walk",
		LayerKeeps: layerKeeps(ps, masks), Bits: cur.Bits, masks: masks}
	c.ConvKeep, c.FCKeep = kindKeep(ps, masks, network.Conv), kindKeep(ps, masks, network.FC)
	m, err := prepare(dense, &c, s.Seed)
	if err != nil {
		return c, false, err
	}
	if err := cost(m, spec, &c, s); err != nil {
		return c, false, err
	}
	return c, true, nil
}

// giveBack turns on the n most salient pruned weights of the layers other
// than skip, copying the masks it changes; false when fewer than n exist.
func giveBack(masks [][]float32, sal [][]float32, skip, n int) bool {
	type entry struct {
		v    float32
		l, i int32
	}
	var es []entry
	for l, m := range masks {
		if l == skip {
			continue
		}
		for i, v := range m {
			if v == 0 {
				es = append(es, entry{sal[l][i], int32(l), int32(i)})
			}
		}
	}
	if len(es) < n {
		return false
	}
	slices.SortFunc(es, func(a, b entry) int {
		return cmp.Or(-cmp.Compare(a.v, b.v), cmp.Compare(a.l, b.l), cmp.Compare(a.i, b.i))
	})
	copied := map[int32]bool{}
	for _, e := range es[:n] {
		if !copied[e.l] {
			masks[e.l] = slices.Clone(masks[e.l])
			copied[e.l] = true
		}
		masks[e.l][e.i] = 1
	}
	return true
}

// bestMove is the index of the admissible move (proxy accuracy within the
// tolerance of its reference) that lowers the objective below cur's most
// per unit of proxy accuracy lost (a loss under floor, one validation
// image, counts as floor), or -1.
func bestMove(cur *Candidate, moves []Candidate, floor float64, s Settings) int {
	best, bestScore := -1, 0.0
	for i := range moves {
		c := &moves[i]
		gain := objective(s.Objective, cur) - objective(s.Objective, c)
		if !withinTolerance(c, s.MaxDrop) || gain <= 0 {
			continue
		}
		score := gain / max(cur.Accuracy-c.Accuracy, floor)
		if best < 0 || score > bestScore {
			best, bestScore = i, score
		}
	}
	return best
}

// maskKey identifies a candidate's masks: its kept count per layer, which
// for masks that keep each layer's most salient weights (as every walk
// move's do) determines them.
func maskKey(masks [][]float32) string {
	var b strings.Builder
	for _, m := range masks {
		b.WriteString(strconv.FormatFloat(keptOf(m), 'f', 0, 64))
		b.WriteByte(',')
	}
	return b.String()
}

// keptOf counts the non-zero entries of a mask.
func keptOf(mask []float32) float64 {
	var k float64
	for _, v := range mask {
		if v != 0 {
			k++
		}
	}
	return k
}

// layerKeeps is the kept fraction of every layer under masks.
func layerKeeps(ps []*nn.Param, masks [][]float32) map[string]float64 {
	out := make(map[string]float64, len(ps))
	for l, p := range ps {
		out[p.Layer] = keptOf(masks[l]) / float64(len(masks[l]))
	}
	return out
}

// kindKeep is the kept fraction of the weights of kind k under masks
// (1 when the network has none).
func kindKeep(ps []*nn.Param, masks [][]float32, k network.Kind) float64 {
	var kept, all float64
	for l, p := range ps {
		if p.Kind == k {
			kept += keptOf(masks[l])
			all += float64(len(masks[l]))
		}
	}
	if all == 0 {
		return 1
	}
	return kept / all
}
