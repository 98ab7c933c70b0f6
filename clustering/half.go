package clustering

import (
	"math"

	"github.com/dcsim/dcsim/nn"
)

// HalfBits is the width of a value stored in IEEE 754 half precision
// (binary16: 1 sign, 5 exponent, 10 fraction bits).
const HalfBits = 16

// RoundHalf returns the binary16 value nearest to x (ties to even) as a
// float32. Values beyond the half range (|x| > 65504), infinities and NaN
// are returned unchanged, so they stay non-half and are stored at 32 bits.
func RoundHalf(x float32) float32 {
	a := math.Abs(float64(x))
	switch {
	case math.IsNaN(a) || a > 65504:
		return x
	case a < 0x1p-14:
		// Subnormal halves: multiples of 2^-24.
		return float32(math.RoundToEven(float64(x)*0x1p24) * 0x1p-24)
	}
	// Normal halves keep 10 of float32's 23 fraction bits: round the
	// 13 low bits to nearest even (a carry moves into the exponent).
	b := math.Float32bits(x)
	b += 0xfff + (b>>13)&1
	b &^= 0x1fff
	return math.Float32frombits(b)
}

// isHalf reports whether every value is exactly a binary16 value.
func isHalf(v []float32) bool {
	for _, x := range v {
		if RoundHalf(x) != x || math.IsNaN(float64(x)) || math.Abs(float64(x)) > 65504 {
			return false
		}
	}
	return true
}

// RoundModelHalf rounds the codebook entries and biases of every clustered
// layer of m to half precision, so Storage counts them at HalfBits.
// ClusterModel does this itself; call it again after training the
// centroids or biases (fine-tuning moves them off the half grid).
func RoundModelHalf(m *nn.Model) {
	for _, p := range m.Params() {
		if p.Codebook == nil {
			continue
		}
		for i, v := range p.Codebook {
			p.Codebook[i] = RoundHalf(v)
		}
		for i, v := range p.Bias {
			p.Bias[i] = RoundHalf(v)
		}
	}
}
