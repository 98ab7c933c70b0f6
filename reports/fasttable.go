package reports

import (
	"bufio"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter/pkg/twwidth"
	"github.com/olekukonko/tablewriter/tw"
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

// pad returns c padded to width, right-aligned unless left.
func pad(c string, width int, left bool) string {
	gap := strings.Repeat(" ", max(width-twwidth.WidthNoCache(c), 0))
	if left {
		return c + gap
	}
	return gap + c
}

// compactRow writes one row of the compact text style: cells aligned per
// column, two spaces between columns, no trailing spaces.
func compactRow(b *bufio.Writer, r []string, w []int, left []bool) {
	var line strings.Builder
	for i, width := range w {
		if i > 0 {
			line.WriteString("  ")
		}
		c := ""
		if i < len(r) {
			c = r[i]
		}
		line.WriteString(pad(c, width, left[i]))
	}
	b.WriteString(strings.TrimRight(line.String(), " "))
	b.WriteByte('\n')
}

// leftColumns reports per column whether it is left-aligned (alignment).
func (t Table) leftColumns() []bool {
	left := make([]bool, len(t.Header))
	for i, a := range t.alignment() {
		left[i] = a == tw.AlignLeft
	}
	return left
}

// fastText draws t in WriteText's compact style (title, header, a rule,
// rows, a rule and the footer, notes), in one pass over the rows; a table
// wider than MaxTextWidth is expanded as WriteText expands it.
func (t Table) fastText(w io.Writer) error {
	b := bufio.NewWriterSize(w, 64<<10)
	if t.Title != "" {
		b.WriteString(t.Title + "\n")
	}
	if t.textWidth() > MaxTextWidth {
		if err := b.Flush(); err != nil {
			return err
		}
		return t.writeExpanded(w)
	}
	cw, left := t.widths(), t.leftColumns()
	ruleLine := strings.Repeat("─", t.textWidth()) + "\n"
	compactRow(b, t.Header, cw, left)
	b.WriteString(ruleLine)
	for _, r := range t.Rows {
		compactRow(b, r, cw, left)
	}
	if len(t.Footer) > 0 {
		b.WriteString(ruleLine)
		compactRow(b, t.Footer, cw, left)
	}
	for _, n := range t.Notes {
		b.WriteString(n + "\n")
	}
	return b.Flush()
}

// mdRow writes one Markdown row, cells aligned per column.
func mdRow(b *bufio.Writer, r []string, w []int, left []bool) {
	b.WriteByte('|')
	for i, width := range w {
		c := ""
		if i < len(r) {
			c = r[i]
		}
		b.WriteString(" " + pad(c, width, left[i]) + " |")
	}
	b.WriteByte('\n')
}

// fastMarkdown draws t as tablewriter's Markdown renderer does.
func (t Table) fastMarkdown(w io.Writer) error {
	b := bufio.NewWriterSize(w, 64<<10)
	if t.Title != "" {
		b.WriteString("### " + t.Title + "\n\n")
	}
	cw, left := t.widths(), t.leftColumns()
	mdRow(b, t.Header, cw, left)
	b.WriteByte('|')
	for i, width := range cw {
		if left[i] {
			b.WriteString(":" + strings.Repeat("-", width+1) + "|")
		} else {
			b.WriteString(strings.Repeat("-", width+1) + ":|")
		}
	}
	b.WriteString("\n")
	for _, r := range t.Rows {
		mdRow(b, r, cw, left)
	}
	if len(t.Footer) > 0 {
		mdRow(b, t.Footer, cw, left)
	}
	if len(t.Notes) > 0 {
		b.WriteByte('\n')
	}
	for _, n := range t.Notes {
		b.WriteString(n + "\n")
	}
	b.WriteByte('\n')
	return b.Flush()
}
