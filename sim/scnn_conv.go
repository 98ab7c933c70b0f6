package sim

import (
	"math"
	"math/bits"
)

// convStatistical is the closed form of a conv layer from densities: every
// PE's counts are binomial (skipped operands) or its exact positions (fed
// operands); the expected time of each PE is summed over channels and
// phases, and a group takes the slowest PE's expectation. The layer's
// randomness therefore adds no load imbalance here, only its geometry does
// (edge tiles, idle PEs).
func convStatistical(g *scnnGeom, ops scnnOperands, conf *conflictTable) scnnRun {
	g.planeFractions()
	s := g.stride
	// PEs of equal tiles have equal expectations: work on the distinct
	// PE rows and columns (first, interior, last, …) with multiplicities.
	var rbuf, cbuf [4]sideClass
	rows := sideClasses(rbuf[:0], g.nr, s, g.pad, g.rowIn, g.rowSpan)
	cols := sideClasses(cbuf[:0], g.nc, s, g.pad, g.colIn, g.colSpan)
	var cache distCache
	run := scnnRun{pes: g.nr * g.nc}
	n, last := g.groupsOf()
	classes := [2]struct{ kc, count int }{{g.kc, n - 1}, {last, 1}}
	wd := make([]countDist, g.phases)
	for _, cl := range classes {
		if cl.count == 0 {
			continue
		}
		for ph := range wd {
			nw := cl.kc * filterPhaseCount(g.r, ph/s, s) * filterPhaseCount(g.s, ph%s, s)
			wd[ph] = operandDist(nw, ops.dw, ops.wSkip, g.f)
		}
		var maxT, sumT, conf0, issued, aReads, wReads float64
		for _, rc := range rows {
			for _, cc := range cols {
				var t, nIn, is, ar, wr float64 // per input channel
				for ph := range wd {
					na := rc.ph[ph/s] * cc.ph[ph%s]
					if na == 0 || wd[ph].mean == 0 {
						continue
					}
					ad := cache.get(na, ops.da, ops.aSkip, g.i)
					t += ad.vec * wd[ph].vec
					nIn += ad.mean * wd[ph].mean * rc.in[ph/s] * cc.in[ph%s]
					is += ad.mean * wd[ph].mean
					ar += ad.mean * wd[ph].vec
					wr += wd[ph].mean
				}
				T, N := t*float64(g.cg), nIn*float64(g.cg)
				var st float64
				if T > 0 {
					st = conf.stall(int64(math.Round(T)), N)
				}
				m := float64(rc.n * cc.n)
				maxT = max(maxT, T+st)
				sumT += m * (T + st)
				conf0 += m * st
				issued += m * is
				aReads += m * ar
				wReads += m * wr
			}
		}
		k := float64(cl.count) * float64(g.groups)
		run.compute += k * maxT
		run.busy += k * sumT
		run.conflicts += k * conf0 / float64(run.pes)
		k *= float64(g.cg)
		run.issued += k * issued
		run.aReads += k * aReads
		run.wReads += k * wReads
	}
	return run
}

// sideClass is a set of PE rows (or columns) with equal tiles: inputs per
// phase and in-plane fractions per phase, and how many there are.
type sideClass struct {
	ph [maxStride]int
	in [maxStride]float64
	n  int
}

// sideClasses groups the n PE rows (columns) of a side by their tiles,
// appending to out.
func sideClasses(out []sideClass, n, s, pad int, in []float64, span func(int) (int, int)) []sideClass {
	for p := 0; p < n; p++ {
		lo, hi := span(p)
		found := false
		for i := range out {
			same := true
			for ph := 0; ph < s && same; ph++ {
				same = out[i].ph[ph] == phaseCount(lo, hi, ph, s, pad) && out[i].in[ph] == in[p*s+ph]
			}
			if same {
				out[i].n++
				found = true
				break
			}
		}
		if !found {
			c := sideClass{n: 1}
			for ph := 0; ph < s; ph++ {
				c.ph[ph] = phaseCount(lo, hi, ph, s, pad)
				c.in[ph] = in[p*s+ph]
			}
			out = append(out, c)
		}
	}
	return out
}

// operandDist is the count distribution of n operand slots of density d:
// binomial when zeros are skipped, all n when they are fed.
func operandDist(n int, d float64, skip bool, width int) countDist {
	if skip {
		return binomDist(n, d, width)
	}
	return exactDist(n, width)
}

// distCache memoises operandDist by slot count within one layer (PEs of
// the same tile size share it).
type distCache struct {
	n    [8]int
	dist [8]countDist
	used int
}

func (c *distCache) get(n int, d float64, skip bool, width int) *countDist {
	for i := 0; i < c.used; i++ {
		if c.n[i] == n {
			return &c.dist[i]
		}
	}
	i := c.used
	if i == len(c.n) {
		i = len(c.n) - 1 // full: overwrite the last slot
	} else {
		c.used++
	}
	c.n[i], c.dist[i] = n, operandDist(n, d, skip, width)
	return &c.dist[i]
}

// convMasked is the closed form from real masks: exact operand counts per
// PE, channel and phase (a skipped operand's non-zeros, a fed operand's
// positions), ⌈a/I⌉·⌈w/F⌉ multiply cycles plus the expected conflict stall
// of each run, the slowest PE per group.
func convMasked(g *scnnGeom, l *Layer, ops scnnOperands, conf *conflictTable) scnnRun {
	g.planeFractions()
	nPE := g.nr * g.nc
	p2 := g.phases
	n, _ := g.groupsOf()
	// inPE[ph·nPE + pe]: fraction of the PE's products in phase ph that
	// land inside the output plane
	inPE := make([]float64, p2*nPE)
	for ph := 0; ph < p2; ph++ {
		for pe := 0; pe < nPE; pe++ {
			inPE[ph*nPE+pe] = g.rowIn[pe/g.nc*g.stride+ph/g.stride] * g.colIn[pe%g.nc*g.stride+ph%g.stride]
		}
	}
	run := scnnRun{pes: nPE}
	afed := make([]int32, g.cg*p2*nPE) // [c][phase][pe]
	afedSum := make([]int64, g.cg*p2)
	wfed := make([]int32, n*g.cg*p2) // [group][c][phase]
	T := make([]int64, nPE)          // multiply cycles per PE in the group
	// ceilI[a] = ⌈a/I⌉ for every count a PE can hold (a tile's positions)
	var spanH, spanW int
	for p := 0; p < g.nr; p++ {
		lo, hi := g.rowSpan(p)
		spanH = max(spanH, hi-lo)
	}
	for p := 0; p < g.nc; p++ {
		lo, hi := g.colSpan(p)
		spanW = max(spanW, hi-lo)
	}
	ceilI := make([]int64, spanH*spanW+1)
	for a := range ceilI {
		ceilI[a] = (int64(a) + int64(g.i) - 1) / int64(g.i)
	}
	N := make([]float64, nPE) // products reaching the accumulators
	NA := make([]int64, nPE)  // the same, before the in-plane fraction (one phase)
	F := int64(g.f)
	for gi := 0; gi < g.groups; gi++ {
		clear(afed)
		clear(wfed)
		if ops.aSkip {
			actCounts(g, l.ActMask, gi*g.cg, afed)
		} else {
			actPositions(g, afed)
		}
		for c := 0; c < g.cg; c++ {
			for ph := 0; ph < p2; ph++ {
				var s int64
				for _, a := range afed[(c*p2+ph)*nPE : (c*p2+ph+1)*nPE] {
					s += int64(a)
				}
				afedSum[c*p2+ph] = s
			}
		}
		if ops.wSkip {
			weightCounts(g, l.Mask, gi*g.kg, wfed)
		} else {
			weightPositions(g, wfed)
		}
		var conflicts float64
		for grp := 0; grp < n; grp++ {
			clear(T)
			clear(N)
			clear(NA)
			for c := 0; c < g.cg; c++ {
				for ph := 0; ph < p2; ph++ {
					w := int64(wfed[(grp*g.cg+c)*p2+ph])
					if w == 0 {
						continue
					}
					qw := (w + F - 1) / F
					as := afed[(c*p2+ph)*nPE : (c*p2+ph+1)*nPE]
					in := inPE[ph*nPE : (ph+1)*nPE]
					if p2 == 1 { // one phase: the in-plane fraction is applied per PE below
						for pe, a := range as {
							T[pe] += ceilI[a] * qw
							NA[pe] += int64(a) * w
						}
					} else {
						fw := float64(w)
						for pe, a := range as {
							T[pe] += ceilI[a] * qw
							N[pe] += float64(a) * fw * in[pe]
						}
					}
					sum := float64(afedSum[c*p2+ph])
					run.issued += float64(w) * sum
					run.aReads += float64(qw) * sum
					run.wReads += float64(w) * float64(nPE)
				}
			}
			var maxT float64
			if p2 == 1 {
				for pe, na := range NA {
					N[pe] = float64(na) * inPE[pe]
				}
			}
			for pe, tm := range T {
				if tm == 0 {
					continue
				}
				st := conf.stall(tm, N[pe])
				t := float64(tm) + st
				maxT = max(maxT, t)
				run.busy += t
				conflicts += st
			}
			run.compute += maxT
		}
		run.conflicts += conflicts / float64(nPE)
	}
	return run
}

// actPositions fills afed with every PE's input positions per phase (the
// same for every channel): activations fed densely.
func actPositions(g *scnnGeom, afed []int32) {
	nPE, s := g.nr*g.nc, g.stride
	for pr := 0; pr < g.nr; pr++ {
		rlo, rhi := g.rowSpan(pr)
		for pc := 0; pc < g.nc; pc++ {
			clo, chi := g.colSpan(pc)
			for ph := 0; ph < g.phases; ph++ {
				v := int32(phaseCount(rlo, rhi, ph/s, s, g.pad) * phaseCount(clo, chi, ph%s, s, g.pad))
				for c := 0; c < g.cg; c++ {
					afed[(c*g.phases+ph)*nPE+pr*g.nc+pc] = v
				}
			}
		}
	}
}

// actCounts fills afed with the non-zero activations of channels
// [c0, c0+cg) of m per PE and phase.
func actCounts(g *scnnGeom, m *ActMask, c0 int, afed []int32) {
	nPE, s := g.nr*g.nc, g.stride
	for c := 0; c < g.cg; c++ {
		for pr := 0; pr < g.nr; pr++ {
			rlo, rhi := g.rowSpan(pr)
			for y := rlo; y < rhi; y++ {
				base := ((c0+c)*m.H + y) * m.W
				py := ((y+g.pad)%s + s) % s
				for pc := 0; pc < g.nc; pc++ {
					clo, chi := g.colSpan(pc)
					pe := pr*g.nc + pc
					if s == 1 && chi-clo <= 64 {
						afed[c*nPE+pe] += int32(shortCount(m.Bits, base+clo, chi-clo))
						continue
					}
					if s == 1 {
						afed[c*nPE+pe] += int32(rangeCount(m.Bits, base+clo, base+chi))
						continue
					}
					for x := clo; x < chi; x++ {
						i := base + x
						if m.Bits[i>>6]>>(uint(i)&63)&1 == 1 {
							ph := py*s + ((x+g.pad)%s+s)%s
							afed[(c*g.phases+ph)*nPE+pe]++
						}
					}
				}
			}
		}
	}
}

// weightPositions fills wfed with every group's filter taps per phase:
// weights fed densely.
func weightPositions(g *scnnGeom, wfed []int32) {
	n, last := g.groupsOf()
	s := g.stride
	for grp := 0; grp < n; grp++ {
		kc := g.kc
		if grp == n-1 {
			kc = last
		}
		for c := 0; c < g.cg; c++ {
			for ph := 0; ph < g.phases; ph++ {
				wfed[(grp*g.cg+c)*g.phases+ph] = int32(kc * filterPhaseCount(g.r, ph/s, s) * filterPhaseCount(g.s, ph%s, s))
			}
		}
	}
}

// weightCounts fills wfed with the non-zero weights of filters
// [k0, k0+kg) of m per output-channel group, channel and phase.
func weightCounts(g *scnnGeom, m *Mask, k0 int, wfed []int32) {
	rs := g.r * g.s
	s := g.stride
	for k := 0; k < g.kg; k++ {
		grp := k / g.kc
		row := (k0 + k) * m.Cols
		for c := 0; c < g.cg; c++ {
			base := row + c*rs
			if s == 1 && rs <= 64 {
				wfed[grp*g.cg+c] += int32(shortCount(m.Bits, base, rs))
				continue
			}
			if s == 1 {
				wfed[grp*g.cg+c] += int32(rangeCount(m.Bits, base, base+rs))
				continue
			}
			for r := 0; r < g.r; r++ {
				for t := 0; t < g.s; t++ {
					i := base + r*g.s + t
					if m.Bits[i>>6]>>(uint(i)&63)&1 == 1 {
						wfed[(grp*g.cg+c)*g.phases+(r%s)*s+t%s]++
					}
				}
			}
		}
	}
}

// shortCount is the number of set bits i..i+n−1 of b, n ≤ 64.
func shortCount(b []uint64, i, n int) int {
	w, sh := i>>6, uint(i&63)
	v := b[w] >> sh
	if sh+uint(n) > 64 {
		v |= b[w+1] << (64 - sh)
	}
	if n < 64 {
		v &= 1<<uint(n) - 1
	}
	return bits.OnesCount64(v)
}

// rangeCount is the number of set bits i..j−1 of b.
func rangeCount(b []uint64, i, j int) int {
	if j <= i {
		return 0
	}
	wi, wj := i>>6, (j-1)>>6
	lo := ^uint64(0) << uint(i&63)
	hi := ^uint64(0) >> uint(63-(j-1)&63)
	if wi == wj {
		return bits.OnesCount64(b[wi] & lo & hi)
	}
	n := bits.OnesCount64(b[wi] & lo)
	for w := wi + 1; w < wj; w++ {
		n += bits.OnesCount64(b[w])
	}
	return n + bits.OnesCount64(b[wj]&hi)
}
