// Package fileio reads input files with a size cap, so a huge or endless
// file is refused before it costs time and memory. It imports no project
// package; every reader of a user's file (accel, sim, nn, sweep) uses it.
package fileio

import (
	"io"
	"os"
)

// ReadLimited reads the file at path unless it holds more than limit bytes:
// then it returns tooLarge = true and no data, having read at most limit+1
// bytes. A missing or unreadable file is the *os.PathError.
func ReadLimited(path string, limit int64) (data []byte, tooLarge bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	data, err = io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, false, err
	}
	if int64(len(data)) > limit {
		return nil, true, nil
	}
	return data, false, nil
}
