package accel

import (
	"fmt"
	"strconv"
)

// FieldError is a problem with one field of an accelerator spec. Its message
// reads "FILE:LINE: field.path: what is wrong"; File and Line are omitted
// when unknown (a Spec built in Go), Field when the problem is not about one
// key (a YAML syntax error).
type FieldError struct {
	File  string // file name as given to Load or Parse; "" if none
	Line  int    // 1-based line; 0 if unknown
	Field string // dotted YAML path, e.g. "array.rows"
	Msg   string // what is wrong
	Err   error  // underlying error, if any (e.g. from yaml.v3)
}

// Error implements error.
func (e *FieldError) Error() string {
	var b []byte
	if e.File != "" {
		b = append(b, e.File...)
		if e.Line > 0 {
			b = append(b, ':')
			b = strconv.AppendInt(b, int64(e.Line), 10)
		}
		b = append(b, ": "...)
	} else if e.Line > 0 {
		b = fmt.Appendf(b, "line %d: ", e.Line)
	}
	if e.Field != "" {
		b = append(b, e.Field...)
		b = append(b, ": "...)
	}
	b = append(b, e.Msg...)
	return string(b)
}

// Unwrap returns the underlying error, if any.
func (e *FieldError) Unwrap() error { return e.Err }

// source is where a Spec came from: the file name and, for every dotted key
// path present in the file, the line of its key.
type source struct {
	file  string
	lines map[string]int
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
func (src *source) line(path string) int {
	for p := path; p != ""; p = parent(p) {
		if l, ok := src.lines[p]; ok {
			return l
		}
	}
	return 0
}

// parent strips the last component of a dotted path ("a.b" → "a", "a" → "").
func parent(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		if path[i] == '.' {
			return path[:i]
		}
	}
	return ""
}

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
