package clustering

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/dcsim/dcsim/internal/fielderr"
)

// Defaults used when a Settings field is zero.
const (
	DefaultMethod     = "birch-kmeans"
	DefaultMaxBits    = 5
	DefaultThreshold  = 0.02
	DefaultDistortion = 0.1
	DefaultTolerance  = 1e-9
	DefaultMaxIter    = 1000
	DefaultRestarts   = 10
	// MaxIndexBits is the widest index Cluster will produce: k ≤ 2^16.
	MaxIndexBits = 16
)

// DefaultBranching is the node capacity the tests build the reference
// CF-tree (Tree) with; Cluster's 1-D sweep has no nodes, so Settings has no
// branching factor.
const DefaultBranching = 50

// Settings configures Cluster. The zero value selects birch-kmeans with an
// adaptive k and the defaults above.
type Settings struct {
	// Method names the algorithm; "" means "birch-kmeans". See Methods.
	Method string
	// K is the number of clusters. 0 means adaptive, which only
	// birch-kmeans supports; the other methods require K ≥ 1.
	K int
	// MaxBits caps the adaptive k at 2^MaxBits and, when set, also bounds a
	// fixed K. 0 means DefaultMaxBits; otherwise it must be in 1–16.
	MaxBits int
	// Threshold is the BIRCH subcluster radius bound relative to the layer's
	// standard deviation σ: T = Threshold·σ. 0 means DefaultThreshold.
	Threshold float64
	// Distortion is ε of the adaptive rule: the smallest k whose mean
	// squared error is ≤ (ε·σ)² is chosen. 0 means DefaultDistortion.
	Distortion float64
	// Tolerance stops Lloyd once no centroid moves more than Tolerance·σ
	// (or no assignment changes). 0 means DefaultTolerance.
	Tolerance float64
	// MaxIter bounds Lloyd iterations. 0 means DefaultMaxIter.
	MaxIter int
	// Restarts is the number of K-Means++ seedings tried per k (kmeans and
	// birch-kmeans); the lowest distortion wins. 0 means DefaultRestarts.
	Restarts int
	// Seed seeds the random choices; equal seeds give identical codebooks.
	Seed int64
	// ReserveZero keeps one of the 2^MaxBits indices free for the zero
	// value of the sparse format's filler entries, so the adaptive k is at
	// most 2^MaxBits − 1 and k centroids plus the zero still fit MaxBits
	// index bits (a pruned layer's k = 2^b centroids plus the filler zero
	// would need b+1 bits). ClusterModel sets it for pruned layers. A fixed
	// K is not changed.
	ReserveZero bool
}

// Stats describes one clustering run.
type Stats struct {
	Method      string
	K           int           // number of centroids
	Iterations  int           // Lloyd iterations of the final pass over the weights
	SSE         float64       // Σ (w − Centroids[Index])², computed with the float32 centroids
	LeafEntries int           // BIRCH leaf entries (birch-kmeans only)
	Std         float64       // population standard deviation σ of the input
	Duration    time.Duration // wall time of Cluster
}

// Codebook is the result of weight sharing: weight i is approximated by
// Centroids[Index[i]]. Centroids are sorted ascending.
type Codebook struct {
	Centroids []float32
	Index     []int32 // one per input weight
	Stats     Stats
}

// Bits is the index width ceil(log2 k), at least 1.
func (c Codebook) Bits() int { return IndexBits(len(c.Centroids)) }

// IndexBits is ceil(log2 k) with a minimum of 1: the bits needed to address
// k codebook entries.
func IndexBits(k int) int {
	b := 1
	for (1 << b) < k {
		b++
	}
	return b
}

// ErrBadInput is wrapped by every error about the data or the settings.
var ErrBadInput = errors.New("clustering: bad input")

func badInput(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrBadInput, fmt.Sprintf(format, a...))
}

// badField is a settings error: a *fielderr.Error naming the field in
// snake_case (the CLI maps it to its flag) that also wraps ErrBadInput.
func badField(field, format string, a ...any) error {
	e := fielderr.Errorf(field, format, a...)
	e.Err = ErrBadInput
	return e
}

// Validate reports the first setting that cannot be used, as a
// *fielderr.Error naming its field (method, k, max_bits, threshold,
// distortion, tolerance, max_iter, restarts) that wraps ErrBadInput. Zero
// fields mean their defaults and are valid.
func (s Settings) Validate() error {
	_, err := s.withDefaults()
	return err
}

// withDefaults returns s with zero fields replaced by defaults, or an error
// for values that cannot be used.
func (s Settings) withDefaults() (Settings, error) {
	if s.Method == "" {
		s.Method = DefaultMethod
	}
	if _, ok := registry[s.Method]; !ok {
		return s, badField("method", "%q: unknown (valid: %s)", s.Method, methodList())
	}
	if s.MaxBits < 0 || s.MaxBits > MaxIndexBits {
		return s, badField("max_bits", "must be in 1–%d, got %d", MaxIndexBits, s.MaxBits)
	}
	explicitBits := s.MaxBits != 0
	if s.MaxBits == 0 {
		s.MaxBits = DefaultMaxBits
	}
	switch {
	case s.K < 0:
		return s, badField("k", "must be ≥ 0, got %d", s.K)
	case s.K > 1<<MaxIndexBits:
		return s, badField("k", "%d needs %d index bits, more than %d", s.K, IndexBits(s.K), MaxIndexBits)
	case explicitBits && s.K > 1<<s.MaxBits:
		return s, badField("k", "%d does not fit in max_bits %d", s.K, s.MaxBits)
	case s.K == 0 && !registry[s.Method].adaptive:
		return s, badField("k", "method %q needs k ≥ 1 (only %s chooses k)", s.Method, DefaultMethod)
	}
	for _, f := range []struct {
		name string
		v    *float64
		def  float64
	}{{"threshold", &s.Threshold, DefaultThreshold}, {"distortion", &s.Distortion, DefaultDistortion}, {"tolerance", &s.Tolerance, DefaultTolerance}} {
		if *f.v < 0 || math.IsNaN(*f.v) || math.IsInf(*f.v, 0) {
			return s, badField(f.name, "must be a finite number ≥ 0, got %v", *f.v)
		}
		if *f.v == 0 {
			*f.v = f.def
		}
	}
	for _, f := range []struct {
		name string
		v    *int
		def  int
	}{{"max_iter", &s.MaxIter, DefaultMaxIter}, {"restarts", &s.Restarts, DefaultRestarts}} {
		if *f.v < 0 {
			return s, badField(f.name, "must be ≥ 0, got %d", *f.v)
		}
		if *f.v == 0 {
			*f.v = f.def
		}
	}
	return s, nil
}

// DefaultSettings returns the settings the zero value stands for.
func DefaultSettings() Settings {
	s, err := Settings{}.withDefaults()
	if err != nil {
		panic("clustering: defaults invalid: " + err.Error())
	}
	return s
}
