package nn

import (
	"math"
	"testing"

	"github.com/dcsim/dcsim/network"
)

// totalLoss is the summed loss over ds (Evaluate's mean times N), in float64.
func totalLoss(t *testing.T, m *Model, ds *Dataset) float64 {
	_, l, err := EvaluateErr(m, ds, 1)
	if err != nil {
		t.Fatal(err)
	}
	return l * float64(ds.N)
}

// TestGradientFiniteDifferences checks the backward pass of every layer kind
// (conv with padding and stride, max-pool, fc, ReLU, softmax cross-entropy)
// against central differences (L(w+h) − L(w−h))/2h of the summed loss.
// float32 forward passes limit the agreement: the tolerance is 2e-2 relative
// to max(1, |gradient|) per weight, and kinks (a ReLU or pool switching
// inside ±h) are avoided by a small h on smooth random data.
func TestGradientFiniteDifferences(t *testing.T) {
	m, err := NewModel(tinyArch(), 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range m.Params() {
		for i := range p.Bias {
			p.Bias[i] = 0.05 * float32(i%3)
		}
	}
	ds := randomDataset(21, 2, 9, 9, 3, 5) // 21 samples: one full and one partial chunk
	if err := m.GradientPass(ds, 21, nil); err != nil {
		t.Fatal(err)
	}
	const h, tol = 2e-4, 2e-2
	for _, p := range m.Params() {
		check := func(what string, vals, grad []float32) {
			for i := range vals {
				old := vals[i]
				vals[i] = old + h
				lp := totalLoss(t, m, ds)
				vals[i] = old - h
				lm := totalLoss(t, m, ds)
				vals[i] = old
				num := (lp - lm) / (2 * h)
				if d := math.Abs(num - float64(grad[i])); d > tol*math.Max(1, math.Abs(num)) {
					t.Errorf("%s.%s[%d]: backprop %.5f, finite difference %.5f", p.Layer, what, i, grad[i], num)
				}
			}
		}
		check("weight", p.W, p.Grad)
		check("bias", p.Bias, p.BiasGrad)
	}
}

// TestPool2x2MatchesGeneral checks the 2×2 fast path against the general
// max-pool loop, values and argmax positions bit for bit (ties included).
func TestPool2x2MatchesGeneral(t *testing.T) {
	s := network.Layer{Name: "p", Kind: network.Pool, InC: 3, InH: 8, InW: 6, OutC: 3, R: 2, S: 2, Stride: 2}
	l := &netLayer{s: s, in: int(s.InputSize()), out: int(s.OutputSize())}
	x := randSlice(newRand(), 2*l.in)
	for i := range x {
		x[i] = float32(int(x[i] * 2)) // many ties
	}
	y1, y2 := make([]float32, 2*l.out), make([]float32, 2*l.out)
	a1, a2 := make([]int32, 2*l.out), make([]int32, 2*l.out)
	pool2x2(l, x, y1, a1, 2)
	relu(x)
	y3, a3 := make([]float32, 2*l.out), make([]int32, 2*l.out)
	y4, a4 := make([]float32, 2*l.out), make([]int32, 2*l.out)
	pool2x2(l, x, y3, a3, 2)
	pool2x2NonNeg(l, x, y4, a4, 2)
	for i := range y3 {
		if math.Float32bits(y3[i]) != math.Float32bits(y4[i]) || a3[i] != a4[i] {
			t.Fatalf("after ReLU, output %d: branch-free (%v at %d), compare (%v at %d)", i, y4[i], a4[i], y3[i], a3[i])
		}
	}
	copy(x, randSlice(newRand(), 2*l.in))
	for i := range x {
		x[i] = float32(int(x[i] * 2))
	}
	l.s.Pad = 0
	general := *l
	general.s.R = 2
	poolGeneral(&general, x, y2, a2, 2)
	for i := range y1 {
		if y1[i] != y2[i] || a1[i] != a2[i] {
			t.Fatalf("output %d: fast (%v at %d), general (%v at %d)", i, y1[i], a1[i], y2[i], a2[i])
		}
	}
}

func TestReLU(t *testing.T) {
	y := []float32{-2, 0, 0, 1e-30, 3, float32(math.Inf(-1)), float32(math.Inf(1))}
	y[1] = float32(math.Copysign(0, -1))
	relu(y)
	want := []float32{0, 0, 0, 1e-30, 3, 0, float32(math.Inf(1))}
	dy := []float32{1, 2, 3, 4, 5, 6, 7}
	reluMask(y, dy)
	wantDy := []float32{0, 0, 0, 4, 5, 0, 7}
	for i := range y {
		if y[i] != want[i] || math.Signbit(float64(y[i])) || dy[i] != wantDy[i] {
			t.Errorf("%d: relu %v, mask %v; want %v, %v", i, y[i], dy[i], want[i], wantDy[i])
		}
	}
}

// TestFinite puts a NaN, +Inf or −Inf at every position of slices of
// several lengths (vector body and scalar tail) and checks that finite
// notices it, and that it accepts all-finite slices (large values, −0).
func TestFinite(t *testing.T) {
	bad := []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))}
	for _, n := range []int{0, 1, 7, 8, 9, 16, 37} {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(i)*1e36 - 1e37
		}
		if n > 0 {
			v[0] = float32(math.Copysign(0, -1))
		}
		if !finite(v) {
			t.Fatalf("n=%d: finite values reported non-finite", n)
		}
		for i := range v {
			for _, b := range bad {
				old := v[i]
				v[i] = b
				if finite(v) {
					t.Fatalf("n=%d: %v at %d not noticed", n, b, i)
				}
				v[i] = old
			}
		}
	}
}
