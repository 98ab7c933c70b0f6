package clustering

import (
	"math"
	"math/rand/v2"
	"testing"
)

// CF numerics with a large offset: 1e4 plus a spread of 1e-3. The centred
// update keeps the radius to ~1e-9 relative; the naive Σx²/N − mean²
// loses most digits on such data.
func TestCFLargeOffset(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	const n = 100000
	xs := make([]float64, n)
	var mean float64
	for i := range xs {
		xs[i] = 1e4 + 1e-3*rng.Float64()
		mean += xs[i]
	}
	mean /= n
	var m2 float64
	for _, x := range xs {
		m2 += (x - mean) * (x - mean)
	}
	want := math.Sqrt(m2 / n)

	var seq, a, b CF
	var naiveLS, naiveSS float64
	for i, x := range xs {
		seq.Add([]float64{x}, 1)
		if i < n/3 {
			a.Add([]float64{x}, 1)
		} else {
			b.Add([]float64{x}, 1)
		}
		naiveLS += x
		naiveSS += x * x
	}
	a.Merge(b)
	var c1 cf1
	for _, x := range xs {
		c1.add(x)
	}
	naive := math.Sqrt(math.Abs(naiveSS/n - (naiveLS/n)*(naiveLS/n)))
	t.Logf("radius: two-pass %.9g, Welford %.9g, Chan merge %.9g, naive %.9g", want, seq.Radius(), a.Radius(), naive)
	for name, got := range map[string]float64{"Add": seq.Radius(), "Merge": a.Radius(), "cf1": math.Sqrt(c1.m2 / c1.n)} {
		if relDiff(got, want) > 1e-6 {
			t.Errorf("%s: radius %.12g, want %.12g", name, got, want)
		}
	}
	if relDiff(a.Mean[0], mean) > 1e-14 || a.N != n {
		t.Errorf("merged mean %v N %v, want %v %d", a.Mean[0], a.N, mean, n)
	}
	if ls := a.LS()[0]; relDiff(ls, mean*n) > 1e-12 {
		t.Errorf("LS %v, want %v", ls, mean*n)
	}
}

// Tree invariants in 1-D and 3-D: every leaf entry respects the threshold,
// and the leaves together hold exactly the inserted data (N, mean, M2).
func TestTreeInvariants(t *testing.T) {
	for _, dim := range []int{1, 3} {
		rng := rand.New(rand.NewPCG(uint64(dim), 7))
		const n = 20000
		thr := 0.05 * float64(dim*dim)
		tr, err := NewTree(dim, thr, 8)
		if err != nil {
			t.Fatal(err)
		}
		var all CF
		for i := 0; i < n; i++ {
			x := make([]float64, dim)
			for d := range x {
				x[d] = rng.NormFloat64() + 5*float64(rng.IntN(3))
			}
			all.Add(x, 1)
			if err := tr.Insert(x); err != nil {
				t.Fatal(err)
			}
		}
		var sum CF
		leaves := tr.Leaves()
		for _, l := range leaves {
			if l.N > 1 && l.Radius() > thr*(1+1e-12) {
				t.Fatalf("dim %d: leaf radius %g above threshold %g", dim, l.Radius(), thr)
			}
			sum.Merge(l)
		}
		t.Logf("dim %d: %d leaves, %v", dim, len(leaves), tr)
		if sum.N != n || relDiff(sum.M2, all.M2) > 1e-9 || math.Sqrt(dist2(sum.Mean, all.Mean)) > 1e-9 {
			t.Errorf("dim %d: leaves sum to N %v M2 %v, data N %d M2 %v", dim, sum.N, sum.M2, n, all.M2)
		}
	}
}

func TestTreeErrors(t *testing.T) {
	if _, err := NewTree(0, 1, 4); err == nil {
		t.Error("dimension 0 accepted")
	}
	if _, err := NewTree(1, -1, 4); err == nil {
		t.Error("negative threshold accepted")
	}
	if _, err := NewTree(1, 1, 1); err == nil {
		t.Error("branching 1 accepted")
	}
	tr, _ := NewTree(2, 1, 4)
	if err := tr.Insert([]float64{1}); err == nil {
		t.Error("wrong dimension accepted")
	}
	if err := tr.Insert([]float64{1, math.NaN()}); err == nil || tr.Points() != 0 {
		t.Error("NaN accepted")
	}
}

// The 1-D sweep has the tree's leaf semantics (radius ≤ T, all data
// summarised), and clustering either summary lands within 1% of the optimum.
func TestSweepMatchesTree(t *testing.T) {
	w := laplace(50000, 21, 0.05)
	sorted := sortFloat32(w)
	raw := newRawLine(sorted)
	_, std := raw.meanStd()
	thr := DefaultThreshold * std
	sw := sweep1D(sorted, thr)
	tl, err := treeLine(w, thr, DefaultBranching)
	if err != nil {
		t.Fatal(err)
	}
	for name, l := range map[string]*line{"sweep": sw, "tree": tl} {
		if l.total != float64(len(w)) {
			t.Errorf("%s: total weight %v, want %d", name, l.total, len(w))
		}
		m, s := l.meanStd()
		rm, rs := raw.meanStd()
		if math.Abs(m-rm) > 1e-9*rs || relDiff(s, rs) > 1e-9 {
			t.Errorf("%s: mean/std %v/%v, data %v/%v", name, m, s, rm, rs)
		}
		s2 := DefaultSettings()
		r := &runState{s: s2, sorted: sorted, raw: raw, std: std, distinct: countDistinct(sorted),
			rng: rand.New(rand.NewPCG(1, 2)), stats: &Stats{}}
		c := r.finish(l, 20)
		cb := assign(w, c)
		opt := exactSSE(t, w, 20)
		t.Logf("%s: %d entries, SSE/exact %.5f", name, l.len(), cb.Stats.SSE/opt)
		if cb.Stats.SSE > 1.01*opt {
			t.Errorf("%s summary: SSE/exact %.4f > 1.01", name, cb.Stats.SSE/opt)
		}
	}
	// Sweep entries are disjoint and each within the threshold.
	x := sorted
	lo := 0
	for e := 0; e < sw.len(); e++ {
		hi := lo + int(sw.w[e])
		var c cf1
		for _, v := range x[lo:hi] {
			c.add(float64(v))
		}
		if c.n > 1 && math.Sqrt(c.m2/c.n) > thr*(1+1e-9) {
			t.Fatalf("entry %d radius %g > %g", e, math.Sqrt(c.m2/c.n), thr)
		}
		lo = hi
	}
}
