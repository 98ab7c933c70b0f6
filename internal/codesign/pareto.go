package codesign

import "github.com/dcsim/dcsim/reports"

// Point is a candidate as the Pareto filter sees it: accuracy is maximised,
// latency, energy and parameters are minimised.
type Point struct {
	Accuracy  float64
	LatencyUS float64
	EnergyPJ  float64
	Params    int64
}

// Front returns the indices of the points no other point dominates (at
// least as good in every objective, better in one), sorted by latency
// (then energy, parameters, index). Of exactly equal points the first is
// kept. Points with a NaN or infinite coordinate are left out. It is
// reports.Front over (latency, energy, parameters, −accuracy).
func Front(pts []Point) []int {
	objs := make([][]float64, len(pts))
	for i, p := range pts {
		objs[i] = []float64{p.LatencyUS, p.EnergyPJ, float64(p.Params), -p.Accuracy}
	}
	return reports.Front(objs)
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
