package clustering

import "math"

// maxExactCells bounds k·n for the exact solver, whose back-pointer table
// takes 4·k·n bytes (1 GiB at the bound).
const maxExactCells = 1 << 28

// exact returns the centroids of an optimal k-clustering of the line: the
// partition of the sorted points into k contiguous ranges with the least
// Σ w·(x − mean)², which is optimal among all partitions in 1-D (Wang & Song
// 2011, Ckmeans.1d.dp). Dynamic programming over
//
//	D[q][j] = min_{q ≤ i ≤ j} D[q−1][i−1] + cost(i, j),
//
// where cost(i, j) is the SSE of points i..j from prefix sums of w·x and
// w·x², each row solved by divide and conquer on the monotone argmin:
// O(k·n·log n) time and O(k·n) memory for the back-pointers.
func (l *line) exact(k int) ([]float64, error) {
	n := l.len()
	if int64(n)*int64(k) > maxExactCells {
		return nil, badInput("exact: n·k = %d·%d exceeds the solver's limit %d", n, k, maxExactCells)
	}
	css := make([]float64, n+1)
	for i := 0; i < n; i++ {
		d := l.at(i) - l.shift
		css[i+1] = css[i] + l.weight(i)*d*d
	}
	cost := func(lo, hi int) float64 { // points [lo, hi)
		s := l.cs[hi] - l.cs[lo]
		return math.Max(0, css[hi]-css[lo]-s*s/l.rangeWeight(lo, hi))
	}
	prev, cur := make([]float64, n), make([]float64, n)
	for j := range prev {
		prev[j] = cost(0, j+1)
	}
	arg := make([]int32, k*n)
	for q := 1; q < k; q++ {
		row := arg[q*n : (q+1)*n]
		for j := 0; j < q; j++ {
			cur[j] = math.Inf(1)
		}
		var solve func(jlo, jhi, ilo, ihi int)
		solve = func(jlo, jhi, ilo, ihi int) {
			if jlo > jhi {
				return
			}
			mid := int(uint(jlo+jhi) >> 1)
			best, bi := math.Inf(1), ilo
			for i := ilo; i <= min(mid, ihi); i++ {
				if v := prev[i-1] + cost(i, mid+1); v < best {
					best, bi = v, i
				}
			}
			cur[mid], row[mid] = best, int32(bi)
			solve(jlo, mid-1, ilo, bi)
			solve(mid+1, jhi, bi, ihi)
		}
		solve(q, n-1, q, n-1)
		prev, cur = cur, prev
	}
	c := make([]float64, k)
	hi := n
	for q := k - 1; q >= 0; q-- {
		lo := 0
		if q > 0 {
			lo = int(arg[q*n+hi-1])
		}
		c[q] = l.rangeMean(lo, hi)
		hi = lo
	}
	return c, nil
}
