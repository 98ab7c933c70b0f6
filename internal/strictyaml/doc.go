// Package strictyaml reads dcsim's configuration files strictly and reports
// every problem in one form, a *FieldError that reads
// "file:line: field.path: what is wrong".
//
// Strict means: one YAML document whose top level is a mapping; every key
// known to the target struct (an unknown key lists the valid ones); no key
// twice; no merge or complex keys; scalars of the field's type, with a
// non-integer into an integer field an error (yaml.v3 would truncate 16.5
// to 16); null only where a section may be left empty. Decoder.Decode walks
// the yaml.v3 node tree itself so it can name the dotted path and the line
// of every key; Strict decodes once more with yaml.v3's KnownFields as a
// second line of defence.
//
// It imports only internal/fielderr (FieldError is its Error), the
// standard library and gopkg.in/yaml.v3: accel, sim,
// internal/sweep and internal/experiment read their files with it.
package strictyaml
