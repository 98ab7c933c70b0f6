package nn

import (
	"sync/atomic"
	"testing"
)

// TestWorkerPool runs many jobs of varying sizes (none, fewer units than
// workers, many) on 3 workers: every unit must run exactly once per job,
// and run must return only after all of them have (a stray completion token
// would let a later job return early).
func TestWorkerPool(t *testing.T) {
	p := newPool(3)
	defer p.close()
	var ran [64]atomic.Int32
	for job := 0; job < 3000; job++ {
		units := []int{0, 1, 2, 5, 64}[job%5]
		p.run(func(_, u int) {
			for i := 0; i < 50*(u%3); i++ { // uneven units
				_ = i
			}
			ran[u].Add(1)
		}, units)
		for u := range ran {
			want := int32(0)
			if u < units {
				want = 1
			}
			if got := ran[u].Swap(0); got != want {
				t.Fatalf("job %d of %d units: unit %d ran %d times when run returned, want %d", job, units, u, got, want)
			}
		}
	}
}
