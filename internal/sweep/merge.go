package sweep

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
)

// MergeStats counts what Merge did.
type MergeStats struct {
	Inputs     int
	Records    int   // distinct points written
	Duplicates int   // identical records seen more than once (dropped)
	Points     int64 // points of the whole sweep (0 for CSV input)
}

// Missing is the number of points of the sweep not present in the merge.
func (m MergeStats) Missing() int64 {
	if m.Points == 0 {
		return 0
	}
	return m.Points - int64(m.Records)
}

type mergeRec struct {
	index int64
	id    string
	line  []byte
}

// Merge joins results files of one sweep (shards, or resumed runs) into w:
// every input must come from the same spec (same spec hash) and format;
// records are deduplicated by point ID (the same ID with different
// contents is an error) and sorted by point index under one canonical
// header without a shard, so merging the shards of a sweep gives the same
// bytes as merging its unsharded run. A torn last line in an input (an
// interrupted run) is ignored.
func Merge(w io.Writer, inputs []string) (MergeStats, error) {
	st := MergeStats{Inputs: len(inputs)}
	if len(inputs) == 0 {
		return st, fmt.Errorf("merge: no input files")
	}
	format := FormatOf(inputs[0])
	var head []byte
	var hdr Header
	byID := map[string]int{}
	byIndex := map[int64]string{}
	var recs []mergeRec
	var csvHash string // CSV files carry the spec hash on every row
	for _, in := range inputs {
		if FormatOf(in) != format {
			return st, fmt.Errorf("%s: format %s differs from %s (%s); merge files of one format", in, FormatOf(in), inputs[0], format)
		}
		data, err := os.ReadFile(in)
		if err != nil {
			return st, err
		}
		lines := completeLines(data)
		if len(lines) == 0 {
			return st, fmt.Errorf("%s: empty results file (no header)", in)
		}
		h, err := mergeHeader(lines[0], in, format, inputs[0], head, &hdr)
		if err != nil {
			return st, err
		}
		head = h
		for n, l := range lines[1:] {
			r, err := mergeRecord(l, format, &csvHash)
			if err != nil {
				return st, fmt.Errorf("%s:%d: %v", in, n+2, err)
			}
			// A record must be a point of the sweep: its index in range
			// and one point per index (else "-1 missing").
			if r.index < 0 || (format == JSONL && r.index >= hdr.Points) {
				return st, fmt.Errorf("%s:%d: point index %d is not a point of this sweep (0..%d)", in, n+2, r.index, hdr.Points-1)
			}
			if id, seen := byIndex[r.index]; seen && id != r.id {
				return st, fmt.Errorf("%s:%d: point %d has id %s here and %s in an earlier record: not one sweep", in, n+2, r.index, r.id, id)
			}
			byIndex[r.index] = r.id
			if k, dup := byID[r.id]; dup {
				if !bytes.Equal(recs[k].line, r.line) {
					return st, fmt.Errorf("%s:%d: point %s has a different result than in an earlier input; were they run by different dcsim versions?", in, n+2, r.id)
				}
				st.Duplicates++
				continue
			}
			byID[r.id] = len(recs)
			recs = append(recs, r)
		}
	}
	slices.SortFunc(recs, func(a, b mergeRec) int { return cmp.Compare(a.index, b.index) })
	if format == JSONL {
		hdr.Shard = ""
		head = hdr.line()
		st.Points = hdr.Points
	}
	if _, err := w.Write(head); err != nil {
		return st, err
	}
	for _, r := range recs {
		if _, err := w.Write(append(r.line, '\n')); err != nil {
			return st, err
		}
	}
	st.Records = len(recs)
	return st, nil
}

// completeLines splits data into lines, dropping a torn (unterminated) last line.
func completeLines(data []byte) [][]byte {
	data = data[:bytes.LastIndexByte(data, '\n')+1]
	if len(data) == 0 {
		return nil
	}
	return bytes.Split(data[:len(data)-1], []byte("\n"))
}

// mergeHeader checks an input's header against the first input's.
func mergeHeader(line []byte, in string, f Format, first string, prev []byte, hdr *Header) ([]byte, error) {
	if f == CSV {
		if prev != nil && !bytes.Equal(prev[:len(prev)-1], line) {
			return nil, fmt.Errorf("%s:1: CSV columns differ from %s: not the same sweep", in, first)
		}
		return append(append([]byte(nil), line...), '\n'), nil
	}
	var h Header
	if err := json.Unmarshal(line, &h); err != nil || h.Version != HeaderVersion {
		return nil, fmt.Errorf("%s:1: not a dcsim sweep results file (no {\"dcsim_sweep\": %d, ...} header)", in, HeaderVersion)
	}
	if prev != nil && h.SpecHash != hdr.SpecHash {
		return nil, fmt.Errorf("%s:1: results of another spec (%s, spec_hash %.12s…) than %s (%s, %.12s…)",
			in, h.Spec, h.SpecHash, first, hdr.Spec, hdr.SpecHash)
	}
	if prev == nil {
		*hdr = h
	}
	return line, nil
}

// mergeRecord extracts the index and ID of a record line.
func mergeRecord(l []byte, f Format, hash *string) (mergeRec, error) {
	r := mergeRec{line: l}
	if f == CSV {
		index, id, h, err := parseLine(l, CSV)
		if err != nil {
			return r, fmt.Errorf("corrupt record")
		}
		if *hash == "" {
			*hash = h
		} else if h != *hash {
			return r, fmt.Errorf("results of another spec (spec_hash %.12s…, earlier rows %.12s…)", h, *hash)
		}
		r.index, r.id = index, string(appendID(nil, id))
		return r, nil
	}
	var v struct {
		Index *int64 `json:"index"`
		ID    string `json:"id"`
	}
	if err := json.Unmarshal(l, &v); err != nil || v.Index == nil || v.ID == "" {
		return r, fmt.Errorf("corrupt record (want a JSON object with index and id)")
	}
	r.index, r.id = *v.Index, v.ID
	return r, nil
}
