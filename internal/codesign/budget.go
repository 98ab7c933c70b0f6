package codesign

import (
	"cmp"
	"fmt"
	"math"
	"strings"

	"github.com/dcsim/dcsim/internal/fielderr"
)

// BudgetError reports that no candidate meets the budget within the
// accuracy tolerance; Closest is the candidate nearest to meeting it.
type BudgetError struct {
	Budget  Budget
	MaxDrop float64
	// MinWeights is the fewest weights a chosen candidate keeps.
	MinWeights int64
	Closest    Candidate
	// AccurateNone is set when no candidate is within the accuracy
	// tolerance at all (Closest is then the most accurate one).
	AccurateNone bool
}

func (e *BudgetError) Error() string {
	c := e.Closest
	what := "the budget " + e.Budget.String()
	if e.AccurateNone {
		what = "the accuracy tolerance"
	}
	return fmt.Sprintf("codesign: no candidate with ≥ %d weights meets %s with proxy accuracy within %.2f points of "+
		"global-threshold pruning at its size; closest: %s (latency %.4g µs, energy %.4g µJ, params %d, "+
		"proxy accuracy %.2f%%, reference %.2f%%)",
		e.MinWeights, what, 100*e.MaxDrop, c.Name, c.LatencyUS, c.EnergyPJ/1e6, c.Params, 100*c.Accuracy, 100*c.Reference)
}

// String lists the bounds that are set, e.g. "max-latency-us 5, max-params 20000".
func (b Budget) String() string {
	var parts []string
	if b.MaxLatencyUS > 0 {
		parts = append(parts, fmt.Sprintf("max-latency-us %g", b.MaxLatencyUS))
	}
	if b.MaxEnergyUJ > 0 {
		parts = append(parts, fmt.Sprintf("max-energy-uj %g", b.MaxEnergyUJ))
	}
	if b.MaxParams > 0 {
		parts = append(parts, fmt.Sprintf("max-params %d", b.MaxParams))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// excess is how far c is over the budget: the largest ratio value/bound
// over the bounds set (≤ 1 means every bound is met; 0 with no bounds).
func (b Budget) excess(c *Candidate) float64 {
	var r float64
	if b.MaxLatencyUS > 0 {
		r = max(r, c.LatencyUS/b.MaxLatencyUS)
	}
	if b.MaxEnergyUJ > 0 {
		r = max(r, c.EnergyPJ/1e6/b.MaxEnergyUJ)
	}
	if b.MaxParams > 0 {
		r = max(r, float64(c.Params)/float64(b.MaxParams))
	}
	return r
}

// objective is c's value of the named objective (smaller is better).
func objective(name string, c *Candidate) float64 {
	switch name {
	case Energy:
		return c.EnergyPJ
	case Params:
		return float64(c.Params)
	}
	return c.LatencyUS
}

// choose marks the admissible candidates (at least floor weights, proxy
// accuracy ≥ its reference − MaxDrop, every budget met) and returns the
// index of the one with the smallest objective; ties go to higher
// accuracy, then fewer parameters, then list order. With none admissible
// it returns a *BudgetError naming the closest candidate: among those big
// and accurate enough the one with the smallest budget excess, or the one
// furthest above its reference when none is.
func choose(cs []Candidate, floor float64, s Settings) (int, error) {
	best := -1
	closest, accurate := -1, false
	for i := range cs {
		c := &cs[i]
		big := bigEnough(c, floor)
		okAcc := big && withinTolerance(c, s.MaxDrop)
		c.Admissible = okAcc && s.Budget.excess(c) <= 1
		if okAcc && (closest < 0 || !accurate || s.Budget.excess(c) < s.Budget.excess(&cs[closest])) {
			closest, accurate = i, true
		}
		if !accurate && big && (closest < 0 || margin(c) > margin(&cs[closest])) {
			closest = i
		}
		if c.Admissible && (best < 0 || better(s.Objective, c, &cs[best])) {
			best = i
		}
	}
	if best >= 0 {
		return best, nil
	}
	if closest < 0 {
		return -1, fielderr.Errorf("min_keep", "no candidate keeps %g of the weights (%.0f); lower it or add larger keeps to the grid",
			s.MinKeep, math.Ceil(floor-0.5))
	}
	return -1, &BudgetError{Budget: s.Budget, MaxDrop: s.MaxDrop, MinWeights: int64(math.Ceil(floor - 0.5)),
		Closest: cs[closest], AccurateNone: !accurate}
}

// bigEnough reports whether c keeps at least floor weights (floor is
// MinKeep × all weights, not rounded).
func bigEnough(c *Candidate, floor float64) bool { return float64(c.Weights) >= floor-0.5 }

// withinTolerance reports whether c's proxy accuracy is within maxDrop of its
// reference.
func withinTolerance(c *Candidate, maxDrop float64) bool {
	return c.Accuracy >= c.Reference-maxDrop-1e-12
}

// margin is c's proxy accuracy above its reference.
func margin(c *Candidate) float64 { return c.Accuracy - c.Reference }

// better reports whether a beats b under the objective.
func better(obj string, a, b *Candidate) bool {
	c := cmp.Or(cmp.Compare(objective(obj, a), objective(obj, b)), -cmp.Compare(a.Accuracy, b.Accuracy),
		cmp.Compare(a.Params, b.Params))
	return c < 0
}
