package sweep

import (
	"strconv"
	"strings"

	"github.com/dcsim/dcsim/internal/fielderr"
)

// Shard selects a slice of a sweep: the points whose index ≡ I (mod N).
// The zero value is the whole sweep.
type Shard struct {
	I, N int
}

// ParseShard parses "I/N" with 0 ≤ I < N; "" is the whole sweep. Errors
// are *fielderr.Error on "shard".
func ParseShard(s string) (Shard, error) {
	if s == "" {
		return Shard{0, 1}, nil
	}
	is, ns, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(strings.TrimSpace(is))
	n, err2 := strconv.Atoi(strings.TrimSpace(ns))
	if !ok || err1 != nil || err2 != nil {
		return Shard{}, fielderr.Errorf("shard", "want I/N (e.g. 0/4), got %q", s)
	}
	if n < 1 {
		return Shard{}, fielderr.Errorf("shard", "%s: N must be ≥ 1", s)
	}
	if i < 0 || i >= n {
		return Shard{}, fielderr.Errorf("shard", "%s: I must be in 0..%d (shards are numbered from 0)", s, n-1)
	}
	return Shard{i, n}, nil
}

func (s Shard) norm() Shard {
	if s.N <= 0 {
		return Shard{0, 1}
	}
	return s
}

// String is "I/N".
func (s Shard) String() string {
	s = s.norm()
	return strconv.Itoa(s.I) + "/" + strconv.Itoa(s.N)
}

// Whole reports whether s is the whole sweep.
func (s Shard) Whole() bool { return s.norm().N == 1 }

// count is the number of the total points that fall in the shard.
func (s Shard) count(total int64) int64 {
	s = s.norm()
	if int64(s.I) >= total {
		return 0
	}
	return (total - int64(s.I) + int64(s.N) - 1) / int64(s.N)
}

// index is the global index of the shard's k-th point.
func (s Shard) index(k int64) int64 {
	s = s.norm()
	return k*int64(s.N) + int64(s.I)
}
