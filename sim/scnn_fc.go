package sim

import (
	"math/bits"

	"github.com/dcsim/dcsim/accel"
)

// scnnFC evaluates a fully connected layer in sparse mode: output neuron k
// is owned by PE k mod PEs (kp = ⌈K/PEs⌉ neurons at most, as in EIE); each
// fed input j is broadcast and PE p multiplies it by its fed weights of
// column j, F per cycle:
//
//	cycles = max_p Σ_{j fed} ⌈w_pj / F⌉.
//
// With the masks this is exact; without,
// each term is its expectation, P(j fed) · E⌈Bin(rows_p, d_w)/F⌉.
func scnnFC(spec *accel.Spec, l *Layer, ops scnnOperands) scnnRun {
	a := spec.Array
	pes, F := a.PEs(), a.PEWeights
	_, C, K, _ := l.GEMM()
	owners := min(pes, K)
	kp := ceilDiv(K, owners)
	run := scnnRun{pes: owners, kc: kp}
	var actBits []uint64
	if ops.aSkip && l.ActMask != nil {
		actBits = l.ActMask.Bits
	}
	pFed := 1.0
	if ops.aSkip && actBits == nil {
		pFed = ops.da
	}
	if !ops.wSkip || l.Mask == nil {
		fedCols := pFed * float64(C)
		if actBits != nil {
			fedCols = float64(l.ActMask.Count())
		}
		var dists [2]countDist // kp rows, kp − 1 rows
		dists[0] = operandDist(kp, ops.dw, ops.wSkip, F)
		if K%owners != 0 {
			dists[1] = operandDist(kp-1, ops.dw, ops.wSkip, F)
		}
		for p := 0; p < owners; p++ {
			d := &dists[0]
			if (K-p+owners-1)/owners < kp {
				d = &dists[1]
			}
			t := fedCols * d.vectors()
			run.compute = max(run.compute, t)
			run.busy += t
			run.issued += fedCols * d.mean
			run.aReads += t
		}
		run.wReads = run.issued
		return run
	}
	// Per PE: count its non-zero weights of each fed column (row words
	// ANDed with the activation mask, so only products that happen are
	// visited), then add ⌈count/F⌉ over the fed columns.
	cnt := make([]uint16, C)
	ceilF := make([]int64, kp+1)
	for n := range ceilF {
		ceilF[n] = int64((n + F - 1) / F)
	}
	words := (C + 63) / 64
	fedWord := func(i int) uint64 {
		if actBits == nil {
			if rem := C - i*64; rem < 64 {
				return 1<<uint(rem) - 1
			}
			return ^uint64(0)
		}
		return actBits[i]
	}
	var fedWords []uint64 // the fed-column mask, one word per 64 columns
	if actBits != nil {
		fedWords = actBits[:words]
	} else {
		fedWords = make([]uint64, words)
		for i := range fedWords {
			fedWords[i] = fedWord(i)
		}
	}
	var busy, products int64
	for p := 0; p < owners; p++ {
		for k := p; k < K; k += owners {
			if C%64 == 0 { // rows start on word boundaries
				row := l.Mask.Bits[k*words : (k+1)*words]
				for i, fw := range fedWords {
					for v := row[i] & fw; v != 0; v &= v - 1 {
						cnt[i*64+bits.TrailingZeros64(v)]++
					}
				}
				continue
			}
			for i, fw := range fedWords {
				for v := l.Mask.rowWord(k, i*64) & fw; v != 0; v &= v - 1 {
					cnt[i*64+bits.TrailingZeros64(v)]++
				}
			}
		}
		var t int64
		for i, fw := range fedWords {
			for v := fw; v != 0; v &= v - 1 {
				j := i*64 + bits.TrailingZeros64(v)
				if n := cnt[j]; n != 0 {
					t += ceilF[n]
					products += int64(n)
					cnt[j] = 0
				}
			}
		}
		run.compute = max(run.compute, float64(t)*pFed)
		busy += t
	}
	run.busy = float64(busy) * pFed
	run.issued = float64(products) * pFed
	run.wReads = run.issued
	run.aReads = run.busy
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
