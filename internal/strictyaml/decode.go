package strictyaml

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

	"gopkg.in/yaml.v3"
)

// Document returns the top-level mapping of the only YAML document in data.
// want describes the expected document in errors ("an accelerator spec with
// version: 1"); keys lists the valid top-level keys for the error about a
// document that is not a mapping.
func Document(data []byte, file, want, keys string) (*yaml.Node, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &FieldError{File: file, Msg: "empty file (want " + want + ")"}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &FieldError{File: file, Msg: "no YAML document (want " + want + ")"}
		}
		return nil, FromYAML(file, err, nil)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, &FieldError{File: file, Line: extra.Line, Msg: "more than one YAML document; want exactly one"}
	} else if !errors.Is(err, io.EOF) {
		return nil, FromYAML(file, err, nil)
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	root = Deref(root)
	if root.Kind != yaml.MappingNode {
		return nil, &FieldError{File: file, Line: max(root.Line, 1),
			Msg: "document must be a mapping of keys (" + keys + "), got " + Describe(root)}
	}
	return root, nil
}

// A Decoder decodes YAML mappings from one file into structs strictly.
// Struct fields are matched by their yaml tag; a field may be a scalar, a
// pointer to one (nil when the key is absent, so a key given as 0 is told
// from a key left out), a nested struct, a map from names to a struct, or a
// yaml.Node the caller reads itself.
type Decoder struct {
	File string
	// Prefix is put before every field path in error messages (a by_kind
	// entry names its keys "by_kind.fc.array.rows"); Lines does not get it.
	Prefix string
	// Lines, when not nil, receives the line of every key decoded.
	Lines Lines
}

// Decode decodes the mapping node into the struct v points to.
func (d *Decoder) Decode(node *yaml.Node, v any) error {
	if d.Lines == nil {
		d.Lines = Lines{}
	}
	return d.walk(node, reflect.ValueOf(v).Elem(), "")
}

// Errorf is a FieldError at node's line about path.
func (d *Decoder) Errorf(n *yaml.Node, path, format string, args ...any) *FieldError {
	return &FieldError{File: d.File, Line: n.Line, Field: d.Prefix + path, Msg: fmt.Sprintf(format, args...)}
}

// FieldErrorf is a FieldError about path at the line of its key (or of its
// nearest enclosing key read).
func (d *Decoder) FieldErrorf(path, format string, args ...any) *FieldError {
	return &FieldError{File: d.File, Line: d.Lines.Of(path), Field: d.Prefix + path, Msg: fmt.Sprintf(format, args...)}
}

var nodeType = reflect.TypeOf(yaml.Node{})

// walk checks node against the struct v (keys known, none repeated, each
// value of the right shape and type), stores each value in v and records
// the line of every key under its dotted path.
func (d *Decoder) walk(node *yaml.Node, v reflect.Value, prefix string) error {
	fields := yamlFields(v.Type())
	return d.pairs(node, prefix, "keys", func(k, val *yaml.Node, path string) error {
		idx, ok := fields[k.Value]
		if !ok {
			return d.Errorf(k, path, "unknown key (valid: %s)", strings.Join(slices.Sorted(maps.Keys(fields)), ", "))
		}
		d.Lines[path] = k.Line
		return d.value(val, v.Field(idx), path)
	})
}

// pairs calls each for every key and value of the mapping node (null: an
// empty mapping) after checking the key; of says what the keys are, for
// the error about a node that is not a mapping.
func (d *Decoder) pairs(node *yaml.Node, prefix, of string, each func(k, val *yaml.Node, path string) error) error {
	node = Deref(node)
	if IsNull(node) {
		return nil
	}
	if node.Kind != yaml.MappingNode {
		return d.Errorf(node, prefix, "want a mapping of %s, got %s", of, Describe(node))
	}
	for i := 0; i+1 < len(node.Content); i += 2 {
		path, err := d.key(node.Content[i], prefix)
		if err == nil {
			err = each(node.Content[i], node.Content[i+1], path)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// key checks a mapping key and returns its dotted path.
func (d *Decoder) key(k *yaml.Node, prefix string) (string, error) {
	path := k.Value
	if prefix != "" {
		path = prefix + "." + k.Value
	}
	if k.Kind != yaml.ScalarNode || k.Tag == "!!merge" {
		return path, d.Errorf(k, prefix, "keys must be plain names (merge keys and complex keys are not supported)")
	}
	if first, dup := d.Lines[path]; dup {
		return path, d.Errorf(k, path, "duplicate key (first at line %d)", first)
	}
	return path, nil
}

// value decodes val into the field f at path.
func (d *Decoder) value(val *yaml.Node, f reflect.Value, path string) error {
	switch {
	case f.Type() == nodeType:
		f.Set(reflect.ValueOf(*Deref(val)))
		return nil
	case f.Kind() == reflect.Struct:
		return d.walk(val, f, path)
	case f.Kind() == reflect.Map && f.Type().Key().Kind() == reflect.String:
		return d.mapping(val, f, path)
	case f.Kind() == reflect.Pointer:
		p := reflect.New(f.Type().Elem())
		if err := d.value(val, p.Elem(), path); err != nil {
			return err
		}
		f.Set(p)
		return nil
	}
	if err := DecodeScalar(val, f); err != nil {
		e := d.Errorf(Deref(val), path, "%s", err.Error())
		e.Err = errors.Unwrap(err)
		return e
	}
	return nil
}

// mapping decodes a mapping of free names (layer names) into the map f.
func (d *Decoder) mapping(node *yaml.Node, f reflect.Value, prefix string) error {
	return d.pairs(node, prefix, "names", func(k, val *yaml.Node, path string) error {
		d.Lines[path] = k.Line
		e := reflect.New(f.Type().Elem()).Elem()
		if err := d.value(val, e, path); err != nil {
			return err
		}
		if f.IsNil() {
			f.Set(reflect.MakeMap(f.Type()))
		}
		f.SetMapIndex(reflect.ValueOf(k.Value), e)
		return nil
	})
}

// Strict decodes data once more with yaml.v3's own strict decoder
// (KnownFields) into v, as a second line of defence after Decode: an error
// names the line yaml.v3 gives and the key lines knows on it.
func Strict(data []byte, v any, file string, lines Lines) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return FromYAML(file, err, lines)
	}
	return nil
}

var yamlLineRE = regexp.MustCompile(`(?s)^(?:yaml: )?line (\d+): (.*)$`)

// FromYAML turns a yaml.v3 error ("yaml: line 3: ..." or a *yaml.TypeError
// with "line 5: cannot unmarshal ...") into a *FieldError naming the file,
// the line and, where lines knows a key on that line, the field path.
func FromYAML(file string, err error, lines Lines) *FieldError {
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	e := &FieldError{File: file, Msg: strings.TrimPrefix(msg, "yaml: "), Err: err}
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		e.Msg = m[2]
		e.Field = lines.AtLine(e.Line)
	}
	e.Msg = strings.Join(strings.Fields(e.Msg), " ")
	return e
}

// DecodeScalar decodes the YAML scalar n into f (a settable scalar value)
// strictly: a mapping, a list or null is an error, and so is a non-integer
// into an integer field (yaml.v3 would truncate 16.5 to 16 silently). The
// error says what is wrong ("want an integer, got \"16.5\""), without file
// or line.
func DecodeScalar(n *yaml.Node, f reflect.Value) error {
	n = Deref(n)
	want := wantType(f.Kind())
	switch {
	case n.Kind != yaml.ScalarNode:
		return fmt.Errorf("want %s, got %s", want, Describe(n))
	case IsNull(n):
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

// Deref follows an alias to the node it names.
func Deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// IsNull reports whether n is a null scalar ("key:" with nothing after it).
func IsNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// Describe names a node's kind for error messages.
func Describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if IsNull(n) {
			return "nothing (null)"
		}
		return fmt.Sprintf("the value %q", n.Value)
	}
	return "an unexpected YAML node"
}

func isInt(k reflect.Kind) bool {
	switch k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

// wantType describes what a field of kind k accepts.
func wantType(k reflect.Kind) string {
	switch {
	case k >= reflect.Uint && k <= reflect.Uint64:
		return "an integer ≥ 0"
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
