package accel

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/dcsim/dcsim/internal/fileio"
	"github.com/dcsim/dcsim/internal/strictyaml"

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
	root, err := strictyaml.Document(data, filename, "an accelerator spec with version: 1",
		"version, name, clock_mhz, array, memory, ...")
	if err != nil {
		return nil, err
	}
	s := &Spec{src: &source{file: filename, lines: strictyaml.Lines{}}}
	if root, err = s.splitByKind(root); err != nil {
		return nil, err
	}
	d := strictyaml.Decoder{File: filename, Lines: s.src.lines}
	if err := d.Decode(root, s); err != nil {
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
// (KnownFields) as a second line of defence; the walk has already caught
// every problem it could report.
func (s *Spec) strictDecode(data []byte) error {
	file := struct {
		*Spec  `yaml:",inline"`
		ByKind yaml.Node `yaml:"by_kind"` // checked by splitByKind
	}{Spec: s}
	return strictyaml.Strict(data, &file, s.src.file, s.src.lines)
}

// nodeError is a FieldError at node's line.
func (s *Spec) nodeError(n *yaml.Node, path, format string, args ...any) *FieldError {
	return &FieldError{File: s.src.file, Line: n.Line, Field: s.src.prefix + path, Msg: fmt.Sprintf(format, args...)}
}

// DecodeScalar decodes one YAML scalar into f strictly, as accelerator
// files are read (see strictyaml.DecodeScalar).
func DecodeScalar(n *yaml.Node, f reflect.Value) error { return strictyaml.DecodeScalar(n, f) }
