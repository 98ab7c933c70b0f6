package pruning

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/dcsim/dcsim/internal/fielderr"
)

// DefaultSchedule is the schedule used when Settings.Schedule is empty:
// geometric since issue 12. On LeNet-300-100 at 4 % kept (obd saliency,
// seed 1, 5 rounds × 2 epochs, 25 final epochs) cubic ended 0.51 points
// below dense and geometric 0.19: cubic's last round moves only from 4.8 %
// to 4 % but after four fast rounds swaps half the kept weights (5 199
// revived), geometric's last step from 7.6 % swaps 1 910 (docs/pruning.md).
const DefaultSchedule = "geometric"

// scheduleFunc returns the keep fraction after round r of n (1 ≤ r ≤ n),
// starting from keep fraction start and ending exactly at target.
type scheduleFunc func(start, target float64, r, n int) float64

// schedules is the registry of pruning schedules by name.
var schedules = map[string]scheduleFunc{
	// geometric removes the same fraction of the remaining weights every
	// round: keep_r = start·(target/start)^(r/n).
	"geometric": func(start, target float64, r, n int) float64 {
		if r >= n {
			return target
		}
		return start * math.Pow(target/start, float64(r)/float64(n))
	},
	// cubic is Automated Gradual Pruning (Zhu & Gupta 2017, eq. 1) on the
	// sparsity s = 1 − keep: s_r = s_f + (s_i − s_f)(1 − r/n)³. It prunes
	// fast while many redundant weights remain and slowly near the target.
	"cubic": func(start, target float64, r, n int) float64 {
		if r >= n {
			return target
		}
		si, sf := 1-start, 1-target
		f := 1 - float64(r)/float64(n)
		return 1 - (sf + (si-sf)*f*f*f)
	},
}

// Schedules lists the valid schedule names in sorted order.
func Schedules() []string { return slices.Sorted(maps.Keys(schedules)) }

// schedule returns the named schedule; "" is DefaultSchedule.
func schedule(name string) (scheduleFunc, error) {
	if name == "" {
		name = DefaultSchedule
	}
	f, ok := schedules[strings.ToLower(name)]
	if !ok {
		return nil, fielderr.Errorf("schedule", "%q: unknown (valid: %s)", name, strings.Join(Schedules(), ", "))
	}
	return f, nil
}

// KeepSchedule returns the keep fraction after each of n rounds when pruning
// from keep fraction start to target with the named schedule. The last
// entry is exactly target.
func KeepSchedule(name string, start, target float64, n int) ([]float64, error) {
	f, err := schedule(name)
	if err != nil {
		return nil, err
	}
	if n < 1 {
		return nil, fmt.Errorf("rounds: must be ≥ 1, got %d", n)
	}
	if !(start > 0 && start <= 1) || !(target > 0 && target <= 1) {
		return nil, fmt.Errorf("keep fractions must be in (0,1], got start %g, target %g", start, target)
	}
	out := make([]float64, n)
	for r := 1; r <= n; r++ {
		out[r-1] = f(start, target, r, n)
	}
	return out, nil
}
