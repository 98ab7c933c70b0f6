package sim

import (
	"math"
	"sync"
)

// Accumulator bank conflicts of the scnn dataflow.
//
// The products of a PE's Cartesian product go through the scatter crossbar
// to the accumulator bank of their output (an output's address is hashed
// onto one of A banks, so which outputs share a bank does not depend on the
// layer's geometry). Each bank adds one product per cycle and queues the
// rest, so a run of T multiply cycles (one input channel of one output
// channel group on one PE) issuing N products ends after
//
//	max(T, M)  cycles, M = the most products any bank receives in the run,
//
// and the stall is max(0, M − T). The closed form uses its expectation for
// N products spread uniformly over A banks,
//
//	E[max(0, M_N − T)] = Σ_{m ≥ T} P(M_N > m),
//
// with P(M_N ≤ m) from the bank-by-bank recurrence
//
//	Q_a(k) = Σ_{j ≤ min(m,k)} C(k,j)(1/a)^j(1−1/a)^{k−j} Q_{a−1}(k−j),  Q_0(0) = 1,
//
// tabulated once per (F·I, A) for runs shorter than conflictRuns cycles.
// Longer runs use the throughput bound max(0, ⌈N/A⌉ − T), which is zero
// whenever A ≥ F·I (SCNN's A = 2·F·I): a long run spreads its products
// evenly enough for the queues to keep up. The register-level reference
// model (scnn_reference_test.go) counts the exact stalls of hashed real
// output coordinates cycle by cycle and checks this expectation.
const conflictRuns = 24

// conflictTable holds E[max(0, M_N − T)] for T < conflictRuns and
// N ≤ T·F·I, at index T·(stride) + N.
type conflictTable struct {
	fi, banks, stride int
	e                 []float64
}

var conflictTables sync.Map // [2]int{F·I, A} → *conflictTable

// conflictsFor returns the (cached) table for fi products per cycle and a
// banks.
func conflictsFor(fi, banks int) *conflictTable {
	key := [2]int{fi, banks}
	if t, ok := conflictTables.Load(key); ok {
		return t.(*conflictTable)
	}
	t := newConflictTable(fi, banks)
	conflictTables.Store(key, t)
	return t
}

func newConflictTable(fi, banks int) *conflictTable {
	nMax := (conflictRuns - 1) * fi
	t := &conflictTable{fi: fi, banks: banks, stride: nMax + 1, e: make([]float64, conflictRuns*(nMax+1))}
	// Loads above mMax have probability < 1e-12 for every n ≤ nMax (a
	// bank's load is Binomial(n, 1/A): mean μ, tail far below μ + 10√μ + 15).
	mu := float64(nMax) / float64(banks)
	mMax := min(nMax, int(mu+10*math.Sqrt(mu))+15)
	q := maxLoadAtMost(nMax, banks, mMax)
	for T := 1; T < conflictRuns; T++ {
		for n := 0; n <= T*fi && n <= nMax; n++ {
			var s float64
			for m := T; m < mMax; m++ {
				s += math.Max(0, 1-q[m][n])
			}
			t.e[T*t.stride+n] = s
		}
	}
	return t
}

// maxLoadAtMost returns q[m][n] = P(no bank of a receives more than m of n
// uniformly placed products) for m = 0..mMax, n = 0..nMax.
func maxLoadAtMost(nMax, a, mMax int) [][]float64 {
	q := make([][]float64, mMax+1)
	next := make([][]float64, mMax+1)
	for m := range q {
		q[m] = make([]float64, nMax+1)
		next[m] = make([]float64, nMax+1)
		q[m][0] = 1
	}
	pmf := make([]float64, nMax+1)
	for b := 1; b <= a; b++ {
		p := 1 / float64(b)
		for k := 0; k <= nMax; k++ {
			binomialRow(pmf[:k+1], k, p)
			for m := range q {
				var s float64
				for j := 0; j <= min(m, k); j++ {
					s += pmf[j] * q[m][k-j]
				}
				next[m][k] = s
			}
		}
		q, next = next, q
	}
	return q
}

// binomialRow fills out[j] = C(k,j) p^j (1−p)^(k−j) for j = 0..k.
func binomialRow(out []float64, k int, p float64) {
	if p >= 1 {
		clear(out)
		out[k] = 1
		return
	}
	t := math.Pow(1-p, float64(k))
	r := p / (1 - p)
	for j := 0; j <= k; j++ {
		out[j] = t
		t *= float64(k-j) / float64(j+1) * r
	}
}

// stall is the expected conflict stall of a run of T cycles issuing n
// products.
func (t *conflictTable) stall(T, n int64) float64 {
	if T <= 0 {
		return 0
	}
	if T < conflictRuns && n < int64(t.stride) {
		return t.e[T*int64(t.stride)+n]
	}
	return float64(max(0, ceilDiv64(n, int64(t.banks))-T))
}
