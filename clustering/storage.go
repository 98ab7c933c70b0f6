package clustering

// Default relative-index widths of the sparse format (Han, Mao & Dally 2016,
// §2: 8 bits for conv layers, 5 bits for fully connected layers).
const (
	DefaultRelBitsConv = 8
	DefaultRelBitsFC   = 5
	// ValueBits is the width of an unclustered weight, a codebook entry or
	// a bias.
	ValueBits = 32
)

// Layer describes one layer's stored form for LayerStorage.
type Layer struct {
	Weights int       // number of weights of the dense layer
	Mask    []float32 // nil: dense; otherwise len Weights, 0 = pruned
	// Codebook holds the shared values; nil means unclustered (32-bit
	// values). Index then gives each weight's entry (len Weights; entries
	// of pruned weights are ignored).
	Codebook []float32
	Index    []int32
	// IndexBits is the stored index width; 0 means the least that
	// addresses every symbol. Ignored for unclustered layers.
	IndexBits int
	RelBits   int // relative-index width for the sparse format, 1–16
	// Rows is the number of rows of the weight matrix (output channels:
	// the tensor is [Rows, Weights/Rows]); it is needed only for
	// ColumnMajor. ColumnMajor stores a sparse layer's entries column by
	// column (compressed sparse column, as EIE stores FC layers) instead of
	// in the flat row-major order of the tensor (compressed sparse row);
	// Deep Compression allows either (Han, Mao & Dally 2016, §2).
	Rows        int
	ColumnMajor bool
	// SkipEmpty stores a bitmap of the rows and of the columns that hold
	// at least one kept weight (Rows + Weights/Rows bits) and runs the
	// relative indices over those rows and columns only, so empty rows
	// (dead output neurons) and empty columns (dead inputs, such as the
	// always-zero border pixels of MNIST in fc1) cost no gaps. Needs Rows.
	SkipEmpty bool
	Biases    int
	// HalfValues stores the codebook entries and the biases in half
	// precision (HalfBits each) instead of ValueBits; Storage sets it for a
	// clustered layer whose codebook and biases are all binary16 values.
	HalfValues bool
	Huffman    bool // also compute the Huffman-coded size
}

// LayerBits is the storage of one layer, in bits.
type LayerBits struct {
	Sparse       bool  // stored as (relative index, value) entries
	RelBits      int   // relative-index width used (sparse only)
	ColumnMajor  bool  // entries stored column by column (sparse only)
	SkipEmpty    bool  // empty rows and columns skipped (sparse only)
	LiveMapBits  int64 // the live-row and live-column bitmaps (SkipEmpty)
	Nonzero      int   // surviving weights
	Padding      int   // filler entries inserted where a gap overflows RelBits
	Symbols      int   // codebook entries stored (k, +1 for a zero filler value when needed)
	IndexBits    int   // bits per stored value: the index width, or 32 unclustered
	ValueBits    int64 // entries × IndexBits
	RelIndexBits int64 // entries × RelBits (sparse only)
	CodebookBits int64 // Symbols × 32
	BiasBits     int64 // biases × 32
	Total        int64
	// With Huffman: the coded value (index) stream and relative-index
	// stream, each with its code table, and the resulting total. Values of
	// unclustered layers are not Huffman coded.
	HuffValueBits    int64
	HuffRelIndexBits int64
	HuffTotal        int64
	HuffRelBits      int   // relative-index width of the Huffman total
	HuffColumnMajor  bool  // entry order of the Huffman total
	HuffSkipEmpty    bool  // empty rows and columns skipped in the Huffman total
	HuffLiveMapBits  int64 // their bitmaps (part of HuffTotal)
}

// LayerStorage counts the bits of one layer in Deep Compression's format
// (Han, Mao & Dally 2016, §2–4). A layer whose mask has no zero is stored
// dense: one value or index per weight. Otherwise the weights are stored as
// entries in the flat order of the weight tensor, each with the number of
// zeros before it in RelBits bits; relative indices run on across rows, so
// no row pointers are needed. A gap g larger than G = 2^RelBits − 1 costs
// ⌊g/2^RelBits⌋ filler entries, each a zero value with relative index G. A
// clustered layer with fillers needs a zero in its codebook; if no centroid
// is exactly 0 one extra entry is stored. Bits = entries·(IndexBits +
// RelBits) + live-row/column bitmaps (SkipEmpty) + codebook entries·32 +
// biases·32 (16 each with HalfValues); an unclustered layer stores 32-bit
// values instead of indices and no codebook. Entries follow the flat
// row-major order, or column-major with ColumnMajor.
func LayerStorage(l Layer) (LayerBits, error) {
	if err := l.validate(); err != nil {
		return LayerBits{}, err
	}
	var b LayerBits
	sparse := false
	for _, m := range l.Mask {
		sparse = sparse || m == 0
	}
	b.Sparse = sparse
	if sparse {
		b.RelBits, b.HuffRelBits = l.RelBits, l.RelBits
		b.ColumnMajor, b.HuffColumnMajor = l.ColumnMajor, l.ColumnMajor
		b.SkipEmpty, b.HuffSkipEmpty = l.SkipEmpty, l.SkipEmpty
		if l.SkipEmpty {
			b.LiveMapBits = int64(l.Rows + l.Weights/l.Rows)
			b.HuffLiveMapBits = b.LiveMapBits
		}
	}
	vals, rels := l.streams(sparse)
	b.Nonzero = l.Weights
	if sparse {
		b.Nonzero = 0
		for _, m := range l.Mask {
			if m != 0 {
				b.Nonzero++
			}
		}
	}
	b.Padding = len(vals) - b.Nonzero
	if err := b.symbols(l, vals); err != nil {
		return LayerBits{}, err
	}
	entries := int64(len(vals))
	b.ValueBits = entries * int64(b.IndexBits)
	if sparse {
		b.RelIndexBits = entries * int64(l.RelBits)
	}
	vb := int64(ValueBits)
	if l.HalfValues {
		vb = HalfBits
	}
	b.CodebookBits = int64(b.Symbols) * vb
	b.BiasBits = int64(l.Biases) * vb
	b.Total = b.ValueBits + b.RelIndexBits + b.LiveMapBits + b.CodebookBits + b.BiasBits
	if l.Huffman {
		if err := b.huffman(l, vals, rels); err != nil {
			return LayerBits{}, err
		}
	}
	return b, nil
}

// symbols sets Symbols and IndexBits and gives the filler entries (−1 in
// vals) the codebook's zero symbol, adding one when no centroid is 0.
func (b *LayerBits) symbols(l Layer, vals []int32) error {
	if l.Codebook == nil {
		b.IndexBits = ValueBits
		return nil
	}
	b.Symbols = len(l.Codebook)
	if b.Padding > 0 {
		zero := zeroSymbol(l.Codebook)
		if zero == int32(len(l.Codebook)) {
			b.Symbols++
		}
		for i := range vals {
			if vals[i] < 0 {
				vals[i] = zero
			}
		}
	}
	b.IndexBits = IndexBits(b.Symbols)
	if l.IndexBits != 0 {
		if l.IndexBits < b.IndexBits {
			return badInput("storage: index_bits %d cannot address %d codebook entries", l.IndexBits, b.Symbols)
		}
		b.IndexBits = l.IndexBits
	}
	return nil
}

func (b *LayerBits) huffman(l Layer, vals, rels []int32) error {
	b.HuffValueBits = b.ValueBits
	if l.Codebook != nil {
		v, err := HuffmanBits(vals, b.Symbols)
		if err != nil {
			return err
		}
		b.HuffValueBits = v
	}
	if b.Sparse {
		r, err := HuffmanBits(rels, 1<<l.RelBits)
		if err != nil {
			return err
		}
		b.HuffRelIndexBits = r
	}
	b.HuffTotal = b.HuffValueBits + b.HuffRelIndexBits + b.LiveMapBits + b.CodebookBits + b.BiasBits
	return nil
}

func (l Layer) validate() error {
	switch {
	case l.Weights < 0 || l.Biases < 0:
		return badInput("storage: weights %d and biases %d must be ≥ 0", l.Weights, l.Biases)
	case l.Mask != nil && len(l.Mask) != l.Weights:
		return badInput("storage: mask has %d entries for %d weights", len(l.Mask), l.Weights)
	case l.Mask != nil && (l.RelBits < 1 || l.RelBits > 16):
		return badInput("storage: rel_bits %d: must be in 1–16", l.RelBits)
	case (l.ColumnMajor || l.SkipEmpty) && (l.Rows < 1 || l.Weights%l.Rows != 0):
		return badInput("storage: column-major order and empty-row skipping need rows dividing the %d weights, got %d", l.Weights, l.Rows)
	case l.HalfValues && l.Codebook == nil:
		return badInput("storage: half-precision values need a codebook")
	case l.Codebook == nil:
		return nil
	case len(l.Codebook) == 0:
		return badInput("storage: empty codebook")
	case len(l.Index) != l.Weights:
		return badInput("storage: index has %d entries for %d weights", len(l.Index), l.Weights)
	case l.IndexBits < 0 || l.IndexBits > MaxIndexBits:
		return badInput("storage: index_bits %d: must be in 1–%d", l.IndexBits, MaxIndexBits)
	}
	for i, v := range l.Index {
		if (l.Mask == nil || l.Mask[i] != 0) && (v < 0 || int(v) >= len(l.Codebook)) {
			return badInput("storage: weight %d: index %d outside codebook of %d", i, v, len(l.Codebook))
		}
	}
	return nil
}

// streams returns the stored value symbols (codebook indices, −1 for a
// filler, 0 for unclustered values) and the relative indices.
func (l Layer) streams(sparse bool) (vals, rels []int32) {
	sym := func(i int) int32 {
		if l.Codebook == nil {
			return 0
		}
		return l.Index[i]
	}
	if !sparse {
		vals = make([]int32, l.Weights)
		for i := range vals {
			vals[i] = sym(i)
		}
		return vals, nil
	}
	g := 1<<l.RelBits - 1
	gap := 0
	rows, cols := 1, l.Weights
	if l.ColumnMajor || l.SkipEmpty {
		rows, cols = l.Rows, l.Weights/l.Rows
	}
	liveRows, liveCols := make([]int, 0, rows), make([]int, 0, cols)
	if l.SkipEmpty {
		rowLive, colLive := make([]bool, rows), make([]bool, cols)
		for i, m := range l.Mask {
			if m != 0 {
				rowLive[i/cols], colLive[i%cols] = true, true
			}
		}
		for r, ok := range rowLive {
			if ok {
				liveRows = append(liveRows, r)
			}
		}
		for c, ok := range colLive {
			if ok {
				liveCols = append(liveCols, c)
			}
		}
	} else {
		for r := range rows {
			liveRows = append(liveRows, r)
		}
		for c := range cols {
			liveCols = append(liveCols, c)
		}
	}
	visit := func(i int) {
		if l.Mask[i] == 0 {
			gap++
			return
		}
		for gap > g {
			vals, rels = append(vals, -1), append(rels, int32(g))
			gap -= g + 1
		}
		vals, rels = append(vals, sym(i)), append(rels, int32(gap))
		gap = 0
	}
	if l.ColumnMajor {
		for _, c := range liveCols {
			for _, r := range liveRows {
				visit(r*cols + c)
			}
		}
	} else {
		for _, r := range liveRows {
			for _, c := range liveCols {
				visit(r*cols + c)
			}
		}
	}
	return vals, rels
}

// zeroSymbol is the index of an exact 0 in the codebook, or len(codebook)
// when a zero entry must be added.
func zeroSymbol(cb []float32) int32 {
	for j, v := range cb {
		if v == 0 {
			return int32(j)
		}
	}
	return int32(len(cb))
}
