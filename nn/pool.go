package nn

import (
	"math"
	"runtime"
	"sync/atomic"
)

// workerPool runs a job of numbered units on a fixed set of goroutines; the
// caller is worker 0 and works too. Units are claimed dynamically, so a
// worker the OS schedules late (the machine is shared) simply takes fewer
// units instead of stalling the job: the caller never waits for a worker
// that has not started, only for units already claimed. Long-lived so a
// training step allocates nothing.
//
// A job is published as a generation number packed with the next unclaimed
// unit in one atomic word (gen<<32 | next); a claim is a compare-and-swap on
// that word, so a worker waking up late for an old job cannot take units of
// a newer one.
//
// Whoever finishes a job's last unit sends one token on finished, which the
// caller receives before returning. When that is another worker, the
// caller's goroutine becomes runnable on that worker's thread, which is
// already running and about to go idle, so on a loaded machine the caller
// does not wait for the OS to wake its own thread (as polling with sleeps
// would make it do).
type workerPool struct {
	wake     []chan struct{} // per worker 1…n−1: a token that a job may be waiting
	finished chan struct{}   // one token per job, from its last unit
	state    atomic.Uint64   // gen<<32 | next unit
	done     atomic.Int64    // units finished in the current job
	units    atomic.Int64    // units of the current job
	gen      uint64
	fn       func(worker, unit int)
}

func newPool(n int) *workerPool {
	p := &workerPool{finished: make(chan struct{}, 1)}
	for w := 1; w < n; w++ {
		ch := make(chan struct{}, 1)
		p.wake = append(p.wake, ch)
		go func() {
			for range ch {
				p.work(w, p.state.Load()>>32)
			}
		}()
	}
	return p
}

// claim returns an unclaimed unit of job gen, or −1.
func (p *workerPool) claim(gen uint64) int {
	for {
		s := p.state.Load()
		if s>>32 != gen || int64(uint32(s)) >= p.units.Load() {
			return -1
		}
		if p.state.CompareAndSwap(s, s+1) {
			return int(uint32(s))
		}
	}
}

// work runs units of job gen until none is left. fn is read only after a
// successful claim: the job cannot finish, and fn cannot change, while a
// claimed unit is outstanding.
func (p *workerPool) work(w int, gen uint64) {
	for {
		u := p.claim(gen)
		if u < 0 {
			return
		}
		// units is read while the claimed unit is outstanding, so it is
		// still this job's (a later job may start once done reaches it).
		n := p.units.Load()
		p.fn(w, u)
		if p.done.Add(1) == n {
			p.finished <- struct{}{}
		}
	}
}

// run calls fn(worker, u) once for every u in [0, units) and returns when
// all calls have returned.
func (p *workerPool) run(fn func(worker, unit int), units int) {
	if units == 0 {
		return
	}
	// Close the old job before changing fn and units: a worker still in
	// claim for it (it finished the last unit and is looking for more)
	// would otherwise pass the unit check against the new units and win
	// its compare-and-swap on the old state, running a unit twice. The new
	// job opens only once fn, units and done are set.
	p.gen++
	p.state.Store(p.gen<<32 | math.MaxUint32)
	p.fn = fn
	p.units.Store(int64(units))
	p.done.Store(0)
	p.state.Store(p.gen << 32)
	for _, ch := range p.wake {
		select {
		case ch <- struct{}{}:
		default: // a token is already pending
		}
	}
	p.work(0, p.gen)
	// Units other workers claimed are running: spin a little (the last one
	// may be about to finish), then block until the token comes.
	for i := 0; i < 64 && p.done.Load() < int64(units); i++ {
		runtime.Gosched()
	}
	<-p.finished
}

func (p *workerPool) close() {
	for _, ch := range p.wake {
		close(ch)
	}
}
