package reports

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/dcsim/dcsim/internal/fielderr"
	"github.com/mattn/go-runewidth"
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
	// Left is the number of leading columns (names) aligned left; the
	// others, numbers, are aligned right.
	Left int
	// LeftAlso lists further columns (by index) aligned left.
	LeftAlso []int
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

// ParseFormat checks a format name; an unknown name is a *fielderr.Error on
// "format" that lists the valid ones.
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
	return "", fielderr.Errorf("format", "%q: unknown (valid: %s)", s, strings.Join(names, ", "))
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

// MaxTextWidth is the terminal width text tables are made to fit. A table
// whose columns would be wider is printed in expanded form instead, one
// record per row with a field per line (like psql's \x). The simulate
// tables are designed to fit as tables.
const MaxTextWidth = 100

// WriteText renders the table with tablewriter in a compact style that
// suits a terminal: no vertical rules, two spaces between columns, a rule
// under the header and above the footer, no trailing spaces. A table is
// as wide as its cells plus two columns per gap.
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
	if t.textWidth() > MaxTextWidth {
		return t.writeExpanded(w)
	}
	r := renderer.NewBlueprint(tw.Rendition{
		Borders: tw.BorderNone,
		Symbols: tw.NewSymbols(tw.StyleLight),
		Settings: tw.Settings{
			Separators: tw.Separators{BetweenColumns: tw.Off, BetweenRows: tw.Off,
				ShowHeader: tw.On, ShowFooter: tw.On},
			Lines: tw.Lines{ShowHeaderLine: tw.On, ShowFooterLine: tw.On},
		},
	})
	align := t.alignment()
	tw2 := &trimWriter{w: w}
	tbl := tablewriter.NewTable(tw2,
		tablewriter.WithRenderer(r),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithFooterAutoFormat(tw.Off),
		tablewriter.WithPadding(tw.Padding{Left: "", Right: "  ", Overwrite: true}),
		tablewriter.WithHeaderAlignmentConfig(tw.CellAlignment{PerColumn: align}),
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: align}),
		tablewriter.WithFooterAlignmentConfig(tw.CellAlignment{PerColumn: align}),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderPaddingPerColumn(t.padding()),
		tablewriter.WithRowPaddingPerColumn(t.padding()),
		tablewriter.WithFooterPaddingPerColumn(t.padding()),
	)
	if err := t.fill(tbl, tw2, ""); err != nil {
		return err
	}
	return tw2.flush()
}

// textWidth is the width of the compact text rendering: the widest cell of
// every column plus two spaces between columns.
func (t Table) textWidth() int {
	wid := make([]int, len(t.Header))
	for _, row := range append(append([][]string{t.Header}, t.Rows...), t.Footer) {
		for i, c := range row {
			if i < len(wid) {
				wid[i] = max(wid[i], runewidth.StringWidth(c))
			}
		}
	}
	sum := 2 * max(len(wid)-1, 0)
	for _, v := range wid {
		sum += v
	}
	return sum
}

// writeExpanded prints every row (and the footer) as a record: a rule
// naming the record, then one "header  value" line per column.
func (t Table) writeExpanded(w io.Writer) error {
	kw := 0
	for _, h := range t.Header {
		kw = max(kw, runewidth.StringWidth(h))
	}
	rows := t.Rows
	if len(t.Footer) > 0 {
		rows = append(rows[:len(rows):len(rows)], t.Footer)
	}
	var b strings.Builder
	for i, row := range rows {
		label := fmt.Sprintf("─[ %d ]", i+1)
		if len(t.Footer) > 0 && i == len(rows)-1 {
			label = "─[ total ]"
		}
		b.WriteString(label + strings.Repeat("─", max(kw+20-runewidth.StringWidth(label), 4)) + "\n")
		for j, h := range t.Header {
			v := ""
			if j < len(row) {
				v = row[j]
			}
			if v == "" {
				continue
			}
			b.WriteString(runewidth.FillRight(h, kw) + "  " + v + "\n")
		}
	}
	for _, n := range t.Notes {
		b.WriteString(n + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// alignment is the per-column alignment: Left columns left, the rest right.
func (t Table) alignment() []tw.Align {
	a := make([]tw.Align, len(t.Header))
	for i := range a {
		a[i] = tw.AlignRight
		if i < t.Left || slices.Contains(t.LeftAlso, i) {
			a[i] = tw.AlignLeft
		}
	}
	return a
}

// padding puts two spaces after every column but the last.
func (t Table) padding() []tw.Padding {
	p := make([]tw.Padding, len(t.Header))
	for i := range p {
		p[i] = tw.Padding{Left: "", Right: "  ", Overwrite: true}
	}
	if len(p) > 0 {
		p[len(p)-1] = tw.PaddingNone
	}
	return p
}

// trimWriter drops trailing spaces from every line written through it.
type trimWriter struct {
	w   io.Writer
	buf []byte
}

func (t *trimWriter) Write(p []byte) (int, error) {
	for _, b := range p {
		if b != '\n' {
			t.buf = append(t.buf, b)
			continue
		}
		line := strings.TrimRight(string(t.buf), " ")
		t.buf = t.buf[:0]
		if _, err := io.WriteString(t.w, line+"\n"); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

func (t *trimWriter) flush() error {
	if len(t.buf) == 0 {
		return nil
	}
	line := strings.TrimRight(string(t.buf), " ")
	t.buf = t.buf[:0]
	_, err := io.WriteString(t.w, line)
	return err
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
		tablewriter.WithHeaderAlignmentConfig(tw.CellAlignment{PerColumn: t.alignment()}),
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: t.alignment()}),
		tablewriter.WithFooterAlignmentConfig(tw.CellAlignment{PerColumn: t.alignment()}),
	)
	if err := t.fill(tbl, w, "\n"); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// fill renders the table and then its notes, after sep (Markdown needs a
// blank line, or a note would read as one more table row).
func (t Table) fill(tbl *tablewriter.Table, w io.Writer, sep string) error {
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
	if len(t.Notes) > 0 && sep != "" {
		if _, err := io.WriteString(w, sep); err != nil {
			return err
		}
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
