package codesign

import (
	"fmt"
	"maps"
	"time"

	"github.com/dcsim/dcsim/accel"
	"github.com/dcsim/dcsim/nn"
	"github.com/dcsim/dcsim/pruning"
)

// The per-layer walk (Search "walk"). Two class thresholds cannot say that
// conv2 of LeNet-5 (70 % of its MACs) should be pruned much harder than
// conv1 (500 weights), or one FC layer harder than another; a walk over
// per-layer keeps can. It starts from the grid's best candidate within the
// accuracy tolerance and, at each step, tries one move per layer — that
// layer's keep fraction times WalkFactor, its mask the top of the same
// saliency — simulating and proxying every move like a grid candidate. The
// step takes the move within the tolerance that lowers the objective most
// per unit of proxy accuracy lost (NetAdapt, Yang et al. 2018, with the
// simulator in place of its latency tables). It stops after s.WalkSteps
// steps or when no move within the tolerance lowers the objective. Every
// move becomes a candidate (series "walk"), so the Pareto front and the
// final choice see them next to the grid.

// walk appends the walk's candidates to cs and returns it.
func walk(dense *nn.Model, spec *accel.Spec, sal [][]float32, cs []Candidate, data proxyData, denseAcc float64, s Settings) ([]Candidate, error) {
	start := time.Now()
	from := walkStart(cs, denseAcc, s)
	if from < 0 {
		s.logf("walk: no grid candidate within the accuracy tolerance to start from")
		return cs, nil
	}
	cur := cs[from]
	minD := s.Prune.MinLayerDensity
	if minD == 0 {
		minD = pruning.DefaultMinLayerDensity
	}
	ps := dense.Params()
	tried := 0
	for step := 1; step <= s.WalkSteps; step++ {
		var moves []Candidate
		for l := range ps {
			c, ok, err := move(dense, spec, sal, &cur, l, minD, step, s)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			if err := proxyAccuracy(dense, &c, data, s.ProxyTrainImages, s); err != nil {
				return nil, err
			}
			moves = append(moves, c)
		}
		tried += len(moves)
		cs = append(cs, moves...)
		next := bestMove(&cur, moves, denseAcc, 1/float64(data.val.N), s)
		if next < 0 {
			s.logf("walk: step %d: no move within the tolerance lowers the %s", step, s.Objective)
			break
		}
		cur = moves[next]
		s.logf("walk: step %d: %s (proxy accuracy %.2f%%, latency %.4g µs)", step, cur.Name, 100*cur.Accuracy, cur.LatencyUS)
	}
	s.logf("walk: %d moves tried from %s in %.1f s", tried, cs[from].Name, time.Since(start).Seconds())
	return cs, nil
}

// walkStart is the index of the candidate within the accuracy tolerance
// with the smallest objective (ties as choose breaks them), or -1.
func walkStart(cs []Candidate, denseAcc float64, s Settings) int {
	best := -1
	for i := range cs {
		c := &cs[i]
		if c.Accuracy >= denseAcc-s.MaxDrop-1e-12 && (best < 0 || better(s.Objective, c, &cs[best])) {
			best = i
		}
	}
	return best
}

// move is cur with layer l's keep fraction times WalkFactor, simulated;
// ok is false when the layer cannot lose a weight.
func move(dense *nn.Model, spec *accel.Spec, sal [][]float32, cur *Candidate, l int, minD float64, step int, s Settings) (Candidate, bool, error) {
	ps := dense.Params()
	n := len(cur.masks[l])
	k := keptOf(cur.masks[l]) * WalkFactor / float64(n)
	mask, err := layerMask(sal[l], k, minD)
	if err != nil || keptOf(mask) >= keptOf(cur.masks[l]) {
		return Candidate{}, false, nil // at the layer's floor
	}
	masks := append([][]float32(nil), cur.masks...)
	masks[l] = mask
	c := Candidate{Name: fmt.Sprintf("walk %d %s %.3g", step, ps[l].Layer, k), Series: "walk",
		LayerKeeps: maps.Clone(cur.LayerKeeps), Bits: cur.Bits, masks: masks}
	if c.LayerKeeps == nil {
		c.LayerKeeps = layerKeeps(ps, cur.masks)
	}
	c.LayerKeeps[ps[l].Layer] = keptOf(mask) / float64(n)
	c.ConvKeep, c.FCKeep = kindKeep(ps, masks, nn.Conv), kindKeep(ps, masks, nn.FC)
	m, err := prepare(dense, &c, s.Seed)
	if err != nil {
		return c, false, err
	}
	if err := cost(m, spec, &c, s); err != nil {
		return c, false, err
	}
	return c, true, nil
}

// bestMove is the index of the move within the tolerance that lowers the
// objective below cur's most per unit of proxy accuracy lost (a loss
// under floor, one validation image, counts as floor), or -1.
func bestMove(cur *Candidate, moves []Candidate, denseAcc, floor float64, s Settings) int {
	best, bestScore := -1, 0.0
	for i := range moves {
		c := &moves[i]
		gain := objective(s.Objective, cur) - objective(s.Objective, c)
		if c.Accuracy < denseAcc-s.MaxDrop-1e-12 || gain <= 0 {
			continue
		}
		score := gain / max(cur.Accuracy-c.Accuracy, floor)
		if best < 0 || score > bestScore {
			best, bestScore = i, score
		}
	}
	return best
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
func kindKeep(ps []*nn.Param, masks [][]float32, k nn.Kind) float64 {
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
