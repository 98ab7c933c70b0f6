package sim

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/network"
	"gopkg.in/yaml.v3"
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
		{"unknown top key", "version: 1\nseeds: 3\n", "x.yaml:2: seeds: unknown key (valid: layers, seed, version)"},
		// Every message reads file:line: field: what.
		{"negative seed", "version: 1\nseed: -1\n", `x.yaml:2: seed: want an integer ≥ 0, got "-1"`},
		{"string seed", "version: 1\nseed: abc\n", `x.yaml:2: seed: want an integer ≥ 0, got "abc"`},
		{"string version", "version: one\n", `x.yaml:1: version: want an integer, got "one"`},
		// Integers are exact: yaml.v3 would truncate these.
		{"fractional seed", "version: 1\nseed: 1.5\n", `x.yaml:2: seed: want an integer ≥ 0, got "1.5"`},
		{"fractional version", "version: 1.0\n", `x.yaml:1: version: want an integer, got "1.0"`},
		{"fractional bits", "version: 1\nlayers:\n  fc6: {weight_density: 0.5, index_bits: 4.5}\n", `x.yaml:3: layers.fc6.index_bits: want an integer, got "4.5"`},
		{"bad number named", "version: 1\nlayers:\n  fc6: {activation_density: lots}\n", `x.yaml:3: layers.fc6.activation_density: want a number, got "lots"`},
		{"no version", "layers: {}\n", "x.yaml:1: version: required key missing (want version: 1)"},
		{"version 2", "version: 2\n", "unsupported version 2"},
		{"empty", "", "x.yaml: empty file (want a compression profile with version: 1)"},
		{"not a map", "version: 1\nlayers:\n  fc6: 3\n", `x.yaml:3: layers.fc6: want a mapping of keys, got the value "3"`},
		{"bad number", "version: 1\nlayers:\n  fc6: {weight_density: high}\n", "layers.fc6"},
	} {
		_, err := ParseProfile([]byte(tc.yaml), "x.yaml")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", tc.name, err, tc.want)
		}
	}
}

// TestApplyPoolWeights: a pooling layer has no weights, so a weight
// density or codebook for it is an error, not accepted, shown and ignored.
func TestApplyPoolWeights(t *testing.T) {
	w := &Workload{Name: "n", Layers: []Layer{
		{Layer: network.Layer{Name: "c1", Kind: Conv, InC: 1, InH: 8, InW: 8, OutC: 4, R: 3, S: 3, Stride: 1, Groups: 1}},
		{Layer: network.Layer{Name: "p1", Kind: Pool, InC: 4, InH: 6, InW: 6, OutC: 4, R: 2, S: 2, Stride: 2, Groups: 1}},
	}}
	for _, c := range []struct{ yaml, want string }{
		{"version: 1\nlayers:\n  p1: {weight_density: 0.5}\n", `x.yaml:3: layers.p1.weight_density: "p1" is a pooling layer, which has no weights`},
		{"version: 1\nlayers:\n  c1: {weight_density: 0.5}\n  p1:\n    index_bits: 4\n", `x.yaml:5: layers.p1.index_bits: "p1" is a pooling layer`},
	} {
		p, err := ParseProfile([]byte(c.yaml), "x.yaml")
		if err != nil {
			t.Fatal(err)
		}
		for _, apply := range []func(*Workload) error{p.Apply, p.ApplyMasks} {
			if err := apply(w); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want %q", err, c.want)
			}
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
	f.Add([]byte("version: 1\nseed: 2.5\nlayers:\n  a: {index_bits: 4.5}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseProfile(data, "fuzz.yaml")
		if err != nil {
			if msg := err.Error(); strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "fuzz.yaml") {
				t.Fatalf("error not one line naming the file: %q", msg)
			}
			return
		}
		checkExactIntegers(t, data)
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
		{Layer: network.Layer{Name: "fc6", Kind: FC, InC: 9216, InH: 1, InW: 1, OutC: 4096, R: 1, S: 1}},
		{Layer: network.Layer{Name: "fc7", Kind: FC, InC: 4096, InH: 1, InW: 1, OutC: 4096, R: 1, S: 1}},
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

// checkExactIntegers fails when an accepted profile holds a version, seed
// or layer index_bits that is not a YAML integer (yaml.v3 would truncate it).
func checkExactIntegers(t *testing.T, data []byte) {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return
	}
	check := func(n *yaml.Node, keys ...string) {
		if n.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if slices.Contains(keys, k.Value) && v.Kind == yaml.ScalarNode && v.ShortTag() != "!!int" {
				t.Fatalf("accepted %s: %q", k.Value, v.Value)
			}
		}
	}
	root := doc.Content[0]
	check(root, "version", "seed")
	for i := 0; root.Kind == yaml.MappingNode && i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "layers" && root.Content[i+1].Kind == yaml.MappingNode {
			layers := root.Content[i+1]
			for j := 1; j < len(layers.Content); j += 2 {
				check(layers.Content[j], "index_bits")
			}
		}
	}
}
