package reports

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// Table is a rendered-format-independent table: a title, a header, rows and
// an optional footer (totals). Cells are already formatted strings.
type Table struct {
	Title  string
	Header []string
	Rows   [][]string
	Footer []string
	// Notes are printed under the table in text and Markdown output.
	Notes []string
}

// Format names an output format.
type Format string

// Output formats accepted by every command that prints results.
const (
	Text     Format = "table"
	JSON     Format = "json"
	CSV      Format = "csv"
	Markdown Format = "md"
)

// Formats lists the valid format names.
var Formats = []Format{Text, JSON, CSV, Markdown}

// ParseFormat checks a --format value; an unknown name is an error that lists
// the valid ones.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return "", fmt.Errorf("--format: unknown format %q (valid: %s)", s, strings.Join(names, ", "))
}

// Render writes the tables in format f. For JSON, doc is marshalled instead
// (one document on w); the tables are ignored.
func Render(w io.Writer, f Format, doc any, tables ...Table) error {
	switch f {
	case JSON:
		return WriteJSON(w, doc)
	case CSV:
		for i, t := range tables {
			if i > 0 {
				if _, err := io.WriteString(w, "\n"); err != nil {
					return err
				}
			}
			if err := t.WriteCSV(w); err != nil {
				return err
			}
		}
		return nil
	case Markdown:
		for _, t := range tables {
			if err := t.WriteMarkdown(w); err != nil {
				return err
			}
		}
		return nil
	default:
		for _, t := range tables {
			if err := t.WriteText(w); err != nil {
				return err
			}
		}
		return nil
	}
}

// WriteJSON writes v as one indented JSON document followed by a newline.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// WriteText renders the table with tablewriter, numbers right-aligned
// (long tables with the linear renderer of fasttable.go, same bytes).
func (t Table) WriteText(w io.Writer) error {
	if t.fastable() {
		return t.fastText(w)
	}
	return t.writeTextTW(w)
}

func (t Table) writeTextTW(w io.Writer) error {
	if t.Title != "" {
		if _, err := fmt.Fprintln(w, t.Title); err != nil {
			return err
		}
	}
	tbl := tablewriter.NewTable(w,
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithFooterAutoFormat(tw.Off),
		tablewriter.WithRowAlignment(tw.AlignRight),
		tablewriter.WithFooterAlignmentConfig(tw.CellAlignment{Global: tw.AlignRight}),
	)
	return t.fill(tbl, w)
}

// WriteMarkdown renders the table as GitHub-flavoured Markdown (long
// tables with the linear renderer of fasttable.go, same bytes).
func (t Table) WriteMarkdown(w io.Writer) error {
	if t.fastable() {
		return t.fastMarkdown(w)
	}
	return t.writeMarkdownTW(w)
}

func (t Table) writeMarkdownTW(w io.Writer) error {
	if t.Title != "" {
		if _, err := fmt.Fprintf(w, "### %s\n\n", t.Title); err != nil {
			return err
		}
	}
	tbl := tablewriter.NewTable(w,
		tablewriter.WithRenderer(renderer.NewMarkdown()),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithFooterAutoFormat(tw.Off),
		tablewriter.WithRowAlignment(tw.AlignRight),
	)
	if err := t.fill(tbl, w); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func (t Table) fill(tbl *tablewriter.Table, w io.Writer) error {
	tbl.Header(toAny(t.Header)...)
	if err := tbl.Bulk(t.Rows); err != nil {
		return err
	}
	if len(t.Footer) > 0 {
		tbl.Footer(toAny(t.Footer)...)
	}
	if err := tbl.Render(); err != nil {
		return err
	}
	for _, n := range t.Notes {
		if _, err := fmt.Fprintln(w, n); err != nil {
			return err
		}
	}
	return nil
}

// WriteCSV writes the header, the rows and the footer (if any) as CSV.
func (t Table) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(t.Header); err != nil {
		return err
	}
	if err := cw.WriteAll(t.Rows); err != nil {
		return err
	}
	if len(t.Footer) > 0 {
		if err := cw.Write(t.Footer); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func toAny(s []string) []any {
	a := make([]any, len(s))
	for i, v := range s {
		a[i] = v
	}
	return a
}
