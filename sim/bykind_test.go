package sim

import (
	"math"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/accel"
)

const heteroSpec = `version: 1
name: ws-eie
clock_mhz: 1000
array: {rows: 32, cols: 32, dataflow: ws}
memory: {ifmap_sram_kib: 512, filter_sram_kib: 512, ofmap_sram_kib: 256, dram_gb_per_s: 25.6}
by_kind:
  fc:
    array: {rows: 64, cols: 1, dataflow: eie}
    memory: {filter_sram_kib: 8192}
    sparsity: {weights: skip, activations: skip, format: csc}
`

// TestHeterogeneous: each layer runs on its kind's engine exactly as it
// would on that engine alone, and the network utilisation counts each
// layer's own multipliers.
func TestHeterogeneous(t *testing.T) {
	spec, err := accel.Parse([]byte(heteroSpec), "h.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckSpec(spec); err != nil {
		t.Fatal(err)
	}
	w := alexNet()
	for i := range w.Layers {
		if w.Layers[i].Kind == FC {
			w.Layers[i].WeightDensity, w.Layers[i].ActDensity = 0.09, 0.35
		}
	}
	res, err := Simulate(spec, w)
	if err != nil {
		t.Fatal(err)
	}
	var issued, slots float64
	for i, lr := range res.Layers {
		alone := mustSimulate(t, spec.ForKind(string(lr.Kind)), &w.Layers[i])
		if lr != alone {
			t.Errorf("%s: %+v\nalone on its engine: %+v", lr.Name, lr, alone)
		}
		peak := float64(spec.Array.PEs())
		if lr.Kind == FC {
			peak = 64
		}
		issued += float64(lr.Counts.MACs + lr.Counts.MACsGated)
		slots += float64(lr.Cycles) * peak
	}
	if got, want := res.Total.Utilization, issued/slots; math.Abs(got-want) > 1e-12 {
		t.Errorf("network utilization %v, want %v", got, want)
	}
	if fc := res.Layers[len(res.Layers)-1]; fc.PaddingEntries == 0 && fc.CompressedBytes == 0 {
		t.Errorf("fc8 did not run on eie: %+v", fc)
	}
}

// TestHeterogeneousCheckSpec: an engine's own keys are checked per kind.
func TestHeterogeneousCheckSpec(t *testing.T) {
	doc := strings.Replace(heteroSpec, "dataflow: eie}", "dataflow: eie, queue_depth: 0}", 1)
	spec, err := accel.Parse([]byte(doc), "h.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err, want := CheckSpec(spec), "h.yaml:8: by_kind.fc.array.queue_depth: must be > 0, got 0"; err == nil || err.Error() != want {
		t.Errorf("CheckSpec = %v, want %q", err, want)
	}
	doc = strings.Replace(heteroSpec, "dataflow: eie}", "dataflow: rs}", 1)
	if spec, err = accel.Parse([]byte(doc), "h.yaml"); err != nil {
		t.Fatal(err)
	}
	if err := CheckSpec(spec); err == nil || !strings.HasPrefix(err.Error(), `h.yaml:8: by_kind.fc.array.dataflow: unknown dataflow "rs"`) {
		t.Errorf("CheckSpec = %v", err)
	}
}
