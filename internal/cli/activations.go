package cli

import (
	"fmt"

	"github.com/dcsim/dcsim/nn"
	"github.com/dcsim/dcsim/sim"
)

// defaultImages is how many MNIST test images `simulate --network
// MODEL.npz` runs through the model to measure activation sparsity.
const defaultImages = 100

// imageWorkloads runs the first images test images through m and returns
// one copy of base per image in which every layer carries that image's
// measured input-activation mask (exact zeros after ReLU and pooling; the
// normalised image for the first layer). base must be m's workload
// (workload.FromModel): its layers are m's layers in order.
func imageWorkloads(m *nn.Model, base *sim.Workload, test *nn.Dataset, images int) ([]*sim.Workload, error) {
	if len(base.Layers) != len(m.Arch.Layers) {
		return nil, fmt.Errorf("internal: workload has %d layers, model %d", len(base.Layers), len(m.Arch.Layers))
	}
	ws := make([]*sim.Workload, images)
	for i := range ws {
		ws[i] = &sim.Workload{Name: base.Name, Layers: append([]sim.Layer(nil), base.Layers...)}
	}
	err := m.LayerInputs(test, images, func(img, li int, x []float32) {
		if li >= len(base.Layers) {
			return // the logits
		}
		l := &ws[img].Layers[li]
		a := sim.NewActMask(l.InC, l.InH, l.InW)
		for i, v := range x {
			if v != 0 {
				a.Bits[i>>6] |= 1 << (uint(i) & 63)
			}
		}
		l.ActMask = a
	})
	if err != nil {
		return nil, err
	}
	return ws, nil
}
