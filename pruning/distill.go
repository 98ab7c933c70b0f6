package pruning

import (
	"fmt"
	"maps"
	"slices"

	"github.com/dcsim/dcsim/nn"
)

// distillPhases is the registry of the retraining phases distillation
// (Settings.DistillWeight) applies to.
var distillPhases = map[string]string{
	// finetune: only the final fine-tuning, whose masks are frozen. With
	// splicing, the soft term's gradient does not vanish on a network
	// that fits its training labels, as the cross-entropy's nearly does,
	// so pruned shadow weights drift further and more of them are revived
	// at the next round (docs/pruning.md, "fourth pass").
	"finetune": "the final fine-tuning (frozen masks) only",
	// all: every retraining epoch, the rounds' splicing epochs included.
	"all": "every retraining epoch, rounds and final fine-tuning",
}

// defaultDistillPhases is Settings.DistillPhases when empty: "finetune"
// with splicing (distilling the rounds makes pruned shadow weights drift
// and churn back, docs/pruning.md), "all" without it (nothing can drift;
// distilling the rounds gained 0.03–0.1 points over the fine-tuning alone).
func defaultDistillPhases(noSplicing bool) string {
	if noSplicing {
		return "all"
	}
	return "finetune"
}

// DistillPhases lists the valid Settings.DistillPhases names.
func DistillPhases() []string { return slices.Sorted(maps.Keys(distillPhases)) }

// teacher returns the distillation of s for m as Prune receives it (the
// dense model teaches its pruned self), or nil when s distils nothing.
// The teacher's logits on train are computed once.
func teacher(m *nn.Model, train *nn.Dataset, s Settings) (*nn.Distillation, error) {
	if !(s.DistillWeight > 0) {
		return nil, nil
	}
	t, err := m.Logits(train, s.Train.Workers)
	if err != nil {
		return nil, fmt.Errorf("distillation teacher: %w", err)
	}
	return &nn.Distillation{Logits: t, Temperature: s.DistillTemperature, Weight: s.DistillWeight}, nil
}
