package codesign

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/dcsim/dcsim/nn"
)

// Validation compares the proxy with real retraining on a few candidates.
type Validation struct {
	Candidates []Validated `json:"candidates"`
	// Spearman is the rank correlation of proxy and test accuracy (nil when
	// undefined: fewer than two candidates or a constant series).
	Spearman *float64 `json:"spearman"`
	Seconds  float64  `json:"-"`
}

// Validated is one candidate retrained for real.
type Validated struct {
	Name          string  `json:"name"`
	ProxyAccuracy float64 `json:"proxy_accuracy"`
	TestAccuracy  float64 `json:"test_accuracy"`
}

// spread picks n of the candidates evenly over their proxy ranking (worst,
// best and evenly between), so the validation covers the whole range.
func spread(cs []Candidate, n int) []int {
	idx := make([]int, len(cs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(cs[a].Accuracy, cs[b].Accuracy) })
	n = min(n, len(idx))
	if n == 1 {
		return idx[len(idx)-1:]
	}
	var out []int
	for k := range n {
		j := idx[k*(len(idx)-1)/(n-1)]
		if !slices.Contains(out, j) {
			out = append(out, j)
		}
	}
	return out
}

// validate retrains s.ValidateProxy candidates with the real schedule and
// reports their proxy and test accuracies and the Spearman correlation.
func validate(dense *nn.Model, cs []Candidate, train, test *nn.Dataset, s Settings) (*Validation, error) {
	start := time.Now()
	v := &Validation{}
	var px, tx []float64
	for _, i := range spread(cs, s.ValidateProxy) {
		c := &cs[i]
		s.logf("validating the proxy: retraining %s", c.Name)
		m, _, err := retrain(dense, train, 0, c, s)
		if err != nil {
			return nil, fmt.Errorf("validate-proxy: %s: %w", c.Name, err)
		}
		if c.Bits != (Bits{}) {
			if m, err = clusterChosen(m, train, c.Bits, s); err != nil {
				return nil, fmt.Errorf("validate-proxy: %s: %w", c.Name, err)
			}
		}
		acc, _, err := nn.EvaluateErr(m, test, s.Workers)
		if err != nil {
			return nil, fmt.Errorf("validate-proxy: %s: %w", c.Name, err)
		}
		v.Candidates = append(v.Candidates, Validated{Name: c.Name, ProxyAccuracy: c.Accuracy, TestAccuracy: acc})
		px, tx = append(px, c.Accuracy), append(tx, acc)
	}
	if rho, ok := Spearman(px, tx); ok {
		v.Spearman = &rho
	}
	v.Seconds = time.Since(start).Seconds()
	return v, nil
}
