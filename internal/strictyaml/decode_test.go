package strictyaml

import (
	"errors"
	"strings"
	"testing"
)

type inner struct {
	Rows *int    `yaml:"rows"`
	Name string  `yaml:"name"`
	Rate float64 `yaml:"rate"`
}

type outer struct {
	Version int              `yaml:"version"`
	Seed    uint64           `yaml:"seed"`
	Array   inner            `yaml:"array"`
	Layers  map[string]inner `yaml:"layers"`
	Flag    *bool            `yaml:"flag"`
}

func decode(t *testing.T, doc string) (outer, Lines, error) {
	t.Helper()
	var o outer
	root, err := Document([]byte(doc), "x.yaml", "a test file", "version, array")
	if err != nil {
		return o, nil, err
	}
	d := Decoder{File: "x.yaml"}
	err = d.Decode(root, &o)
	return o, d.Lines, err
}

func TestDecode(t *testing.T) {
	o, lines, err := decode(t, "version: 1\narray:\n  rows: 0\nlayers:\n  fc6: {rate: 0.5}\nflag: false\n")
	if err != nil {
		t.Fatal(err)
	}
	if o.Array.Rows == nil || *o.Array.Rows != 0 || o.Flag == nil || *o.Flag || o.Layers["fc6"].Rate != 0.5 || o.Layers["fc6"].Rows != nil {
		t.Errorf("decoded %+v", o)
	}
	for path, want := range map[string]int{"version": 1, "array.rows": 3, "layers.fc6": 5, "layers.fc6.rate": 5, "flag": 6} {
		if lines[path] != want {
			t.Errorf("line of %s = %d, want %d", path, lines[path], want)
		}
	}
	if got := lines.Of("array.rows.x"); got != 3 {
		t.Errorf("Of(array.rows.x) = %d, want 3 (the nearest ancestor)", got)
	}
}

func TestDecodeErrors(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{"", "x.yaml: empty file (want a test file)"},
		{"# nothing\n", "x.yaml: no YAML document (want a test file)"},
		{"version: 1\n---\nversion: 2\n", "x.yaml:2: more than one YAML document; want exactly one"},
		{"- 1\n", `x.yaml:1: document must be a mapping of keys (version, array), got a list`},
		{"version: 1\nverison: 2\n", "x.yaml:2: verison: unknown key (valid: array, flag, layers, seed, version)"},
		{"version: 1\narray:\n  rows: 1\n  rows: 2\n", "x.yaml:4: array.rows: duplicate key (first at line 3)"},
		{"version: 1\narray:\n  rows: 16.5\n", `x.yaml:3: array.rows: want an integer, got "16.5"`},
		{"version: 1\nseed: -1\n", `x.yaml:2: seed: want an integer ≥ 0, got "-1"`},
		{"version: 1\narray: 3\n", `x.yaml:2: array: want a mapping of keys, got the value "3"`},
		{"version: 1\nlayers: [a]\n", `x.yaml:2: layers: want a mapping of names, got a list`},
		{"version: 1\nlayers:\n  fc6: {ratee: 1}\n", "x.yaml:3: layers.fc6.ratee: unknown key (valid: name, rate, rows)"},
		{"version: 1\nflag:\n", "x.yaml:2: flag: no value given (want true or false)"},
		{"version: 1\narray: {rate: [1]}\n", "x.yaml:2: array.rate: want a number, got a list"},
		{"version: 1\n<<: {seed: 1}\n", "x.yaml:2: keys must be plain names"},
		{"version: 1\nflag: : :\n", "x.yaml:2: mapping values are not allowed in this context"},
	} {
		_, _, err := decode(t, tc.doc)
		var fe *FieldError
		if err == nil || !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want a *FieldError starting %q", tc.doc, err, tc.want)
		}
	}
}

// TestFromYAML covers the fallback for errors only yaml.v3's strict decoder
// reports: the "line N:" prefix becomes FILE:N: path.
func TestFromYAML(t *testing.T) {
	lines := Lines{"array": 4, "array.rows": 5}
	err := FromYAML("x.yaml", errors.New("yaml: line 5: cannot unmarshal !!str `abc` into int"), lines)
	if want := "x.yaml:5: array.rows: cannot unmarshal !!str `abc` into int"; err.Error() != want {
		t.Errorf("got %q, want %q", err, want)
	}
}

func TestFieldErrorForms(t *testing.T) {
	for _, tc := range []struct {
		e    FieldError
		want string
	}{
		{FieldError{File: "a.yaml", Line: 3, Field: "x.y", Msg: "bad"}, "a.yaml:3: x.y: bad"},
		{FieldError{File: "a.yaml", Msg: "bad"}, "a.yaml: bad"},
		{FieldError{Line: 2, Field: "x", Msg: "bad"}, "line 2: x: bad"},
		{FieldError{Field: "x", Msg: "bad"}, "x: bad"},
	} {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.e, got, tc.want)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte("version: 1\narray:\n  rows: 0\nlayers:\n  fc6: {rate: 0.5}\n"))
	f.Add([]byte("version: &a 1\nseed: *a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var o outer
		root, err := Document(data, "f.yaml", "x", "y")
		if err == nil {
			d := Decoder{File: "f.yaml"}
			err = d.Decode(root, &o)
		}
		var fe *FieldError
		if err != nil && (!errors.As(err, &fe) || !strings.HasPrefix(err.Error(), "f.yaml")) {
			t.Errorf("error %q is not a *FieldError naming the file", err)
		}
	})
}
