package nn

import (
	"github.com/dcsim/dcsim/network"
)

// Direct sparse convolution. A stride-1 convolution whose mask is frozen
// skips im2col and runs on groups of eight images at once: the zero-padded
// input planes (Hp×Wp) of a group are interleaved so that one vector of
// eight floats holds one position of the eight images, and every sum is a
// sum of vectors. Output position (oy, ox) of filter o is
//
//	y[o][oy][ox] = Σ_{(c,r,s)} w·xi[c][oy+r][ox+s]
//
// over the filter's non-zeros (Park et al., "Faster CNNs with Direct Sparse
// Convolutions and Guided Pruning", ICLR 2017, compute the same sums one
// image at a time). One non-zero thus multiplies the eight images' whole
// output row at once, with aligned loads and no discarded columns; a
// kernel keeps a row of eight output vectors (or two rows of four) in
// registers for the whole walk over the filter's non-zeros (dcRows). The
// input gradient gathers the same way from the group's dy planes with a
// zero margin of R−1 rows and S−1 columns on each side,
//
//	dx[c][iy][ix] = Σ_{(o,r,s)} w·dyp[o][iy+Pad−r+R−1][ix+Pad−s+S−1],
//
// and the weight gradient at a non-zero is the dot product of dy's plane
// with the same window of the input, eight non-zeros of a filter at a time
// so the dy vectors loaded serve eight products (dcDW).
//
// A group's images are consecutive in the chunk, so which images share a
// group does not depend on the number of workers; a chunk's last group may
// be short, its missing images then being zeros whose results are dropped.

// lanes is the number of images a direct convolution processes at once.
const lanes = 8

// directConv is the geometry of the direct path for one layer. Offsets
// and row strides count vectors of lanes floats.
type directConv struct {
	hp, wp, oh, ow int
	dh, dw         int // dy plane: (OH+2(R−1)) × (OW+2(S−1)), unpadded (OH × OW) with win
	dyc            int // offset of dy[0][0] in its plane: (R−1)·dw + S−1, 0 with win
	// win: the input gradient runs on dcWin (Pad 0, OW = 8, S ≤ 5: each
	// entry's 8 output columns land in a fixed window of the input row's
	// InW ≤ 12, so no margin is read); bwd's idx is then o·OH·OW − r·OW,
	// relative to dx row iy's dy row, and its entries sorted per channel
	// by s, then r; wptr gives the start of each (c, s, r) run (R+1
	// values from (c·S + s)·(R+1)).
	win  bool
	wptr []int32
	in   int // vectors of one group's padded input: InC·Hp·Wp
	// fwd's idx: offset c·Hp·Wp + r·Wp + s into the padded input; bwd's
	// (per input channel): offset o·dh·dw + (Pad−r+R−1)·dw + Pad−s+S−1
	// into the dy planes.
	fwd, bwd *sparseMat
	// rptr: per input channel c, the start in bwd of its entries of each
	// kernel row r (R+1 values from c·(R+1); bwd is sorted by r within a
	// channel).
	rptr []int32
	// The weight gradient's slots: each filter's entries padded with
	// copies of its last offset to a multiple of 8 (gptr: each filter's
	// first slot; goff: the offsets; gent: each slot's fwd entry, −1 for
	// padding).
	gptr       []int32
	goff, gent []int32
}

// directBufs is one worker's buffers for a direct layer.
type directBufs struct {
	xi  []float32 // chunkSize/lanes groups × in vectors: kept for the backward pass
	yo  []float32 // OH·OW vectors: one filter's output for one group
	dyp []float32 // OutC dy planes of dh·dw vectors; the margins stay zero
	dxi []float32 // InC·InH·InW vectors: a group's input gradient, or its unpadded input
	gw  []float32 // one value per weight-gradient slot
	pi  []float32 // fused pool (directpool.go): a group's pooled values or their gradients
}

// newDirect plans the direct path for a stride-1 conv layer with the
// given keep mask (OIHW). The fwd form stores the entries in the order of
// the layer's CSR form (filter-major, then OIHW position).
func newDirect(s *network.Layer, keep []float32) *directConv {
	d := &directConv{hp: s.InH + 2*s.Pad, wp: s.InW + 2*s.Pad}
	d.oh, d.ow = d.hp-s.R+1, d.wp-s.S+1
	d.win = s.Pad == 0 && d.ow == 8 && s.S <= 5
	d.dh, d.dw = d.oh+2*(s.R-1), d.ow+2*(s.S-1)
	d.dyc = (s.R-1)*d.dw + s.S - 1
	if d.win {
		d.dh, d.dw, d.dyc = d.oh, d.ow, 0
	}
	d.in = s.InC * d.hp * d.wp
	k, rs := s.InC*s.R*s.S, s.R*s.S
	d.fwd = &sparseMat{ptr: make([]int32, s.OutC+1), max: -1}
	d.gptr = make([]int32, s.OutC+1)
	for o := 0; o < s.OutC; o++ {
		for i := 0; i < k; i++ {
			if keep[o*k+i] == 0 {
				continue
			}
			c, r, q := i/rs, i/s.S%s.R, i%s.S
			off := int32((c*d.hp+r)*d.wp + q)
			d.fwd.idx, d.fwd.pos = append(d.fwd.idx, off), append(d.fwd.pos, int32(o*k+i))
			d.fwd.max = max(d.fwd.max, off)
			d.goff, d.gent = append(d.goff, off), append(d.gent, int32(len(d.fwd.idx)-1))
		}
		d.fwd.ptr[o+1] = int32(len(d.fwd.idx))
		for len(d.goff)%8 != 0 {
			d.goff, d.gent = append(d.goff, d.goff[len(d.goff)-1]), append(d.gent, -1)
		}
		d.gptr[o+1] = int32(len(d.goff))
	}
	d.fwd.val = make([]float32, len(d.fwd.idx))
	d.bwd = &sparseMat{ptr: make([]int32, s.InC+1), max: -1}
	d.rptr = make([]int32, s.InC*(s.R+1))
	for c := 0; c < s.InC; c++ {
		for r := 0; r < s.R; r++ {
			d.rptr[c*(s.R+1)+r] = int32(len(d.bwd.idx))
			for o := 0; o < s.OutC; o++ {
				for q := 0; q < s.S; q++ {
					i := (c*s.R+r)*s.S + q
					if keep[o*k+i] == 0 {
						continue
					}
					off := int32((o*d.dh+s.Pad-r+s.R-1)*d.dw + s.Pad - q + s.S - 1)
					d.bwd.idx, d.bwd.pos = append(d.bwd.idx, off), append(d.bwd.pos, int32(o*k+i))
					d.bwd.max = max(d.bwd.max, off)
				}
			}
		}
		d.rptr[c*(s.R+1)+s.R] = int32(len(d.bwd.idx))
		d.bwd.ptr[c+1] = int32(len(d.bwd.idx))
	}
	if d.win {
		d.winForm(s, keep)
	}
	d.bwd.val = make([]float32, len(d.bwd.idx))
	return d
}

// winForm replaces bwd by dcWin's form (see directConv.win).
func (d *directConv) winForm(s *network.Layer, keep []float32) {
	k := s.InC * s.R * s.S
	d.bwd = &sparseMat{ptr: make([]int32, s.InC+1), max: -1}
	d.wptr = make([]int32, s.InC*s.S*(s.R+1))
	for c := 0; c < s.InC; c++ {
		for q := 0; q < s.S; q++ {
			rp := d.wptr[(c*s.S+q)*(s.R+1):]
			for r := 0; r < s.R; r++ {
				rp[r] = int32(len(d.bwd.idx))
				for o := 0; o < s.OutC; o++ {
					i := (c*s.R+r)*s.S + q
					if keep[o*k+i] == 0 {
						continue
					}
					off := int32(o*d.oh*d.ow - r*d.ow)
					d.bwd.idx, d.bwd.pos = append(d.bwd.idx, off), append(d.bwd.pos, int32(o*k+i))
					d.bwd.max = max(d.bwd.max, off)
				}
			}
			rp[s.R] = int32(len(d.bwd.idx))
		}
		d.bwd.ptr[c+1] = int32(len(d.bwd.idx))
	}
}

func (d *directConv) newBufs(s *network.Layer) *directBufs {
	return &directBufs{
		xi:  make([]float32, chunkSize/lanes*d.in*lanes),
		yo:  make([]float32, d.oh*d.ow*lanes),
		dyp: make([]float32, s.OutC*d.dh*d.dw*lanes),
		dxi: make([]float32, s.InC*s.InH*s.InW*lanes),
		gw:  make([]float32, len(d.goff)),
		pi:  make([]float32, s.OutC*(d.oh/2)*(d.ow/2)*lanes),
	}
}

// interleave writes the nl ≤ lanes images x (rows of m values) into dst
// (m vectors, lane j = image j; the lanes past nl are zeroed).
func interleave(dst, x []float32, m, nl int) {
	if nl == lanes {
		transposeTo(dst, lanes, x, lanes, m)
		return
	}
	for i := 0; i < m; i++ {
		v := dst[i*lanes : (i+1)*lanes]
		for j := range v {
			v[j] = 0
			if j < nl {
				v[j] = x[j*m+i]
			}
		}
	}
}

// deinterleave writes lanes 0…nl−1 of src (m vectors) to the rows of dst,
// ldd apart (the inverse of interleave).
func deinterleave(dst []float32, ldd int, src []float32, m, nl int) {
	if nl == lanes {
		transposeTo(dst, ldd, src, m, lanes)
		return
	}
	for j := 0; j < nl; j++ {
		row := dst[j*ldd : j*ldd+m]
		for i := range row {
			row[i] = src[i*lanes+j]
		}
	}
}

// loadGroup interleaves group g's nl images of x (one image per l.in
// values, from the group's first) into the group's padded input planes,
// kept for the backward pass, and returns them. The padding border is
// never written, so it keeps the zeros of the allocation.
func (d *directConv) loadGroup(l *netLayer, b *directBufs, g int, x []float32, nl int) []float32 {
	s := &l.s
	xi := b.xi[g*d.in*lanes : (g+1)*d.in*lanes]
	if s.Pad == 0 {
		interleave(xi, x, l.in, nl)
		return xi
	}
	interleave(b.dxi, x, l.in, nl)
	row := s.InW * lanes
	for c := 0; c < s.InC; c++ {
		for iy := 0; iy < s.InH; iy++ {
			at := ((c*d.hp+iy+s.Pad)*d.wp + s.Pad) * lanes
			copy(xi[at:at+row], b.dxi[(c*s.InH+iy)*row:])
		}
	}
	return xi
}

// filter computes filter o's output planes (without bias) for the group's
// padded input xi into b.yo.
func (d *directConv) filter(o int, xi []float32, b *directBufs) {
	v, ix := d.fwd.line(o)
	dcRows(v, ix, d.fwd.max, xi, d.wp, b.yo, d.ow, d.oh, d.ow)
}

// convForwardDirect is convForwardSparse without im2col; it applies the
// layer's ReLU itself (the engine skips it for direct layers).
func convForwardDirect(l *netLayer, d *directConv, b *directBufs, x, y []float32, n int) {
	p := d.oh * d.ow
	for g := 0; g*lanes < n; g++ {
		nl := min(lanes, n-g*lanes)
		xi := d.loadGroup(l, b, g, x[g*lanes*l.in:], nl)
		for o := 0; o < l.s.OutC; o++ {
			d.filter(o, xi, b)
			at := g*lanes*l.out + o*p
			deinterleave(y[at:], l.out, b.yo, p, nl)
			bo := l.param.Bias[o]
			for j := 0; j < nl; j++ {
				plane := y[at+j*l.out : at+j*l.out+p]
				for i := range plane {
					plane[i] += bo
				}
				if l.relu {
					relu(plane)
				}
			}
		}
	}
}

// convBackwardDirect is convBackwardSparse (frozen mask) without col2im.
func convBackwardDirect(l *netLayer, d *directConv, b *directBufs, dy, dx, dw, db []float32, n int) {
	s := &l.s
	p := d.oh * d.ow
	for g := 0; g*lanes < n; g++ {
		nl := min(lanes, n-g*lanes)
		for o := 0; o < s.OutC; o++ {
			for oy := 0; oy < d.oh; oy++ {
				at := (o*d.dh*d.dw + d.dyc + oy*d.dw) * lanes
				for ox := 0; ox < d.ow; ox++ {
					v := b.dyp[at+ox*lanes : at+(ox+1)*lanes]
					for j := range v {
						v[j] = 0
						if j < nl {
							v[j] = dy[(g*lanes+j)*l.out+o*p+oy*d.ow+ox]
						}
					}
				}
			}
			for j := 0; j < nl; j++ {
				at := (g*lanes+j)*l.out + o*p
				db[o] += sum8(dy[at : at+p])
			}
		}
		d.backwardGroup(l, b, g, nl, dx, dw)
	}
}

// backwardGroup accumulates group g's weight gradient into dw and, when
// dx is non-nil, writes its nl images' input gradients, from the dy planes
// in b.dyp and the padded input kept by loadGroup.
func (d *directConv) backwardGroup(l *netLayer, b *directBufs, g, nl int, dx, dw []float32) {
	s := &l.s
	xi := b.xi[g*d.in*lanes : (g+1)*d.in*lanes]
	dyc := b.dyp[d.dyc*lanes:]
	pl := d.dh * d.dw * lanes
	for o := 0; o < s.OutC; o++ {
		lo, hi := d.gptr[o], d.gptr[o+1]
		if lo == hi {
			continue
		}
		dcDW(d.goff[lo:hi], d.fwd.max, xi, d.wp, dyc[o*pl:], d.dw, d.oh, d.ow, b.gw[lo:hi])
		for i, t := range d.gent[lo:hi] {
			if t >= 0 {
				dw[t] += b.gw[int(lo)+i]
			}
		}
	}
	if dx == nil {
		return
	}
	if d.win {
		d.inputGradWin(l, b)
		deinterleave(dx[g*lanes*l.in:], l.in, b.dxi, l.in, nl)
		return
	}
	// Row iy of dx gathers only the entries of the kernel rows r with
	// 0 ≤ iy+Pad−r < OH (the others would read the dy planes' zero
	// margins): a range of the channel's entries, sorted by r.
	row := s.InW * lanes
	for c := 0; c < s.InC; c++ {
		v, ix := d.bwd.line(c)
		rp := d.rptr[c*(s.R+1) : (c+1)*(s.R+1)]
		for iy := 0; iy < s.InH; iy++ {
			dst := b.dxi[(c*s.InH+iy)*row : (c*s.InH+iy+1)*row]
			r0, r1 := max(0, iy+s.Pad-d.oh+1), min(s.R-1, iy+s.Pad)
			if r0 > r1 || rp[r0] == rp[r1+1] {
				clear(dst)
				continue
			}
			lo, hi := rp[r0]-rp[0], rp[r1+1]-rp[0]
			dcRows(v[lo:hi], ix[lo:hi], d.bwd.max, b.dyp[iy*d.dw*lanes:], d.dw, dst, s.InW, 1, s.InW)
		}
	}
	deinterleave(dx[g*lanes*l.in:], l.in, b.dxi, l.in, nl)
}

// inputGradWin is backwardGroup's input gradient on dcWin: dx row iy of
// channel c takes, for each s, the entries of the kernel rows r with
// 0 ≤ iy−r < OH.
func (d *directConv) inputGradWin(l *netLayer, b *directBufs) {
	s := &l.s
	row := s.InW * lanes
	var rng [2 * 5]int32
	for c := 0; c < s.InC; c++ {
		for iy := 0; iy < s.InH; iy++ {
			r0, r1 := max(0, iy-d.oh+1), min(s.R-1, iy)
			clear(rng[:])
			for q := 0; q < s.S && r0 <= r1; q++ {
				rp := d.wptr[(c*s.S+q)*(s.R+1):]
				rng[2*q], rng[2*q+1] = rp[r0], rp[r1+1]
			}
			dst := b.dxi[(c*s.InH+iy)*row : (c*s.InH+iy+1)*row]
			// Entries o·OH·OW − r·OW with r0 ≤ r ≤ r1.
			lo, hi := -r1*d.ow, (s.OutC-1)*d.oh*d.ow-r0*d.ow
			dcWin(d.bwd.val, d.bwd.idx, &rng, lo, hi, b.dyp, iy*d.ow, dst)
		}
	}
}
