package sweep

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
)

// Format is a results file format.
type Format string

// Results formats.
const (
	JSONL Format = "jsonl" // a header line, then one JSON object per point
	CSV   Format = "csv"   // a header row, then one row per point
)

// FormatOf is CSV for a path ending in .csv, JSONL otherwise.
func FormatOf(path string) Format {
	if strings.HasSuffix(strings.ToLower(path), ".csv") {
		return CSV
	}
	return JSONL
}

// HeaderVersion is the value of the "dcsim_sweep" key of a JSONL header.
const HeaderVersion = 1

// Header is the first line of a JSONL results file.
type Header struct {
	Version     int      `json:"dcsim_sweep"`
	Name        string   `json:"name"`
	Spec        string   `json:"spec"`
	SpecHash    string   `json:"spec_hash"`
	Accelerator string   `json:"accelerator"`
	Params      []string `json:"params"`
	Points      int64    `json:"points"` // points of the whole sweep
	Shard       string   `json:"shard,omitempty"`
}

// Header is the results header of spec s run as shard sh.
func (s *Spec) Header(sh Shard) Header {
	h := Header{Version: HeaderVersion, Name: s.Name, Spec: s.File, SpecHash: s.Hash,
		Accelerator: s.Base.Name, Params: s.ParamKeys(), Points: s.NumPoints()}
	if !sh.Whole() {
		h.Shard = sh.String()
	}
	return h
}

func (h Header) line() []byte {
	b, err := json.Marshal(h)
	if err != nil {
		panic("sweep: marshal header: " + err.Error())
	}
	return append(b, '\n')
}

// Output is where a run writes its result lines.
type Output struct {
	w      io.Writer
	f      *os.File // nil when writing to a plain io.Writer
	format Format
	done   map[uint64]bool // IDs already in a resumed file
}

// Resumed is the number of point records found in a resumed file.
func (o *Output) Resumed() int { return len(o.done) }

// Close closes the file (not a plain writer).
func (o *Output) Close() error {
	if o.f == nil {
		return nil
	}
	return o.f.Close()
}

// NewOutput writes a fresh results stream for s to w (e.g. stdout).
func NewOutput(w io.Writer, s *Spec, sh Shard, f Format) (*Output, error) {
	o := &Output{w: w, format: f, done: map[uint64]bool{}}
	return o, o.writeHeader(s, sh)
}

func (o *Output) writeHeader(s *Spec, sh Shard) error {
	var b []byte
	if o.format == CSV {
		b = []byte(csvHeader(s))
	} else {
		b = s.Header(sh).line()
	}
	_, err := o.w.Write(b)
	return err
}

// Create opens path for the results of s (format by extension). Without
// resume an existing file is an error, never overwritten. With resume an
// existing file must come from the same spec (same spec hash) and shard;
// the IDs it holds are skipped by Run, and a torn last line (an
// interrupted write) is cut off before appending.
func Create(path string, s *Spec, sh Shard, resume bool) (*Output, error) {
	format := FormatOf(path)
	if !resume {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("%s: already exists (use --resume to continue it, or remove it)", path)
		}
		if err != nil {
			return nil, err
		}
		o := &Output{w: f, f: f, format: format, done: map[uint64]bool{}}
		if err := o.writeHeader(s, sh); err != nil {
			f.Close()
			return nil, err
		}
		return o, nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	o, err := resumeFile(f, path, s, sh, format)
	if err != nil {
		f.Close()
		return nil, err
	}
	return o, nil
}

func resumeFile(f *os.File, path string, s *Spec, sh Shard, format Format) (*Output, error) {
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, err
	}
	// Only complete lines count; a torn tail is cut off.
	keep := bytes.LastIndexByte(data, '\n') + 1
	o := &Output{w: f, f: f, format: format, done: map[uint64]bool{}}
	if keep > 0 {
		if err := o.scan(data[:keep], path, s, sh); err != nil {
			return nil, err
		}
	}
	if err := f.Truncate(int64(keep)); err != nil {
		return nil, err
	}
	if _, err := f.Seek(int64(keep), io.SeekStart); err != nil {
		return nil, err
	}
	if keep == 0 {
		return o, o.writeHeader(s, sh)
	}
	return o, nil
}

// scan checks the header of existing results and collects their IDs.
func (o *Output) scan(data []byte, path string, s *Spec, sh Shard) error {
	lines := bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
	if o.format == CSV {
		if string(lines[0])+"\n" != csvHeader(s) {
			return fmt.Errorf("%s:1: results header does not match this spec's columns; use another --out", path)
		}
	} else if err := checkHeader(lines[0], path, s, sh); err != nil {
		return err
	}
	for n, l := range lines[1:] {
		index, id, hash, err := parseLine(l, o.format)
		if err != nil {
			return fmt.Errorf("%s:%d: %v", path, n+2, err)
		}
		if o.format == CSV && hash != s.Hash {
			return fmt.Errorf("%s:%d: results of another spec (spec_hash %.12s…, this spec %.12s…); use another --out", path, n+2, hash, s.Hash)
		}
		if err := s.checkRecord(index, id, sh); err != nil {
			return fmt.Errorf("%s:%d: %v; use another --out", path, n+2, err)
		}
		o.done[id] = true
	}
	return nil
}

// checkRecord checks that a resumed record is a point of this spec and
// shard: its index in range and in the shard, its ID the ID of the point
// at that index. Anything else would be kept as a result of this sweep.
func (s *Spec) checkRecord(index int64, id uint64, sh Shard) error {
	if index < 0 || index >= s.NumPoints() {
		return fmt.Errorf("point index %d is not a point of this sweep (0..%d)", index, s.NumPoints()-1)
	}
	if n := sh.norm(); index%int64(n.N) != int64(n.I) {
		return fmt.Errorf("point %d is not in shard %s", index, n)
	}
	choice := make([]int, len(s.axes))
	pair := s.locate(index, choice)
	if want := s.pointID(choice, pair); id != want {
		return fmt.Errorf("point %d has id %s, but this spec's point %d is %s", index, appendID(nil, id), index, appendID(nil, want))
	}
	return nil
}

func checkHeader(line []byte, path string, s *Spec, sh Shard) error {
	var h Header
	if err := json.Unmarshal(line, &h); err != nil || h.Version != HeaderVersion {
		return fmt.Errorf("%s:1: not a dcsim sweep results file (no {\"dcsim_sweep\": %d, ...} header)", path, HeaderVersion)
	}
	if h.SpecHash != s.Hash {
		return fmt.Errorf("%s:1: results of another spec (%s, spec_hash %.12s…; this spec %s, %.12s…); use another --out",
			path, h.Spec, h.SpecHash, s.File, s.Hash)
	}
	if want := s.Header(sh).Shard; h.Shard != want {
		return fmt.Errorf("%s:1: results of shard %q, this run is shard %q", path, orWhole(h.Shard), orWhole(want))
	}
	return nil
}

func orWhole(s string) string {
	if s == "" {
		return "0/1"
	}
	return s
}

// parseLine extracts the point index and ID (and, for CSV, the spec hash)
// of a record.
func parseLine(l []byte, f Format) (index int64, id uint64, hash string, err error) {
	var idText string
	if f == CSV {
		fields := strings.Split(string(l), ",")
		if len(fields) < 3 {
			return 0, 0, "", errors.New("corrupt record (too few columns)")
		}
		idText, hash = fields[1], fields[len(fields)-1]
		if index, err = strconv.ParseInt(fields[0], 10, 64); err != nil {
			return 0, 0, "", fmt.Errorf("corrupt record: bad point index %q", fields[0])
		}
	} else {
		var r struct {
			Index *int64 `json:"index"`
			ID    string `json:"id"`
		}
		if err := json.Unmarshal(l, &r); err != nil {
			return 0, 0, "", fmt.Errorf("corrupt record: %v", err)
		}
		if r.Index == nil {
			return 0, 0, "", errors.New("corrupt record: no point index")
		}
		idText, index = r.ID, *r.Index
	}
	id, err = strconv.ParseUint(idText, 16, 64)
	if err != nil || len(idText) != 16 {
		return 0, 0, "", fmt.Errorf("corrupt record: bad point id %q", idText)
	}
	return index, id, hash, nil
}
