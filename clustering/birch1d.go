package clustering

import "sort"

// sweep1D is the 1-D fast path of BIRCH: on sorted data a leaf entry is a run
// of consecutive values, grown while its radius sqrt(M2/N) stays ≤ t. It keeps
// the leaf-entry semantics of Tree (every entry is a CF whose radius is ≤ t
// unless it holds one distinct value) but, because the points arrive in
// order, entries are disjoint intervals and the scan is O(n) with O(1) work
// per point. It returns the entries as a weighted line: positions = entry
// means, weights = entry counts, internal = Σ M2.
func sweep1D(sorted []float32, t float64) *line {
	t2 := t * t
	var x, w []float64
	var internal float64
	var cur cf1
	flush := func() {
		x, w = append(x, cur.mean), append(w, cur.n)
		internal += cur.m2
	}
	for _, v := range sorted {
		f := float64(v)
		if cur.n > 0 {
			// Radius² after adding f, from Welford's update.
			n := cur.n + 1
			d := f - cur.mean
			if (cur.m2+d*d*cur.n/n)/n > t2 {
				flush()
				cur = cf1{}
			}
		}
		cur.add(f)
	}
	if cur.n > 0 {
		flush()
	}
	return newWeightedLine(x, w, internal)
}

// treeLine builds the same summary with the general CF-tree: one Insert per
// weight, then the leaf entries sorted by mean. It is the reference the 1-D
// fast path is tested against.
func treeLine(w []float32, t float64, branching int) (*line, error) {
	tr, err := NewTree(1, t, branching)
	if err != nil {
		return nil, err
	}
	p := make([]float64, 1)
	for _, v := range w {
		p[0] = float64(v)
		if err := tr.Insert(p); err != nil {
			return nil, err
		}
	}
	leaves := tr.Leaves()
	sort.Slice(leaves, func(i, j int) bool { return leaves[i].Mean[0] < leaves[j].Mean[0] })
	x := make([]float64, len(leaves))
	ws := make([]float64, len(leaves))
	var internal float64
	for i, c := range leaves {
		x[i], ws[i] = c.Mean[0], c.N
		internal += c.M2
	}
	return newWeightedLine(x, ws, internal), nil
}
