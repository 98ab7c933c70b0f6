package accel

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/dcsim/dcsim/internal/strictyaml"
	"gopkg.in/yaml.v3"
)

// A heterogeneous accelerator runs some layer kinds on other engines: the
// SCNN paper pairs its sparse-convolution array with EIE for the FC layers.
// In YAML, the optional `by_kind` section maps a layer kind (conv, fc, pool)
// to the sections that differ for it:
//
//	array: {rows: 8, cols: 8, dataflow: scnn}     # conv and pool
//	by_kind:
//	  fc:
//	    array: {rows: 64, cols: 1, dataflow: eie}
//	    sparsity: {weights: skip, activations: skip, format: csc}
//
// A kind's spec is the top-level spec with its sections' keys replaced by
// the keys given under the kind; keys neither file nor kind gives take
// their defaults from the kind's own values (an SRAM's energy follows the
// kind's buffer size). One chip: version, name and clock are shared and
// cannot be given per kind. Kinds not listed run on the top-level engine,
// so no kind is ever left without one.

// LayerKinds are the layer kinds by_kind accepts, sorted.
var LayerKinds = []string{"conv", "fc", "pool"}

// kindSections are the sections a by_kind entry may override.
var kindSections = []string{"array", "codebook", "energy", "memory", "precision", "sparsity"}

// kindOverride is one by_kind entry as read from the file.
type kindOverride struct {
	node *yaml.Node // the mapping of sections (read-only once parsed)
}

// kindSet holds a spec's by_kind entries and, after Defaults, the resolved
// spec of each kind. A pointer keeps Spec comparable with ==.
type kindSet struct {
	overrides map[string]*kindOverride
	resolved  map[string]*Spec
}

// ForKind returns the spec that runs layers of kind (conv, fc, pool): the
// kind's own spec when the file gives one under by_kind, else s.
func (s *Spec) ForKind(kind string) *Spec {
	if s.kinds == nil || s.kinds.resolved == nil {
		return s
	}
	if k, ok := s.kinds.resolved[kind]; ok {
		return k
	}
	return s
}

// Kinds lists the layer kinds with a spec of their own, sorted.
func (s *Spec) Kinds() []string {
	if s.kinds == nil {
		return nil
	}
	return slices.Sorted(maps.Keys(s.kinds.overrides))
}

// splitByKind removes the by_kind entry from the top-level mapping root,
// checks its shape (known kinds, each a non-empty mapping of overridable
// sections) and keeps each entry for resolveKinds.
func (s *Spec) splitByKind(root *yaml.Node) (*yaml.Node, error) {
	rest := *root
	rest.Content = nil
	var bk *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "by_kind" {
			if bk != nil {
				return nil, s.nodeError(root.Content[i], "by_kind", "duplicate key (first at line %d)", bk.Line)
			}
			bk = root.Content[i+1]
			s.src.lines["by_kind"] = root.Content[i].Line
			continue
		}
		rest.Content = append(rest.Content, root.Content[i], root.Content[i+1])
	}
	if bk == nil {
		return &rest, nil
	}
	bk = strictyaml.Deref(bk)
	if bk.Kind != yaml.MappingNode || len(bk.Content) == 0 {
		return nil, s.nodeError(bk, "by_kind", "want a mapping of layer kinds (%s) to the sections that differ, got %s",
			strings.Join(LayerKinds, ", "), strictyaml.Describe(bk))
	}
	s.kinds = &kindSet{overrides: map[string]*kindOverride{}}
	for i := 0; i+1 < len(bk.Content); i += 2 {
		k, v := bk.Content[i], strictyaml.Deref(bk.Content[i+1])
		path := "by_kind." + k.Value
		if !slices.Contains(LayerKinds, k.Value) {
			return nil, s.nodeError(k, path, "unknown layer kind (valid: %s)", strings.Join(LayerKinds, ", "))
		}
		if _, dup := s.kinds.overrides[k.Value]; dup {
			return nil, s.nodeError(k, path, "duplicate key (first at line %d)", s.src.lines[path])
		}
		s.src.lines[path] = k.Line
		if v.Kind != yaml.MappingNode || len(v.Content) == 0 {
			return nil, s.nodeError(v, path, "want the sections that differ for %s layers (%s), got %s",
				k.Value, strings.Join(kindSections, ", "), strictyaml.Describe(v))
		}
		for j := 0; j+1 < len(v.Content); j += 2 {
			if !slices.Contains(kindSections, v.Content[j].Value) {
				return nil, s.nodeError(v.Content[j], path+"."+v.Content[j].Value,
					"cannot be set per layer kind (valid: %s; version, name and clock are the chip's)", strings.Join(kindSections, ", "))
			}
		}
		s.kinds.overrides[k.Value] = &kindOverride{node: v}
	}
	return &rest, nil
}

// ResolveKinds rebuilds the spec of every by_kind entry from s's current
// values: a caller that sets top-level keys on a copy of a loaded spec whose
// defaults are not yet filled (a sweep point) calls it before Defaults, so
// each kind takes the new values it does not give itself. It does nothing
// for a homogeneous spec.
func (s *Spec) ResolveKinds() {
	s.resolveKinds() //nolint:errcheck // the kinds' keys were checked when the file was parsed
}

// resolveKinds builds each kind's spec from s before s's own defaults are
// filled: a copy of s (its given keys) with the kind's keys decoded on top,
// then its defaults filled. Errors name the by_kind key.
func (s *Spec) resolveKinds() error {
	if s.kinds == nil {
		return nil
	}
	// A fresh set: copies of a Spec (sweep points) share the old one.
	s.kinds = &kindSet{overrides: s.kinds.overrides, resolved: map[string]*Spec{}}
	for _, kind := range s.Kinds() {
		o := s.kinds.overrides[kind]
		k := *s
		k.kinds = nil
		k.src = &source{file: s.File(), lines: strictyaml.Lines{}, prefix: "by_kind." + kind + "."}
		d := strictyaml.Decoder{File: k.src.file, Prefix: k.src.prefix, Lines: k.src.lines}
		if err := d.Decode(o.node, &k); err != nil {
			return err
		}
		given := map[string]bool{}
		for p := range k.src.lines {
			given[p] = true
		}
		k.src.override = given
		if s.src != nil {
			for p, l := range s.src.lines {
				if _, ok := k.src.lines[p]; !ok && !strings.HasPrefix(p, "by_kind") {
					k.src.lines[p] = l
				}
			}
		}
		k.Defaults()
		s.kinds.resolved[kind] = &k
	}
	return nil
}

// validateKinds validates every kind's spec.
func (s *Spec) validateKinds() error {
	if s.kinds == nil {
		return nil
	}
	for _, kind := range s.Kinds() {
		k := s.kinds.resolved[kind]
		if k == nil {
			return fmt.Errorf("accel: by_kind.%s: defaults were not filled", kind)
		}
		if err := k.Validate(); err != nil {
			return err
		}
	}
	return nil
}
