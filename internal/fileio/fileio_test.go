package fileio

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestReadLimited(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	if err := os.WriteFile(p, []byte("12345"), 0o644); err != nil {
		t.Fatal(err)
	}
	if d, big, err := ReadLimited(p, 5); err != nil || big || string(d) != "12345" {
		t.Errorf("at the limit: %q, %v, %v", d, big, err)
	}
	if d, big, err := ReadLimited(p, 4); err != nil || !big || d != nil {
		t.Errorf("over the limit: %q, %v, %v", d, big, err)
	}
	var pe *fs.PathError
	if _, _, err := ReadLimited(filepath.Join(dir, "missing"), 5); !errors.As(err, &pe) {
		t.Errorf("missing file: %v, want a *fs.PathError", err)
	}
}
