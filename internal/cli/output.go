package cli

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/dcsim/dcsim/internal/codesign"
	"github.com/dcsim/dcsim/reports"
	"github.com/dcsim/dcsim/sim"
	"github.com/spf13/cobra"
)

// The "format" key of the JSON documents `dcsim report` reads, so it tells
// them apart by name and version rather than by shape.
const (
	simulateFormat = "dcsim-simulate/1"
	codesignFormat = "dcsim-codesign/1"
)

// simulateDoc is simulate's JSON document: the result with its format.
type simulateDoc struct {
	Format string `json:"format"`
	sim.Result
}

// codesignDoc is codesign's JSON document: the result with its format.
type codesignDoc struct {
	Format string `json:"format"`
	*codesign.Result
}

// outputFlags are the --format and --out flags shared by every command that
// prints results.
type outputFlags struct {
	format string
	out    string
}

func (o *outputFlags) add(cmd *cobra.Command, outHelp string) {
	cmd.Flags().StringVar(&o.format, "format", "table", "output format: table, json, csv or md")
	if outHelp != "" {
		cmd.Flags().StringVar(&o.out, "out", "", outHelp)
	}
}

// parse checks the --format value before any work is done.
func (o *outputFlags) parse() (reports.Format, error) {
	f, err := reports.ParseFormat(o.format)
	return f, flagError(err, valueFields)
}

// emit renders doc/tables in format f to stdout.
func (e *env) emit(f reports.Format, doc any, tables ...reports.Table) error {
	var buf bytes.Buffer
	if err := reports.Render(&buf, f, doc, tables...); err != nil {
		return internal(err)
	}
	if _, err := e.stdout.Write(buf.Bytes()); err != nil {
		return internal(err)
	}
	return nil
}

// checkOut checks, before any work, that an output file can be written at
// path: not a directory, its directory present (or creatable) and
// writable. The probe is a temporary file named as atomicfile names its own,
// removed at once. Failures are bad input naming the flag and path.
func checkOut(flag, path string) error {
	if path == "" {
		return nil
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return inputf("%s %s: is a directory (want a file path)", flag, path)
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return inputf("%s %s: cannot create directory %s: %v", flag, path, dir, unwrapPath(err))
	}
	f, err := os.CreateTemp(dir, "."+base+"."+strconv.Itoa(os.Getpid())+"-*.tmp")
	if err != nil {
		return inputf("%s %s: cannot write in %s: %v", flag, path, dir, unwrapPath(err))
	}
	f.Close()
	os.Remove(f.Name())
	return nil
}

// checkOutDir is checkOut for an output directory: created if absent,
// writable, not a file.
func checkOutDir(flag, dir string) error {
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		return inputf("%s %s: is a file (want a directory)", flag, dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return inputf("%s %s: cannot create directory: %v", flag, dir, unwrapPath(err))
	}
	return checkOut(flag, filepath.Join(dir, "report.md"))
}

// unwrapPath is the cause of a *fs.PathError (whose path may be a probe
// file the user never named), or err.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
