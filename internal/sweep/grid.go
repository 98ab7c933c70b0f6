package sweep

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/dcsim/dcsim/internal/strictyaml"
	"gopkg.in/yaml.v3"
)

// axis is one dimension of the grid: a single key, or several keys tied
// together (varied in lockstep, e.g. square arrays). values[i][j] is the
// value of keys[j] at position i.
type axis struct {
	keys   []key
	lines  []int // line of each key in the grid
	values [][]value
}

func (a axis) len() int { return len(a.values) }

// grid reads the grid mapping: each accelerator key with its list of values,
// in file order (the order of enumeration; the last key varies fastest).
func (p *parser) grid(n *yaml.Node, line int) ([]axis, error) {
	if n.Kind != yaml.MappingNode {
		return nil, p.errf(line, "grid", "want a mapping of accelerator keys to lists of values, got %s", strictyaml.Describe(n))
	}
	if len(n.Content) == 0 {
		return nil, p.errf(line, "grid", "empty grid: give at least one accelerator key with a list of values (e.g. array.rows: [16, 32])")
	}
	var axes []axis
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := n.Content[i], n.Content[i+1]
		k, err := lookupKey(kn.Value)
		if err != nil {
			return nil, p.errf(kn.Line, "grid", "%v", err)
		}
		if first, dup := seen[k.path]; dup {
			return nil, p.errf(kn.Line, "grid."+k.path, "duplicate key (first at line %d)", first)
		}
		seen[k.path] = kn.Line
		vals, err := p.values(k, vn, kn.Line)
		if err != nil {
			return nil, err
		}
		ax := axis{keys: []key{k}, lines: []int{kn.Line}}
		for _, v := range vals {
			ax.values = append(ax.values, []value{v})
		}
		axes = append(axes, ax)
	}
	return axes, nil
}

// values decodes a non-empty list of distinct scalar values (a single scalar
// is a list of one).
func (p *parser) values(k key, n *yaml.Node, line int) ([]value, error) {
	field := "grid." + k.path
	items := n.Content
	switch {
	case n.Kind == yaml.ScalarNode && n.Tag != "!!null":
		items = []*yaml.Node{n}
	case n.Kind != yaml.SequenceNode:
		return nil, p.errf(line, field, "want a list of values, got %s", strictyaml.Describe(n))
	case len(items) == 0:
		return nil, p.errf(line, field, "empty list of values")
	}
	var out []value
	for _, it := range items {
		v, err := decodeValue(k, it)
		if err != nil {
			return nil, p.errf(it.Line, field, "%v", err)
		}
		for _, o := range out {
			if o.canon == v.canon {
				return nil, p.errf(it.Line, field, "value %s listed twice", v.canon)
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// tie merges the axes named in each tie group into one axis whose i-th
// position takes the i-th value of every tied key; tied lists must have the
// same length. The merged axis sits where its first key was.
func (p *parser) tie(axes []axis, n *yaml.Node) ([]axis, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, p.errf(n.Line, "tie", "want a list of key groups, e.g. [[array.rows, array.cols]]")
	}
	tied := map[string]bool{}
	for _, g := range n.Content {
		if g.Kind != yaml.SequenceNode || len(g.Content) < 2 {
			return nil, p.errf(g.Line, "tie", "each group is a list of at least two grid keys, got %s", strictyaml.Describe(g))
		}
		var members []int
		for _, kn := range g.Content {
			i := slices.IndexFunc(axes, func(a axis) bool { return len(a.keys) == 1 && a.keys[0].path == kn.Value })
			if tied[kn.Value] {
				return nil, p.errf(kn.Line, "tie", "key %q is in more than one tie group", kn.Value)
			}
			if i < 0 {
				return nil, p.errf(kn.Line, "tie", "key %q is not in the grid", kn.Value)
			}
			tied[kn.Value] = true
			members = append(members, i)
		}
		merged, err := p.mergeAxes(axes, members, g.Line)
		if err != nil {
			return nil, err
		}
		axes = merged
	}
	return axes, nil
}

func (p *parser) mergeAxes(axes []axis, members []int, line int) ([]axis, error) {
	first := axes[members[0]]
	m := axis{}
	for _, i := range members {
		a := axes[i]
		if a.len() != first.len() {
			return nil, p.errf(line, "tie", "tied keys need lists of equal length: %s has %d values, %s has %d",
				first.keys[0].path, first.len(), a.keys[0].path, a.len())
		}
		m.keys = append(m.keys, a.keys[0])
		m.lines = append(m.lines, a.lines[0])
	}
	for pos := 0; pos < first.len(); pos++ {
		var tuple []value
		for _, i := range members {
			tuple = append(tuple, axes[i].values[pos][0])
		}
		m.values = append(m.values, tuple)
	}
	var out []axis
	for i, a := range axes {
		switch {
		case i == members[0]:
			out = append(out, m)
		case !slices.Contains(members, i):
			out = append(out, a)
		}
	}
	return out, nil
}

// compression reads the compression list and pairs it with the networks:
// "none" and a plain profile path apply to every network; an entry
// {network: N, profile: P} applies to network N only. Absent means [none].
func (p *parser) compression(n *yaml.Node, networks []string) ([]Pair, error) {
	if n == nil {
		pairs := make([]Pair, len(networks))
		for i, net := range networks {
			pairs[i] = Pair{Network: net, Profile: None}
		}
		return pairs, nil
	}
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		return nil, p.errf(n.Line, "compression", "want a non-empty list of none, profile paths or {network, profile} entries")
	}
	type entry struct {
		network, profile string
		line             int
	}
	var entries []entry
	for _, c := range n.Content {
		e, err := p.compressionEntry(c, networks)
		if err != nil {
			return nil, err
		}
		entries = append(entries, entry{e.Network, e.Profile, c.Line})
	}
	var pairs []Pair
	for _, net := range networks {
		for _, e := range entries {
			if e.network == "" || e.network == net {
				pr := Pair{Network: net, Profile: e.profile, line: e.line}
				if slices.ContainsFunc(pairs, func(q Pair) bool { return q.Network == net && q.Profile == pr.Profile }) {
					return nil, p.errf(e.line, "compression", "profile %q listed twice for network %q", e.profile, net)
				}
				pairs = append(pairs, pr)
			}
		}
	}
	return pairs, nil
}

func (p *parser) compressionEntry(c *yaml.Node, networks []string) (Pair, error) {
	var e Pair
	switch c.Kind {
	case yaml.ScalarNode:
		e.Profile = c.Value
	case yaml.MappingNode:
		for i := 0; i+1 < len(c.Content); i += 2 {
			k, v := c.Content[i], c.Content[i+1]
			switch k.Value {
			case "network":
				e.Network = v.Value
			case "profile":
				e.Profile = v.Value
			default:
				return e, p.errf(k.Line, "compression", "unknown key %q (valid: network, profile)", k.Value)
			}
		}
		if e.Network == "" || e.Profile == "" {
			return e, p.errf(c.Line, "compression", "an entry mapping needs both network and profile")
		}
		if !slices.Contains(networks, e.Network) {
			return e, p.errf(c.Line, "compression", "network %q is not in networks (%s)", e.Network, strings.Join(networks, ", "))
		}
	default:
		return e, p.errf(c.Line, "compression", "want none, a profile path or {network, profile}, got %s", strictyaml.Describe(c))
	}
	if e.Profile == "" {
		return e, p.errf(c.Line, "compression", "empty profile")
	}
	if e.Profile != None {
		data, err := os.ReadFile(e.Profile)
		if err != nil {
			return e, p.errf(c.Line, "compression", "%v", err)
		}
		p.hashPart(fmt.Sprintf("profile %s", e.Profile), data)
	}
	return e, nil
}
