package nn

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// maxIDXBytes bounds the payload ReadIDX accepts (MNIST's largest file is
// 47 MB), so a corrupt header cannot make it allocate without limit.
const maxIDXBytes = 1 << 28

// ReadIDX parses an IDX file (LeCun's MNIST format) of unsigned bytes,
// gzip-compressed or not (detected from the first two bytes). The header is
// two zero bytes, a type byte that must be 0x08 (uint8), a dimension count
// 1–4, then one big-endian uint32 per dimension; the payload is the product
// of the dimensions in bytes. name is used in error messages only. Trailing
// bytes after the payload are an error, as is a short payload.
func ReadIDX(r io.Reader, name string) (dims []int, data []uint8, err error) {
	br := bufio.NewReader(r)
	if head, _ := br.Peek(2); len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: gzip: %w", name, err)
		}
		defer zr.Close()
		br = bufio.NewReader(zr)
	}
	var hdr [4]byte
	if _, err := io.ReadFull(br, hdr[:]); err != nil {
		return nil, nil, fmt.Errorf("%s: header: %w", name, noEOF(err))
	}
	if hdr[0] != 0 || hdr[1] != 0 {
		return nil, nil, fmt.Errorf("%s: bad magic %02x%02x%02x%02x: not an IDX file", name, hdr[0], hdr[1], hdr[2], hdr[3])
	}
	if hdr[2] != 0x08 {
		return nil, nil, fmt.Errorf("%s: element type 0x%02x: only 0x08 (uint8) is supported", name, hdr[2])
	}
	nd := int(hdr[3])
	if nd < 1 || nd > 4 {
		return nil, nil, fmt.Errorf("%s: %d dimensions: must be 1–4", name, nd)
	}
	dims = make([]int, nd)
	size := int64(1)
	for i := range dims {
		var d uint32
		if err := binary.Read(br, binary.BigEndian, &d); err != nil {
			return nil, nil, fmt.Errorf("%s: dimension %d: %w", name, i, noEOF(err))
		}
		dims[i] = int(d)
		size *= int64(d)
		if size > maxIDXBytes {
			return nil, nil, fmt.Errorf("%s: dimensions %v exceed %d bytes", name, dims[:i+1], maxIDXBytes)
		}
	}
	// Read at most size+1 bytes: the buffer grows with the data actually
	// present, not with what the header claims.
	data, err = io.ReadAll(io.LimitReader(br, size+1))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: data: %w", name, err)
	}
	switch {
	case int64(len(data)) < size:
		return nil, nil, fmt.Errorf("%s: truncated: dimensions %v need %d bytes, file has %d", name, dims, size, len(data))
	case int64(len(data)) > size:
		return nil, nil, fmt.Errorf("%s: trailing data after %d bytes for dimensions %v", name, size, dims)
	}
	return dims, data, nil
}

// noEOF turns a bare EOF into ErrUnexpectedEOF: inside a header any end of
// input is a truncation.
func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
