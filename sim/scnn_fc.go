package sim

import (
	"math/bits"

	"github.com/dcsim/dcsim/accel"
)

// scnnFC evaluates a fully connected layer in sparse mode: PE p owns output
// neurons [p·kp, (p+1)·kp), kp = ⌈K/PEs⌉; each fed input j is broadcast and
// PE p multiplies it by its fed weights of column j, F per cycle:
//
//	cycles = max_p Σ_{j fed} ⌈w_pj / F⌉.
//
// With the masks this is exact; without, each term is the expectation
// (P(j fed) · E⌈Bin(kp, d_w)/F⌉).
func scnnFC(spec *accel.Spec, l *Layer) scnnRun {
	ops := operandsOf(spec, l)
	a := spec.Array
	pes, F := a.PEs(), a.PEWeights
	_, C, K, _ := l.GEMM()
	kp := ceilDiv(K, pes)
	owners := ceilDiv(K, kp)
	run := scnnRun{pes: owners, kc: kp}
	// fed(j): probability input j is fed to the array.
	var actBits []uint64
	if ops.aSkip && l.ActMask != nil {
		actBits = l.ActMask.Bits
	}
	pFed := 1.0
	if ops.aSkip && actBits == nil {
		pFed = ops.da
	}
	fedCols := pFed * float64(C)
	if actBits != nil {
		fedCols = float64(l.ActMask.Count())
	}
	var cnt []int32
	if ops.wSkip && l.Mask != nil {
		cnt = make([]int32, C)
	}
	var maxT float64
	for p := 0; p < owners; p++ {
		rows := min(kp, K-p*kp)
		var t, issued float64
		if cnt == nil {
			wd := operandDist(rows, ops.dw, ops.wSkip, F)
			t = fedCols * wd.vectors()
			issued = fedCols * wd.mean
		} else {
			clear(cnt)
			for k := p * kp; k < p*kp+rows; k++ {
				for c0 := 0; c0 < C; c0 += 64 {
					for w := l.Mask.rowWord(k, c0); w != 0; w &= w - 1 {
						cnt[c0+bits.TrailingZeros64(w)]++
					}
				}
			}
			var vec, prod int64
			for j, n := range cnt {
				if n == 0 || (actBits != nil && actBits[j>>6]>>(uint(j)&63)&1 == 0) {
					continue
				}
				vec += int64((int(n) + F - 1) / F)
				prod += int64(n)
			}
			t, issued = float64(vec)*pFed, float64(prod)*pFed
		}
		maxT = max(maxT, t)
		run.busy += t
		run.issued += issued
		run.wReads += issued
		run.aReads += t
	}
	run.compute = maxT
	return run
}

// dcnnLayer is the dense baseline DCNN (no operand skipped): each PE's F×I
// multipliers compute F output channels × I outputs of its output tile per
// cycle as dot products over C·R·S, so a conv group takes
// ⌈K/F⌉·⌈th·tw/I⌉·C·R·S cycles on the fullest PE; an FC layer's outputs are
// split over the PEs, ⌈kp/F⌉·⌈C/I⌉ cycles. Every cycle a busy PE reads F
// weights and I activations.
func dcnnLayer(spec *accel.Spec, l *Layer) scnnRun {
	a := spec.Array
	F, I := a.PEWeights, a.PEActivations
	m, k, n, groups := l.GEMM()
	var run scnnRun
	if l.Kind == FC {
		kp := ceilDiv(n, a.PEs())
		owners := ceilDiv(n, kp)
		t := float64(ceilDiv(kp, F) * ceilDiv(k, I))
		run = scnnRun{compute: t, pes: owners, kc: kp}
		for p := 0; p < owners; p++ {
			run.busy += float64(ceilDiv(min(kp, n-p*kp), F) * ceilDiv(k, I))
		}
	} else {
		ho, wo := l.OutH(), l.OutW()
		th, tw := ceilDiv(ho, a.Rows), ceilDiv(wo, a.Cols)
		nr, nc := ceilDiv(ho, th), ceilDiv(wo, tw)
		perPixelVec := float64(ceilDiv(n, F)) * float64(k) * float64(groups)
		run = scnnRun{compute: perPixelVec * float64(ceilDiv(th*tw, I)), pes: nr * nc}
		for pr := 0; pr < nr; pr++ {
			for pc := 0; pc < nc; pc++ {
				own := min(th, ho-pr*th) * min(tw, wo-pc*tw)
				run.busy += perPixelVec * float64(ceilDiv(own, I))
			}
		}
	}
	run.issued = float64(m) * float64(k) * float64(n) * float64(groups)
	run.wReads = run.busy * float64(F)
	run.aReads = run.busy * float64(I)
	return run
}
