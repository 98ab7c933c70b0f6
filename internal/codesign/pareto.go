package codesign

import (
	"cmp"
	"math"
	"slices"
)

// Point is a candidate as the Pareto filter sees it: accuracy is maximised,
// latency, energy and parameters are minimised.
type Point struct {
	Accuracy  float64
	LatencyUS float64
	EnergyPJ  float64
	Params    int64
}

// dominates reports whether a is at least as good as b in every objective
// and strictly better in one.
func dominates(a, b Point) bool {
	if a.Accuracy < b.Accuracy || a.LatencyUS > b.LatencyUS || a.EnergyPJ > b.EnergyPJ || a.Params > b.Params {
		return false
	}
	return a.Accuracy > b.Accuracy || a.LatencyUS < b.LatencyUS || a.EnergyPJ < b.EnergyPJ || a.Params < b.Params
}

// Front returns the indices of the points no other point dominates, sorted
// by latency (then energy, parameters, index). Of exactly equal points the
// first is kept. Points with a NaN or infinite coordinate are left out.
// O(n²) comparisons: codesign grids hold tens to hundreds of candidates.
func Front(pts []Point) []int {
	var front []int
	for i, p := range pts {
		if !finite(p) {
			continue
		}
		keep := true
		for j, q := range pts {
			if j == i || !finite(q) {
				continue
			}
			if dominates(q, p) || (q == p && j < i) {
				keep = false
				break
			}
		}
		if keep {
			front = append(front, i)
		}
	}
	slices.SortFunc(front, func(a, b int) int {
		pa, pb := pts[a], pts[b]
		return cmp.Or(cmp.Compare(pa.LatencyUS, pb.LatencyUS), cmp.Compare(pa.EnergyPJ, pb.EnergyPJ),
			cmp.Compare(pa.Params, pb.Params), cmp.Compare(a, b))
	})
	return front
}

func finite(p Point) bool {
	for _, v := range []float64{p.Accuracy, p.LatencyUS, p.EnergyPJ} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// point is c's Pareto coordinates.
func (c *Candidate) point() Point {
	return Point{Accuracy: c.Accuracy, LatencyUS: c.LatencyUS, EnergyPJ: c.EnergyPJ, Params: c.Params}
}

// markFront sets Pareto on the candidates of the front and returns their
// names in front order.
func markFront(cs []Candidate) []string {
	pts := make([]Point, len(cs))
	for i := range cs {
		pts[i] = cs[i].point()
	}
	var names []string
	for _, i := range Front(pts) {
		cs[i].Pareto = true
		names = append(names, cs[i].Name)
	}
	return names
}
