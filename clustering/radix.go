package clustering

import "math"

// sortFloat32 returns an ascending copy of w using an LSD radix sort on the
// order-preserving bit pattern of each float (flip all bits of negatives, set
// the sign bit of positives). Four 8-bit passes, O(n); passes whose byte is
// the same for every key are skipped. NaN must have been rejected before.
func sortFloat32(w []float32) []float32 {
	n := len(w)
	a := make([]uint32, n)
	b := make([]uint32, n)
	var count [4][256]int
	for i, v := range w {
		k := floatKey(v)
		a[i] = k
		count[0][k&0xff]++
		count[1][(k>>8)&0xff]++
		count[2][(k>>16)&0xff]++
		count[3][k>>24]++
	}
	for pass := 0; pass < 4; pass++ {
		shift := uint(8 * pass)
		c := &count[pass]
		if c[(a[0]>>shift)&0xff] == n {
			continue
		}
		sum := 0
		for i := range c {
			c[i], sum = sum, sum+c[i]
		}
		for _, k := range a {
			d := (k >> shift) & 0xff
			b[c[d]] = k
			c[d]++
		}
		a, b = b, a
	}
	out := make([]float32, n)
	for i, k := range a {
		out[i] = keyFloat(k)
	}
	return out
}

func floatKey(v float32) uint32 {
	u := math.Float32bits(v)
	if u&0x80000000 != 0 {
		return ^u
	}
	return u | 0x80000000
}

func keyFloat(k uint32) float32 {
	if k&0x80000000 != 0 {
		return math.Float32frombits(k &^ 0x80000000)
	}
	return math.Float32frombits(^k)
}
