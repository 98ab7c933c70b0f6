package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/dcsim/dcsim/reports"
	"github.com/spf13/cobra"
)

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
	return reports.ParseFormat(o.format)
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

// writeFileAtomic writes data to path through a temporary file in the same
// directory and a rename, so an interrupted run never leaves a half-written
// file behind.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after a successful rename
	if err := write(f); err != nil {
		f.Close()
		return internal(fmt.Errorf("%s: %w", path, err))
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return internal(fmt.Errorf("%s: %w", path, err))
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return internal(fmt.Errorf("%s: %w", path, err))
	}
	if err := f.Close(); err != nil {
		return internal(fmt.Errorf("%s: %w", path, err))
	}
	if err := os.Rename(tmp, path); err != nil {
		return internal(fmt.Errorf("%s: %w", path, err))
	}
	return nil
}
