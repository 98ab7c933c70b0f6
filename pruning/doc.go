// Package pruning removes weights from trained networks: saliency-based
// global dynamic pruning with splicing, its conv/FC-separated variant for
// hardware, and a magnitude baseline with the same schedule and budget.
//
// The saliency of weight i of layer l is |g̃ᵢ·wᵢ| accumulated over every
// training sample of an epoch, where g̃ is the layer's gradient divided by a
// per-layer scale (see Normalizations); the second-order modes of
// Accumulations ("fisher", "obd") sum squared per-sample gradients instead
// (Optimal Brain Damage, LeCun et al. 1990). One global threshold over all
// saliencies keeps exactly the requested fraction of weights, so each
// layer's rate follows from the data instead of being hand-tuned. Pruning
// runs in rounds towards the target (see Schedules); between rounds the
// network is retrained with the shadow values of pruned weights still
// updated, and masks are recomputed over all weights, so a weight pruned by
// mistake comes back (splicing, Guo et al. 2016, "Dynamic Network Surgery").
// A final fine-tuning phase freezes the masks so pruned weights are exactly
// zero.
//
// Package pruning may import only nn (and the standard library); it never
// imports accel, sim, clustering or reports.
package pruning
