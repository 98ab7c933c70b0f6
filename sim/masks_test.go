package sim

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestRandomMaskExactAndDeterministic(t *testing.T) {
	for _, tc := range []struct {
		rows, cols int
		d          float64
	}{{1, 1, 1}, {7, 9, 0.3}, {64, 64, 0.5}, {100, 27, 0.84}, {4096, 300, 0.04}, {3, 5, 1e-9}} {
		a := RandomMask(tc.rows, tc.cols, tc.d, rand.New(rand.NewPCG(1, 2)))
		b := RandomMask(tc.rows, tc.cols, tc.d, rand.New(rand.NewPCG(1, 2)))
		want := int64(math.Round(tc.d * float64(tc.rows*tc.cols)))
		if got := a.Count(); got != want {
			t.Errorf("%dx%d d=%g: %d ones, want %d", tc.rows, tc.cols, tc.d, got, want)
		}
		if !slices.Equal(a.Bits, b.Bits) {
			t.Errorf("%dx%d d=%g: same seed gave different masks", tc.rows, tc.cols, tc.d)
		}
		// no bit beyond rows·cols may be set
		if n := tc.rows * tc.cols; n%64 != 0 && a.Bits[len(a.Bits)-1]>>(uint(n)%64) != 0 {
			t.Errorf("%dx%d: bits set past the end", tc.rows, tc.cols)
		}
	}
	c := RandomMask(64, 64, 0.5, rand.New(rand.NewPCG(3, 4)))
	a := RandomMask(64, 64, 0.5, rand.New(rand.NewPCG(1, 2)))
	if slices.Equal(a.Bits, c.Bits) {
		t.Error("different seeds gave the same mask")
	}
}

func TestTranspose64(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var a, orig [64]uint64
	for i := range a {
		a[i] = rng.Uint64()
	}
	orig = a
	transpose64(&a)
	for i := 0; i < 64; i++ {
		for j := 0; j < 64; j++ {
			if (orig[i]>>uint(j))&1 != (a[j]>>uint(i))&1 {
				t.Fatalf("bit (%d,%d) not transposed", i, j)
			}
		}
	}
}

// bruteWork is the per-weight reference for maskWork.
func bruteWork(m *Mask, row0, rows, pes, relBits int) *peWork {
	w := &peWork{pes: pes, cols: m.Cols, nnz: make([]int32, m.Cols*pes), pad: make([]int32, m.Cols*pes)}
	for j := 0; j < m.Cols; j++ {
		for p := 0; p < pes; p++ {
			prev := -1
			for q := 0; q*pes+p < rows; q++ {
				if !m.Get(row0+q*pes+p, j) {
					continue
				}
				w.nnz[j*pes+p]++
				if relBits > 0 {
					w.pad[j*pes+p] += int32((q - prev - 1) >> uint(relBits))
				}
				prev = q
			}
		}
	}
	return w
}

func TestMaskWorkMatchesBruteForce(t *testing.T) {
	for _, tc := range []struct {
		rows, cols, pes, relBits int
		d                        float64
		row0, sub                int
	}{
		{100, 27, 8, 4, 0.1, 0, 100},
		{1000, 130, 64, 4, 0.04, 0, 1000},
		{1000, 130, 64, 2, 0.3, 0, 1000},
		{300, 65, 4, 3, 0.05, 100, 150},  // a group in the middle of the matrix
		{5000, 70, 16, 4, 0.02, 0, 5000}, // local slices longer than one 64-row block
		{50, 64, 64, 4, 0.5, 0, 50},      // fewer rows than PEs
		{64, 64, 8, 0, 0.2, 0, 64},       // no padding (bitmask)
	} {
		m := RandomMask(tc.rows, tc.cols, tc.d, rand.New(rand.NewPCG(uint64(tc.rows), 9)))
		got := maskWork(m, tc.row0, tc.sub, tc.pes, tc.relBits)
		want := bruteWork(m, tc.row0, tc.sub, tc.pes, tc.relBits)
		if !slices.Equal(got.nnz, want.nnz) || !slices.Equal(got.pad, want.pad) {
			t.Errorf("%+v: popcount work differs from brute force", tc)
		}
	}
}

func TestExpectedPadding(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, tc := range []struct {
		n, bits int
		d       float64
	}{{64, 4, 0.04}, {64, 4, 0.09}, {138, 4, 0.11}, {40, 2, 0.2}, {10, 4, 0.1}} {
		const trials = 20000
		var sum float64
		for range trials {
			prev := -1
			for q := 0; q < tc.n; q++ {
				if rng.Float64() < tc.d {
					sum += float64((q - prev - 1) >> uint(tc.bits))
					prev = q
				}
			}
		}
		emp := sum / trials
		got := expectedPadding(tc.n, tc.d, tc.bits)
		if math.Abs(got-emp) > 0.03*math.Max(emp, 0.1) {
			t.Errorf("n=%d bits=%d d=%g: expectedPadding %.4f, empirical %.4f", tc.n, tc.bits, tc.d, got, emp)
		}
	}
}

func TestExpectedMaxNormal(t *testing.T) {
	// Reference values: n=2 → 1/√π exactly; n=10 from tables of normal
	// order statistics (Harter 1961); n=64 by Monte Carlo (1e5 draws of 64
	// normals, Python random.gauss, seed 1: 2.3407 ± 0.0013).
	for _, tc := range []struct {
		n    int
		want float64
	}{{1, 0}, {2, 1 / math.Sqrt(math.Pi)}, {10, 1.5388}, {64, 2.3407}} {
		if got := expectedMaxNormal(tc.n); math.Abs(got-tc.want) > 4e-3 {
			t.Errorf("e(%d) = %.4f, want %.4f", tc.n, got, tc.want)
		}
	}
}

// columnCostRecurrence is the hand-written binomial sum columnCost used
// before distuv (the pmf by its ratio recurrence in log space), kept as the
// oracle that the library version changed nothing.
func columnCostRecurrence(n int, d, pad float64, rate int) (mu, sigma float64) {
	logP := float64(n) * math.Log1p(-d)
	ratio := math.Log(d) - math.Log1p(-d)
	var s1, s2 float64
	for x := 0; x <= n; x++ {
		if x > 0 {
			logP += math.Log(float64(n-x+1)) - math.Log(float64(x)) + ratio
		}
		p := math.Exp(logP)
		c := math.Max(1, (float64(x)+pad)/float64(rate))
		s1 += p * c
		s2 += p * c * c
	}
	return s1, math.Sqrt(math.Max(0, s2-s1*s1))
}

// maxNormalMidpoint is the 1600-point midpoint rule expectedMaxNormal used
// before integrate/quad.
func maxNormalMidpoint(n int) float64 {
	const steps, lo, hi = 1600, -8.0, 8.0
	h := (hi - lo) / steps
	var e float64
	for i := 0; i < steps; i++ {
		x := lo + (float64(i)+0.5)*h
		f := math.Pow(0.5*math.Erfc(-x/math.Sqrt2), float64(n))
		if x < 0 {
			e -= f * h
		} else {
			e += (1 - f) * h
		}
	}
	return e
}

// TestGonumNumericsUnchanged: distuv's binomial pmf and quad's Gauss–Legendre
// rule give the numbers of the hand-written code they replaced, to rounding
// (binomial sums to 1e-9 relative: both sum n+1 pmf terms, one by a
// recurrence, one by log-gamma; the expected maximum to 1e-6, the midpoint
// rule's own error); where the cost is linear in X (pad ≥ rate) both match
// the exact mean (nd+pad)/rate and deviation √(nd(1−d))/rate, and the
// quadrature matches the exact e(2) = 1/√π and e(3) = 3/(2√π) to 1e-12.
func TestGonumNumericsUnchanged(t *testing.T) {
	for _, tc := range []struct {
		n    int
		d    float64
		pad  float64
		rate int
	}{{1, 0.5, 0, 1}, {16, 0.09, 0.3, 1}, {64, 0.04, 2.5, 2}, {200, 0.35, 0, 1}, {4096, 0.1, 11, 4}, {9216, 0.01, 40, 1}} {
		mu, sg := columnCost(tc.n, tc.d, tc.pad, tc.rate)
		wmu, wsg := columnCostRecurrence(tc.n, tc.d, tc.pad, tc.rate)
		if math.Abs(mu-wmu) > 1e-9*wmu || math.Abs(sg-wsg) > 1e-9*math.Max(wsg, 1) {
			t.Errorf("columnCost%v = %.15g, %.15g; recurrence %.15g, %.15g", tc, mu, sg, wmu, wsg)
		}
		if tc.pad >= float64(tc.rate) {
			n, r := float64(tc.n), float64(tc.rate)
			emu, esg := (n*tc.d+tc.pad)/r, math.Sqrt(n*tc.d*(1-tc.d))/r
			if math.Abs(mu-emu) > 1e-9*emu || math.Abs(sg-esg) > 1e-9*math.Max(esg, 1) {
				t.Errorf("columnCost%v = %.15g, %.15g; exact %.15g, %.15g", tc, mu, sg, emu, esg)
			}
		}
	}
	for _, n := range []int{2, 3, 8, 16, 64, 256, 1024} {
		if got, old := expectedMaxNormal(n), maxNormalMidpoint(n); math.Abs(got-old) > 1e-6 {
			t.Errorf("e(%d) = %.10f, midpoint rule %.10f", n, got, old)
		}
	}
	if got, want := expectedMaxNormal(2), 1/math.Sqrt(math.Pi); math.Abs(got-want) > 1e-12 {
		t.Errorf("e(2) = %.15f, want 1/√π = %.15f", got, want)
	}
	if got, want := expectedMaxNormal(3), 1.5/math.Sqrt(math.Pi); math.Abs(got-want) > 1e-12 {
		t.Errorf("e(3) = %.15f, want 3/(2√π) = %.15f", got, want)
	}
}
