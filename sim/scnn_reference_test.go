package sim

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/dcsim/dcsim/accel"
	"github.com/dcsim/dcsim/network"
)

// A register-level, cycle-by-cycle model of the scnn PE, written from the
// dataflow's description and not from the engine's code, checks the
// closed form (scnn_conv.go) on many small random layers, as
// reference_test.go does for the systolic array.
//
// Each PE holds the real non-zero (or, for a fed operand, every)
// activation of its input tile; for every output-channel group and input
// channel the weights of the group are broadcast. Per stride phase the PE
// steps through weight vectors of F (outer) and activation vectors of I
// (inner), one pair per cycle; each of the F·I products is turned into its
// output coordinate, dropped when outside the output plane, and otherwise
// pushed into the queue of its accumulator bank (the hashed output
// address). Each bank retires one product per cycle; a run ends when its
// last vector pair has issued and every bank queue is empty. A group ends
// at the slowest PE.

// refOperand is one fed operand: an activation (y, x) or a weight (k, r, t).
type refOperand struct{ a, b, c int }

// refSCNN is the reference's result for one conv layer (halos excluded).
type refSCNN struct {
	mult     int64 // cycles with conflict-free banks: Σ groups max_PE Σ runs ⌈a/I⌉⌈w/F⌉
	cycles   int64 // cycles with the bank queues
	products int64
}

func refConvSCNN(spec *accel.Spec, l *Layer) refSCNN {
	a := spec.Array
	F, I, A := a.PEWeights, a.PEActivations, a.AccumulatorBanks
	s, pad := l.StrideOr1(), l.Pad
	ho, wo := l.OutH(), l.OutW()
	G := l.GroupsOr1()
	cg, kg := l.InC/G, l.OutC/G
	// even tiles of the input plane: PE row of input row y, and its span
	nr, nc := min(a.Rows, l.InH), min(a.Cols, l.InW)
	tileOf := func(y, n, in int) int {
		p := 0
		for (p+1)*in/n <= y {
			p++
		}
		return p
	}
	wSkip := spec.Sparsity.Weights == accel.ZeroSkip
	aSkip := spec.Sparsity.Activations == accel.ZeroSkip

	// Accumulator tile of a PE: the output rows (columns) its products can
	// reach, by enumeration; Kc fills the entries.
	span := func(lo, hi, k, out int) int {
		mn, mx := math.MaxInt, -1
		for y := lo; y < hi; y++ {
			for r := 0; r < k; r++ {
				if (y+pad-r)%s == 0 && y+pad-r >= 0 {
					o := (y + pad - r) / s
					if o < out {
						mn, mx = min(mn, o), max(mx, o)
					}
				}
			}
		}
		return max(0, mx-mn+1)
	}
	var accH, accW int
	for p := 0; p < nr; p++ {
		accH = max(accH, span(p*l.InH/nr, (p+1)*l.InH/nr, l.R, ho))
	}
	for q := 0; q < nc; q++ {
		accW = max(accW, span(q*l.InW/nc, (q+1)*l.InW/nc, l.S, wo))
	}
	kc := min(kg, a.AccumulatorEntries/(accH*accW))

	var res refSCNN
	nPE := nr * nc
	for gi := 0; gi < G; gi++ {
		for k0 := 0; k0 < kg; k0 += kc {
			mult := make([]int64, nPE)
			full := make([]int64, nPE)
			queues := make([][]int, nPE) // bank queues persist through a PE's runs of one group
			pending := make([]int, nPE)
			for pe := range queues {
				queues[pe] = make([]int, A)
			}
			for c := 0; c < cg; c++ {
				// activations per PE and phase, row-major
				acts := make([][]refOperand, nPE*s*s)
				for y := 0; y < l.InH; y++ {
					for x := 0; x < l.InW; x++ {
						if aSkip && !l.ActMask.Get(gi*cg+c, y, x) {
							continue
						}
						pe := tileOf(y, nr, l.InH)*nc + tileOf(x, nc, l.InW)
						ph := (y+pad)%s*s + (x+pad)%s
						acts[pe*s*s+ph] = append(acts[pe*s*s+ph], refOperand{y, x, 0})
					}
				}
				// weights of the group per phase, in r, t, k order: the F
				// weights of a vector are mostly of different output
				// channels, so their products with I distinct activations
				// hit distinct outputs (SCNN §III; DNNsim orders them so too)
				ws := make([][]refOperand, s*s)
				for r := 0; r < l.R; r++ {
					for t := 0; t < l.S; t++ {
						for k := k0; k < min(kg, k0+kc); k++ {
							if wSkip && !l.Mask.Get(gi*kg+k, (c*l.R+r)*l.S+t) {
								continue
							}
							ph := r%s*s + t%s
							ws[ph] = append(ws[ph], refOperand{gi*kg + k, r, t})
						}
					}
				}
				for pe := 0; pe < nPE; pe++ {
					for ph := 0; ph < s*s; ph++ {
						as, w := acts[pe*s*s+ph], ws[ph]
						if len(as) == 0 || len(w) == 0 {
							continue
						}
						m, cyc, prod := scnnRefRun(as, w, F, I, s, pad, ho, wo, queues[pe], &pending[pe])
						mult[pe] += m
						full[pe] += cyc
						res.products += prod
					}
				}
			}
			for pe := range queues {
				for pending[pe] > 0 { // drain at the group's barrier
					full[pe]++
					for b := range queues[pe] {
						if queues[pe][b] > 0 {
							queues[pe][b]--
							pending[pe]--
						}
					}
				}
			}
			var mm, mf int64
			for pe := range mult {
				mm, mf = max(mm, mult[pe]), max(mf, full[pe])
			}
			res.mult += mm
			res.cycles += mf
		}
	}
	return res
}

// scnnRefRun steps one run cycle by cycle through the PE's bank queues
// and returns its multiply cycles, its cycles (equal: the queues drain at
// the barrier) and the products issued.
func scnnRefRun(as, ws []refOperand, F, I, s, pad, ho, wo int, queues []int, pending *int) (mult, cycles, products int64) {
	A := len(queues)
	for wv := 0; wv < len(ws); wv += F {
		for av := 0; av < len(as); av += I {
			for _, w := range ws[wv:min(len(ws), wv+F)] {
				for _, act := range as[av:min(len(as), av+I)] {
					products++
					yo, xo := (act.a+pad-w.b)/s, (act.b+pad-w.c)/s
					if act.a+pad-w.b < 0 || act.b+pad-w.c < 0 || yo >= ho || xo >= wo {
						continue // outside the output plane: the slot is spent, nothing accumulates
					}
					queues[refBank(uint64((w.a*ho+yo)*wo+xo), A)]++
					*pending++
				}
			}
			for b := range queues { // each bank accumulates one product per cycle
				if queues[b] > 0 {
					queues[b]--
					*pending--
				}
			}
			mult++
		}
	}
	return mult, mult, products
}

// refBank hashes an output address onto a bank (splitmix64's finaliser).
func refBank(x uint64, banks int) int {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return int(x % uint64(banks))
}

// randomSCNNLayer draws a small conv layer with random masks and a spec
// whose zero handling is one of skip/skip, skip/gate, gate/skip.
// banks ≤ 0 draws A from F·I/2 … 3·F·I/2; else A = banks·F·I/2.
func randomSCNNLayer(rng *rand.Rand, banks int) (*accel.Spec, *Layer) {
	spec, _ := accel.Preset("scnn")
	a := &spec.Array
	a.Rows, a.Cols = 1+rng.IntN(4), 1+rng.IntN(4)
	a.PEWeights, a.PEActivations = 1+rng.IntN(4), 1+rng.IntN(4)
	if banks <= 0 {
		banks = 1 + rng.IntN(3)
	}
	a.AccumulatorBanks = max(1, a.PEWeights*a.PEActivations*banks/2)
	a.AccumulatorEntries = 64 + rng.IntN(256)
	switch rng.IntN(3) {
	case 1:
		spec.Sparsity.Activations = accel.ZeroGate
	case 2:
		spec.Sparsity.Weights = accel.ZeroGate
	}
	g := 1 + rng.IntN(2)
	l := &Layer{Layer: network.Layer{Name: "r", Kind: Conv, InC: g * (1 + rng.IntN(3)), InH: 3 + rng.IntN(10), InW: 3 + rng.IntN(10),
		OutC: g * (1 + rng.IntN(6)), Stride: 1 + rng.IntN(3), Pad: rng.IntN(3), Groups: g}}
	l.R = min(1+2*rng.IntN(3), l.InH+2*l.Pad)
	l.S = min(1+2*rng.IntN(3), l.InW+2*l.Pad)
	rows, cols := MaskDims(l)
	l.Mask = RandomMask(rows, cols, 0.1+0.8*rng.Float64(), rng)
	l.ActMask = NewActMask(l.InC, l.InH, l.InW)
	da := 0.1 + 0.8*rng.Float64()
	for c := 0; c < l.InC; c++ {
		for y := 0; y < l.InH; y++ {
			for x := 0; x < l.InW; x++ {
				if rng.Float64() < da {
					l.ActMask.Set(c, y, x)
				}
			}
		}
	}
	return spec, l
}

// TestSCNNReferenceMultiplyCycles: with conflict-free banks the closed form
// equals the register-level model exactly, layer by layer (cycles and
// products), for every zero handling.
func TestSCNNReferenceMultiplyCycles(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 1))
	noConflicts := &conflictTable{banks: 1 << 30}
	for i := 0; i < 300; i++ {
		spec, l := randomSCNNLayer(rng, 0)
		g, err := newSCNNGeom(spec, l)
		if err != nil {
			continue // the random accumulator is too small for this layer
		}
		ref := refConvSCNN(spec, l)
		run := convMasked(&g, l, operandsOf(spec, l, l.Density()), noConflicts)
		if int64(run.compute) != ref.mult || int64(run.issued) != ref.products {
			t.Fatalf("layer %d %+v on %dx%d F%d I%d (%s/%s): closed form %v cycles %v products, reference %d / %d",
				i, *l, spec.Array.Rows, spec.Array.Cols, spec.Array.PEWeights, spec.Array.PEActivations,
				spec.Sparsity.Weights, spec.Sparsity.Activations, run.compute, run.issued, ref.mult, ref.products)
		}
	}
}

// TestSCNNReferenceConflicts: the expected bank-conflict stall of the closed
// form against the exact stalls of the reference's bank queues, summed over
// many random layers (the expectation is about the mean, not each layer),
// at SCNN's A = 2·F·I and Kc ≥ F (a weight vector then holds weights of F
// different output channels, whose products hit distinct outputs). Measured
// at this commit: the closed form's stall is 33 % below the reference's,
// which is 0.60 % of the multiply cycles. With Kc < F (not tested) the F
// weights of a vector include taps of one output channel, whose products
// with neighbouring activations hit the same output in the same cycle, and
// the uniform expectation underestimates the stall by about 70 %
// (docs/simulator.md).
func TestSCNNReferenceConflicts(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 2))
	var refMult, refCycles, cfCycles, n float64
	for i := 0; i < 400; i++ {
		spec, l := randomSCNNLayer(rng, 4)
		l.OutC = l.Groups * (8 + rng.IntN(16))
		rows, cols := MaskDims(l)
		l.Mask = RandomMask(rows, cols, 0.1+0.8*rng.Float64(), rng)
		g, err := newSCNNGeom(spec, l)
		if err != nil || g.kc < g.f {
			continue
		}
		ref := refConvSCNN(spec, l)
		run := convMasked(&g, l, operandsOf(spec, l, l.Density()), conflictsFor(g.f*g.i, g.banks))
		refMult += float64(ref.mult)
		refCycles += float64(ref.cycles)
		cfCycles += run.compute
		n++
	}
	refStall, cfStall := refCycles-refMult, cfCycles-refMult
	t.Logf("%v layers: multiply cycles %v; conflict stalls: reference %v, closed form %.0f (%+.1f%%)",
		n, refMult, refStall, cfStall, 100*(cfStall-refStall)/refStall)
	if refStall <= 0 || math.Abs(cfStall-refStall) > 0.35*refStall {
		t.Errorf("expected conflict stall %v differs from the reference's %v by more than 35%%", cfStall, refStall)
	}
	if math.Abs(cfCycles-refCycles) > 0.01*refCycles {
		t.Errorf("closed-form cycles %v differ from the reference's %v by more than 1%%", cfCycles, refCycles)
	}
}
