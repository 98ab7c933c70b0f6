package workload

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/dcsim/dcsim/network"
	"github.com/dcsim/dcsim/nn"
	"github.com/dcsim/dcsim/sim"
)

// FCCheck is one FC layer run through the EIE functional datapath
// (sim.EncodeEIE, sim.EIEMatrix.MulVec: codebook decode, relative-index
// walk, per-PE accumulation) and compared with the dense product W·x.
type FCCheck struct {
	Layer             string
	Rows, Cols        int
	PEs, RelIndexBits int
	Codebook          int   // codebook entries the datapath decodes through
	NonZeros, Padding int64 // stored entries: weights kept, and padding entries
	ActiveInputs      int   // non-zero entries of x
	MaxAbsErr         float64
	WorstRow          int     // output of MaxAbsErr
	BoundAtWorst      float64 // the float32 rounding bound at WorstRow
	Pass              bool    // every output within its rounding bound
	OwnCodebook       bool    // false: the layer is not clustered, its distinct weights form the codebook
	PaddingEntryAdded bool    // the codebook had no zero entry for padding; one was appended
}

// CheckEIE encodes p (an FC layer's weights, mask and codebook) for pes PEs
// with relBits-bit relative indices, computes y = W·x through the datapath
// and compares every output with the dense product in float64. The datapath
// accumulates in float32, so output r may differ from the exact product by
// at most γ_n·Σ_c |W[r,c]·x[c]| with γ_n = n·u/(1−n·u), n = cols + 1 and
// u = 2⁻²⁴ (Higham, Accuracy and Stability of Numerical Algorithms, 2nd
// ed., §3.1, eq. 3.5: each product and each sum rounded once); a wrong
// decode or walk misses by a whole weight·activation term. A layer without
// a codebook is checked with its distinct weights as the codebook (at most
// 65536).
func CheckEIE(p *nn.Param, pes, relBits int, x []float32) (FCCheck, error) {
	if p.Kind != network.FC || len(p.Shape) != 2 {
		return FCCheck{}, fmt.Errorf("layer %s: not a fully connected layer", p.Layer)
	}
	rows, cols := p.Shape[0], p.Shape[1]
	c := FCCheck{Layer: p.Layer, Rows: rows, Cols: cols, PEs: pes, RelIndexBits: relBits, OwnCodebook: p.Codebook != nil}
	if len(x) != cols {
		return c, fmt.Errorf("layer %s: input of %d for %d columns", p.Layer, len(x), cols)
	}
	mask, index, codebook, err := encodable(p)
	if err != nil {
		return c, err
	}
	if !hasZero(codebook) {
		codebook = append(codebook, 0)
		c.PaddingEntryAdded = true
	}
	c.Codebook = len(codebook)
	m, err := sim.EncodeEIE(mask, index, codebook, pes, relBits)
	if err != nil {
		return c, fmt.Errorf("layer %s: %w", p.Layer, err)
	}
	y, _, err := m.MulVec(x)
	if err != nil {
		return c, fmt.Errorf("layer %s: %w", p.Layer, err)
	}
	c.NonZeros = int64(mask.Count())
	c.Padding = m.Entries() - c.NonZeros
	for _, a := range x {
		if a != 0 {
			c.ActiveInputs++
		}
	}
	c.compare(p, x, y)
	return c, nil
}

// compare fills the error fields from the datapath's y and the dense
// product of p's effective weights with x.
func (c *FCCheck) compare(p *nn.Param, x, y []float32) {
	const u = 0x1p-24 // unit roundoff of float32
	n := float64(c.Cols + 1)
	gamma := n * u / (1 - n*u)
	c.Pass = true
	for r := 0; r < c.Rows; r++ {
		var ref, mag float64
		for j := 0; j < c.Cols; j++ {
			v := float64(p.Effective(r*c.Cols+j)) * float64(x[j])
			ref += v
			mag += math.Abs(v)
		}
		e, bound := math.Abs(float64(y[r])-ref), gamma*mag
		if e > bound || math.IsNaN(float64(y[r])) {
			c.Pass = false
		}
		if e > c.MaxAbsErr || r == 0 {
			c.MaxAbsErr, c.WorstRow, c.BoundAtWorst = e, r, bound
		}
	}
}

// encodable returns p's mask (all ones when dense), per-weight codebook
// indices and codebook.
func encodable(p *nn.Param) (*sim.Mask, []uint16, []float32, error) {
	rows, cols := p.Shape[0], p.Shape[1]
	mask := sim.NewMask(rows, cols)
	for i := range p.W {
		if p.Mask == nil || p.Mask[i] != 0 {
			mask.Set(i/cols, i%cols)
		}
	}
	index := make([]uint16, len(p.W))
	if p.Codebook != nil {
		if len(p.Codebook) > 1<<16 {
			return nil, nil, nil, fmt.Errorf("layer %s: a %d-entry codebook is more than the datapath's 16-bit indices address", p.Layer, len(p.Codebook))
		}
		for i, ix := range p.Index {
			index[i] = uint16(ix)
		}
		return mask, index, p.Codebook, nil
	}
	var codebook []float32
	seen := map[float32]uint16{}
	for i := range p.W {
		if !mask.Get(i/cols, i%cols) {
			continue
		}
		w := p.W[i]
		ix, ok := seen[w]
		if !ok {
			if len(codebook) == 1<<16 {
				return nil, nil, nil, fmt.Errorf("layer %s: no codebook and more than 65536 distinct weights; cluster it first (dcsim cluster)", p.Layer)
			}
			ix = uint16(len(codebook))
			seen[w] = ix
			codebook = append(codebook, w)
		}
		index[i] = ix
	}
	if len(codebook) == 0 {
		codebook = []float32{0}
	}
	return mask, index, codebook, nil
}

func hasZero(codebook []float32) bool {
	for _, v := range codebook {
		if v == 0 {
			return true
		}
	}
	return false
}

// ReLUInput is a seeded input vector shaped like a ReLU layer's output:
// each entry is zero with probability 1−density, else Exp(1).
func ReLUInput(n int, density float64, seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	x := make([]float32, n)
	for i := range x {
		if rng.Float64() < density {
			x[i] = float32(rng.ExpFloat64())
		}
	}
	return x
}
