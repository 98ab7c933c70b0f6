// Package experiment reads pruning experiment files
// (configs/experiments/*.yaml) into pruning.Settings: the file format lives
// here, in the command layer, so the pruning algorithms import no YAML.
//
// A key left out takes pruning's default; a key given as 0 means zero or is
// an error, never silently the default (see Parse).
//
// It imports pruning, nn and internal/strictyaml.
package experiment
