package sim

import "github.com/dcsim/dcsim/accel"

// applySystolicSparsity adjusts a systolic layer's counts and cycles for the
// spec's zero-operand handling. With sparsity at its defaults (none) the
// dense result is exact, so this version leaves r unchanged; the sparse
// engine replaces this file.
func applySystolicSparsity(spec *accel.Spec, l *Layer, r *LayerResult, geom systolicGeom) {}
