package sweep

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
)

// hugeSpec is a sweep whose grid has the product of sizes configurations:
// each axis a list of distinct integers, the first of array.rows 0
// (invalid) when invalidFirst.
func hugeSpec(t *testing.T, invalidFirst bool, sizes ...int) *Spec {
	t.Helper()
	keys := []string{"array.rows", "array.cols", "array.queue_depth", "memory.banks"}
	var b strings.Builder
	b.WriteString("version: 1\naccelerator: testdata/sys.yaml\ngrid:\n")
	for a, n := range sizes {
		b.WriteString("  " + keys[a] + ": [")
		for v := 0; v < n; v++ {
			if v > 0 {
				b.WriteString(", ")
			}
			x := v + 1
			if invalidFirst && a == 0 {
				x = v
			}
			b.WriteString(strconv.Itoa(x))
		}
		b.WriteString("]\n")
	}
	b.WriteString("networks: [lenet-300-100]\n")
	return mustParse(t, b.String())
}

// TestHugeSweepCounts: a 10^12-point grid parses and counts at once (were
// its points validated, the test would not end), and is refused as a run above MaxRunPoints unless
// forced.
func TestHugeSweepCounts(t *testing.T) {
	s := hugeSpec(t, false, 1000, 1000, 1000, 1000)
	if s.NumPoints() != 1e12 {
		t.Fatalf("%d points, want 10^12", s.NumPoints())
	}
	_, err := NewPlan(s, Settings{})
	var ie *InvalidError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "1000000000000 design points in this run: more than the cap of 100000000") {
		t.Fatalf("error %v, want the run cap", err)
	}
	if _, err := NewPlan(s, Settings{Force: true}); err != nil {
		t.Fatalf("forced: %v", err)
	}
	// A shard under the cap runs without --force.
	if _, err := NewPlan(s, Settings{Shard: Shard{0, 100_000}}); err != nil {
		t.Fatalf("shard of 10^7 points: %v", err)
	}
}

// TestLazyValidation: above EagerConfigs the configurations are validated
// as the run reaches them; an invalid one stops the run with an
// *InvalidError (or is recorded with SkipInvalid).
func TestLazyValidation(t *testing.T) {
	s := hugeSpec(t, true, 1100, 1000) // 1.1e6 configurations > EagerConfigs
	if s.NumConfigs() <= EagerConfigs {
		t.Fatalf("%d configurations: not above EagerConfigs", s.NumConfigs())
	}
	shard := Shard{0, 100_000} // points 0, 100000, ...: point 0 has rows = 0
	p, err := NewPlan(s, Settings{Shard: shard, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	out, _ := NewOutput(&b, s, shard, JSONL)
	_, err = p.Run(context.Background(), out)
	var ie *InvalidError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "array.rows=0, array.cols=1: array.rows: must be > 0") {
		t.Fatalf("error %v, want the invalid point named", err)
	}
	p, _ = NewPlan(s, Settings{Shard: shard, Workers: 1, SkipInvalid: true})
	b.Reset()
	out, _ = NewOutput(&b, s, shard, JSONL)
	sum, err := p.Run(context.Background(), out)
	if err != nil || sum.Invalid != 1 || sum.Done != 10 {
		t.Fatalf("skip-invalid: %+v, %v; want 1 invalid and 10 done", sum, err)
	}
	if !strings.Contains(b.String(), `"error":"invalid: array.rows: must be > 0, got 0"`) {
		t.Errorf("no invalid record in %s", b.String())
	}
}
