package fielderr

import (
	"fmt"
	"regexp"
	"strconv"
)

// Error is a problem with one field. Its message reads
// "FILE:LINE: field.path: what is wrong"; File and Line are omitted when
// unknown (a value built in Go), Field when the problem is not about one
// field (a YAML syntax error). Msg names any other field it mentions by
// that field's name, as a whole word ("set both conv_keep and fc_keep"),
// so Rename can rename it as well.
type Error struct {
	File  string // file name as given to the reader; "" if none
	Line  int    // 1-based line; 0 if unknown
	Field string // dotted path, e.g. "array.rows" or "train.lr"
	Msg   string // what is wrong
	Err   error  // underlying error, if any (e.g. from yaml.v3)
}

// Errorf is an error about field with a formatted message.
func Errorf(field, format string, args ...any) *Error {
	return &Error{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// Error implements error.
func (e *Error) Error() string {
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
func (e *Error) Unwrap() error { return e.Err }

// In places the field of err under parent: "lr" in "train" is
// "train.lr". It returns a copy; an err that is not an *Error itself (nil,
// or one that wraps an *Error in more context) is returned as is.
func In(parent string, err error) error {
	fe, ok := err.(*Error)
	if !ok {
		return err
	}
	c := *fe
	c.Field = join(parent, c.Field)
	return &c
}

// Within says where a problem with a file's field showed up: for an err
// that is an *Error naming a file, a copy whose message starts with context
// ("layer \"conv1\": "), so the line still starts with file:line: field;
// any other err is wrapped as "context: err".
func Within(context string, err error) error {
	if fe, ok := err.(*Error); ok && fe.File != "" {
		c := *fe
		c.Msg = context + ": " + c.Msg
		return &c
	}
	return fmt.Errorf("%s: %w", context, err)
}

// join is the dotted path parent.field ("" parts left out).
func join(parent, field string) string {
	switch {
	case parent == "":
		return field
	case field == "":
		return parent
	}
	return parent + "." + field
}

// word is a field name or dotted path as it stands in a message.
var word = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*`)

// Rename returns a copy of err with its field, and every field named in
// its message, renamed by names (a field not in names keeps its name); an
// err that is not an *Error itself is returned as is, so no context is
// lost. The command line maps field names to its flags with it
// ("conv_keep" → "--conv-keep").
func Rename(err error, names map[string]string) error {
	fe, ok := err.(*Error)
	if !ok {
		return err
	}
	c := *fe
	if n, ok := names[c.Field]; ok {
		c.Field = n
	}
	c.Msg = renameWords(c.Msg, names)
	return &c
}

// renameWords renames the field names in msg; a quoted word is a value the
// user gave, not a name, and stays.
func renameWords(msg string, names map[string]string) string {
	var b []byte
	last := 0
	for _, m := range word.FindAllStringIndex(msg, -1) {
		n, ok := names[msg[m[0]:m[1]]]
		if !ok || (m[0] > 0 && msg[m[0]-1] == '"') || (m[1] < len(msg) && msg[m[1]] == '"') {
			continue
		}
		b = append(append(b, msg[last:m[0]]...), n...)
		last = m[1]
	}
	return string(append(b, msg[last:]...))
}
