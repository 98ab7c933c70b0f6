package sweep

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/dcsim/dcsim/internal/fileio"

	"github.com/dcsim/dcsim/accel"
	"github.com/dcsim/dcsim/internal/strictyaml"
	"github.com/dcsim/dcsim/sim"
	"gopkg.in/yaml.v3"
)

// Version is the only sweep spec version this package reads.
const Version = 1

// None is the compression entry meaning "dense, no profile".
const None = "none"

// Spec is a parsed sweep file (schema in docs/sweeps.md).
type Spec struct {
	File string // the sweep file as given
	Name string // the name: key, or the file's base name
	// Base is the base accelerator, defaults filled and validated; every
	// design point is Base with the swept keys changed.
	Base *accel.Spec
	// Random, when Samples > 0, draws that many distinct grid points
	// (seeded) instead of running the whole grid.
	Random Random
	// Networks are zoo names, SCALE-Sim .csv files or model .npz files.
	Networks []string
	// Pairs are the (network, compression) combinations, in point order.
	Pairs []Pair
	// Hash is the hex SHA-256 of the sweep file and of every file it
	// references (base accelerator, profiles, network files): results
	// written under another hash come from another spec.
	Hash string

	axes  []axis
	space space
}

// Random selects seeded random sampling of the grid.
type Random struct {
	Samples int    `yaml:"samples"`
	Seed    uint64 `yaml:"seed"`
}

// Pair is one network with one compression profile ("none" for dense).
type Pair struct {
	Network string
	Profile string
	line    int // line of the compression entry, for errors
}

// topKeys are the valid top-level keys of a sweep file.
var topKeys = []string{"version", "name", "accelerator", "grid", "tie", "random", "networks", "compression"}

// MaxSpecBytes bounds a sweep spec file; a larger one is refused before it
// is parsed (a 50 MB YAML took 8 s and 400 MB).
const MaxSpecBytes = 4 << 20

// Load reads and parses a sweep file; relative paths inside it are relative
// to the working directory, like every other dcsim path.
func Load(path string) (*Spec, error) {
	data, tooLarge, err := fileio.ReadLimited(path, MaxSpecBytes)
	if err != nil {
		return nil, fmt.Errorf("sweep spec: %w", err)
	}
	if tooLarge {
		return nil, fmt.Errorf("%s: more than %d MiB, the limit of a sweep spec", path, MaxSpecBytes>>20)
	}
	return Parse(data, path)
}

// Parse parses a sweep spec strictly: unknown keys, a missing or other
// version, an empty grid, unknown accelerator keys (with close matches),
// malformed values, ties over lists of different lengths, and profiles that
// do not fit their network are errors reading "file:line: field: what".
func Parse(data []byte, file string) (*Spec, error) {
	p := &parser{file: file, src: data, hash: sha256.New()}
	p.hashPart("sweep", data)
	root, err := p.root()
	if err != nil {
		return nil, err
	}
	s := &Spec{File: file}
	if err := p.fill(s, root); err != nil {
		return nil, err
	}
	s.Hash = hex.EncodeToString(p.hash.Sum(nil))
	if err := s.prepare(); err != nil {
		return nil, err
	}
	return s, nil
}

type parser struct {
	file string
	src  []byte
	hash interface {
		io.Writer
		Sum([]byte) []byte
	}
}

// hashPart adds a named, length-prefixed part to the spec hash.
func (p *parser) hashPart(name string, data []byte) {
	fmt.Fprintf(p.hash, "%s %d\n", name, len(data))
	p.hash.Write(data)
}

// errf is a *strictyaml.FieldError in the sweep file; line 0 and field ""
// mean unknown.
func (p *parser) errf(line int, field, format string, args ...any) error {
	return &strictyaml.FieldError{File: p.file, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) root() (*yaml.Node, error) {
	return strictyaml.Document(p.src, p.file, "a sweep spec: version: 1, accelerator, grid, networks", strings.Join(topKeys, ", "))
}

// fill reads the top-level keys in the order that later ones need.
func (p *parser) fill(s *Spec, root *yaml.Node) error {
	keys := map[string]*yaml.Node{}
	lines := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k := root.Content[i]
		if !slices.Contains(topKeys, k.Value) {
			return p.errf(k.Line, k.Value, "unknown key (valid: %s)", strings.Join(topKeys, ", "))
		}
		if _, dup := keys[k.Value]; dup {
			return p.errf(k.Line, k.Value, "duplicate key (first at line %d)", lines[k.Value])
		}
		keys[k.Value], lines[k.Value] = root.Content[i+1], k.Line
	}
	for _, req := range []string{"version", "accelerator", "grid", "networks"} {
		if keys[req] == nil {
			return p.errf(root.Line, req, "required key missing")
		}
	}
	var version int
	if err := keys["version"].Decode(&version); err != nil || version != Version {
		return p.errf(lines["version"], "version", "unsupported version %q (want %d)", keys["version"].Value, Version)
	}
	if n := keys["name"]; n != nil {
		if err := n.Decode(&s.Name); err != nil || n.Kind != yaml.ScalarNode {
			return p.errf(n.Line, "name", "want a string")
		}
	}
	if s.Name == "" {
		s.Name = strings.TrimSuffix(baseName(p.file), ".yaml")
	}
	var err error
	if s.Base, err = p.accelerator(keys["accelerator"], root, lines["accelerator"]); err != nil {
		return err
	}
	if s.axes, err = p.grid(keys["grid"], lines["grid"]); err != nil {
		return err
	}
	if t := keys["tie"]; t != nil {
		if s.axes, err = p.tie(s.axes, t); err != nil {
			return err
		}
	}
	if r := keys["random"]; r != nil {
		if s.Random, err = p.random(r); err != nil {
			return err
		}
	}
	if s.Networks, err = p.networks(keys["networks"]); err != nil {
		return err
	}
	s.Pairs, err = p.compression(keys["compression"], s.Networks)
	return err
}

func baseName(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		return path[i+1:]
	}
	return path
}

// accelerator loads the base accelerator: a file path, or a mapping inline.
// An inline mapping is cut out of the sweep file with its lines kept in
// place, so accel's "file:line: field" errors point into the sweep file.
func (p *parser) accelerator(n, root *yaml.Node, line int) (*accel.Spec, error) {
	switch n.Kind {
	case yaml.ScalarNode:
		data, err := os.ReadFile(n.Value)
		if err != nil {
			return nil, p.errf(line, "accelerator", "%v", err)
		}
		p.hashPart("accelerator", data)
		return checkedSpec(accel.Parse(data, n.Value))
	case yaml.MappingNode:
		return checkedSpec(accel.Parse(p.inline(n, root), p.file))
	}
	return nil, p.errf(line, "accelerator", "want a file path or an inline accelerator mapping, got %s", strictyaml.Describe(n))
}

// inline returns the source text of mapping n (up to the next top-level
// key), dedented and preceded by blank lines so that line numbers match.
func (p *parser) inline(n, root *yaml.Node) []byte {
	lines := strings.Split(string(p.src), "\n")
	end := len(lines)
	for i := 0; i+1 < len(root.Content); i += 2 {
		if k := root.Content[i]; k.Line > n.Line && k.Line-1 < end {
			end = k.Line - 1
		}
	}
	var b strings.Builder
	for i := 0; i < end; i++ {
		if i < n.Line-1 {
			b.WriteByte('\n')
			continue
		}
		l := lines[i]
		cut := n.Column - 1
		if i > n.Line-1 {
			cut = min(cut, len(l)-len(strings.TrimLeft(l, " ")))
		}
		b.WriteString(l[min(cut, len(l)):])
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

func (p *parser) random(n *yaml.Node) (Random, error) {
	var r Random
	d := strictyaml.Decoder{File: p.file, Prefix: "random."}
	if n.Kind != yaml.MappingNode {
		return r, p.errf(n.Line, "random", "want {samples: N, seed: S}, got %s", strictyaml.Describe(n))
	}
	if err := d.Decode(n, &r); err != nil {
		return r, err
	}
	if r.Samples <= 0 {
		return r, p.errf(n.Line, "random.samples", "must be > 0, got %d", r.Samples)
	}
	return r, nil
}

func (p *parser) networks(n *yaml.Node) ([]string, error) {
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		return nil, p.errf(n.Line, "networks", "want a non-empty list of zoo names, .csv or .npz files")
	}
	var out []string
	for _, c := range n.Content {
		if c.Kind != yaml.ScalarNode || c.Value == "" {
			return nil, p.errf(c.Line, "networks", "want a network name or file, got %s", strictyaml.Describe(c))
		}
		if slices.Contains(out, c.Value) {
			return nil, p.errf(c.Line, "networks", "%q listed twice", c.Value)
		}
		if isFile(c.Value) {
			data, err := os.ReadFile(c.Value)
			if err != nil {
				return nil, p.errf(c.Line, "networks", "%v", err)
			}
			p.hashPart("network "+c.Value, data)
		}
		out = append(out, c.Value)
	}
	return out, nil
}

// isFile reports whether a network name is a file (.csv or .npz) rather
// than a zoo name.
func isFile(name string) bool {
	l := strings.ToLower(name)
	return strings.HasSuffix(l, ".csv") || strings.HasSuffix(l, ".npz")
}

// checkedSpec adds the simulator's check (a registered dataflow whose engine
// accepts the spec's keys) to a parsed spec.
func checkedSpec(s *accel.Spec, err error) (*accel.Spec, error) {
	if err != nil {
		return nil, err
	}
	if err := sim.CheckSpec(s); err != nil {
		return nil, err
	}
	return s, nil
}
