package pruning

import (
	"math"
	"strings"
	"testing"
)

func TestKeepSchedule(t *testing.T) {
	const tol = 1e-12
	for _, tc := range []struct {
		name          string
		start, target float64
		n             int
		want          []float64
	}{
		// keep_r = (0.04)^(r/2): 0.2, 0.04.
		{"geometric", 1, 0.04, 2, []float64{0.2, 0.04}},
		// s_r = 0.96 + (0 − 0.96)(1 − r/4)³; keep = 1 − s_r.
		{"cubic", 1, 0.04, 4, []float64{1 - (0.96 - 0.96*27.0/64), 1 - (0.96 - 0.96/8), 1 - (0.96 - 0.96/64), 0.04}},
		{"cubic", 0.5, 0.5, 3, []float64{0.5, 0.5, 0.5}},
		{"geometric", 1, 0.02, 1, []float64{0.02}},
	} {
		got, err := KeepSchedule(tc.name, tc.start, tc.target, tc.n)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		for i := range tc.want {
			if math.Abs(got[i]-tc.want[i]) > tol {
				t.Errorf("%s %g→%g: round %d keep %g, want %g", tc.name, tc.start, tc.target, i+1, got[i], tc.want[i])
			}
		}
	}
}

func TestSchedulesHitTargetMonotonically(t *testing.T) {
	for _, name := range Schedules() {
		for _, target := range []float64{0.5, 0.08, 0.04, 0.02} {
			ks, err := KeepSchedule(name, 1, target, 7)
			if err != nil {
				t.Fatal(err)
			}
			if ks[len(ks)-1] != target {
				t.Errorf("%s: last keep %g, want exactly %g", name, ks[len(ks)-1], target)
			}
			for i := 1; i < len(ks); i++ {
				if !(ks[i] < ks[i-1]) {
					t.Errorf("%s: keep rises from %g to %g at round %d", name, ks[i-1], ks[i], i+1)
				}
			}
		}
	}
}

func TestKeepScheduleErrors(t *testing.T) {
	_, err := KeepSchedule("linearish", 1, 0.1, 3)
	if err == nil || !strings.Contains(err.Error(), "cubic, geometric") {
		t.Errorf("unknown schedule: error %v should list the valid names", err)
	}
	for _, tc := range []struct {
		start, target float64
		n             int
	}{{1, 0, 3}, {1, 1.2, 3}, {0, 0.1, 3}, {1, 0.1, 0}} {
		if _, err := KeepSchedule("cubic", tc.start, tc.target, tc.n); err == nil {
			t.Errorf("start %g target %g rounds %d: no error", tc.start, tc.target, tc.n)
		}
	}
}
