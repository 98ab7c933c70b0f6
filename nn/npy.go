package nn

import (
	"archive/zip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// maxNPYHeader bounds the header length readNPY accepts (numpy writes 64–128
// bytes).
const maxNPYHeader = 1 << 16

// npyArray is one decoded .npy entry.
type npyArray struct {
	descr string // '<f4', '<f8', '<i4', '<i8', '|u1'
	shape []int
	data  []byte // raw little-endian values
}

// itemSize is the byte width of a supported dtype, or 0.
func itemSize(descr string) int {
	switch descr {
	case "<f4", "<i4":
		return 4
	case "<f8", "<i8":
		return 8
	case "|u1", "<u1":
		return 1
	}
	return 0
}

// readNPY parses a .npy stream (format versions 1–3) strictly: C order, a
// supported little-endian dtype, at most maxElems elements, no trailing bytes.
// The payload is read only after the header passed these checks, so a corrupt
// header cannot cause a large allocation.
func readNPY(r io.Reader, maxElems int) (*npyArray, error) {
	var pre [8]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil {
		return nil, fmt.Errorf("npy header: %w", noEOF(err))
	}
	if string(pre[:6]) != "\x93NUMPY" {
		return nil, fmt.Errorf("not a .npy array (bad magic)")
	}
	var hlen int
	switch pre[6] {
	case 1:
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, fmt.Errorf("npy header: %w", noEOF(err))
		}
		hlen = int(binary.LittleEndian.Uint16(b[:]))
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, fmt.Errorf("npy header: %w", noEOF(err))
		}
		hlen = int(binary.LittleEndian.Uint32(b[:]))
	default:
		return nil, fmt.Errorf("npy format version %d.%d: unsupported", pre[6], pre[7])
	}
	if hlen > maxNPYHeader {
		return nil, fmt.Errorf("npy header of %d bytes: too long", hlen)
	}
	hdr := make([]byte, hlen)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return nil, fmt.Errorf("npy header: %w", noEOF(err))
	}
	a, err := parseNPYHeader(string(hdr))
	if err != nil {
		return nil, err
	}
	n := 1
	for _, d := range a.shape {
		if d < 0 || (d > 0 && n > maxElems/d) {
			return nil, fmt.Errorf("shape %v: more than %d elements", a.shape, maxElems)
		}
		n *= d
	}
	size := n * itemSize(a.descr)
	a.data = make([]byte, size)
	if _, err := io.ReadFull(r, a.data); err != nil {
		return nil, fmt.Errorf("data of shape %v: truncated: %w", a.shape, noEOF(err))
	}
	if err := readToEOF(r); errors.Is(err, errChecksum) {
		return nil, err
	} else if err != nil {
		return nil, fmt.Errorf("data of shape %v: %w", a.shape, err)
	}
	return a, nil
}

// errChecksum is a zip entry whose CRC-32 does not match its data.
var errChecksum = errors.New("checksum mismatch")

// readToEOF checks that r holds nothing more and reads it to its end: a zip
// entry reports a CRC mismatch only on the read that reaches EOF (and
// io.ReadFull drops an error that comes with the last bytes), so a corrupted
// entry is caught only here.
func readToEOF(r io.Reader) error {
	var extra [1]byte
	for range 100 { // a reader may return (0, nil) a few times; never forever
		k, err := r.Read(extra[:])
		switch {
		case k > 0:
			return fmt.Errorf("trailing bytes")
		case errors.Is(err, zip.ErrChecksum):
			return errChecksum
		case errors.Is(err, io.EOF):
			return nil
		case err != nil:
			return err
		}
	}
	return fmt.Errorf("no end of data")
}

// parseNPYHeader reads the Python dict literal of a .npy header, e.g.
// {'descr': '<f4', 'fortran_order': False, 'shape': (50, 20, 5, 5), }.
func parseNPYHeader(h string) (*npyArray, error) {
	h = strings.TrimSpace(h)
	if !strings.HasPrefix(h, "{") || !strings.HasSuffix(h, "}") {
		return nil, fmt.Errorf("npy header %q: not a dict", clip(h))
	}
	descr, ok := dictValue(h, "descr")
	if !ok || len(descr) < 2 || descr[0] != '\'' || descr[len(descr)-1] != '\'' {
		return nil, fmt.Errorf("npy header %q: no 'descr'", clip(h))
	}
	a := &npyArray{descr: descr[1 : len(descr)-1]}
	if itemSize(a.descr) == 0 {
		return nil, fmt.Errorf("npy dtype %q: unsupported (want <f4, <f8, <i4, <i8 or |u1)", a.descr)
	}
	if fo, ok := dictValue(h, "fortran_order"); !ok || fo != "False" {
		return nil, fmt.Errorf("npy header %q: fortran_order must be False", clip(h))
	}
	shape, ok := dictValue(h, "shape")
	if !ok || !strings.HasPrefix(shape, "(") || !strings.HasSuffix(shape, ")") {
		return nil, fmt.Errorf("npy header %q: no 'shape' tuple", clip(h))
	}
	for _, tok := range strings.Split(shape[1:len(shape)-1], ",") {
		if tok = strings.TrimSpace(tok); tok == "" {
			continue
		}
		d, err := strconv.Atoi(tok)
		if err != nil || d < 0 {
			return nil, fmt.Errorf("npy shape %q: bad dimension %q", shape, tok)
		}
		a.shape = append(a.shape, d)
	}
	return a, nil
}

// dictValue returns the text after 'key': up to the next top-level comma or
// closing brace (a parenthesised tuple is kept whole).
func dictValue(h, key string) (string, bool) {
	i := strings.Index(h, "'"+key+"':")
	if i < 0 {
		return "", false
	}
	rest := strings.TrimSpace(h[i+len(key)+3:])
	depth := 0
	for j, c := range rest {
		switch c {
		case '(':
			depth++
		case ')':
			depth--
		case ',', '}':
			if depth == 0 {
				return strings.TrimSpace(rest[:j]), true
			}
		}
	}
	return "", false
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// float32s decodes a float array (<f4 or <f8) into float32.
func (a *npyArray) float32s() ([]float32, error) {
	out := make([]float32, len(a.data)/max(1, itemSize(a.descr)))
	switch a.descr {
	case "<f4":
		for i := range out {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(a.data[4*i:]))
		}
	case "<f8":
		for i := range out {
			out[i] = float32(math.Float64frombits(binary.LittleEndian.Uint64(a.data[8*i:])))
		}
	default:
		return nil, fmt.Errorf("dtype %s: want float32 (<f4) or float64 (<f8)", a.descr)
	}
	return out, nil
}

// int32s decodes an integer array (<i4 or <i8, values must fit int32).
func (a *npyArray) int32s() ([]int32, error) {
	out := make([]int32, len(a.data)/max(1, itemSize(a.descr)))
	switch a.descr {
	case "<i4":
		for i := range out {
			out[i] = int32(binary.LittleEndian.Uint32(a.data[4*i:]))
		}
	case "<i8":
		for i := range out {
			v := int64(binary.LittleEndian.Uint64(a.data[8*i:]))
			if v < math.MinInt32 || v > math.MaxInt32 {
				return nil, fmt.Errorf("value %d at %d does not fit int32", v, i)
			}
			out[i] = int32(v)
		}
	default:
		return nil, fmt.Errorf("dtype %s: want int32 (<i4) or int64 (<i8)", a.descr)
	}
	return out, nil
}
