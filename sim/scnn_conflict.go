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
// rest; the queues keep draining while the PE works through the runs of an
// output-channel group (one run per input channel and stride phase) and
// must be empty at the group's barrier. The multipliers never wait (the
// queues are assumed deep enough); the conflict stall is the time the
// busiest queue needs to drain after the PE's last multiply cycle.
//
// The closed form treats the A queues as independent, each receiving
// Binomial(n, 1/A) products per cycle for n products per cycle (the PE's
// mean over its group), and runs the queue's backlog distribution
// B_{t+1} = max(0, B_t + arrivals − 1) from empty; after T cycles the stall
// is
//
//	E[max_b B_b(T)] = Σ_{x ≥ 0} (1 − P(B(T) ≤ x)^A),
//
// tabulated once per (F·I, A) for T ≤ queueSteps (beyond, the distribution
// has converged when n < A). When n ≥ A the banks cannot keep up and the
// backlog grows; its maximum is taken as normal with mean (n/A − 1)·T and
// variance T·(n/A)(1 − 1/A), E[max] ≈ mean + σ·√(2 ln A). The
// register-level reference model (scnn_reference_test.go) pushes the hashed
// real output coordinates through the bank queues cycle by cycle and checks
// this expectation.
const queueSteps = 256

// conflictTable holds drain[n][T] = E[max_b B_b(T)] for n < A products per
// cycle and T ≤ queueSteps.
type conflictTable struct {
	fi, banks int
	drain     [][]float64
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
	t := &conflictTable{fi: fi, banks: banks, drain: make([][]float64, min(fi, banks-1)+1)}
	for n := 1; n < len(t.drain); n++ {
		t.drain[n] = queueDrain(n, banks)
	}
	return t
}

// queueDrain returns E[max over a banks of the backlog after T cycles] for
// T = 0..queueSteps, n products per cycle, n < a.
func queueDrain(n, a int) []float64 {
	p := 1 / float64(a)
	arr := make([]float64, n+1)
	binomialRow(arr, n, p)
	for len(arr) > 1 && arr[len(arr)-1] < 1e-16 {
		arr = arr[:len(arr)-1]
	}
	// The stationary backlog's tail falls geometrically; 2048 states hold
	// all but a negligible mass for loads up to n/a ≈ 0.99.
	states := 64
	for rho := float64(n) / float64(a); states < 2048 && math.Pow(rho, float64(states)/4) > 1e-18; {
		states *= 2
	}
	cur, next := make([]float64, states), make([]float64, states)
	cur[0] = 1
	out := make([]float64, queueSteps+1)
	for T := 1; T <= queueSteps; T++ {
		clear(next)
		for b, pb := range cur {
			if pb == 0 {
				continue
			}
			for j, pj := range arr {
				nb := min(states-1, max(0, b+j-1))
				next[nb] += pb * pj
			}
		}
		cur, next = next, cur
		var cdf, e float64
		for x := 0; x < states; x++ {
			cdf += cur[x]
			e += 1 - math.Pow(math.Min(1, cdf), float64(a))
		}
		out[T] = e
	}
	return out
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

// stall is the expected conflict stall of a PE that multiplies for T
// cycles in a group, n products reaching the accumulators.
func (t *conflictTable) stall(T int64, n float64) float64 {
	if T <= 0 || n <= 0 {
		return 0
	}
	rate := n / float64(T)
	if rate >= float64(t.banks) || rate > float64(len(t.drain)-1) {
		a := float64(t.banks)
		mean := (rate/a - 1) * float64(T)
		sd := math.Sqrt(float64(T) * rate / a * (1 - 1/a))
		return math.Max(0, mean+sd*math.Sqrt(2*math.Log(a)))
	}
	steps := int(min(T, queueSteps))
	lo := int(rate)
	frac := rate - float64(lo)
	at := func(n int) float64 {
		if n <= 0 {
			return 0
		}
		return t.drain[n][steps]
	}
	if frac == 0 || lo+1 >= len(t.drain) {
		return at(lo)
	}
	return (1-frac)*at(lo) + frac*at(lo+1)
}
