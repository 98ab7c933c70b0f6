package clustering

import (
	"fmt"
	"math"
)

// Tree is a BIRCH CF-tree in d dimensions (Zhang, Ramakrishnan & Livny 1996,
// §4.2). Every node holds at most Branching entries; a leaf entry absorbs a
// new point only if its radius stays ≤ Threshold, otherwise the point starts
// a new entry. An overfull node splits: the farthest pair of entries seeds
// two nodes and every other entry joins the nearer seed; splits propagate up
// and a split root grows the tree by one level. Leaves and non-leaves share
// the same capacity. The optional refinement (merging) step of the paper is
// not performed. One Insert per point builds the tree in a single scan.
//
// Cluster does not use the tree: its weights are 1-D, where a sweep over
// the sorted values builds the same leaf entries in O(n) (birch1d.go).
// Tree is the test oracle of that sweep (TestSweepMatchesTree compares the
// two summaries) and the general algorithm for d > 1, which dcsim has no
// use for yet (a codebook of vectors, product quantisation, would be one).
type Tree struct {
	dim       int
	threshold float64
	branching int
	root      *node
	points    int
}

type node struct {
	leaf    bool
	entries []entry
}

type entry struct {
	cf    CF
	child *node
}

// NewTree returns an empty CF-tree for dim-dimensional points. threshold is
// the absolute radius bound (≥ 0) and branching the node capacity (≥ 2).
func NewTree(dim int, threshold float64, branching int) (*Tree, error) {
	switch {
	case dim < 1:
		return nil, badInput("birch: dimension %d: must be ≥ 1", dim)
	case threshold < 0 || math.IsNaN(threshold) || math.IsInf(threshold, 0):
		return nil, badInput("birch: threshold %v: must be finite and ≥ 0", threshold)
	case branching < 2:
		return nil, badInput("birch: branching %d: must be ≥ 2", branching)
	}
	return &Tree{dim: dim, threshold: threshold, branching: branching, root: &node{leaf: true}}, nil
}

// Insert adds one point. It returns an error for a wrong dimension or a
// non-finite coordinate and leaves the tree unchanged then.
func (t *Tree) Insert(x []float64) error {
	if len(x) != t.dim {
		return badInput("birch: point %d has %d coordinates, want %d", t.points, len(x), t.dim)
	}
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return badInput("birch: point %d coordinate %d: %v", t.points, i, v)
		}
	}
	if sib := t.insert(t.root, x); sib != nil {
		old := t.root
		t.root = &node{entries: []entry{{cf: sumCF(old), child: old}, {cf: sumCF(sib), child: sib}}}
	}
	t.points++
	return nil
}

// insert adds x below n and returns the new sibling if n had to split.
func (t *Tree) insert(n *node, x []float64) *node {
	i := closest(n.entries, x)
	if n.leaf {
		if i >= 0 && n.entries[i].cf.radiusWith(x) <= t.threshold {
			n.entries[i].cf.Add(x, 1)
			return nil
		}
		var cf CF
		cf.Add(x, 1)
		n.entries = append(n.entries, entry{cf: cf})
	} else {
		e := &n.entries[i]
		e.cf.Add(x, 1)
		if sib := t.insert(e.child, x); sib != nil {
			e.cf = sumCF(e.child)
			n.entries = append(n.entries, entry{cf: sumCF(sib), child: sib})
		}
	}
	if len(n.entries) > t.branching {
		return split(n)
	}
	return nil
}

// closest is the entry whose centroid is nearest to x, −1 if none.
func closest(es []entry, x []float64) int {
	best, bd := -1, math.Inf(1)
	for i := range es {
		if d := dist2(es[i].cf.Mean, x); d < bd {
			best, bd = i, d
		}
	}
	return best
}

// split moves the entries of n into n and a new sibling, seeded by the
// farthest pair of entry centroids.
func split(n *node) *node {
	a, b, far := 0, 1, -1.0
	for i := range n.entries {
		for j := i + 1; j < len(n.entries); j++ {
			if d := dist2(n.entries[i].cf.Mean, n.entries[j].cf.Mean); d > far {
				a, b, far = i, j, d
			}
		}
	}
	ea, eb := n.entries[a], n.entries[b]
	keep := []entry{ea}
	sib := &node{leaf: n.leaf, entries: []entry{eb}}
	for i, e := range n.entries {
		if i == a || i == b {
			continue
		}
		if dist2(e.cf.Mean, ea.cf.Mean) <= dist2(e.cf.Mean, eb.cf.Mean) {
			keep = append(keep, e)
		} else {
			sib.entries = append(sib.entries, e)
		}
	}
	n.entries = keep
	return sib
}

func sumCF(n *node) CF {
	var s CF
	for _, e := range n.entries {
		s.Merge(e.cf)
	}
	return s
}

// Points is the number of inserted points.
func (t *Tree) Points() int { return t.points }

// Leaves returns copies of all leaf entries, left to right.
func (t *Tree) Leaves() []CF {
	var out []CF
	var walk func(n *node)
	walk = func(n *node) {
		for _, e := range n.entries {
			if n.leaf {
				out = append(out, e.cf.clone())
			} else {
				walk(e.child)
			}
		}
	}
	walk(t.root)
	return out
}

// String summarises the tree for debugging.
func (t *Tree) String() string {
	return fmt.Sprintf("birch.Tree{dim: %d, threshold: %g, branching: %d, points: %d, leaves: %d}",
		t.dim, t.threshold, t.branching, t.points, len(t.Leaves()))
}
