package reports

import (
	"bytes"
	"io"
	"math/rand/v2"
	"strconv"
	"testing"
)

// randomTable is a table shaped like dcsim's: a title, a header with unit
// glyphs, numeric rows and optionally a footer with blank cells and notes.
func randomTable(r *rand.Rand, rows int, footer bool) Table {
	t := Table{Title: "net on accel (1000 MHz)",
		Header: []string{"layer", "kind", "MACs", "latency µs", "util %", "total µJ", "pJ/MAC", "×"}, Left: r.IntN(3)}
	for i := 0; i < rows; i++ {
		row := []string{"conv" + strconv.Itoa(i), []string{"conv", "fc", "pool"}[r.IntN(3)]}
		for len(row) < len(t.Header) {
			row = append(row, strconv.FormatFloat(r.ExpFloat64()*float64(r.IntN(1e6)), 'f', r.IntN(4), 64))
		}
		if r.IntN(10) == 0 {
			row[len(row)-1] = "-"
		}
		t.Rows = append(t.Rows, row)
	}
	if footer {
		t.Footer = []string{"total", "", "123456789", "1.5", "", "9.99", "2.00", "3×"}
		t.Notes = []string{"a note", "another note µ"}
	}
	return t
}

// TestFastTableMatchesTablewriter: the linear renderer gives the bytes
// tablewriter gives, for text and Markdown, with and without footer.
func TestFastTableMatchesTablewriter(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, rows := range []int{1, 2, 17, 300} {
		for _, footer := range []bool{false, true} {
			tb := randomTable(r, rows, footer)
			for _, f := range []struct {
				name      string
				fast, ref func(io.Writer) error
			}{{"text", tb.fastText, tb.writeTextTW}, {"md", tb.fastMarkdown, tb.writeMarkdownTW}} {
				var a, b bytes.Buffer
				if err := f.fast(&a); err != nil {
					t.Fatal(err)
				}
				if err := f.ref(&b); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(a.Bytes(), b.Bytes()) {
					t.Fatalf("%s, %d rows, footer %v: linear renderer differs from tablewriter:\n%s\nvs\n%s", f.name, rows, footer, a.String(), b.String())
				}
			}
		}
	}
	if tb := randomTable(r, fastRows+1, true); !tb.fastable() {
		t.Errorf("a %d-row table does not take the linear renderer", fastRows+1)
	}
}

// BenchmarkWriteText compares the per-row cost of the linear renderer with
// tablewriter's on the same 2000-row table (run both in one process to
// compare: go test ./reports -run XXX -bench WriteText).
func BenchmarkWriteText(b *testing.B) {
	tb := randomTable(rand.New(rand.NewPCG(1, 1)), 2000, true)
	for _, c := range []struct {
		name   string
		render func(io.Writer) error
	}{{"linear", tb.fastText}, {"tablewriter", tb.writeTextTW}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := c.render(io.Discard); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/2000, "ns/row")
		})
	}
}
