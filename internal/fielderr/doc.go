// Package fielderr holds dcsim's one typed field error: a problem with one
// field of a configuration file or of a settings struct, reading
// "file:line: field.path: what is wrong".
//
// Libraries name their settings fields in the spelling of the file format
// that sets them (nn.TrainSettings.WeightDecay is "weight_decay", as a
// pruning experiment's train section spells it; a field no file sets is
// the snake_case of its Go name), so a reader of that format only adds the
// file and line, and the command line maps the names to its flags (Rename)
// in one place. internal/strictyaml's FieldError is this type.
//
// It imports only the standard library, so numerical packages (nn) can
// return it without the YAML reader.
package fielderr
