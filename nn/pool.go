package nn

import (
	"math"
	"runtime"
	"sync/atomic"
	"time"
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
// A training step is two short jobs (the chunks, then the reduction) with
// little serial work between them and between steps, so a worker that
// finds no unit left spins on the job word (for an adaptive budget of up
// to spinWait, see spinBudget) before it blocks on its wake channel, and
// the caller spins on the count of finished units before it blocks on the
// finished channel; a token is sent only to a side that announced it is
// blocking. On a machine with a free core
// nothing then sleeps between the jobs of a training run: no futex wake-up
// per job (tens of microseconds on a virtual machine, in series with a
// sub-millisecond step), and each goroutine stays on its own thread. A
// worker that wakes the blocked caller blocks at once, so the caller's
// goroutine runs on that worker's thread, which is already running.
type workerPool struct {
	wake     []chan struct{} // per worker 1…n−1: a job may be waiting
	sleeping []atomic.Bool   // per worker 1…n−1: blocked (or about to) on wake
	finished chan struct{}   // a job's last unit finished while the caller blocks
	waiting  atomic.Bool     // the caller is blocked (or about to) on finished
	closed   atomic.Bool
	state    atomic.Uint64 // gen<<32 | next unit
	done     atomic.Int64  // units finished in the current job
	units    atomic.Int64  // units of the current job
	gen      uint64
	fn       func(worker, unit int)
	spinMax  time.Duration // spinWait, or 0 with more workers than GOMAXPROCS
	cspin    spinBudget    // the caller's
}

// spinBudget is how long one side busy-waits before blocking, adapted to
// how its waits end: one that ends while spinning doubles it (up to max),
// one that has to block halves it (down to minSpin). On a machine with a
// free core the other side is running and waits end while spinning; on a
// loaded one it is often descheduled, and the budget shrinks so that
// spinning costs little there.
type spinBudget struct{ d, max time.Duration }

const minSpin = time.Microsecond

func (b *spinBudget) hit()  { b.d = min(2*b.d, b.max) }
func (b *spinBudget) miss() { b.d = max(b.d/2, min(minSpin, b.max)) }

// spinWait bounds how long a worker or the caller busy-waits for the next
// job or for the last units of the current one before blocking.
const spinWait = 50 * time.Microsecond

func newPool(n int) *workerPool {
	p := &workerPool{finished: make(chan struct{}, 1), sleeping: make([]atomic.Bool, n)}
	if n <= runtime.GOMAXPROCS(0) {
		// With more goroutines than Ps a spinning one could hold the P
		// that the one it waits for needs.
		p.spinMax = spinWait
	}
	p.cspin = spinBudget{p.spinMax, p.spinMax}
	for w := 1; w < n; w++ {
		ch := make(chan struct{}, 1)
		p.wake = append(p.wake, ch)
		go func() {
			var seen uint64
			spin := true
			budget := spinBudget{p.spinMax, p.spinMax}
			for {
				gen, ok := p.await(w, ch, seen, spin, &budget)
				if !ok {
					return
				}
				seen = gen
				// After waking a blocked caller, block at once rather
				// than spin: the caller's goroutine then runs on this
				// thread, already running, instead of waiting for its
				// own to be woken.
				spin = !p.work(w, gen)
			}
		}()
	}
	return p
}

// open returns the generation of the published job and whether it is open
// for claims.
func (p *workerPool) open() (uint64, bool) {
	s := p.state.Load()
	return s >> 32, uint32(s) != math.MaxUint32
}

// await returns the generation of an open job newer than seen, or false
// once the pool is closed: spinning first (when spin is set, for up to the
// budget), then blocking on ch.
func (p *workerPool) await(w int, ch chan struct{}, seen uint64, spin bool, budget *spinBudget) (uint64, bool) {
	start := time.Now()
	for i := 1; spin; i++ {
		if g, ok := p.open(); ok && g != seen {
			budget.hit()
			return g, true
		}
		if p.closed.Load() {
			return 0, false
		}
		if i%16 == 0 && time.Since(start) >= budget.d {
			budget.miss()
			break
		}
		spinPause()
	}
	for {
		p.sleeping[w].Store(true)
		if g, ok := p.open(); ok && g != seen {
			p.sleeping[w].Store(false)
			return g, true
		}
		if _, ok := <-ch; !ok {
			return 0, false
		}
		p.sleeping[w].Store(false)
	}
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

// work runs units of job gen until none is left and reports whether it
// sent the blocked caller the finished token. fn is read only after a
// successful claim: the job cannot finish, and fn cannot change, while a
// claimed unit is outstanding.
func (p *workerPool) work(w int, gen uint64) (woke bool) {
	for {
		u := p.claim(gen)
		if u < 0 {
			return woke
		}
		// units is read while the claimed unit is outstanding, so it is
		// still this job's (a later job may start once done reaches it).
		n := p.units.Load()
		p.fn(w, u)
		if p.done.Add(1) == n && p.waiting.Load() {
			woke = true
			select {
			case p.finished <- struct{}{}:
			default: // a stale token is pending: the caller re-checks done
			}
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
	for w, ch := range p.wake {
		if p.sleeping[w+1].Load() {
			select {
			case ch <- struct{}{}:
			default: // a token is already pending
			}
		}
	}
	p.work(0, p.gen)
	n := int64(units)
	start := time.Now()
	for i := 1; ; i++ {
		if p.done.Load() >= n {
			p.cspin.hit()
			return
		}
		if i%16 == 0 && time.Since(start) >= p.cspin.d {
			p.cspin.miss()
			// Block. A token may be stale (sent for an earlier job after
			// this side had stopped waiting), so done decides.
			p.waiting.Store(true)
			for p.done.Load() < n {
				<-p.finished
			}
			p.waiting.Store(false)
			return
		}
		spinPause()
	}
}

func (p *workerPool) close() {
	p.closed.Store(true)
	for _, ch := range p.wake {
		close(ch)
	}
}
