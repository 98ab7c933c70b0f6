package sim

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"sync"

	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/stat/distuv"
)

// RandomMask returns a rows×cols mask with exactly round(density·rows·cols)
// ones at uniformly random positions drawn from rng, so the same seed gives
// the same mask. Positions are drawn by rejection on the bitset (or, above
// density 0.5, the zeros are drawn instead), so the cost is O(ones) draws
// rather than a pass over every weight. A density outside [0,1] is clamped.
func RandomMask(rows, cols int, density float64, rng *rand.Rand) *Mask {
	m := NewMask(rows, cols)
	n := uint64(rows) * uint64(cols)
	if n == 0 {
		return m
	}
	density = math.Min(1, math.Max(0, density))
	k := uint64(math.Round(density * float64(n)))
	if 2*k <= n {
		scatterBits(m.Bits, n, k, rng, true)
		return m
	}
	for i := range m.Bits {
		m.Bits[i] = ^uint64(0)
	}
	if tail := n & 63; tail != 0 {
		m.Bits[len(m.Bits)-1] = 1<<tail - 1
	}
	scatterBits(m.Bits, n, n-k, rng, false)
	return m
}

// scatterBits sets (set) or clears (!set) k distinct bits among the first n.
func scatterBits(b []uint64, n, k uint64, rng *rand.Rand, set bool) {
	for done := uint64(0); done < k; {
		i := rng.Uint64N(n)
		w, bit := &b[i>>6], uint64(1)<<(i&63)
		if (*w&bit != 0) == set {
			continue
		}
		*w ^= bit
		done++
	}
}

// MaskDims returns the mask shape a layer's weights have: OutC rows (one per
// output neuron or filter) by (InC/Groups)·R·S columns. For grouped
// convolutions group g owns rows [g·OutC/Groups, (g+1)·OutC/Groups).
func MaskDims(l *Layer) (rows, cols int) {
	_, k, _, _ := l.GEMM()
	return l.OutC, k
}

// checkMask reports a mask whose shape does not match the layer.
func checkMask(l *Layer) error {
	if l.Mask == nil {
		return nil
	}
	rows, cols := MaskDims(l)
	m := l.Mask
	if m.Rows != rows || m.Cols != cols {
		return fmt.Errorf("mask is %d×%d, layer weights are %d×%d (out×in)", m.Rows, m.Cols, rows, cols)
	}
	if need := (rows*cols + 63) / 64; len(m.Bits) != need {
		return fmt.Errorf("mask has %d words, %d×%d needs %d", len(m.Bits), rows, cols, need)
	}
	return nil
}

// rowWord returns bits [c0, c0+64) of row r (bit i = column c0+i), zero past
// the end of the row. Rows need not start on a word boundary.
func (m *Mask) rowWord(r, c0 int) uint64 {
	i := r*m.Cols + c0
	w, s := i>>6, uint(i&63)
	v := m.Bits[w] >> s
	if s != 0 && w+1 < len(m.Bits) {
		v |= m.Bits[w+1] << (64 - s)
	}
	if rem := m.Cols - c0; rem < 64 {
		v &= 1<<uint(rem) - 1
	}
	return v
}

// transpose64 transposes a 64×64 bit matrix in place: afterwards bit i of
// a[j] is what bit j of a[i] was (Hacker's Delight §7-3, recursive block
// swap, adapted to LSB-first bit order).
func transpose64(a *[64]uint64) {
	m := uint64(0x00000000FFFFFFFF)
	for j := 32; j != 0; j, m = j>>1, m^(m<<uint(j>>1)) {
		for k := 0; k < 64; k = (k + j + 1) &^ j {
			t := (a[k]>>uint(j) ^ a[k+j]) & m
			a[k+j] ^= t
			a[k] ^= t << uint(j)
		}
	}
}

// peWork is the per-PE, per-column work of one weight matrix under the EIE
// interleaving (row i owned by PE i mod N): for column j and PE p,
// nnz[j·N+p] non-zeros and pad[j·N+p] CSC padding entries.
type peWork struct {
	pes, cols int
	nnz, pad  []int32
}

// entries is the CSC entries (non-zeros plus padding) of PE p in column j.
func (w *peWork) entries(j, p int) int32 { return w.nnz[j*w.pes+p] + w.pad[j*w.pes+p] }

// peWorkPool recycles the per-PE count buffers between layers and calls:
// for VGG-16's fc6 they are 12.8 MB, and allocating them per call made the
// mask-accurate path spend its time in the allocator and the collector.
var peWorkPool sync.Pool

// getPEWork returns zeroed counts for pes PEs × cols columns; release it
// with putPEWork when done.
func getPEWork(pes, cols int) *peWork {
	n := pes * cols
	w, _ := peWorkPool.Get().(*peWork)
	if w == nil || cap(w.nnz) < n {
		w = &peWork{nnz: make([]int32, n), pad: make([]int32, n)}
	} else {
		w.nnz, w.pad = w.nnz[:n], w.pad[:n]
		clear(w.nnz)
		clear(w.pad)
	}
	w.pes, w.cols = pes, cols
	return w
}

// putPEWork hands w's buffers back for reuse; w must not be used after.
func putPEWork(w *peWork) { peWorkPool.Put(w) }

// maskWork counts, from mask rows [row0, row0+rows), each PE's non-zeros and
// padding entries per column. PE p's slice of column j is local rows
// q = 0,1,… (global row row0 + q·N + p); a run of z zeros before a non-zero
// (counted from the top of the slice) costs floor(z / 2^relBits) padding
// entries, the EIE/Deep Compression rule (a relative index of relBits bits
// spans at most 2^relBits − 1 zeros). relBits ≤ 0 means no padding (bitmask
// or dense storage).
//
// Counting is word-parallel: 64 local rows × 64 columns of a PE are loaded
// as words, transposed so each word holds one column's slice, and counted
// with popcounts; only the padding walk visits individual non-zeros.
func maskWork(m *Mask, row0, rows, pes, relBits int) *peWork {
	cols := m.Cols
	w := getPEWork(pes, cols)
	local := (rows + pes - 1) / pes
	if relBits > 0 && local <= 1<<uint(min(relBits, 30)) {
		relBits = 0 // no gap in a slice this short can need padding
	}
	var last [64]int
	var blk [64]uint64
	for p := 0; p < pes && p < rows; p++ {
		for c0 := 0; c0 < cols; c0 += 64 {
			for i := range last {
				last[i] = -1
			}
			for q0 := 0; q0 < local; q0 += 64 {
				var any uint64
				for qi := 0; qi < 64; qi++ {
					blk[qi] = 0
					if r := (q0+qi)*pes + p; q0+qi < local && r < rows {
						blk[qi] = m.rowWord(row0+r, c0)
						any |= blk[qi]
					}
				}
				if any == 0 {
					continue
				}
				transpose64(&blk)
				w.countBlock(&blk, &last, c0, q0, p, relBits)
			}
		}
	}
	return w
}

// countBlock adds one transposed block (blk[c] = column c0+c, bit q = local
// row q0+q) to the PE's counts; last holds each column's previous non-zero.
func (w *peWork) countBlock(blk *[64]uint64, last *[64]int, c0, q0, p, relBits int) {
	for c := 0; c < 64 && c0+c < w.cols; c++ {
		x := blk[c]
		if x == 0 {
			continue
		}
		k := (c0+c)*w.pes + p
		w.nnz[k] += int32(bits.OnesCount64(x))
		if relBits <= 0 {
			last[c] = q0 + 63 - bits.LeadingZeros64(x)
			continue
		}
		prev := last[c]
		if !mayPad(x, prev-q0, relBits) {
			last[c] = q0 + 63 - bits.LeadingZeros64(x)
			continue
		}
		var pad int32
		for ; x != 0; x &= x - 1 {
			pos := q0 + bits.TrailingZeros64(x)
			pad += int32((pos - prev - 1) >> uint(relBits))
			prev = pos
		}
		last[c] = prev
		w.pad[k] += pad
	}
}

// mayPad reports whether word x (bit i = local row q0+i), whose previous
// non-zero is at offset prev (< 0: before the word), can contain a run of
// ≥ 2^relBits zeros ending at a non-zero. It is a cheap filter: runs are
// found by and-ing ^x with itself shifted (a bit survives if the 2^relBits
// bits from it up are all zero).
func mayPad(x uint64, prev, relBits int) bool {
	span := 1 << uint(relBits)
	if span >= 64 {
		return true
	}
	if 63-bits.LeadingZeros64(x)-prev-1 < span {
		return false // the whole gap before the last non-zero is too short
	}
	last := 63 - bits.LeadingZeros64(x)
	z := ^x
	for s := 1; s < span; s <<= 1 {
		z &= z >> uint(s)
	}
	// only runs that end before the last non-zero count
	if lim := last - span + 1; lim > 0 {
		z &= 1<<uint(lim) - 1
	} else {
		z = 0
	}
	// a run starting inside the word, or one continuing from before it
	return z != 0 || bits.TrailingZeros64(x)-prev-1 >= span
}

// statGroup is the statistical counterpart of maskGroup: one group's matrix
// of rows×k at weight density d, with active of its k activations non-zero,
// evaluated without a mask in O(rows/N) time.
//
// PE p owns L_p = ceil or floor(rows/N) rows, so its entries in a column are
// X + P with X ~ Binomial(L_p, d) non-zeros and P = expectedPadding(L_p)
// padding entries (taken at its mean); a column costs
// c = max(1, (X+P)/rate) cycles, with mean μ and standard deviation σ over
// the binomial. Over A broadcast columns the cycles are A·μ plus an
// imbalance overhead per column o:
//
//	o = max( σ·e(N)/√A ,  κ·(σ·e(N))² / (μ·(D+1)) ),  κ = 0.55
//
// The first term is the infinite-queue limit (the busiest of N PEs after
// A columns, block sums taken as normal, e(N) = expected maximum of N
// standard normals). The second is a finite queue of depth D: the
// broadcaster is held by whichever PE is slowest over a window of columns,
// and a window of w columns costs σ·e·√w extra but switching to another
// slow PE forgives about D columns of lead, so the worst windows have
// √w ∝ D·μ/(σ·e) and the overhead per column is ∝ (σ·e)²/(D·μ) (the
// max-plus path argument gives κ = 1/4 with D; κ = 0.55 with D+1 is fitted
// to the mask-accurate queue simulation over depths 1–64 on the EIE layer
// shapes). TestStatisticalMatchesMask bounds the error.
func statGroup(rows, k, pes int, d float64, active int, skip bool, depth int, st storage) groupRun {
	cols := k
	if skip {
		cols = active
	}
	big := (rows + pes - 1) / pes
	classes := [2]struct{ rows, pes int }{{big, rows - (big-1)*pes}, {big - 1, pes - (rows - (big-1)*pes)}}
	e := expectedMaxNormal(pes)
	var gr groupRun
	var slowest float64
	for _, c := range classes {
		if c.pes <= 0 {
			continue
		}
		pad := expectedPadding(c.rows, d, st.relBits)
		mu, sigma := columnCost(c.rows, d, pad, st.lookupRate)
		o := 0.0
		if cols > 0 && mu > 0 {
			o = math.Max(sigma*e/math.Sqrt(float64(cols)), statKappa*sigma*e*sigma*e/(mu*float64(depth+1)))
		}
		slowest = math.Max(slowest, float64(cols)*(mu+o))
		gr.busy += float64(cols) * float64(c.pes) * mu
		gr.padding += float64(cols) * float64(c.pes) * pad
		gr.stored += float64(k) * float64(c.pes) * (float64(c.rows)*d + pad)
		gr.maxPE = math.Max(gr.maxPE, float64(k)*(float64(c.rows)*d+pad))
	}
	gr.cycles = slowest
	gr.columns = float64(cols)
	gr.storedNNZ = float64(k) * float64(rows) * d
	gr.nnzAct = float64(active) * float64(rows) * d
	if !skip {
		gr.nnzZero = float64(k-active) * float64(rows) * d
	}
	return gr
}

// columnCost is the mean and standard deviation of max(1, (X+pad)/rate)
// for X ~ Binomial(n, d), summed over the binomial pmf (distuv.Binomial,
// in log space so large n does not underflow).
func columnCost(n int, d, pad float64, rate int) (mu, sigma float64) {
	if n == 0 || d <= 0 {
		c := math.Max(1, pad/float64(rate))
		return c, 0
	}
	if d >= 1 {
		return math.Max(1, (float64(n)+pad)/float64(rate)), 0
	}
	b := distuv.Binomial{N: float64(n), P: d}
	var s1, s2 float64
	for x := 0; x <= n; x++ {
		p := b.Prob(float64(x))
		c := math.Max(1, (float64(x)+pad)/float64(rate))
		s1 += p * c
		s2 += p * c * c
	}
	return s1, math.Sqrt(math.Max(0, s2-s1*s1))
}

// statKappa is the fitted constant of statGroup's finite-queue overhead.
const statKappa = 0.55

var maxNormalCache sync.Map // int → float64

// expectedMaxNormal is E[max of n iid standard normals]
// = ∫_0^∞ (1 − Φ(x)^n) dx − ∫_{−∞}^0 Φ(x)^n dx, each half by 64-point
// Gauss–Legendre quadrature (integrate/quad) on [0, 8] and [−8, 0] (the
// tails beyond 8 add < n·10⁻¹⁵); e(1) = 0, e(2) = 1/√π, e(64) ≈ 2.3443.
func expectedMaxNormal(n int) float64 {
	if n <= 1 {
		return 0
	}
	if v, ok := maxNormalCache.Load(n); ok {
		return v.(float64)
	}
	pow := func(x float64) float64 { return math.Pow(distuv.UnitNormal.CDF(x), float64(n)) }
	e := quad.Fixed(func(x float64) float64 { return 1 - pow(x) }, 0, 8, 64, quad.Legendre{}, 0) -
		quad.Fixed(pow, -8, 0, 64, quad.Legendre{}, 0)
	maxNormalCache.Store(n, e)
	return e
}
