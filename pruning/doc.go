// Package pruning removes weights from trained networks: saliency-based
// global dynamic pruning with splicing, its conv/FC-separated variant for
// hardware, and a magnitude baseline with the same schedule and budget.
//
// The default saliency of weight i is Optimal Brain Damage's (LeCun et al.
// 1990) ½·H_ii·w_i² with H_ii the empirical Fisher of the loss, estimated
// from squared batch gradients of one pass over the training set, plus the
// weight decay λ (Accumulate "obd"; docs/pruning.md, "Issue 12", gives the
// experiments behind this default). The first-order modes ("batch",
// "epoch") score |g̃ᵢ·wᵢ| accumulated over every training sample of an
// epoch, where g̃ is the layer's gradient divided by a per-layer scale (see
// Normalizations); "fisher" sums squared per-sample gradients.
// Sensitivity prunes one layer at a time without retraining (Distiller's
// sensitivity analysis). One global threshold over all
// saliencies keeps exactly the requested fraction of weights, so each
// layer's rate follows from the data instead of being hand-tuned. Pruning
// runs in rounds towards the target (see Schedules); between rounds the
// network is retrained with the shadow values of pruned weights still
// updated, and masks are recomputed over all weights, so a weight pruned by
// mistake comes back (splicing, Guo et al. 2016, "Dynamic Network Surgery"),
// at most a cosine-decaying fraction of the kept weights per round (RigL's
// update schedule, Evci et al. 2020; Settings.ReviveFraction).
// A final fine-tuning phase freezes the masks so pruned weights are exactly
// zero.
//
// Package pruning may import only nn, internal/fielderr (Validate's typed
// field errors, named as an experiment file spells the key) and the
// standard library; it never
// imports accel, sim, clustering or reports, and no file format: pruning
// experiment files are read by internal/experiment.
package pruning
