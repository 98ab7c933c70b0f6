package sim

import (
	"math"

	"github.com/dcsim/dcsim/accel"
)

// The compressed sparse column (CSC) format of Deep Compression (Han et al.,
// ICLR 2016, §2 and Fig. 2) and EIE (Han et al., ISCA 2016, §III-B): each
// PE stores, per input column j, its non-zeros as (value, relative row
// index) entries plus a column pointer. The relative index of relBits bits
// counts the zeros before the entry; a run of z zeros costs
// floor(z / 2^relBits) padding entries (a stored zero with the largest
// index). Values are codebook indices when weight sharing is used.

// pointerBits is the width of a CSC column pointer (EIE §IV: "EIE pointers
// are 16-bits in length").
const pointerBits = 16

// expectedPadding is the expected number of padding entries in a slice of
// n rows whose entries are non-zero independently with probability d:
//
//	E = Σ_{q<n} d · Σ_{m≥1, m·2^b ≤ q} (1−d)^{m·2^b}
//
// (a non-zero at local row q is preceded by ≥ g zeros with probability
// (1−d)^g for g ≤ q, and costs floor(gap/2^b) padding entries).
func expectedPadding(n int, d float64, relBits int) float64 {
	if relBits <= 0 || d <= 0 || d >= 1 || relBits > 30 {
		return 0
	}
	span := 1 << uint(relBits)
	if span >= n {
		return 0
	}
	// term m is (n − m·span)·q^m with q = (1−d)^span: a running product
	// instead of a power per term.
	q := math.Pow(1-d, float64(span))
	var sum float64
	for m, qm := 1, q; m*span < n && qm > 0; m, qm = m+1, qm*q {
		sum += float64(n-m*span) * qm
	}
	return d * sum
}

// storage says how one layer's weights are stored on a given spec.
type storage struct {
	codebook   bool // weights are codebook indices
	valueBits  int  // bits per stored value
	relBits    int  // CSC relative-index bits; 0 when not CSC
	bitmask    bool // one presence bit per weight
	dense      bool // every weight stored
	entryBits  int  // bits per stored entry (value + index)
	lookupRate int  // entries a PE handles per cycle
	lutEntries int  // decoded weights the layer's codebook fills in the LUT
}

// layerStorage resolves the storage of l on a defaulted spec. The codebook
// is hardware: a LUT of codebook.entries decoded weights addressed by
// codebook.index_bits-bit indices. A layer with a codebook (IndexBits > 0)
// that the LUT can hold (2^IndexBits ≤ codebook.entries) stores its values
// as codebook.index_bits-bit indices, however few bits its own codebook
// needs: the index field is the hardware's width. A layer whose codebook is
// larger than the LUT, or any layer when the codebook is disabled, stores
// its values decoded at precision.weight_bits (LayerResult.CodebookBits
// reports which happened). sparse forces CSC when the format is dense (the
// eie dataflow always walks CSC).
func layerStorage(spec *accel.Spec, l *Layer, sparse bool) storage {
	s := storage{valueBits: spec.Precision.WeightBits, lookupRate: 1}
	if usesCodebook(spec, l) {
		s.codebook, s.valueBits, s.lutEntries = true, spec.Codebook.IndexBits, 1<<uint(l.IndexBits)
		s.lookupRate = spec.Codebook.LookupsPerCycle
	}
	switch spec.Sparsity.Format {
	case accel.FormatBitmask:
		s.bitmask = true
	case accel.FormatCSC:
		s.relBits = spec.Sparsity.RelIndexBits
	default:
		if sparse {
			s.relBits = spec.Sparsity.RelIndexBits
		} else {
			s.dense = true
		}
	}
	s.entryBits = s.valueBits + s.relBits
	return s
}

// usesCodebook reports whether l's weights go through the spec's codebook
// LUT: the codebook is enabled, the layer has one, and it fits the LUT.
func usesCodebook(spec *accel.Spec, l *Layer) bool {
	return spec.Codebook.Enabled && l.IndexBits > 0 && 1<<uint(l.IndexBits) <= spec.Codebook.Entries
}

// bytes is the storage of a matrix with the given weights, stored entries
// (non-zeros plus padding) and pointer-bearing columns per PE:
// CSC = entries·(value+index bits) + pointers; bitmask = weights presence
// bits + non-zero values; dense = weights·value bits. A codebook adds
// its lutEntries decoded weights per layer.
func (s storage) bytes(weights, nnz, entries, pointers int64, decodedBits int) int64 {
	var b int64
	switch {
	case s.dense:
		b = weights * int64(s.valueBits)
	case s.bitmask:
		b = weights + nnz*int64(s.valueBits)
	default:
		b = entries*int64(s.entryBits) + pointers*pointerBits
	}
	if s.codebook {
		b += int64(s.lutEntries) * int64(decodedBits)
	}
	return (b + 7) / 8
}
