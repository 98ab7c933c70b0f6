package reports

import (
	"bufio"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter/pkg/twwidth"
)

// fastRows is the row count above which text and Markdown tables are drawn
// by the linear renderer below instead of tablewriter, whose per-row cost
// (about 0.3 ms for an 18-column row, most of it width caches and maps) made
// a 10^5-layer table take half a minute. Both give the same bytes for the
// tables dcsim prints (TestFastTableMatchesTablewriter); tablewriter keeps
// the small tables in case its layout options change.
const fastRows = 500

// fastable reports whether the linear renderer can draw t: many rows, and
// single-line cells (tablewriter wraps multi-line cells).
func (t Table) fastable() bool {
	if len(t.Rows) <= fastRows || len(t.Header) == 0 {
		return false
	}
	for _, r := range append(append([][]string{t.Header}, t.Rows...), t.Footer) {
		for _, c := range r {
			if strings.ContainsAny(c, "\n\r\t") {
				return false
			}
		}
	}
	return true
}

// widths is the display width of each column over header, rows and footer.
func (t Table) widths() []int {
	w := make([]int, len(t.Header))
	for _, r := range append(append([][]string{t.Header}, t.Rows...), t.Footer) {
		for i, c := range r {
			if i < len(w) {
				w[i] = max(w[i], twwidth.WidthNoCache(c))
			}
		}
	}
	return w
}

// cell writes c padded to width: centred (header) or right-aligned, with one
// space of padding on each side.
func cell(b *bufio.Writer, c string, width int, centre bool) {
	gap := width - twwidth.WidthNoCache(c)
	left := gap
	if centre {
		left = gap / 2
	}
	b.WriteByte(' ')
	b.WriteString(strings.Repeat(" ", left))
	b.WriteString(c)
	b.WriteString(strings.Repeat(" ", gap-left))
	b.WriteByte(' ')
}

// row writes one table row between the given separators; cells missing at
// the end of r are empty.
func row(b *bufio.Writer, r []string, w []int, centre bool, edge, mid string) {
	b.WriteString(edge)
	for i, width := range w {
		if i > 0 {
			b.WriteString(mid)
		}
		c := ""
		if i < len(r) {
			c = r[i]
		}
		cell(b, c, width, centre)
	}
	b.WriteString(edge)
	b.WriteByte('\n')
}

// rule writes a horizontal line of the box: left, junction and right glyphs.
func rule(b *bufio.Writer, w []int, left, junction, right string) {
	b.WriteString(left)
	for i, width := range w {
		if i > 0 {
			b.WriteString(junction)
		}
		b.WriteString(strings.Repeat("─", width+2))
	}
	b.WriteString(right)
	b.WriteByte('\n')
}

// fastText draws t as tablewriter's default box does (title, header
// centred, rows and footer right-aligned, notes), in one pass over the rows.
func (t Table) fastText(w io.Writer) error {
	b := bufio.NewWriterSize(w, 64<<10)
	if t.Title != "" {
		b.WriteString(t.Title + "\n")
	}
	cw := t.widths()
	rule(b, cw, "┌", "┬", "┐")
	row(b, t.Header, cw, true, "│", "│")
	rule(b, cw, "├", "┼", "┤")
	for _, r := range t.Rows {
		row(b, r, cw, false, "│", "│")
	}
	if len(t.Footer) > 0 {
		rule(b, cw, "├", "┼", "┤")
		row(b, t.Footer, cw, false, "│", "│")
	}
	rule(b, cw, "└", "┴", "┘")
	for _, n := range t.Notes {
		b.WriteString(n + "\n")
	}
	return b.Flush()
}

// fastMarkdown draws t as tablewriter's Markdown renderer does.
func (t Table) fastMarkdown(w io.Writer) error {
	b := bufio.NewWriterSize(w, 64<<10)
	if t.Title != "" {
		b.WriteString("### " + t.Title + "\n\n")
	}
	cw := t.widths()
	row(b, t.Header, cw, true, "|", "|")
	b.WriteByte('|')
	for i, width := range cw {
		if i > 0 {
			b.WriteByte('|')
		}
		b.WriteString(strings.Repeat("-", width+1) + ":")
	}
	b.WriteString("|\n")
	for _, r := range t.Rows {
		row(b, r, cw, false, "|", "|")
	}
	if len(t.Footer) > 0 {
		row(b, t.Footer, cw, false, "|", "|")
	}
	for _, n := range t.Notes {
		b.WriteString(n + "\n")
	}
	b.WriteByte('\n')
	return b.Flush()
}
