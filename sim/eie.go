package sim

import (
	"fmt"

	"github.com/dcsim/dcsim/accel"
)

// eieLayer evaluates a layer on the eie dataflow. The sparse engine replaces
// this file; until then the dataflow reports that it is missing.
func eieLayer(spec *accel.Spec, l *Layer) (LayerResult, error) {
	return LayerResult{}, fmt.Errorf("sim: dataflow eie: not built yet")
}
