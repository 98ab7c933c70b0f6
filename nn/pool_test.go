package nn

import (
	"sync/atomic"
	"testing"
	"time"
)

// TestWorkerPool runs many jobs of varying sizes (none, fewer units than
// workers, many) on 2 workers (spinning between jobs when GOMAXPROCS ≥ 2)
// and on 3 (more than GOMAXPROCS on two cores: blocking): every unit must
// run exactly once per job, and run must return only after all of them have
// (a stray completion token would let a later job return early).
func TestWorkerPool(t *testing.T) {
	for _, n := range []int{2, 3} {
		testWorkerPool(t, n)
	}
}

func testWorkerPool(t *testing.T, n int) {
	p := newPool(n)
	defer p.close()
	var ran [64]atomic.Int32
	for job := 0; job < 3000; job++ {
		if job%500 == 499 {
			time.Sleep(time.Duration(job%3) * spinWait) // let the workers block
		}
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
