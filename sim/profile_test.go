package sim

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

const minimalProfile = `version: 1
seed: 1                      # for the random masks drawn at these densities
layers:
  fc6: {weight_density: 0.09, activation_density: 0.351, index_bits: 4}
  fc7: {weight_density: 0.09, activation_density: 0.353, index_bits: 4}
`

func twoFC() *Workload {
	return &Workload{Name: "net", Layers: []Layer{
		fcLayer("fc6", 300, 200, 0, 0, 0), fcLayer("fc7", 200, 100, 0, 0, 0), fcLayer("fc8", 100, 10, 0.5, 0.5, 8),
	}}
}

func TestParseProfileInterfaceExample(t *testing.T) {
	p, err := ParseProfile([]byte(minimalProfile), "x.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if p.Seed != 1 || len(p.Layers) != 2 || p.Layers["fc6"] != (LayerCompression{0.09, 0.351, 4}) {
		t.Fatalf("parsed %+v", p)
	}
	w := twoFC()
	if err := p.Apply(w); err != nil {
		t.Fatal(err)
	}
	if l := w.Layers[1]; l.WeightDensity != 0.09 || l.ActDensity != 0.353 || l.IndexBits != 4 {
		t.Errorf("fc7 after Apply: %+v", l)
	}
	// Unlisted layers become dense with no codebook.
	if l := w.Layers[2]; l.Density() != 1 || l.ActivationDensity() != 1 || l.IndexBits != 0 {
		t.Errorf("fc8 after Apply: %+v", l)
	}
}

func TestParseProfileErrors(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"density > 1", "version: 1\nlayers:\n  fc6: {weight_density: 1.5}\n",
			"x.yaml:3: layers.fc6.weight_density: must be in (0,1], got 1.5"},
		{"density 0", "version: 1\nlayers:\n  fc6:\n    activation_density: 0\n",
			"x.yaml:4: layers.fc6.activation_density: must be in (0,1], got 0"},
		{"bits 0", "version: 1\nlayers:\n  fc6: {index_bits: 0}\n", "layers.fc6.index_bits: must be in 1..16, got 0"},
		{"bits 17", "version: 1\nlayers:\n  fc6: {index_bits: 17}\n", "layers.fc6.index_bits: must be in 1..16, got 17"},
		{"unknown layer key", "version: 1\nlayers:\n  fc6: {weight_densty: 0.5}\n", "x.yaml:3: layers.fc6.weight_densty: unknown key"},
		{"unknown top key", "version: 1\nseeds: 3\n", "x.yaml: yaml: unmarshal errors:\n  line 2: field seeds not found"},
		{"no version", "layers: {}\n", "version: missing"},
		{"version 2", "version: 2\n", "unsupported version 2"},
		{"empty", "", "empty compression profile"},
		{"not a map", "version: 1\nlayers:\n  fc6: 3\n", "layers.fc6: must be a mapping"},
		{"bad number", "version: 1\nlayers:\n  fc6: {weight_density: high}\n", "layers.fc6"},
	} {
		_, err := ParseProfile([]byte(tc.yaml), "x.yaml")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", tc.name, err, tc.want)
		}
	}
}

func TestApplyUnknownLayer(t *testing.T) {
	p, _ := ParseProfile([]byte("version: 1\nlayers:\n  fc9: {weight_density: 0.5}\n"), "x.yaml")
	err := p.Apply(twoFC())
	if err == nil || !strings.Contains(err.Error(), "layers.fc9") || !strings.Contains(err.Error(), "fc6, fc7, fc8") {
		t.Errorf("error %v, want it to name fc9 and list fc6, fc7, fc8", err)
	}
}

func TestApplyMasksDeterministic(t *testing.T) {
	p, _ := ParseProfile([]byte(minimalProfile), "x.yaml")
	a, b := twoFC(), twoFC()
	if err := p.ApplyMasks(a); err != nil {
		t.Fatal(err)
	}
	if err := p.ApplyMasks(b); err != nil {
		t.Fatal(err)
	}
	for i := range a.Layers {
		ma, mb := a.Layers[i].Mask, b.Layers[i].Mask
		if (ma == nil) != (mb == nil) || ma != nil && !slices.Equal(ma.Bits, mb.Bits) {
			t.Errorf("layer %s: masks differ between runs with the same seed", a.Layers[i].Name)
		}
	}
	m := a.Layers[0].Mask
	if m == nil || m.Rows != 200 || m.Cols != 300 || m.Count() != 5400 {
		t.Fatalf("fc6 mask %v, want 200×300 with 5400 ones", m)
	}
	if a.Layers[2].Mask != nil {
		t.Error("unlisted fc8 got a mask")
	}
}

func FuzzParseProfile(f *testing.F) {
	f.Add([]byte(minimalProfile))
	f.Add([]byte("version: 1\nlayers:\n  a: {index_bits: 16}\n"))
	f.Add([]byte("version: 1\nseed: -1\n"))
	f.Add([]byte("{version: 1, layers: {x: {weight_density: .5e0}}}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseProfile(data, "fuzz.yaml")
		if err != nil {
			return
		}
		for name, lc := range p.Layers {
			if lc.WeightDensity < 0 || lc.WeightDensity > 1 || lc.ActivationDensity < 0 || lc.ActivationDensity > 1 ||
				lc.IndexBits < 0 || lc.IndexBits > 16 {
				t.Fatalf("layer %q accepted out of range: %+v", name, lc)
			}
		}
	})
}

func ExampleParseProfile() {
	p, err := ParseProfile([]byte(minimalProfile), "alexnet.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	w := &Workload{Name: "alexnet-fc", Layers: []Layer{
		{Name: "fc6", Kind: FC, InC: 9216, InH: 1, InW: 1, OutC: 4096, R: 1, S: 1},
		{Name: "fc7", Kind: FC, InC: 4096, InH: 1, InW: 1, OutC: 4096, R: 1, S: 1},
	}}
	if err := p.Apply(w); err != nil {
		fmt.Println(err)
		return
	}
	for _, l := range w.Layers {
		fmt.Printf("%s: weights %.2f, activations %.3f, %d-bit codebook\n", l.Name, l.Density(), l.ActivationDensity(), l.IndexBits)
	}
	_, err = ParseProfile([]byte("version: 1\nlayers:\n  fc6: {weight_density: 1.5}\n"), "bad.yaml")
	fmt.Println(err)
	// Output:
	// fc6: weights 0.09, activations 0.351, 4-bit codebook
	// fc7: weights 0.09, activations 0.353, 4-bit codebook
	// bad.yaml:3: layers.fc6.weight_density: must be in (0,1], got 1.5
}
