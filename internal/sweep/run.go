package sweep

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dcsim/dcsim/accel"
	"github.com/dcsim/dcsim/sim"
)

// Output batching: a worker hands its encoded lines to the writer when they
// reach batchBytes or when flushEvery has passed since its last hand-over,
// so a killed sweep loses at most about flushEvery of work per worker (and
// --resume recomputes it), while a fast sweep makes few write calls.
const (
	batchBytes = 64 << 10
	flushEvery = 250 * time.Millisecond
	chunk      = 64 // points a worker claims at a time
)

// Summary counts what a run did.
type Summary struct {
	Points  int64         // points in this shard
	Skipped int64         // already in a resumed output
	Done    int64         // simulated and written
	Invalid int64         // written as invalid (SkipInvalid)
	Failed  int64         // the simulator returned an error; written as error records
	Elapsed time.Duration // wall-clock time of the run
	// FirstFailure is the message of the first simulator error, if any.
	FirstFailure string

	stop error // a worker met an invalid point (lazy validation)
}

// PointsPerSecond is the simulated-point throughput of the run.
func (s Summary) PointsPerSecond() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Done) / s.Elapsed.Seconds()
}

// Run simulates the plan's points of its shard that out does not already
// hold, on all workers, streaming one line per point to out as batches
// complete. When ctx is cancelled the workers stop after their current
// point, everything finished is written, and Run returns ctx's error with
// the summary so far. Simulator errors on single points are written as
// error records and counted; they do not stop the sweep. When the plan
// validates lazily (more than EagerConfigs configurations), the first
// invalid point stops the run like a cancellation, with an *InvalidError,
// unless SkipInvalid records it.
func (p *Plan) Run(ctx context.Context, out *Output) (Summary, error) {
	start := time.Now()
	sh := p.set.Shard.norm()
	sum := Summary{Points: sh.count(p.Spec.NumPoints())}
	enc := newLineEncoder(p.Spec, out.format == CSV)
	batches := make(chan []byte, 2*p.set.workers())
	var wg sync.WaitGroup
	var next atomic.Int64
	var stopped atomic.Bool
	stats := make([]Summary, p.set.workers())
	for w := range stats {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.work(ctx, &next, &stopped, sum.Points, enc, out.done, batches, &stats[w])
		}()
	}
	go func() { wg.Wait(); close(batches) }()
	var werr error
	for b := range batches {
		if werr == nil {
			_, werr = out.w.Write(b)
		}
		if p.set.Progress != nil {
			p.set.Progress(int64(bytes.Count(b, []byte{'\n'})), sum.Points)
		}
	}
	var stop error
	for _, st := range stats {
		if stop == nil {
			stop = st.stop
		}
		sum.Skipped += st.Skipped
		sum.Done += st.Done
		sum.Invalid += st.Invalid
		sum.Failed += st.Failed
		if sum.FirstFailure == "" {
			sum.FirstFailure = st.FirstFailure
		}
	}
	sum.Elapsed = time.Since(start)
	if werr != nil {
		return sum, fmt.Errorf("writing results: %w", werr)
	}
	if out.f != nil {
		if err := out.f.Sync(); err != nil {
			return sum, fmt.Errorf("writing results: %w", err)
		}
	}
	if stop != nil {
		return sum, stop
	}
	return sum, ctx.Err()
}

// work is one worker: it claims chunks of the shard's points, simulates
// them into a private scratch spec and encodes their lines into a batch.
func (p *Plan) work(ctx context.Context, next *atomic.Int64, stopped *atomic.Bool, n int64, enc *lineEncoder,
	done map[uint64]bool, batches chan<- []byte, st *Summary) {
	s := p.Spec
	spec := new(accel.Spec)
	wl := new(sim.Workload)
	choice := make([]int, len(s.axes))
	buf := make([]byte, 0, batchBytes+4096)
	last := time.Now()
	sh := p.set.Shard.norm()
	for ctx.Err() == nil && st.stop == nil && !stopped.Load() {
		lo := next.Add(chunk) - chunk
		if lo >= n {
			break
		}
		for k := lo; k < min(lo+chunk, n) && ctx.Err() == nil && st.stop == nil; k++ {
			i := sh.index(k)
			pair := s.locate(i, choice)
			id := s.pointID(choice, pair)
			if len(done) > 0 && done[id] {
				st.Skipped++
				continue
			}
			buf = p.point(buf, spec, wl, i, id, pair, choice, enc, st)
		}
		if st.stop != nil {
			stopped.Store(true)
		}
		if len(buf) >= batchBytes || time.Since(last) >= flushEvery {
			batches <- buf
			buf = make([]byte, 0, batchBytes+4096)
			last = time.Now()
		}
	}
	if len(buf) > 0 {
		batches <- buf
	}
}

// point simulates one point and appends its line.
func (p *Plan) point(buf []byte, spec *accel.Spec, wl *sim.Workload, i int64, id uint64, pair int, choice []int,
	enc *lineEncoder, st *Summary) []byte {
	s := p.Spec
	if msg, bad := p.invalid[i%s.NumConfigs()]; bad {
		st.Invalid++
		return enc.appendPoint(buf, i, id, pair, choice, nil, "invalid: "+msg)
	}
	s.build(spec, choice)
	if p.lazy {
		if err := spec.Validate(); err != nil {
			if !p.set.SkipInvalid {
				st.stop = &InvalidError{Configs: 1, Points: 1,
					First: []string{fmt.Sprintf("%s: %s", paramText(s.Point(i)), fieldMessage(err))}}
				return buf
			}
			st.Invalid++
			return enc.appendPoint(buf, i, id, pair, choice, nil, "invalid: "+fieldMessage(err))
		}
	}
	t, err := evaluate(spec, s.workload(p.workloads[pair], wl, choice))
	if err == nil && !t.finite() {
		err = fmt.Errorf("simulator returned a non-finite value")
	}
	if err != nil {
		st.Failed++
		if st.FirstFailure == "" {
			st.FirstFailure = err.Error()
		}
		return enc.appendPoint(buf, i, id, pair, choice, nil, err.Error())
	}
	st.Done++
	return enc.appendPoint(buf, i, id, pair, choice, &t, "")
}
