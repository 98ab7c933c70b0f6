package clustering

import "math"

// line is sorted 1-D data with optional point weights and prefix sums, so the
// weight and mean of any contiguous range cost O(1). Raw weights use x32 and
// unit weights; BIRCH leaf entries use x64 (entry means), w (entry counts)
// and internal (Σ of the entries' centred sums of squares).
//
// Sums are taken of x − shift, with shift the (weighted) median, so that
// prefix sums keep their precision both for data with a large common offset
// and for data with a huge outlier: with the mean as shift, one weight of
// 2e20 among a thousand of 0.01 put every x − shift near −2e17, and range
// means of the ordinary weights came out as −3456. The median is an
// ordinary weight, so their sums stay exact and only ranges that hold the
// outlier (dominated by it anyway) see large values.
type line struct {
	x32      []float32
	x64      []float64
	w        []float64 // nil: unit weights
	cw       []float64 // cumulative weights, len n+1; nil for unit weights
	cs       []float64 // cumulative Σ w·(x − shift), len n+1
	shift    float64
	internal float64
	total    float64 // Σ w
}

func newRawLine(sorted []float32) *line {
	l := &line{x32: sorted, total: float64(len(sorted))}
	l.shift = float64(sorted[len(sorted)/2])
	l.cs = make([]float64, len(sorted)+1)
	var s float64
	for i, v := range sorted {
		s += float64(v) - l.shift
		l.cs[i+1] = s
	}
	return l
}

// newWeightedLine builds a line from sorted positions x with weights w and
// the points' own within-point distortion.
func newWeightedLine(x, w []float64, internal float64) *line {
	l := &line{x64: x, w: w, internal: internal}
	for i := range x {
		l.total += w[i]
	}
	var acc float64
	for i := range x { // the weighted median
		if acc += w[i]; acc >= l.total/2 {
			l.shift = x[i]
			break
		}
	}
	l.cw = make([]float64, len(x)+1)
	l.cs = make([]float64, len(x)+1)
	var s float64
	var cw float64
	for i := range x {
		cw += w[i]
		s += w[i] * (x[i] - l.shift)
		l.cw[i+1], l.cs[i+1] = cw, s
	}
	return l
}

func (l *line) len() int {
	if l.x32 != nil {
		return len(l.x32)
	}
	return len(l.x64)
}

func (l *line) at(i int) float64 {
	if l.x32 != nil {
		return float64(l.x32[i])
	}
	return l.x64[i]
}

func (l *line) weight(i int) float64 {
	if l.w == nil {
		return 1
	}
	return l.w[i]
}

// rangeWeight is Σ w over [lo, hi).
func (l *line) rangeWeight(lo, hi int) float64 {
	if l.cw == nil {
		return float64(hi - lo)
	}
	return l.cw[hi] - l.cw[lo]
}

// rangeMean is the weighted mean of [lo, hi); the range must be non-empty.
// It is clamped to the range's end points, which a mean cannot leave: what
// rounding remains can then never unsort the centroids.
func (l *line) rangeMean(lo, hi int) float64 {
	m := (l.cs[hi]-l.cs[lo])/l.rangeWeight(lo, hi) + l.shift
	return math.Min(math.Max(m, l.at(lo)), l.at(hi-1))
}

// upper is the first index whose position exceeds b (binary search).
func (l *line) upper(b float64) int {
	lo, hi := 0, l.len()
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if l.at(m) > b {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}

// cuts fills cut[j] (j < k−1) with the first index of cluster j+1 for sorted
// centroids c: the boundaries are the midpoints between neighbours, so each
// point belongs to its nearest centroid.
func (l *line) cuts(c []float64, cut []int) {
	for j := 0; j+1 < len(c); j++ {
		cut[j] = l.upper((c[j] + c[j+1]) / 2)
	}
}

// sse is the distortion of assigning every point to its nearest centroid
// in c (sorted), plus the points' internal distortion.
func (l *line) sse(c []float64) float64 {
	cut := make([]int, len(c))
	l.cuts(c, cut)
	cut[len(c)-1] = l.len()
	sum, lo := l.internal, 0
	for j, hi := range cut {
		for i := lo; i < hi; i++ {
			d := l.at(i) - c[j]
			sum += l.weight(i) * d * d
		}
		lo = hi
	}
	return sum
}

// meanStd returns the weighted mean and population standard deviation,
// including the internal spread of weighted points.
func (l *line) meanStd() (mean, std float64) {
	var ss float64
	for i := 0; i < l.len(); i++ {
		d := l.at(i) - l.shift
		ss += l.weight(i) * d * d
	}
	// The mean is l.shift (the median) plus the mean offset from it.
	corr := l.cs[l.len()] / l.total
	ss -= l.total * corr * corr
	return l.shift + corr, math.Sqrt(math.Max(0, (ss+l.internal)/l.total))
}
