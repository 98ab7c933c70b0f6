package cli

import "github.com/dcsim/dcsim/internal/fielderr"

// The libraries' settings errors are *fielderr.Error naming the settings
// field ("conv_keep", "train.lr"); these tables are the one place that
// maps those names to the flags that set them, so a user at the command
// line reads "--conv-keep: ...". A field without a flag (one only an
// experiment file sets) keeps its name.

// trainFields maps nn.TrainSettings fields to dcsim train's flags.
var trainFields = map[string]string{"epochs": "--epochs", "batch": "--batch", "lr": "--lr",
	"momentum": "--momentum", "weight_decay": "--weight-decay", "schedule": "--schedule", "workers": "--workers"}

// pruneFields maps pruning.Settings fields to dcsim prune's flags.
var pruneFields = map[string]string{"criterion": "--criterion", "normalize": "--normalize",
	"accumulate": "--accumulate", "keep": "--keep", "conv_keep": "--conv-keep", "fc_keep": "--fc-keep",
	"schedule": "--schedule", "rounds": "--rounds", "retrain_epochs": "--retrain-epochs",
	"final_epochs": "--final-epochs", "train.lr": "--lr", "revive_margin": "--revive-margin", "revive_fraction": "--revive-fraction",
	"train.workers": "--workers", "distill_weight": "--distill-weight",
	"distill_temperature": "--distill-temperature", "distill_phases": "--distill-phases"}

// codesignFields maps codesign.Settings fields to dcsim codesign's flags.
var codesignFields = map[string]string{"conv_keeps": "--conv-keep", "fc_keeps": "--fc-keep",
	"global_keeps": "--global-keep", "bits": "--bits", "budget.max_latency_us": "--max-latency-us",
	"budget.max_energy_uj": "--max-energy-uj", "budget.max_params": "--max-params",
	"objective": "--objective", "search": "--search", "max_drop": "--max-drop", "min_keep": "--min-keep",
	"proxy_train_images": "--proxy-images", "val_images": "--val-images", "walk_steps": "--walk-steps",
	"saliency_images": "--saliency-images", "validate_proxy": "--validate-proxy", "confirm": "--confirm",
	"cluster_epochs": "--cluster-epochs", "workers": "--workers", "prune.rounds": "--rounds",
	"prune.retrain_epochs": "--retrain-epochs", "prune.final_epochs": "--final-epochs",
	"prune.train.lr": "--lr", "prune.train.workers": "--workers"}

// clusterFields maps clustering.ModelSettings fields to dcsim cluster's
// flags.
var clusterFields = map[string]string{"method": "--method", "k": "--k", "max_bits": "--max-bits",
	"conv_max_bits": "--conv-max-bits", "fc_max_bits": "--fc-max-bits", "distortion": "--distortion"}

// valueFields maps the names of values the reports and sweep parsers
// check (reports.ParseFormat, ParseView, sweep.ParseShard) to their flags.
var valueFields = map[string]string{"format": "--format", "view": "--view", "shard": "--shard"}

// flagError renames the settings fields err names to the flags of one
// command (fields: one of the tables above).
func flagError(err error, fields map[string]string) error {
	return fielderr.Rename(err, fields)
}
