package sim

import (
	"errors"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/accel"
	"github.com/dcsim/dcsim/internal/fielderr"
	"github.com/dcsim/dcsim/network"
)

// TestErrorsNameEachContextOnce runs bad layers through every preset and
// checks the message names the network, the layer and the "sim:" prefix at
// most once each: no doubled prefixes such as
// `network "x": sim: layer "fc6": layer "fc6": …`; and an error about a
// field of the accelerator's file starts with file:line.
func TestErrorsNameEachContextOnce(t *testing.T) {
	bad := []Layer{
		{Layer: network.Layer{Name: "fc6", Kind: FC, InC: 64, InH: 1, InW: 1, OutC: 64, R: 1, S: 1}, WeightDensity: 2},
		{Layer: network.Layer{Name: "fc6", Kind: FC, InC: 64, InH: 1, InW: 1, OutC: 64, R: 1, S: 1}, ActDensity: -0.5},
		{Layer: network.Layer{Name: "fc6", Kind: FC, InC: 64, InH: 1, InW: 1, OutC: 64, R: 1, S: 1}, IndexBits: 40},
		{Layer: network.Layer{Name: "fc6", Kind: Conv, InC: 0, InH: 8, InW: 8, OutC: 4, R: 3, S: 3}},
		{Layer: network.Layer{Name: "fc6", Kind: Conv, InC: 3, InH: 4096, InW: 4096, OutC: 4, R: 3, S: 3, Stride: 1}, WeightDensity: 0.5, ActDensity: 0.5},
	}
	seen, fileSeen := 0, 0
	for _, spec := range accel.Presets() {
		for i := range bad {
			w := &Workload{Name: "x", Layers: []Layer{bad[i]}}
			_, err := Simulate(spec, w)
			if err == nil {
				continue
			}
			seen++
			msg := err.Error()
			var fe *fielderr.Error
			if errors.As(err, &fe) && fe.File != "" {
				// A field of the accelerator's file: the line starts with it.
				fileSeen++
				if !strings.HasPrefix(msg, fe.File+":") {
					t.Errorf("%s, bad layer %d: %q does not start with its file %s", spec.Name, i, msg, fe.File)
				}
			}
			for _, part := range []string{`network "x"`, `layer "fc6"`, "sim: "} {
				if n := strings.Count(msg, part); n > 1 {
					t.Errorf("%s, bad layer %d: %q names %s %d times", spec.Name, i, msg, part, n)
				}
			}
		}
	}
	if fileSeen == 0 {
		t.Error("no error named an accelerator file's field; the file-first check checks nothing")
	}
	if seen < len(accel.Presets()) {
		t.Fatalf("only %d errors from %d presets × %d bad layers; the test checks too little", seen, len(accel.Presets()), len(bad))
	}
}
