package cli

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestModelCommandsGolden runs train → prune → cluster → eval on a few
// hundred MNIST images. The JSON of each is golden in its structure (every
// key and the type of its value: numbers vary with the machine's timing),
// and the text table of each fits 100 columns.
func TestModelCommandsGolden(t *testing.T) {
	dir := t.TempDir()
	m0, m1, m2 := filepath.Join(dir, "m.npz"), filepath.Join(dir, "p.npz"), filepath.Join(dir, "c.npz")
	data := []string{"--train-limit", "256", "--test-limit", "256"}
	steps := []struct {
		name string
		args []string
	}{
		{"train", []string{"train", "--model", "lenet-300-100", "--epochs", "1", "--out", m0}},
		{"prune", []string{"prune", "--in", m0, "--keep", "0.3", "--rounds", "1", "--retrain-epochs", "1",
			"--final-epochs", "0", "--out", m1}},
		{"cluster", []string{"cluster", "--in", m1, "--out", m2}},
		{"eval", []string{"eval", "--in", m2}},
	}
	for _, s := range steps {
		args := append(append([]string(nil), s.args...), data...)
		out, errs, code := run(t, append(args, "--format", "json")...)
		if code != 0 {
			if strings.Contains(errs, "MNIST data not found") {
				t.Skip("no MNIST: " + errs)
			}
			t.Fatalf("%s: exit %d: %s", s.name, code, errs)
		}
		var doc any
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatalf("%s: stdout is not one JSON document: %v", s.name, err)
		}
		var lines []string
		jsonShape(&lines, "", doc)
		got := strings.Join(lines, "\n") + "\n"
		path := filepath.Join("testdata", "golden", "json-shape-"+s.name+".txt")
		if *update {
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
		} else if want, err := os.ReadFile(path); err != nil || got != string(want) {
			t.Errorf("%s: JSON structure differs from %s (%v; -update if intended):\n%s", s.name, path, err, got)
		}
		text, errs, code := run(t, args...)
		if code != 0 {
			t.Fatalf("%s (table): exit %d: %s", s.name, code, errs)
		}
		checkWidth(t, s.name, text)
	}
}

// jsonShape lists "path: type" for every value of v (arrays by their
// first element, map keys sorted).
func jsonShape(out *[]string, path string, v any) {
	switch x := v.(type) {
	case map[string]any:
		keys := slices.Sorted(maps.Keys(x))
		*out = append(*out, fmt.Sprintf("%s: object", path))
		for _, k := range keys {
			jsonShape(out, path+"."+k, x[k])
		}
	case []any:
		*out = append(*out, fmt.Sprintf("%s: array", path))
		if len(x) > 0 {
			jsonShape(out, path+"[]", x[0])
		}
	case float64:
		*out = append(*out, path+": number")
	case string:
		*out = append(*out, path+": string")
	case bool:
		*out = append(*out, path+": bool")
	case nil:
		*out = append(*out, path+": null")
	}
}
