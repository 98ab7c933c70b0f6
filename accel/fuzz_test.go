package accel

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse: Parse never panics, every error is a one-line *FieldError
// naming the file, and every accepted spec validates, is idempotent under
// Defaults and keeps its file name.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(presetDir, "*.yaml"))
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(minimal))
	f.Add([]byte(minimal + "energy: {mac_pj: 1e308, static_mw: -0}\ncodebook: {index_bits: 16, entries: 65536}\n"))
	f.Add([]byte("version: 1\na: &x [*x]\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data, "f.yaml")
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("error %T %q is not a *FieldError", err, err)
			}
			if !strings.HasPrefix(err.Error(), "f.yaml") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("accepted spec does not validate: %v", err)
		}
		before := *s
		s.Defaults()
		if *s != before {
			t.Fatalf("Defaults changed an accepted spec:\n%+v\n%+v", before, *s)
		}
		if s.File() != "f.yaml" || s.Line("version") == 0 {
			t.Fatalf("source lost: file %q, version line %d", s.File(), s.Line("version"))
		}
	})
}
