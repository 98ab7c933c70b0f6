package sweep

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/dcsim/dcsim/accel"
	"github.com/dcsim/dcsim/internal/workload"
	"github.com/dcsim/dcsim/sim"
)

// Settings control a sweep run. The zero value runs the whole sweep on
// every core with zoo networks and sim's profile loader.
type Settings struct {
	// Workers is the number of goroutines simulating points; 0 means
	// runtime.GOMAXPROCS(0).
	Workers int
	// Shard selects index ≡ I (mod N); the zero value is the whole sweep.
	Shard Shard
	// SkipInvalid writes invalid design points as error records and runs
	// the rest; by default any invalid point fails the sweep before a
	// single point is simulated.
	SkipInvalid bool
	// LoadNetwork resolves a network name; nil accepts zoo names only.
	LoadNetwork func(name string) (*sim.Workload, error)
	// ApplyProfile applies a compression profile file to a workload; nil
	// means sim.LoadProfile followed by (*sim.Profile).Apply (statistical:
	// per-layer densities, no masks).
	ApplyProfile func(w *sim.Workload, path string) error
	// Progress, when set, is called from one goroutine after each batch of
	// results is written, with the points done so far and the total.
	Progress func(done, total int64)
	// Force runs a shard of more than MaxRunPoints points.
	Force bool
}

// MaxRunPoints is the most design points one run (one shard) simulates
// unless Settings.Force: 10^8 points are minutes to hours of simulation and
// gigabytes of results; above it a typo in a grid is the likelier cause.
const MaxRunPoints = 100_000_000

// EagerConfigs is the most accelerator configurations NewPlan validates
// before anything runs (about a second of work). A larger sweep validates
// each configuration when its first point is simulated, so that counting
// its points and starting it cost nothing.
const EagerConfigs = 1 << 20

func (set Settings) workers() int {
	if set.Workers > 0 {
		return set.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// Plan is a sweep ready to run: workloads loaded for every pair and every
// accelerator configuration validated (eagerly up to EagerConfigs, else
// as the run reaches it).
type Plan struct {
	Spec      *Spec
	set       Settings
	workloads []*sim.Workload // per pair
	invalid   map[int64]string
	lazy      bool // validate each configuration during the run
}

// InvalidError lists the design points whose accelerator fails validation,
// or (Msg) says why a sweep cannot run as specified.
type InvalidError struct {
	Configs int64 // invalid accelerator configurations
	Points  int64 // design points affected
	First   []string
	Msg     string // when set, the whole message
}

func (e *InvalidError) Error() string {
	if e.Msg != "" {
		return e.Msg
	}
	return fmt.Sprintf("%d of the design points are invalid (%d accelerator configurations); nothing was simulated; "+
		"fix the grid or pass --skip-invalid to record them as errors and run the rest: %s",
		e.Points, e.Configs, strings.Join(e.First, "; "))
}

// NewPlan loads the workloads and validates every configuration (cheap,
// before any simulation). Invalid configurations are an *InvalidError
// unless set.SkipInvalid, in which case they become error records. A sweep
// of more than EagerConfigs configurations is validated during the run
// instead: an invalid point then stops it (see Run) unless SkipInvalid.
func NewPlan(s *Spec, set Settings) (*Plan, error) {
	p := &Plan{Spec: s, set: set}
	if n := set.Shard.norm().count(s.NumPoints()); n > MaxRunPoints && !set.Force {
		return nil, &InvalidError{Msg: fmt.Sprintf("%s: %d design points in this run: more than the cap of %d "+
			"(shard it with --shard I/N, sample it with random:, or pass --force)", s.File, n, int64(MaxRunPoints))}
	}
	if err := p.loadWorkloads(); err != nil {
		return nil, err
	}
	if s.NumConfigs() > EagerConfigs {
		p.lazy = true
		p.invalid = map[int64]string{}
		return p, nil
	}
	p.invalid = s.validateAll(set.workers())
	if len(p.invalid) > 0 && !set.SkipInvalid {
		e := &InvalidError{Configs: int64(len(p.invalid)), Points: int64(len(p.invalid)) * int64(len(s.Pairs))}
		for c := int64(0); c < s.NumConfigs() && len(e.First) < 3; c++ {
			if msg, bad := p.invalid[c]; bad {
				pt := s.Point(c)
				e.First = append(e.First, fmt.Sprintf("%s: %s", paramText(pt), msg))
			}
		}
		return nil, e
	}
	return p, nil
}

func paramText(p Point) string {
	parts := make([]string, len(p.Params))
	for i, q := range p.Params {
		parts[i] = q.Key + "=" + q.Value
	}
	return strings.Join(parts, ", ")
}

func (p *Plan) loadWorkloads() error {
	load := p.set.LoadNetwork
	if load == nil {
		load = workload.Zoo
	}
	apply := p.set.ApplyProfile
	if apply == nil {
		apply = applyProfile
	}
	nets := map[string]*sim.Workload{}
	for _, pr := range p.Spec.Pairs {
		base, ok := nets[pr.Network]
		if !ok {
			w, err := load(pr.Network)
			if err != nil {
				return fmt.Errorf("%s: networks: %w", p.Spec.File, err)
			}
			nets[pr.Network], base = w, w
		}
		w := &sim.Workload{Name: base.Name, Layers: append([]sim.Layer(nil), base.Layers...)}
		if pr.Profile != None {
			if err := apply(w, pr.Profile); err != nil {
				return fmt.Errorf("%s:%d: compression: profile %s on network %s: %w", p.Spec.File, pr.line, pr.Profile, pr.Network, err)
			}
		}
		p.workloads = append(p.workloads, w)
	}
	return nil
}

func applyProfile(w *sim.Workload, path string) error {
	pr, err := sim.LoadProfile(path)
	if err != nil {
		return err
	}
	return pr.Apply(w)
}

// validateAll validates every configuration on workers goroutines and
// returns the invalid ones with their message ("field: what is wrong").
func (s *Spec) validateAll(workers int) map[int64]string {
	n := s.NumConfigs()
	var next atomic.Int64
	var mu sync.Mutex
	bad := map[int64]string{}
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			spec := new(accel.Spec)
			choice := make([]int, len(s.axes))
			for {
				lo := next.Add(1024) - 1024
				if lo >= n {
					return
				}
				for c := lo; c < min(lo+1024, n); c++ {
					s.locate(c, choice)
					s.build(spec, choice)
					err := spec.Validate()
					if err == nil {
						err = sim.CheckSpec(spec)
					}
					if err != nil {
						mu.Lock()
						bad[c] = fieldMessage(err)
						mu.Unlock()
					}
				}
			}
		}()
	}
	wg.Wait()
	return bad
}

// fieldMessage drops the base file's location from a validation error: the
// value came from the sweep, so "field: what" is what the user needs.
func fieldMessage(err error) string {
	var fe *accel.FieldError
	if errors.As(err, &fe) && fe.Field != "" {
		return fe.Field + ": " + fe.Msg
	}
	return err.Error()
}

// SetProgress sets the progress callback (see Settings.Progress).
func (p *Plan) SetProgress(f func(done, total int64)) { p.set.Progress = f }
