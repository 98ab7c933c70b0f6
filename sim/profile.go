package sim

import (
	"bytes"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"maps"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/dcsim/dcsim/internal/fileio"

	"gopkg.in/yaml.v3"
)

// Profile is a compression profile: per-layer weight density, activation
// density and codebook index bits for a network, so published compression
// results can be simulated without the weights (configs/compression/*.yaml,
// schema in /work/shared/INTERFACES.md and configs/README.md).
type Profile struct {
	Version int
	// Seed seeds the random masks drawn at the profile's densities.
	Seed uint64
	// Layers maps a layer name to its compression; layers not listed stay
	// dense with no codebook.
	Layers map[string]LayerCompression

	file  string         // where the profile was read from, for messages
	lines map[string]int // line of each layers.<name> entry
}

// LayerCompression is one layer's entry in a profile. Zero fields mean
// "not given": dense weights, dense activations, no codebook.
type LayerCompression struct {
	WeightDensity     float64
	ActivationDensity float64
	IndexBits         int
}

// profileYAML and layerYAML mirror the file; pointers tell a key given as 0
// from a key left out.
type profileYAML struct {
	Version *int                 `yaml:"version"`
	Seed    *uint64              `yaml:"seed"`
	Layers  map[string]yaml.Node `yaml:"layers"`
}

type layerYAML struct {
	WeightDensity     *float64 `yaml:"weight_density"`
	ActivationDensity *float64 `yaml:"activation_density"`
	IndexBits         *int     `yaml:"index_bits"`
}

// LoadProfile reads and parses a compression profile file.
func LoadProfile(path string) (*Profile, error) {
	data, err := readLimited(path, MaxProfileBytes, "a compression profile")
	if err != nil {
		return nil, fmt.Errorf("compression profile: %w", err)
	}
	return ParseProfile(data, path)
}

// MaxProfileBytes bounds a compression profile file (a 65536-layer
// network's profile is about 4 MiB); a larger file is refused before it is
// parsed, which would take seconds and hundreds of MiB.
const MaxProfileBytes = 16 << 20

// readLimited reads the file at path, refusing one of more than limit bytes
// (named what in the error) before reading it all.
func readLimited(path string, limit int64, what string) ([]byte, error) {
	data, tooLarge, err := fileio.ReadLimited(path, limit)
	if err == nil && tooLarge {
		err = fmt.Errorf("%s: more than %d MiB, the limit for %s", path, limit>>20, what)
	}
	return data, err
}

// ParseProfile parses a compression profile strictly (unknown keys are
// errors); filename prefixes error messages as "file:line: field: what".
func ParseProfile(data []byte, filename string) (*Profile, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var raw profileYAML
	if err := dec.Decode(&raw); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: empty compression profile", filename)
		}
		return nil, profileYAMLError(filename, data, err)
	}
	if err := checkIntegers(data, filename); err != nil {
		return nil, err
	}
	if raw.Version == nil {
		return nil, fmt.Errorf("%s: version: missing (want version: 1)", filename)
	}
	if *raw.Version != 1 {
		return nil, fmt.Errorf("%s: version: unsupported version %d (want 1)", filename, *raw.Version)
	}
	p := &Profile{Version: 1, Layers: map[string]LayerCompression{}, file: filename, lines: map[string]int{}}
	if raw.Seed != nil {
		p.Seed = *raw.Seed
	}
	for _, name := range slices.Sorted(maps.Keys(raw.Layers)) {
		node := raw.Layers[name]
		lc, err := parseLayerNode(&node, name)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", filename, node.Line, err)
		}
		p.Layers[name] = lc
		p.lines[name] = node.Line
	}
	return p, nil
}

// parseLayerNode decodes and checks one layers.<name> entry.
func parseLayerNode(node *yaml.Node, name string) (LayerCompression, error) {
	var ly layerYAML
	if node.Kind != yaml.MappingNode {
		return LayerCompression{}, fmt.Errorf("layers.%s: must be a mapping", name)
	}
	if err := checkKnownKeys(node, name); err != nil {
		return LayerCompression{}, err
	}
	if err := node.Decode(&ly); err != nil {
		_, _, what := yamlProblem(err)
		return LayerCompression{}, fmt.Errorf("layers.%s.%s: %s", name, badKey(node), what)
	}
	var lc LayerCompression
	if ly.WeightDensity != nil {
		if d := *ly.WeightDensity; !(d > 0 && d <= 1) {
			return lc, fmt.Errorf("layers.%s.weight_density: must be in (0,1], got %g", name, d)
		}
		lc.WeightDensity = *ly.WeightDensity
	}
	if ly.ActivationDensity != nil {
		if d := *ly.ActivationDensity; !(d > 0 && d <= 1) {
			return lc, fmt.Errorf("layers.%s.activation_density: must be in (0,1], got %g", name, d)
		}
		lc.ActivationDensity = *ly.ActivationDensity
	}
	if ly.IndexBits != nil {
		if b := *ly.IndexBits; b < 1 || b > 16 {
			return lc, fmt.Errorf("layers.%s.index_bits: must be in 1..16, got %d", name, b)
		}
		lc.IndexBits = *ly.IndexBits
	}
	return lc, nil
}

// profileYAMLError turns a yaml.v3 error about the top level of a profile
// into "file:line: key: what" (the key read from the line yaml.v3 names).
func profileYAMLError(filename string, data []byte, err error) error {
	line, key, what := yamlProblem(err)
	if line == 0 {
		return fmt.Errorf("%s: %s", filename, what)
	}
	if key == "" {
		key = topKeyAt(data, line)
	}
	if key == "" {
		return fmt.Errorf("%s:%d: %s", filename, line, what)
	}
	return fmt.Errorf("%s:%d: %s: %s", filename, line, key, what)
}

var (
	yamlLineRE      = regexp.MustCompile(`(?s)^(?:yaml: )?line (\d+): (.*)$`)
	yamlUnmarshalRE = regexp.MustCompile("(?s)^cannot unmarshal !!\\w+ `(.*)` into (.*)$")
	yamlUnknownRE   = regexp.MustCompile(`^field (\S+) not found in type`)
)

// yamlProblem extracts the line, the key (for an unknown key) and a short
// "what is wrong" from a yaml.v3 error.
func yamlProblem(err error) (line int, key, what string) {
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	what = strings.TrimPrefix(msg, "yaml: ")
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		what = m[2]
	}
	if m := yamlUnknownRE.FindStringSubmatch(what); m != nil {
		return line, m[1], "unknown key (valid: version, seed, layers)"
	}
	if m := yamlUnmarshalRE.FindStringSubmatch(what); m != nil {
		want := map[string]string{"uint64": "an integer ≥ 0", "int": "an integer", "float64": "a number",
			"sim.profileYAML": "a mapping of version, seed, layers"}[m[2]]
		if want == "" {
			want = m[2]
		}
		what = fmt.Sprintf("want %s, got %q", want, m[1])
	}
	return line, key, strings.Join(strings.Fields(what), " ")
}

// badKey is the first key of a layer entry whose value does not decode as
// its type (index_bits an integer, the densities numbers).
func badKey(node *yaml.Node) string {
	for i := 0; i+1 < len(node.Content); i += 2 {
		k, v := node.Content[i], node.Content[i+1]
		var err error
		if k.Value == "index_bits" {
			var n int
			err = v.Decode(&n)
		} else {
			var f float64
			err = v.Decode(&f)
		}
		if err != nil {
			return k.Value
		}
	}
	return "?"
}

// checkIntegers rejects a non-integer version or seed, which yaml.v3
// would truncate (seed: 1.5 read as 1).
func checkIntegers(data []byte, filename string) error {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil
	}
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if (k.Value == "version" || k.Value == "seed") && v.Kind == yaml.ScalarNode && v.ShortTag() != "!!int" {
			return fmt.Errorf("%s:%d: %s: want an integer, got %q", filename, v.Line, k.Value, v.Value)
		}
	}
	return nil
}

// topKeyAt is the top-level key on line of a YAML document, or "".
func topKeyAt(data []byte, line int) string {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return ""
	}
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Line == line || root.Content[i+1].Line == line {
			return root.Content[i].Value
		}
	}
	return ""
}

// checkKnownKeys rejects keys a layer entry does not have (yaml.v3's
// KnownFields does not reach into nodes decoded separately).
func checkKnownKeys(node *yaml.Node, name string) error {
	for i := 0; i+1 < len(node.Content); i += 2 {
		if v := node.Content[i+1]; v.Kind == yaml.ScalarNode && v.ShortTag() == "!!null" {
			return fmt.Errorf("layers.%s.%s: no value given", name, node.Content[i].Value)
		}
		switch k := node.Content[i].Value; k {
		case "weight_density", "activation_density":
		case "index_bits":
			// yaml.v3 would truncate 4.5 to 4 silently.
			if v := node.Content[i+1]; v.Kind == yaml.ScalarNode && v.ShortTag() != "!!int" {
				return fmt.Errorf("layers.%s.index_bits: want an integer, got %q", name, v.Value)
			}
		default:
			return fmt.Errorf("layers.%s.%s: unknown key (valid: weight_density, activation_density, index_bits)", name, k)
		}
	}
	return nil
}

// Apply sets each listed layer's weight density, activation density and
// codebook index bits in w; layers the profile does not list are reset to
// dense with no codebook. A listed layer the network lacks is an error that
// names it and lists the network's layers. Masks already on w are removed,
// since they would contradict the profile's densities.
func (p *Profile) Apply(w *Workload) error {
	if err := p.checkNames(w); err != nil {
		return err
	}
	for i := range w.Layers {
		l := &w.Layers[i]
		lc := p.Layers[l.Name]
		l.WeightDensity, l.ActDensity, l.IndexBits, l.Mask = lc.WeightDensity, lc.ActivationDensity, lc.IndexBits, nil
	}
	return nil
}

// ApplyMasks is Apply followed by drawing, for every listed layer with a
// weight density below 1, a random mask with exactly that density. Each
// layer's mask is seeded from the profile seed and the layer name, so masks
// do not change when other layers are added or removed.
func (p *Profile) ApplyMasks(w *Workload) error {
	if err := p.Apply(w); err != nil {
		return err
	}
	for i := range w.Layers {
		l := &w.Layers[i]
		if l.Kind == Pool || l.WeightDensity == 0 || l.WeightDensity >= 1 {
			continue
		}
		rows, cols := MaskDims(l)
		l.Mask = RandomMask(rows, cols, l.WeightDensity, layerRNG(p.Seed, l.Name))
	}
	return nil
}

// layerRNG is a PCG generator seeded from a seed and a layer name.
func layerRNG(seed uint64, name string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(name))
	return rand.New(rand.NewPCG(seed, h.Sum64()))
}

// where is the "file:line: " prefix of a layer entry's messages ("compression
// profile: " when the profile was not parsed from a file).
func (p *Profile) where(layer string) string {
	switch {
	case p.file != "" && p.lines[layer] > 0:
		return fmt.Sprintf("%s:%d: ", p.file, p.lines[layer])
	case p.file != "":
		return p.file + ": "
	}
	return "compression profile: "
}

func (p *Profile) checkNames(w *Workload) error {
	have := map[string]Kind{}
	names := make([]string, 0, len(w.Layers))
	for _, l := range w.Layers {
		have[l.Name] = l.Kind
		names = append(names, l.Name)
	}
	for _, name := range slices.Sorted(maps.Keys(p.Layers)) {
		kind, ok := have[name]
		if !ok {
			return fmt.Errorf("%slayers.%s: network %q has no such layer (layers: %s)",
				p.where(name), name, w.Name, strings.Join(names, ", "))
		}
		// A pooling layer has no weights: a density or codebook for it
		// would be accepted, shown and ignored.
		lc := p.Layers[name]
		if kind == Pool && lc.WeightDensity != 0 {
			return fmt.Errorf("%slayers.%s.weight_density: %q is a pooling layer, which has no weights", p.where(name), name, name)
		}
		if kind == Pool && lc.IndexBits != 0 {
			return fmt.Errorf("%slayers.%s.index_bits: %q is a pooling layer, which has no weights", p.where(name), name, name)
		}
	}
	return nil
}
