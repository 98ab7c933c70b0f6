package accel

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/dcsim/dcsim/internal/fileio"

	"gopkg.in/yaml.v3"
)

// Version is the only accelerator YAML version this package reads.
const Version = 1

// requiredKeys must be present in every accelerator file (INTERFACES.md).
var requiredKeys = []string{
	"name", "clock_mhz",
	"array.rows", "array.cols", "array.dataflow",
	"memory.ifmap_sram_kib", "memory.filter_sram_kib", "memory.ofmap_sram_kib",
	"memory.dram_gb_per_s",
}

// Load reads an accelerator YAML file, fills defaults and validates it.
// Errors about the content read "path:LINE: field.path: what is wrong"
// (a *FieldError); a missing or unreadable file returns the *os.PathError.
func Load(path string) (*Spec, error) {
	data, tooLarge, err := fileio.ReadLimited(path, MaxFileBytes)
	if err != nil {
		return nil, err
	}
	if tooLarge {
		return nil, &FieldError{File: path, Msg: fmt.Sprintf("more than %d KiB, the limit of an accelerator file", MaxFileBytes>>10)}
	}
	return Parse(data, path)
}

// MaxFileBytes bounds an accelerator file (the presets are under 2 KiB).
const MaxFileBytes = 1 << 20

// Parse decodes an accelerator YAML document strictly, fills every absent
// optional key with its default (a key present in the file keeps its value,
// even zero) and validates the result. filename is used only in error
// messages. Unknown keys, duplicate keys, wrong types, missing required keys
// and any version other than 1 are errors.
func Parse(data []byte, filename string) (*Spec, error) {
	root, err := parseRoot(data, filename)
	if err != nil {
		return nil, err
	}
	s := &Spec{src: &source{file: filename, lines: map[string]int{}}}
	if root, err = s.splitByKind(root); err != nil {
		return nil, err
	}
	if err := s.walk(root, reflect.ValueOf(s).Elem(), ""); err != nil {
		return nil, err
	}
	if err := s.checkRequired(root.Line); err != nil {
		return nil, err
	}
	if err := s.strictDecode(data); err != nil {
		return nil, err
	}
	if err := s.resolveKinds(); err != nil {
		return nil, err
	}
	s.Defaults()
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return s, nil
}

// parseRoot returns the top-level mapping of the only document in data.
func parseRoot(data []byte, file string) (*yaml.Node, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &FieldError{File: file, Msg: "empty file (want an accelerator spec with version: 1)"}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &FieldError{File: file, Msg: "no YAML document (want an accelerator spec with version: 1)"}
		}
		return nil, yamlError(file, err, nil)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, &FieldError{File: file, Line: extra.Line, Msg: "more than one YAML document; want exactly one"}
	} else if !errors.Is(err, io.EOF) {
		return nil, yamlError(file, err, nil)
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	root = deref(root)
	if root.Kind != yaml.MappingNode {
		return nil, &FieldError{File: file, Line: root.Line,
			Msg: "document must be a mapping of keys (version, name, clock_mhz, array, memory, ...), got " + describe(root)}
	}
	return root, nil
}

// walk checks node against the struct v (keys known, none repeated, each
// value of the right shape and type), stores each value in v and records
// the line of every key under its dotted path.
func (s *Spec) walk(node *yaml.Node, v reflect.Value, prefix string) error {
	node = deref(node)
	if isNull(node) {
		return nil
	}
	if node.Kind != yaml.MappingNode {
		return s.nodeError(node, prefix, "want a mapping of keys, got %s", describe(node))
	}
	fields := yamlFields(v.Type())
	for i := 0; i+1 < len(node.Content); i += 2 {
		k, val := node.Content[i], node.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Tag == "!!merge" {
			return s.nodeError(k, prefix, "keys must be plain names (merge keys and complex keys are not supported)")
		}
		path := k.Value
		if prefix != "" {
			path = prefix + "." + k.Value
		}
		if first, dup := s.src.lines[path]; dup {
			return s.nodeError(k, path, "duplicate key (first at line %d)", first)
		}
		idx, ok := fields[k.Value]
		if !ok {
			return s.nodeError(k, path, "unknown key (valid: %s)", strings.Join(slices.Sorted(maps.Keys(fields)), ", "))
		}
		s.src.lines[path] = k.Line
		f := v.Field(idx)
		var err error
		if f.Kind() == reflect.Struct {
			err = s.walk(val, f, path)
		} else {
			err = s.decodeLeaf(val, f, path)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// decodeLeaf decodes one scalar value into the field f.
func (s *Spec) decodeLeaf(val *yaml.Node, f reflect.Value, path string) error {
	val = deref(val)
	if err := DecodeScalar(val, f); err != nil {
		e := s.nodeError(val, path, "%s", err.Error())
		e.Err = errors.Unwrap(err)
		return e
	}
	return nil
}

// DecodeScalar decodes the YAML scalar n into f (a settable value of a
// Spec leaf's type) strictly, as accelerator files are read: a mapping, a
// list or null is an error, and so is a non-integer into an integer field
// (yaml.v3 would truncate 16.5 to 16 silently). The error says what is
// wrong ("want an integer, got \"16.5\""), without file or line.
func DecodeScalar(n *yaml.Node, f reflect.Value) error {
	n = deref(n)
	want := wantType(f.Kind())
	switch {
	case n.Kind != yaml.ScalarNode:
		return fmt.Errorf("want %s, got %s", want, describe(n))
	case isNull(n):
		return fmt.Errorf("no value given (want %s)", want)
	case isInt(f.Kind()) && n.ShortTag() != "!!int":
		return fmt.Errorf("want %s, got %q", want, n.Value)
	}
	tmp := reflect.New(f.Type())
	if err := n.Decode(tmp.Interface()); err != nil {
		return &scalarError{fmt.Sprintf("want %s, got %q", want, n.Value), err}
	}
	f.Set(tmp.Elem())
	return nil
}

// scalarError is a one-line message over yaml.v3's multi-line error.
type scalarError struct {
	msg string
	err error
}

func (e *scalarError) Error() string { return e.msg }
func (e *scalarError) Unwrap() error { return e.err }

// checkRequired reports the first required key absent from the file, and
// a version other than 1.
func (s *Spec) checkRequired(rootLine int) error {
	if _, ok := s.src.lines["version"]; !ok {
		return &FieldError{File: s.src.file, Line: rootLine, Field: "version",
			Msg: fmt.Sprintf("required key missing (want version: %d)", Version)}
	}
	if s.Version != Version {
		return s.fieldError("version", "unsupported version %d (want %d)", s.Version, Version)
	}
	for _, k := range requiredKeys {
		if _, ok := s.src.lines[k]; !ok {
			e := s.fieldError(k, "required key missing")
			if e.Line == 0 {
				e.Line = rootLine
			}
			return e
		}
	}
	if strings.TrimSpace(s.Name) == "" {
		return s.fieldError("name", "must not be empty")
	}
	return nil
}

// strictDecode decodes data once more with yaml.v3's own strict decoder
// (KnownFields) as a second line of defence; walk has already caught every
// problem it could report, so an error here names the line yaml.v3 gives.
func (s *Spec) strictDecode(data []byte) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	file := struct {
		*Spec  `yaml:",inline"`
		ByKind yaml.Node `yaml:"by_kind"` // checked by splitByKind
	}{Spec: s}
	if err := dec.Decode(&file); err != nil {
		return yamlError(s.src.file, err, s.src.lines)
	}
	return nil
}

var yamlLineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlError turns a yaml.v3 error ("yaml: line 3: ..." or a *yaml.TypeError
// with "line 5: cannot unmarshal ...") into a *FieldError naming the file,
// the line and, where lines knows a key on that line, the field path.
func yamlError(file string, err error, lines map[string]int) error {
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	e := &FieldError{File: file, Msg: strings.TrimPrefix(msg, "yaml: "), Err: err}
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		e.Msg = m[2]
		e.Field = pathAtLine(lines, e.Line)
	}
	return e
}

// pathAtLine is the deepest key path recorded at line, or "".
func pathAtLine(lines map[string]int, line int) string {
	best := ""
	for p, l := range lines {
		if l == line && (len(p) > len(best) || (len(p) == len(best) && p < best)) {
			best = p
		}
	}
	return best
}

// nodeError is a FieldError at node's line.
func (s *Spec) nodeError(n *yaml.Node, path, format string, args ...any) *FieldError {
	return &FieldError{File: s.src.file, Line: n.Line, Field: s.src.prefix + path, Msg: fmt.Sprintf(format, args...)}
}

// yamlFields maps each yaml tag name of struct type t to its field index.
func yamlFields(t reflect.Type) map[string]int {
	m := make(map[string]int, t.NumField())
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if !f.IsExported() || name == "-" || name == "" {
			continue
		}
		m[name] = i
	}
	return m
}

// deref follows an alias to the node it names.
func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// describe names a node's kind for error messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if isNull(n) {
			return "nothing (null)"
		}
		return fmt.Sprintf("the value %q", n.Value)
	}
	return "an unexpected YAML node"
}

func isInt(k reflect.Kind) bool {
	switch k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return true
	}
	return false
}

// wantType describes what a field of kind k accepts.
func wantType(k reflect.Kind) string {
	switch {
	case isInt(k):
		return "an integer"
	case k == reflect.Float32 || k == reflect.Float64:
		return "a number"
	case k == reflect.Bool:
		return "true or false"
	case k == reflect.String:
		return "a string"
	}
	return k.String()
}
