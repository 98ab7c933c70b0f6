// Package configs holds the configuration files that ship with dcsim, so a
// binary installed outside the source tree has them too. The accelerator
// presets (accelerators/*.yaml) are the only source of accel's built-in
// specs; the files' schema is documented in README.md next to them.
package configs

import "embed"

// Accelerators holds accelerators/<name>.yaml, one built-in accelerator
// per file.
//
//go:embed accelerators/*.yaml
var Accelerators embed.FS
