package sweep

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"strconv"

	"github.com/dcsim/dcsim/accel"
	"github.com/dcsim/dcsim/sim"
)

// maxPoints bounds the number of design points of one sweep, so that point
// indices fit comfortably in int64 and a runaway grid fails at load time.
const maxPoints = 1 << 48

// space is the enumeration of a spec: pairs × configs, where a config is a
// choice of one position on every axis. Point index p is pair p/nConfigs,
// config p%nConfigs; config c is the mixed-radix number whose digits are
// the axis positions, last axis fastest (or, with random sampling, the c-th
// smallest sampled grid index).
type space struct {
	gridSize int64
	sample   []int64 // sorted sampled grid indices; nil = whole grid
	order    []slot  // every swept key, sorted by path (for point IDs)
	raw      accel.Spec
	// workloadKeys is set when a workload key is swept.
	workloadKeys bool
}

// slot addresses one key: axis a, position j in that axis's tuple.
type slot struct{ a, j int }

// prepare computes the enumeration once the spec is parsed.
func (s *Spec) prepare() error {
	size := int64(1)
	for _, a := range s.axes {
		if size > maxPoints/int64(a.len()) {
			return fmt.Errorf("%s: grid: more than %d points", s.File, int64(maxPoints))
		}
		size *= int64(a.len())
	}
	s.space.gridSize = size
	if n := int64(s.Random.Samples); n > 0 && n < size {
		s.space.sample = sampleIndices(size, n, s.Random.Seed)
	}
	if s.NumConfigs()*int64(len(s.Pairs)) > maxPoints {
		return fmt.Errorf("%s: more than %d design points", s.File, int64(maxPoints))
	}
	for a, ax := range s.axes {
		for j, k := range ax.keys {
			s.space.order = append(s.space.order, slot{a, j})
			s.space.workloadKeys = s.space.workloadKeys || k.layer != nil
		}
	}
	sort.Slice(s.space.order, func(x, y int) bool {
		ox, oy := s.space.order[x], s.space.order[y]
		return s.axes[ox.a].keys[ox.j].path < s.axes[oy.a].keys[oy.j].path
	})
	s.space.raw = rawSpec(s.Base)
	return nil
}

// sampleIndices draws n distinct integers from [0, size) with Floyd's
// algorithm (Bentley and Floyd, CACM 30(9), 1987), seeded, and sorts them.
func sampleIndices(size, n int64, seed uint64) []int64 {
	rng := rand.New(rand.NewPCG(seed, 0x5eed5eed))
	chosen := make(map[int64]bool, n)
	out := make([]int64, 0, n)
	for j := size - n; j < size; j++ {
		t := rng.Int64N(j + 1)
		if chosen[t] {
			t = j
		}
		chosen[t] = true
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// rawSpec is base with every key that was not given in its file reset to
// zero, so that Defaults re-derives it for each design point (an SRAM read
// energy follows a swept SRAM size unless the file fixed it).
func rawSpec(base *accel.Spec) accel.Spec {
	raw := *base
	rv := reflect.ValueOf(&raw).Elem()
	for _, k := range specKeys {
		if base.Line(k.path) == 0 {
			f := rv.FieldByIndex(k.index)
			f.Set(reflect.Zero(f.Type()))
		}
	}
	return raw
}

// NumConfigs is the number of accelerator configurations: the grid size, or
// the number of random samples when that is smaller.
func (s *Spec) NumConfigs() int64 {
	if s.space.sample != nil {
		return int64(len(s.space.sample))
	}
	return s.space.gridSize
}

// NumPoints is the number of design points: configurations × pairs.
func (s *Spec) NumPoints() int64 { return s.NumConfigs() * int64(len(s.Pairs)) }

// locate splits point index i into its pair and fills choice with the axis
// positions of its configuration.
func (s *Spec) locate(i int64, choice []int) (pair int) {
	n := s.NumConfigs()
	pair, c := int(i/n), i%n
	if s.space.sample != nil {
		c = s.space.sample[c]
	}
	for a := len(s.axes) - 1; a >= 0; a-- {
		l := int64(s.axes[a].len())
		choice[a] = int(c % l)
		c /= l
	}
	return pair
}

// build writes the accelerator of a configuration into dst: the raw base
// with the swept keys set, defaults filled. Swept keys are set again after
// Defaults so that a swept zero stays zero (and Validate reports it).
func (s *Spec) build(dst *accel.Spec, choice []int) {
	*dst = s.space.raw
	s.set(dst, choice)
	dst.ResolveKinds() // by_kind specs take the swept values they do not give
	dst.Defaults()
	s.set(dst, choice)
}

func (s *Spec) set(dst *accel.Spec, choice []int) {
	rv := reflect.ValueOf(dst).Elem()
	for a, ax := range s.axes {
		for j, k := range ax.keys {
			if k.layer == nil {
				rv.FieldByIndex(k.index).Set(ax.values[choice[a]][j].rv)
			}
		}
	}
}

// workload returns the workload of a point: base itself when no workload key
// is swept, else scratch (reused) holding base's layers with the workload
// keys applied.
func (s *Spec) workload(base, scratch *sim.Workload, choice []int) *sim.Workload {
	if !s.space.workloadKeys {
		return base
	}
	scratch.Name = base.Name
	scratch.Layers = append(scratch.Layers[:0], base.Layers...)
	for a, ax := range s.axes {
		for j, k := range ax.keys {
			if k.layer != nil {
				for l := range scratch.Layers {
					k.layer(&scratch.Layers[l], ax.values[choice[a]][j].rv)
				}
			}
		}
	}
	return scratch
}

// pointID is the stable ID of a point: FNV-1a 64 of "key=value\n" for every
// swept key sorted by path, then "network=N\nprofile=P\n", in 16 hex
// digits. It depends on the point's parameters only, not on its index, so
// reordering grid keys or adding values keeps the IDs of existing points.
func (s *Spec) pointID(choice []int, pair int) uint64 {
	var buf [256]byte
	b := buf[:0]
	for _, o := range s.space.order {
		ax := s.axes[o.a]
		b = append(append(b, ax.keys[o.j].path...), '=')
		b = append(append(b, ax.values[choice[o.a]][o.j].canon...), '\n')
	}
	p := s.Pairs[pair]
	b = append(append(append(b, "network="...), p.Network...), '\n')
	b = append(append(append(b, "profile="...), p.Profile...), '\n')
	h := fnv.New64a()
	h.Write(b)
	return h.Sum64()
}

func appendID(b []byte, id uint64) []byte {
	const digits = "0123456789abcdef"
	for sh := 60; sh >= 0; sh -= 4 {
		b = append(b, digits[id>>uint(sh)&15])
	}
	return b
}

// Param is one swept key's value at a point.
type Param struct {
	Key   string
	Value string // canonical text: integers in decimal, numbers in shortest form
}

// Point describes one design point.
type Point struct {
	Index   int64
	ID      string
	Network string
	Profile string
	Params  []Param // in grid order
}

// Point returns the description of point i (0 ≤ i < NumPoints).
func (s *Spec) Point(i int64) Point {
	choice := make([]int, len(s.axes))
	pair := s.locate(i, choice)
	p := Point{Index: i, ID: string(appendID(nil, s.pointID(choice, pair))),
		Network: s.Pairs[pair].Network, Profile: s.Pairs[pair].Profile}
	for a, ax := range s.axes {
		for j, k := range ax.keys {
			p.Params = append(p.Params, Param{k.path, ax.values[choice[a]][j].canon})
		}
	}
	return p
}

// ParamKeys lists the swept keys in grid order (tied keys together).
func (s *Spec) ParamKeys() []string {
	var out []string
	for _, ax := range s.axes {
		for _, k := range ax.keys {
			out = append(out, k.path)
		}
	}
	return out
}

// Accelerator returns the accelerator of point i, defaults filled; it is not
// validated (see Validate).
func (s *Spec) Accelerator(i int64) *accel.Spec {
	choice := make([]int, len(s.axes))
	s.locate(i, choice)
	dst := new(accel.Spec)
	s.build(dst, choice)
	return dst
}

func (p Point) String() string {
	b := []byte("point " + strconv.FormatInt(p.Index, 10) + " (")
	for i, q := range p.Params {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, q.Key+"="+q.Value...)
	}
	return string(append(b, ", network="+p.Network+", profile="+p.Profile+")"...))
}
