package strictyaml

import "github.com/dcsim/dcsim/internal/fielderr"

// FieldError is dcsim's one field error, internal/fielderr's Error: its
// message reads "FILE:LINE: field.path: what is wrong".
type FieldError = fielderr.Error

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
