package workload

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/dcsim/dcsim/network"
	"github.com/dcsim/dcsim/nn"
)

func fcParam(rows, cols int, density float64, codebook bool, seed uint64) *nn.Param {
	rng := rand.New(rand.NewPCG(seed, 1))
	p := &nn.Param{Layer: "fc", Kind: network.FC, Shape: []int{rows, cols},
		Weights: network.Weights{W: make([]float32, rows*cols), Mask: make([]float32, rows*cols)}}
	if codebook {
		p.Codebook = []float32{-1.5, -0.25, 0.75, 2}
		p.Index = make([]int32, rows*cols)
	}
	for i := range p.W {
		if rng.Float64() < density {
			p.Mask[i] = 1
		}
		p.W[i] = float32(rng.NormFloat64())
		if codebook {
			p.Index[i] = int32(rng.IntN(len(p.Codebook)))
			p.W[i] = p.Codebook[p.Index[i]]
		}
	}
	return p
}

func TestCheckEIE(t *testing.T) {
	for _, tc := range []struct {
		name     string
		p        *nn.Param
		pes, rel int
	}{
		{"clustered, padded", fcParam(96, 200, 0.05, true, 1), 8, 2},
		{"unclustered", fcParam(64, 50, 0.3, false, 2), 4, 4},
		{"dense", fcParam(17, 33, 1, false, 3), 64, 4},
	} {
		x := ReLUInput(tc.p.Shape[1], 0.5, 7)
		c, err := CheckEIE(tc.p, tc.pes, tc.rel, x)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !c.Pass || c.MaxAbsErr > c.BoundAtWorst || c.NonZeros == 0 {
			t.Errorf("%s: %+v, want a pass", tc.name, c)
		}
		if tc.name == "clustered, padded" && (c.Padding == 0 || !c.PaddingEntryAdded) {
			t.Errorf("%s: padding %d, zero entry added %v; the case should need padding", tc.name, c.Padding, c.PaddingEntryAdded)
		}
	}
}

// TestCompareCatchesAWrongOutput is the test that can fail: one output off
// by one weight·activation term is far outside the rounding bound.
func TestCompareCatchesAWrongOutput(t *testing.T) {
	p := fcParam(32, 40, 0.5, true, 4)
	x := ReLUInput(40, 1, 5)
	c := FCCheck{Rows: 32, Cols: 40}
	y := make([]float32, 32)
	for r := range y {
		var s float64
		for j := range x {
			s += float64(p.Effective(r*40+j)) * float64(x[j])
		}
		y[r] = float32(s)
	}
	c.compare(p, x, y)
	if !c.Pass {
		t.Fatalf("the exact product failed: %+v", c)
	}
	y[7] += 0.25 * x[3]
	c.compare(p, x, y)
	if c.Pass || c.WorstRow != 7 || math.Abs(c.MaxAbsErr-0.25*float64(x[3])) > 1e-6 {
		t.Errorf("a wrong output passed or was misplaced: %+v", c)
	}
}
