package accel

import (
	"path/filepath"
	"strings"
	"testing"
)

const presetDir = "../configs/accelerators"

// TestShippedYAMLLoad loads every YAML in configs/accelerators (including
// files other work adds) and requires it to validate.
func TestShippedYAMLLoad(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(presetDir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < len(presets) {
		t.Fatalf("found %d YAML files in %s, want at least %d", len(files), presetDir, len(presets))
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

// TestPresetsMatchYAML keeps each Go preset and its YAML twin identical.
func TestPresetsMatchYAML(t *testing.T) {
	for _, name := range PresetNames() {
		p, err := Preset(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Validate(); err != nil {
			t.Errorf("preset %s: Validate: %v", name, err)
		}
		s, err := Load(filepath.Join(presetDir, name+".yaml"))
		if err != nil {
			t.Errorf("preset %s has no loadable YAML twin: %v", name, err)
			continue
		}
		got := *s
		got.src = nil
		if got != *p {
			t.Errorf("preset %s: YAML and Go differ:\nyaml %+v\ngo   %+v", name, got, *p)
		}
	}
}

func TestDefaultSpec(t *testing.T) {
	d := DefaultSpec()
	if d.Name != DefaultPresetName {
		t.Errorf("DefaultSpec().Name = %q, want %q", d.Name, DefaultPresetName)
	}
	p, _ := Preset(DefaultPresetName)
	if *d != *p {
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
