package accel

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/dcsim/dcsim/configs"
)

// DefaultPresetName is the preset used when no accelerator file is given
// (`dcsim simulate` without --accel).
const DefaultPresetName = "systolic-32x32"

// presetDir is where the presets live, in the configs package's embedded
// files and in the source tree alike; error messages name files under it.
const presetDir = "configs/accelerators"

// DefaultSpec returns the default accelerator, systolic-32x32 (the example
// of INTERFACES.md: a 32×32 weight-stationary array at 1 GHz with the
// SCALE-Sim v1 default buffers), with every default filled in.
func DefaultSpec() *Spec {
	s, err := Preset(DefaultPresetName)
	if err != nil {
		panic(err) // a shipped file that does not parse: TestPresets fails first
	}
	return s
}

// Preset returns a fresh copy of the named built-in accelerator, parsed from
// configs/accelerators/<name>.yaml as embedded in the binary, defaults
// filled in; errors about its content name that file and line. An unknown
// name is an error listing the valid ones.
func Preset(name string) (*Spec, error) {
	if !slices.Contains(PresetNames(), name) {
		return nil, fmt.Errorf("accel: unknown preset %q (valid: %s)", name, strings.Join(PresetNames(), ", "))
	}
	file := name + ".yaml"
	data, err := configs.Accelerators.ReadFile(path.Join("accelerators", file))
	if err != nil {
		return nil, err
	}
	return Parse(data, path.Join(presetDir, file))
}

// PresetNames returns the names of the built-in accelerators, sorted: the
// base names of configs/accelerators/*.yaml.
func PresetNames() []string {
	files, err := fs.Glob(configs.Accelerators, "accelerators/*.yaml")
	if err != nil {
		panic(err) // the pattern is a constant
	}
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = strings.TrimSuffix(path.Base(f), ".yaml")
	}
	slices.Sort(names)
	return names
}

// Presets returns fresh copies of all built-in accelerators, sorted by name.
func Presets() []*Spec {
	names := PresetNames()
	out := make([]*Spec, len(names))
	for i, n := range names {
		s, err := Preset(n)
		if err != nil {
			panic(err) // a shipped file that does not parse: TestPresets fails first
		}
		out[i] = s
	}
	return out
}
