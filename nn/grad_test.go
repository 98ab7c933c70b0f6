package nn

import (
	"math"
	"testing"
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
