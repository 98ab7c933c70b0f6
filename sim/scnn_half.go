package sim

import "math"

// convHalfMasked is the closed form when both operands are skipped but only
// one has its mask (a compression profile's weight masks without measured
// activations, or measured activations without weight masks): the masked
// operand's counts are exact, the other's binomial and independent of them,
// so a PE's multiply cycles in a group factor per phase φ:
//
//	weights exact:     T_p = Σ_φ E⌈a_pφ/I⌉ · Σ_c ⌈w_cφ/F⌉
//	activations exact: T_p = Σ_φ E⌈w_φ/F⌉ · Σ_c ⌈a_cφp/I⌉
//
// with the slowest PE per group and the conflict stall as in convMasked.
func convHalfMasked(g *scnnGeom, l *Layer, ops scnnOperands, conf *conflictTable) scnnRun {
	g.planeFractions()
	nPE, p2, s := g.nr*g.nc, g.phases, g.stride
	n, last := g.groupsOf()
	run := scnnRun{pes: nPE}
	in := make([]float64, p2*nPE)
	pos := make([]int32, g.cg*p2*nPE) // positions per [c][phase][pe]
	actPositions(g, pos)
	for ph := 0; ph < p2; ph++ {
		for pe := 0; pe < nPE; pe++ {
			in[ph*nPE+pe] = g.rowIn[pe/g.nc*s+ph/s] * g.colIn[pe%g.nc*s+ph%s]
		}
	}
	T := make([]float64, nPE)
	N := make([]float64, nPE)
	if l.Mask != nil { // weights exact, activations binomial
		wfed := make([]int32, n*g.cg*p2)
		var cache distCache
		for gi := 0; gi < g.groups; gi++ {
			clear(wfed)
			weightCounts(g, l.Mask, gi*g.kg, wfed)
			for grp := 0; grp < n; grp++ {
				clear(T)
				clear(N)
				for ph := 0; ph < p2; ph++ {
					var vecW, sumW float64 // Σ_c ⌈w/F⌉, Σ_c w
					for c := 0; c < g.cg; c++ {
						w := int(wfed[(grp*g.cg+c)*p2+ph])
						vecW += float64((w + g.f - 1) / g.f)
						sumW += float64(w)
					}
					for pe := 0; pe < nPE; pe++ {
						ad := cache.get(int(pos[ph*nPE+pe]), ops.da, true, g.i)
						T[pe] += ad.vec * vecW
						N[pe] += ad.mean * sumW * in[ph*nPE+pe]
						run.issued += ad.mean * sumW
						run.aReads += ad.mean * vecW
						run.wReads += sumW
					}
				}
				run.addGroup(T, N, conf)
			}
		}
		return run
	}
	// activations exact, weights binomial
	afed := make([]int32, g.cg*p2*nPE)
	wd := make([]countDist, p2)
	for gi := 0; gi < g.groups; gi++ {
		clear(afed)
		actCounts(g, l.ActMask, gi*g.cg, afed)
		for grp := 0; grp < n; grp++ {
			if grp == 0 || grp == n-1 {
				kc := g.kc
				if grp == n-1 {
					kc = last
				}
				for ph := range wd {
					wd[ph] = binomDist(kc*filterPhaseCount(g.r, ph/s, s)*filterPhaseCount(g.s, ph%s, s), ops.dw, g.f)
				}
			}
			clear(T)
			clear(N)
			for c := 0; c < g.cg; c++ {
				for ph := 0; ph < p2; ph++ {
					for pe, a := range afed[(c*p2+ph)*nPE : (c*p2+ph+1)*nPE] {
						if a == 0 {
							continue
						}
						qa := float64((int(a) + g.i - 1) / g.i)
						T[pe] += qa * wd[ph].vec
						N[pe] += float64(a) * wd[ph].mean * in[ph*nPE+pe]
						run.issued += float64(a) * wd[ph].mean
						run.aReads += float64(a) * wd[ph].vec
						run.wReads += wd[ph].mean
					}
				}
			}
			run.addGroup(T, N, conf)
		}
	}
	return run
}

// addGroup closes one output-channel group: each PE's multiply cycles plus
// its expected conflict stall; the slowest PE sets the group's time.
func (run *scnnRun) addGroup(T, N []float64, conf *conflictTable) {
	var maxT, conflicts float64
	for pe, t := range T {
		if t == 0 {
			continue
		}
		st := conf.stall(int64(math.Round(t)), N[pe])
		maxT = max(maxT, t+st)
		run.busy += t + st
		conflicts += st
	}
	run.compute += maxT
	run.conflicts += conflicts / float64(len(T))
}
