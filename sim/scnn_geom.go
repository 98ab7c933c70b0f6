package sim

import (
	"fmt"

	"github.com/dcsim/dcsim/accel"
)

// scnnGeom is the planar tiling of one conv layer on the scnn PE grid
// (Parashar et al., ISCA 2017, §III–IV). Every conv group (Layer.Groups) is
// tiled the same way and runs after the previous one.
//
// The input plane InH × InW is cut into nr × nc tiles as evenly as rows
// allow (PE row p holds input rows [⌊p·InH/nr⌋, ⌊(p+1)·InH/nr⌋), nr =
// min(rows, InH), and columns alike; the rest of the grid idles), and each
// PE holds its tile's activations for all input channels
// (input-stationary); padding is never stored. A product of input row y
// with filter row r belongs to output row (y + pad − r)/stride; a PE owns
// the outputs whose first input row, o·stride − pad, lies in its tile (the
// first and last PEs also those before and after the plane) and
// accumulates the others it produces (a halo of up to ⌈(R−1)/stride⌉ rows,
// and columns alike) for its neighbours, so its accumulator tile is up to accH×accW outputs per
// output channel. Output channels are processed in groups of
// kc = ⌊accumulator_entries / (accH·accW)⌋, with a barrier across PEs after
// each group, when the halos are exchanged.
//
// With stride > 1 an input at row y only meets filter rows r with
// (y + pad − r) ≡ 0 (mod stride); activations and weights are split into
// stride² phase classes that are multiplied class by class, as DNNsim's
// SCNN model does (github.com/isakedo/DNNsim, core/src/SCNN.cpp), so no
// product is wasted on a stride mismatch.
type scnnGeom struct {
	f, i, banks, entries int // multiplier array F×I, accumulator banks and entries
	rows, cols           int // PE grid
	stride, pad          int
	r, s                 int // filter
	inH, inW             int
	ho, wo               int
	nr, nc               int   // PE rows / cols that hold a tile
	accH, accW           int   // largest accumulator tile per output channel
	haloRegion           int   // largest halo region one PE sends one neighbour, per channel
	haloPerChannel       int64 // partial sums all PEs send per output channel
	kc                   int   // output channels per group
	cg, kg, groups       int   // channels and filters per conv group; conv groups
	phases               int   // stride²
	// rowIn[p·stride + py] (set by planeFractions) is the fraction of (input row, filter row) pairs
	// of PE row p in phase py whose product lands inside the output plane
	// (the rest fall off its border and reach no accumulator); colIn alike.
	rowIn, colIn []float64
}

// maxStride bounds the stride the scnn engine maps (CheckLayer).
const maxStride = 16

// newSCNNGeom tiles l on spec. It returns an error when even one output
// channel's tile with its halo exceeds the accumulator buffer.
func newSCNNGeom(spec *accel.Spec, l *Layer) (scnnGeom, error) {
	a := spec.Array
	g := scnnGeom{f: a.PEWeights, i: a.PEActivations, banks: a.AccumulatorBanks, entries: a.AccumulatorEntries,
		rows: a.Rows, cols: a.Cols, stride: l.StrideOr1(), pad: l.Pad, r: l.R, s: l.S,
		inH: l.InH, inW: l.InW, ho: l.OutH(), wo: l.OutW(), groups: l.GroupsOr1()}
	g.cg, g.kg = l.InC/g.groups, l.OutC/g.groups
	if g.stride > maxStride {
		return g, fmt.Errorf("cannot be tiled: stride %d exceeds %d", g.stride, maxStride)
	}
	g.nr, g.nc = min(g.rows, g.inH), min(g.cols, g.inW)
	g.phases = g.stride * g.stride
	var hy, hx, ownH, ownW, accRows, accCols int
	for p := 0; p < g.nr; p++ {
		lo, hi := g.rowSpan(p)
		acc := accSpan(lo, hi, g.r, g.stride, g.pad, g.ho)
		own := ownSpan(p, g.nr, g.inH, g.stride, g.pad, g.ho)
		g.accH, hy, ownH = max(g.accH, acc), max(hy, acc-own), max(ownH, own)
		accRows += acc
	}
	for p := 0; p < g.nc; p++ {
		lo, hi := g.colSpan(p)
		acc := accSpan(lo, hi, g.s, g.stride, g.pad, g.wo)
		own := ownSpan(p, g.nc, g.inW, g.stride, g.pad, g.wo)
		g.accW, hx, ownW = max(g.accW, acc), max(hx, acc-own), max(ownW, own)
		accCols += acc
	}
	// Σ over PEs of accumulator tile − own tile (own tiles cover the plane)
	g.haloPerChannel = int64(accRows)*int64(accCols) - int64(g.ho)*int64(g.wo)
	if g.nr*g.nc > 1 {
		g.haloRegion = max(hy*ownW, hx*ownH, hy*hx)
	}
	g.kc = min(g.kg, g.entries/max(1, g.accH*g.accW))
	if g.kc < 1 {
		return g, fmt.Errorf("cannot be tiled: one output channel's tile with its halo is %d×%d = %d partial sums, more than the %d accumulator entries of a PE",
			g.accH, g.accW, g.accH*g.accW, g.entries)
	}
	return g, nil
}

// inPlane computes rowIn (colIn) for n PE rows (columns) along a side with
// filter side k and out outputs. A tile at least k−1 inputs from both edges
// of the plane has every product inside it (fraction 1); only the edge
// tiles are counted pair by pair.
func inPlane(n, stride, pad, k, out int, span func(int) (int, int)) []float64 {
	f := make([]float64, n*stride)
	for p := 0; p < n; p++ {
		lo, hi := span(p)
		if lo+pad-(k-1) >= 0 && (hi-1+pad)/stride < out {
			for ph := 0; ph < stride; ph++ {
				f[p*stride+ph] = 1
			}
			continue
		}
		var in, all [maxStride]int
		for y := lo; y < hi; y++ {
			ph := (y + pad) % stride
			for r := ph % stride; r < k; r += stride {
				all[ph]++
				if o := y + pad - r; o >= 0 && o/stride < out {
					in[ph]++
				}
			}
		}
		for ph := 0; ph < stride; ph++ {
			f[p*stride+ph] = 1
			if all[ph] > 0 {
				f[p*stride+ph] = float64(in[ph]) / float64(all[ph])
			}
		}
	}
	return f
}

// rowSpan is the input row range [lo, hi) of PE row p (p < nr).
func (g *scnnGeom) rowSpan(p int) (int, int) { return inSpan(p, g.nr, g.inH) }

// colSpan is the input column range [lo, hi) of PE column p (p < nc).
func (g *scnnGeom) colSpan(p int) (int, int) { return inSpan(p, g.nc, g.inW) }

// inSpan is tile p of n even tiles of in: [⌊p·in/n⌋, ⌊(p+1)·in/n⌋).
func inSpan(p, n, in int) (int, int) { return p * in / n, (p + 1) * in / n }

// ownSpan is how many of the out outputs tile p of n owns: those o with
// o·stride − pad in the tile, the first tile also those before it and the
// last those after it.
func ownSpan(p, n, in, stride, pad, out int) int {
	bound := func(p int) int { // first output of tile p
		switch {
		case p <= 0:
			return 0
		case p >= n:
			return out
		}
		return min(out, ceilDiv(p*in/n+pad, stride))
	}
	return max(0, bound(p+1)-bound(p))
}

// accSpan is how many outputs in [0, out) the products of inputs [lo, hi)
// with a filter side k land on: from ⌈(lo + pad − k + 1)/stride⌉ to
// ⌊(hi − 1 + pad)/stride⌋.
func accSpan(lo, hi, k, stride, pad, out int) int {
	if hi <= lo {
		return 0
	}
	a := max(0, floorDiv(lo+pad-k+1+stride-1, stride))
	b := min(out-1, (hi-1+pad)/stride)
	return max(0, b-a+1)
}

// floorDiv is ⌊a/b⌋ for b > 0 and any sign of a.
func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// phaseCount is how many of the inputs [lo, hi) fall in phase ph, i.e.
// have (y + pad) mod stride == ph.
func phaseCount(lo, hi, ph, stride, pad int) int {
	if hi <= lo {
		return 0
	}
	// first y ≥ lo with (y + pad) ≡ ph
	first := lo + ((ph-(lo+pad))%stride+stride)%stride
	if first >= hi {
		return 0
	}
	return (hi-1-first)/stride + 1
}

// filterPhaseCount is how many of the k filter taps r have r mod stride == ph.
func filterPhaseCount(k, ph, stride int) int {
	if ph >= k {
		return 0
	}
	return (k-1-ph)/stride + 1
}

// groupsOf is the number of output-channel groups and the size of the last.
func (g *scnnGeom) groupsOf() (n, last int) {
	n = ceilDiv(g.kg, g.kc)
	return n, g.kg - (n-1)*g.kc
}

// haloCycles is the time to exchange one group's halos: each PE sends the
// partial sums of its halo rows, halo columns and corner to the three
// neighbours concerned, one partial sum per link per cycle, all links at
// once, so the largest region sets the time (as DNNsim does).
func (g *scnnGeom) haloCycles(kc int) int64 { return int64(kc) * int64(g.haloRegion) }

// haloPsums is the number of partial sums all PEs send for one group.
func (g *scnnGeom) haloPsums(kc int) int64 { return int64(kc) * g.haloPerChannel }

// planeFractions fills rowIn and colIn (used by the conflict model only).
func (g *scnnGeom) planeFractions() {
	g.rowIn = inPlane(g.nr, g.stride, g.pad, g.r, g.ho, g.rowSpan)
	g.colIn = inPlane(g.nc, g.stride, g.pad, g.s, g.wo, g.colSpan)
}
