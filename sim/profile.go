package sim

import (
	"fmt"
	"hash/fnv"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/dcsim/dcsim/internal/fileio"
	"github.com/dcsim/dcsim/internal/strictyaml"
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

	file  string           // where the profile was read from, for messages
	lines strictyaml.Lines // line of every key read
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
	Seed    uint64               `yaml:"seed"`
	Layers  map[string]layerYAML `yaml:"layers"`
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
// errors); errors are *strictyaml.FieldError reading "file:line: field: what".
func ParseProfile(data []byte, filename string) (*Profile, error) {
	root, err := strictyaml.Document(data, filename, "a compression profile with version: 1", "version, seed, layers")
	if err != nil {
		return nil, err
	}
	var raw profileYAML
	d := strictyaml.Decoder{File: filename}
	if err := d.Decode(root, &raw); err != nil {
		return nil, err
	}
	switch {
	case raw.Version == nil:
		return nil, &strictyaml.FieldError{File: filename, Line: root.Line, Field: "version", Msg: "required key missing (want version: 1)"}
	case *raw.Version != 1:
		return nil, d.FieldErrorf("version", "unsupported version %d (want 1)", *raw.Version)
	}
	p := &Profile{Version: 1, Seed: raw.Seed, Layers: map[string]LayerCompression{}, file: filename, lines: d.Lines}
	for _, name := range slices.Sorted(maps.Keys(raw.Layers)) {
		lc, err := raw.Layers[name].check(&d, "layers."+name)
		if err != nil {
			return nil, err
		}
		p.Layers[name] = lc
	}
	return p, nil
}

// check validates one layers.<name> entry.
func (ly layerYAML) check(d *strictyaml.Decoder, path string) (LayerCompression, error) {
	var lc LayerCompression
	if ly.WeightDensity != nil {
		if v := *ly.WeightDensity; !(v > 0 && v <= 1) {
			return lc, d.FieldErrorf(path+".weight_density", "must be in (0,1], got %g", v)
		}
		lc.WeightDensity = *ly.WeightDensity
	}
	if ly.ActivationDensity != nil {
		if v := *ly.ActivationDensity; !(v > 0 && v <= 1) {
			return lc, d.FieldErrorf(path+".activation_density", "must be in (0,1], got %g", v)
		}
		lc.ActivationDensity = *ly.ActivationDensity
	}
	if ly.IndexBits != nil {
		if b := *ly.IndexBits; b < 1 || b > 16 {
			return lc, d.FieldErrorf(path+".index_bits", "must be in 1..16, got %d", b)
		}
		lc.IndexBits = *ly.IndexBits
	}
	return lc, nil
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

// fieldError is a *strictyaml.FieldError about path, at the line of its
// key when the profile was parsed from a file.
func (p *Profile) fieldError(path, format string, args ...any) error {
	return &strictyaml.FieldError{File: p.file, Line: p.lines.Of(path), Field: path, Msg: fmt.Sprintf(format, args...)}
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
			return p.fieldError("layers."+name, "network %q has no such layer (layers: %s)",
				w.Name, strings.Join(names, ", "))
		}
		// A pooling layer has no weights: a density or codebook for it
		// would be accepted, shown and ignored.
		lc := p.Layers[name]
		if kind == Pool && lc.WeightDensity != 0 {
			return p.fieldError("layers."+name+".weight_density", "%q is a pooling layer, which has no weights", name)
		}
		if kind == Pool && lc.IndexBits != 0 {
			return p.fieldError("layers."+name+".index_bits", "%q is a pooling layer, which has no weights", name)
		}
	}
	return nil
}
