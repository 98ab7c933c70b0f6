package accel

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestShippedYAMLLoad loads every YAML in configs/accelerators (including
// files other work adds) and requires it to validate.
func TestShippedYAMLLoad(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", presetDir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no YAML files in %s", presetDir)
	}
	for _, f := range files {
		s, err := Load(f)
		if err != nil {
			t.Errorf("Load(%s): %v", f, err)
			continue
		}
		if want := strings.TrimSuffix(filepath.Base(f), ".yaml"); s.Name != want {
			t.Errorf("%s: name %q, want the file's base name %q", f, s.Name, want)
		}
	}
}

// TestPresetsAreTheFiles: the built-in presets are exactly the YAML files
// of configs/accelerators, each equal to the file loaded from disk.
func TestPresetsAreTheFiles(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", presetDir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var onDisk []string
	for _, f := range files {
		onDisk = append(onDisk, strings.TrimSuffix(filepath.Base(f), ".yaml"))
	}
	slices.Sort(onDisk)
	if got := PresetNames(); !slices.Equal(got, onDisk) {
		t.Fatalf("PresetNames() = %v, want the files %v", got, onDisk)
	}
	for _, name := range onDisk {
		p, err := Preset(name)
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(filepath.Join("..", presetDir, name+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		s, err := Parse(data, presetDir+"/"+name+".yaml")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(p, s) {
			t.Errorf("preset %s differs from its file:\npreset %+v\nfile   %+v", name, *p, *s)
		}
	}
}

func TestDefaultSpec(t *testing.T) {
	d := DefaultSpec()
	if d.Name != DefaultPresetName {
		t.Errorf("DefaultSpec().Name = %q, want %q", d.Name, DefaultPresetName)
	}
	p, _ := Preset(DefaultPresetName)
	got, want := *d, *p
	got.src, want.src = nil, nil
	if got != want {
		t.Errorf("DefaultSpec() differs from Preset(%q)", DefaultPresetName)
	}
	// Fresh copies: mutating one must not change the next.
	d.Array.Rows = 7
	if DefaultSpec().Array.Rows != 32 {
		t.Error("DefaultSpec returns shared state")
	}
}

func TestPresetUnknown(t *testing.T) {
	_, err := Preset("tpu-v9")
	if err == nil {
		t.Fatal("Preset(tpu-v9): no error")
	}
	for _, n := range PresetNames() {
		if !strings.Contains(err.Error(), n) {
			t.Errorf("error %q does not list valid preset %q", err, n)
		}
	}
	if got := len(Presets()); got != len(PresetNames()) {
		t.Errorf("len(Presets()) = %d, want %d", got, len(PresetNames()))
	}
}
