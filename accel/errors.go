package accel

import (
	"fmt"

	"github.com/dcsim/dcsim/internal/strictyaml"
)

// FieldError is a problem with one field of an accelerator spec; its
// message reads "FILE:LINE: field.path: what is wrong" (see
// strictyaml.FieldError, the one field error of every dcsim config file).
type FieldError = strictyaml.FieldError

// source is where a Spec came from: the file name and, for every dotted key
// path present in the file, the line of its key.
type source struct {
	file  string
	lines strictyaml.Lines
	// For a by_kind spec: prefix ("by_kind.fc.") names the keys it gives
	// itself (override) in messages.
	prefix   string
	override map[string]bool
}

// fieldError builds a FieldError for path, naming the file and the line of
// path (or of its nearest enclosing section present in the file).
func (s *Spec) fieldError(path, format string, args ...any) *FieldError {
	e := &FieldError{Field: path, Msg: fmt.Sprintf(format, args...)}
	if s.src == nil {
		return e
	}
	if s.src.override[path] {
		e.Field = s.src.prefix + path
	}
	e.File = s.src.file
	e.Line = s.src.line(path)
	return e
}

// FieldErrorf returns a *FieldError for the dotted key path, naming the
// file and line of the key (or of its nearest enclosing section present)
// when the Spec was loaded from a file.
func (s *Spec) FieldErrorf(path, format string, args ...any) *FieldError {
	return s.fieldError(path, format, args...)
}

// line is the line of path, or of its nearest ancestor present, or 0.
func (src *source) line(path string) int { return src.lines.Of(path) }

// Line returns the line of the dotted key path (e.g. "array.rows") in the
// file the Spec was loaded from, or 0 if the Spec was not loaded from a file
// or the key was not present.
func (s *Spec) Line(path string) int {
	if s.src == nil {
		return 0
	}
	return s.src.lines[path]
}

// File returns the file name the Spec was loaded from, or "".
func (s *Spec) File() string {
	if s.src == nil {
		return ""
	}
	return s.src.file
}
