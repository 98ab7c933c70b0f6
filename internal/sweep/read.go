package sweep

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// ReadJSONL reads a JSONL results file: its header and every complete
// record (a torn last line is ignored). name prefixes error messages.
func ReadJSONL(r io.Reader, name string) (Header, []Record, error) {
	var h Header
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	var recs []Record
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if line == 1 {
			if err := json.Unmarshal(b, &h); err != nil || h.Version != HeaderVersion {
				return h, nil, fmt.Errorf("%s:1: not a dcsim sweep results file (no {\"dcsim_sweep\": %d, ...} header)", name, HeaderVersion)
			}
			continue
		}
		if len(b) == 0 {
			continue
		}
		var rec Record
		if err := json.Unmarshal(b, &rec); err != nil {
			if isLastLine(sc) {
				break // torn by an interrupted run
			}
			return h, nil, fmt.Errorf("%s:%d: corrupt record: %v", name, line, err)
		}
		recs = append(recs, rec)
	}
	if err := sc.Err(); err != nil {
		return h, nil, fmt.Errorf("%s: %w", name, err)
	}
	if line == 0 {
		return h, nil, fmt.Errorf("%s: empty results file", name)
	}
	return h, recs, nil
}

// isLastLine reports whether the scanner has no further lines.
func isLastLine(sc *bufio.Scanner) bool { return !sc.Scan() }
