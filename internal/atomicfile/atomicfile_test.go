package atomicfile

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.npz")
	if err := Write(path, func(w io.Writer) error { _, err := w.Write([]byte("one")); return err }); err != nil {
		t.Fatal(err)
	}
	// A failing writer leaves the old file and no temporary file.
	err := Write(path, func(w io.Writer) error { w.Write([]byte("tw")); return errors.New("boom") })
	if err == nil || !strings.Contains(err.Error(), path) || strings.Contains(err.Error(), ".tmp") {
		t.Fatalf("error %v: want one naming %s and no temporary file", err, path)
	}
	if b, _ := os.ReadFile(path); string(b) != "one" {
		t.Fatalf("file holds %q after a failed write", b)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Fatalf("%d entries, want 1", len(ents))
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode().Perm())
	}
	// Into a missing directory: the error names the user's path.
	bad := filepath.Join(dir, "nope", "x.npz")
	if err := Write(bad, func(io.Writer) error { return nil }); err == nil || !strings.HasPrefix(err.Error(), bad+": ") {
		t.Fatalf("error %v, want prefix %q", err, bad)
	}
}

// TestCleanStale: the temporary files of killed writers go at the next
// write; those of running writers and unrelated files stay.
func TestCleanStale(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.npz")
	// A process that has exited: its PID is free (until reused).
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip("no 'true' command:", err)
	}
	dead := cmd.Process.Pid
	old := time.Now().Add(-2 * time.Hour)
	files := map[string]bool{ // name → should survive
		".m.npz." + strconv.Itoa(dead) + "-123.tmp":        false,
		".m.npz." + strconv.Itoa(os.Getpid()) + "-456.tmp": true, // a running writer (us)
		".m.npz.98765.tmp":                            false, // legacy, old
		".m.npz.tmp4321":                              false, // legacy reports, old
		".m.npz.55555.tmp-fresh":                      true,  // not a temporary name
		".other.npz." + strconv.Itoa(dead) + "-1.tmp": true,  // another target
		"m.npz.bak":                                   true,
	}
	for name := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(p, old, old)
	}
	fresh := filepath.Join(dir, ".m.npz.777.tmp") // legacy but recent: may be in use
	os.WriteFile(fresh, []byte("x"), 0o600)
	files[".m.npz.777.tmp"] = true
	if err := Write(path, func(w io.Writer) error { _, err := w.Write([]byte("v")); return err }); err != nil {
		t.Fatal(err)
	}
	for name, keep := range files {
		_, err := os.Stat(filepath.Join(dir, name))
		if (err == nil) != keep {
			t.Errorf("%s: exists %v, want %v", name, err == nil, keep)
		}
	}
}
