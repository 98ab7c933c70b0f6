package accel

import "math"

// Default energies. Unless stated otherwise the figures are 45 nm, 0.9 V,
// from M. Horowitz, "Computing's energy problem (and what we can do about
// it)", ISSCC 2014, pp. 10–14 (the energy table of the talk/paper):
//
//	8-bit integer multiply   0.2 pJ      8-bit integer add   0.03 pJ
//	32-bit integer multiply  3.1 pJ      32-bit integer add  0.1 pJ
//	64-bit SRAM read: 10 pJ (8 KB), 20 pJ (32 KB), 100 pJ (1 MB)
//	DRAM: 1.3–2.6 nJ per 64-bit access
const (
	mult8PJ  = 0.2  // 8-bit integer multiply
	mult32PJ = 3.1  // 32-bit integer multiply
	add8PJ   = 0.03 // 8-bit integer add
	add32PJ  = 0.1  // 32-bit integer add

	// DefaultDRAMPJPerByte is the midpoint of Horowitz's 1.3–2.6 nJ per
	// 64-bit DRAM access, 1.95 nJ / 8 B = 243.75 pJ/B. The midpoint is chosen
	// so that the default neither inflates nor hides the DRAM share of
	// energy (the quantity compression reduces); override it per design.
	DefaultDRAMPJPerByte = 1950.0 / 8

	// GatedMACFraction is the energy of a clock-gated MAC (a zero operand
	// detected, the multiplier held idle) as a fraction of a full MAC. It is
	// an assumption, not a published figure: gating leaves the operand
	// registers, zero detection and clock tree active.
	GatedMACFraction = 0.10

	// RegToMACRatio is the energy of one PE register-file access relative to
	// one MAC. Horowitz gives no register-file figure; Eyeriss's normalised
	// energy costs (Chen, Emer, Sze, "Eyeriss: a spatial architecture for
	// energy-efficient dataflow for convolutional neural networks", ISCA 2016,
	// 65 nm) put an RF access at 1× a MAC (global buffer 6×, DRAM 200×).
	RegToMACRatio = 1.0
)

// multExponent is the power-law exponent k of multiplier energy in the
// operand width b, fitted through Horowitz's 8-bit and 32-bit points:
// mult(b) = 0.2·(b/8)^k with k = ln(3.1/0.2)/ln(32/8) ≈ 1.977 — close to the
// b² growth of an array multiplier's partial-product count.
var multExponent = math.Log(mult32PJ/mult8PJ) / math.Log(32.0/8.0)

// MultiplyPJ is the default energy of a weightBits × activationBits integer
// multiply. An array multiplier has weightBits·activationBits partial
// products, so the square-width power law is applied to their geometric
// mean: mult = 0.2 pJ · (w·a/64)^(k/2). It gives 0.2 pJ at 8×8 and 3.1 pJ
// at 32×32 exactly (Horowitz 2014).
func MultiplyPJ(weightBits, activationBits int) float64 {
	return mult8PJ * math.Pow(float64(weightBits)*float64(activationBits)/64, multExponent/2)
}

// AddPJ is the default energy of a bits-wide integer add, linear through
// Horowitz's 0.03 pJ at 8 bits and 0.1 pJ at 32 bits:
// add(b) = 0.03 + (b−8)·0.07/24 pJ (0.0096 pJ at 1 bit, still positive).
func AddPJ(bits int) float64 {
	return add8PJ + float64(bits-8)*(add32PJ-add8PJ)/24
}

// MACPJ is the default energy of one multiply-accumulate: one multiply plus
// one add at the wider operand width, as in the issue's "int8 MAC ≈ 0.2 pJ
// multiply + 0.03 pJ add" = 0.23 pJ. Widening the add to the accumulator
// (32 bits by default) would add at most 0.07 pJ; it is not modelled.
func MACPJ(weightBits, activationBits int) float64 {
	return MultiplyPJ(weightBits, activationBits) + AddPJ(max(weightBits, activationBits))
}

// sramPoints are Horowitz's 64-bit SRAM read energies by array size
// (KB taken as KiB).
var sramPoints = [...]struct{ kib, pj float64 }{
	{8, 10}, {32, 20}, {1024, 100},
}

// SRAMReadPJ is the default energy of reading one widthBits-wide word from
// an SRAM array (one bank) of kib KiB. The 64-bit read energy is
// interpolated linearly in log(size)–log(energy) through Horowitz's three
// points — E = 10 pJ·(kib/8)^0.5 up to 32 KiB, 20 pJ·(kib/32)^0.464 above —
// and extrapolated with the end segments' slopes outside 8 KiB–1 MiB; it is
// then scaled by widthBits/64 (energy ∝ bits read). It returns 0 for a
// non-positive size or width.
func SRAMReadPJ(kib float64, widthBits int) float64 {
	if !(kib > 0) || widthBits <= 0 || math.IsInf(kib, 0) {
		return 0
	}
	i := 0 // segment [i, i+1]
	for i < len(sramPoints)-2 && kib > sramPoints[i+1].kib {
		i++
	}
	p, q := sramPoints[i], sramPoints[i+1]
	slope := math.Log(q.pj/p.pj) / math.Log(q.kib/p.kib)
	e64 := p.pj * math.Pow(kib/p.kib, slope)
	return e64 * float64(widthBits) / 64
}
