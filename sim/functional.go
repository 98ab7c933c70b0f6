package sim

import (
	"errors"
	"fmt"
)

// The functional model of the eie datapath, apart from the timing model: it
// stores a matrix exactly as the timing model counts it (per-PE CSC with
// relative indices, padding entries and codebook indices) and computes
// y = W·x through it — codebook decode, relative-index walk, per-PE
// accumulation — so a test can compare y with the dense product and the
// entries walked with the work the timing model charged.

// EIEMatrix is a rows×cols weight matrix encoded for N PEs: row i lives in
// PE i mod N as local row i div N.
type EIEMatrix struct {
	Rows, Cols, PEs int
	RelIndexBits    int
	// Codebook is the shared weight table the stored indices decode through.
	Codebook []float32
	// Slices holds one CSC slice per PE.
	Slices []PESlice
}

// PESlice is one PE's CSC slice: the entries of column j are
// [ColPtr[j], ColPtr[j+1]); entry e has codebook index Index[e] and Rel[e]
// zeros before it in the column (counted in local rows).
type PESlice struct {
	ColPtr []int32
	Index  []uint16
	Rel    []uint8
}

// EncodeEIE encodes the weights whose mask bit is set, with per-weight
// codebook indices index (row-major, rows·cols long; entries under a zero
// mask bit are ignored), for pes PEs and relBits-bit relative indices
// (1–8). A run of more than 2^relBits − 1 zeros is broken by padding
// entries holding the index of a codebook entry equal to zero; if padding
// is needed and the codebook has no zero entry that is an error.
func EncodeEIE(mask *Mask, index []uint16, codebook []float32, pes, relBits int) (*EIEMatrix, error) {
	switch {
	case mask == nil:
		return nil, errors.New("sim: EncodeEIE: nil mask")
	case len(index) != mask.Rows*mask.Cols:
		return nil, fmt.Errorf("sim: EncodeEIE: %d indices for a %d×%d mask", len(index), mask.Rows, mask.Cols)
	case pes <= 0 || relBits < 1 || relBits > 8:
		return nil, fmt.Errorf("sim: EncodeEIE: need pes > 0 and relBits in 1..8, got %d, %d", pes, relBits)
	case len(codebook) == 0 || len(codebook) > 1<<16:
		return nil, fmt.Errorf("sim: EncodeEIE: codebook has %d entries, want 1..65536", len(codebook))
	}
	zero := -1
	for i, v := range codebook {
		if v == 0 {
			zero = i
			break
		}
	}
	m := &EIEMatrix{Rows: mask.Rows, Cols: mask.Cols, PEs: pes, RelIndexBits: relBits,
		Codebook: codebook, Slices: make([]PESlice, pes)}
	maxRel := 1<<uint(relBits) - 1
	for p := range m.Slices {
		s := &m.Slices[p]
		s.ColPtr = make([]int32, mask.Cols+1)
		for j := 0; j < mask.Cols; j++ {
			prev := -1
			for q := 0; q*pes+p < mask.Rows; q++ {
				r := q*pes + p
				if !mask.Get(r, j) {
					continue
				}
				ix := index[r*mask.Cols+j]
				if int(ix) >= len(codebook) {
					return nil, fmt.Errorf("sim: EncodeEIE: weight (%d,%d): index %d outside a %d-entry codebook", r, j, ix, len(codebook))
				}
				zeros := q - prev - 1
				for ; zeros > maxRel; zeros -= maxRel + 1 {
					if zero < 0 {
						return nil, fmt.Errorf("sim: EncodeEIE: column %d needs a padding entry but the codebook has no zero entry", j)
					}
					s.Index, s.Rel = append(s.Index, uint16(zero)), append(s.Rel, uint8(maxRel))
				}
				s.Index, s.Rel = append(s.Index, ix), append(s.Rel, uint8(zeros))
				prev = q
			}
			s.ColPtr[j+1] = int32(len(s.Index))
		}
	}
	return m, nil
}

// MulVec computes y = W·x through the modelled datapath. Only non-zero
// activations are broadcast (zero-skipping); each PE walks its slice of the
// column, decoding each entry's weight through the codebook and advancing
// its local row by the relative index, and accumulates in float32. walked
// is the number of entries PE p processed for column j, at j·PEs+p.
func (m *EIEMatrix) MulVec(x []float32) (y []float32, walked []int32, err error) {
	if len(x) != m.Cols {
		return nil, nil, fmt.Errorf("sim: MulVec: vector of %d for %d columns", len(x), m.Cols)
	}
	y = make([]float32, m.Rows)
	walked = make([]int32, m.Cols*m.PEs)
	for j, a := range x {
		if a == 0 {
			continue
		}
		for p := range m.Slices {
			s := &m.Slices[p]
			q := 0
			for e := s.ColPtr[j]; e < s.ColPtr[j+1]; e++ {
				q += int(s.Rel[e])
				r := q*m.PEs + p
				if r >= m.Rows {
					return nil, nil, fmt.Errorf("sim: MulVec: PE %d column %d walks past the last row", p, j)
				}
				y[r] += m.Codebook[s.Index[e]] * a
				q++
			}
			walked[j*m.PEs+p] = s.ColPtr[j+1] - s.ColPtr[j]
		}
	}
	return y, walked, nil
}

// Entries is the number of stored entries (non-zeros plus padding).
func (m *EIEMatrix) Entries() int64 {
	var n int64
	for _, s := range m.Slices {
		n += int64(len(s.Index))
	}
	return n
}
