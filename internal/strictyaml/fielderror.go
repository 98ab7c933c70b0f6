package strictyaml

import (
	"fmt"
	"strconv"
)

// FieldError is a problem with one field of a configuration file. Its
// message reads "FILE:LINE: field.path: what is wrong"; File and Line are
// omitted when unknown (a value built in Go), Field when the problem is not
// about one key (a YAML syntax error).
type FieldError struct {
	File  string // file name as given to the reader; "" if none
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

// Lines maps the dotted path of every key read from a file to its line.
type Lines map[string]int

// Of is the line of path, or of its nearest ancestor present, or 0.
func (l Lines) Of(path string) int {
	for p := path; p != ""; p = parent(p) {
		if n, ok := l[p]; ok {
			return n
		}
	}
	return 0
}

// AtLine is the deepest key path recorded at line, or "".
func (l Lines) AtLine(line int) string {
	best := ""
	for p, n := range l {
		if n == line && (len(p) > len(best) || (len(p) == len(best) && p < best)) {
			best = p
		}
	}
	return best
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
