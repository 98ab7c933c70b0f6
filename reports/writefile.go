package reports

import (
	"io"
	"os"
	"path/filepath"

	"github.com/dcsim/dcsim/internal/atomicfile"
)

// WriteFileAtomic writes path through a temporary file in the same
// directory, synced, then renamed over path, so a reader never sees a
// half-written file and an interrupted run leaves the old file (or none).
// The file is world-readable (0644): outputs are for sharing. Temporary
// files that killed writers left behind are removed (internal/atomicfile).
func WriteFileAtomic(path string, write func(io.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicfile.Write(path, write)
}
