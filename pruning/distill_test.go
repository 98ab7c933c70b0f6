package pruning

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/internal/fielderr"
)

// TestDistillPhases checks where distillation acts (with splicing, so
// the rounds' retraining moves the masks): with "finetune" the rounds (and
// so the masks) are those of a run without it while the final weights
// differ; with "all" the rounds change too; "" is "finetune" with splicing
// and "all" without; and a run is bit-identical for a seed.
func TestDistillPhases(t *testing.T) {
	train, _ := testData(t, 300)
	base := trained(t, "lenet-300-100", train, 1)
	type result struct{ masks, w [][]float32 }
	noSplicing := false
	run := func(weight float64, phases string) result {
		m := base.Clone()
		s := quick(0.1)
		s.NoSplicing = noSplicing
		s.DistillWeight, s.DistillTemperature, s.DistillPhases = weight, 2, phases
		if _, err := Prune(m, train, nil, s); err != nil {
			t.Fatal(err)
		}
		var r result
		for _, p := range m.Params() {
			r.masks, r.w = append(r.masks, p.Mask), append(r.w, p.W)
		}
		return r
	}
	equal := func(a, b [][]float32) bool { return slices.EqualFunc(a, b, slices.Equal) }
	none := run(-1, "")
	fin, fin2 := run(0.7, "finetune"), run(0.7, "")
	all := run(0.7, "all")
	if !equal(none.masks, fin.masks) {
		t.Error(`distilling the fine-tuning only ("finetune") changed the rounds' masks`)
	}
	if equal(none.w, fin.w) {
		t.Error(`distilling the fine-tuning ("finetune") left the weights as without distillation`)
	}
	if !equal(fin.w, fin2.w) || !equal(fin.masks, fin2.masks) {
		t.Error(`DistillPhases "" is not "finetune", or two runs with one seed differ`)
	}
	if equal(all.masks, fin.masks) && equal(all.w, fin.w) {
		t.Error(`distilling every phase ("all") gave the run of "finetune"`)
	}
	if !equal(run(0, "").w, run(DefaultDistillWeight, "").w) {
		t.Error("DistillWeight 0 is not DefaultDistillWeight")
	}
	noSplicing = true
	if !equal(run(0.7, "").w, run(0.7, "all").w) {
		t.Error(`without splicing, DistillPhases "" is not "all"`)
	}
	if equal(run(0.7, "finetune").w, run(0.7, "all").w) {
		t.Error(`without splicing, distilling "all" gave the run of "finetune"`)
	}
}

func TestDistillBadSettings(t *testing.T) {
	for _, tc := range []struct {
		s           Settings
		field, want string
	}{
		{Settings{Keep: 0.1, DistillWeight: 1.5}, "distill_weight", "≤ 1"},
		{Settings{Keep: 0.1, DistillWeight: math.NaN()}, "distill_weight", "≤ 1"},
		{Settings{Keep: 0.1, DistillWeight: math.Inf(-1)}, "distill_weight", "≤ 1"},
		{Settings{Keep: 0.1, DistillTemperature: -2}, "distill_temperature", "≥ 0"},
		{Settings{Keep: 0.1, DistillTemperature: math.Inf(1)}, "distill_temperature", "≥ 0"},
		{Settings{Keep: 0.1, DistillPhases: "rounds"}, "distill_phases", "valid: all, finetune"},
	} {
		var fe *fielderr.Error
		if err := tc.s.Validate(); !errors.As(err, &fe) || fe.Field != tc.field || !strings.Contains(fe.Msg, tc.want) {
			t.Errorf("%+v: error %v, want a field error on %s containing %q", tc.s, err, tc.field, tc.want)
		}
	}
}
