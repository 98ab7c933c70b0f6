// Package atomicfile writes files atomically: the data goes to a hidden
// temporary file in the target's directory, which is synced and renamed over
// the target, so a reader sees the old file or the new one, never a part.
// It imports no project package.
//
// A process killed between creating its temporary file and the rename
// (kill -9, a power cut) leaves the temporary file behind. Its name carries
// the writer's process ID, ".<name>.<pid>-<random>.tmp", so the next write
// into the same directory removes the temporary files of writers that no
// longer run.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// legacyAge is how old a temporary file without a process ID (written by an
// older dcsim: ".<name>.<random>.tmp" or ".<name>.tmp<random>") must be
// before it counts as abandoned.
const legacyAge = time.Hour

// Write writes path atomically with mode 0644: write fills a temporary file
// in path's directory, which is synced, closed and renamed to path. On any
// error the temporary file is removed and path is left as it was. Errors
// name path, never the temporary file. The directory must exist.
func Write(path string, write func(io.Writer) error) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	CleanStale(path)
	f, err := os.CreateTemp(dir, "."+base+"."+strconv.Itoa(os.Getpid())+"-*.tmp")
	if err != nil {
		return fmt.Errorf("%s: %w", path, unwrapPath(err))
	}
	tmp := f.Name()
	err = write(f)
	if err == nil {
		err = f.Chmod(0o644) // CreateTemp makes 0600; results are data to share
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return &os.PathError{Op: "write", Path: path, Err: unwrapPath(err)}
	}
	return nil
}

// unwrapPath returns the cause of a path or link error (which would name
// the temporary file), or err itself.
func unwrapPath(err error) error {
	var pe *os.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		return pe.Err
	case errors.As(err, &le):
		return le.Err
	}
	return err
}

// CleanStale removes the temporary files that interrupted writes of path
// left in its directory: those whose writer process no longer runs, and
// those without a process ID older than an hour. Errors are ignored: a file
// that cannot be removed is left for the next run.
func CleanStale(path string) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	prefix := "." + base + "."
	for _, e := range ents {
		mid, ok := strings.CutPrefix(e.Name(), prefix)
		switch {
		case !ok || e.IsDir():
			continue
		case strings.HasSuffix(mid, ".tmp"):
			mid = strings.TrimSuffix(mid, ".tmp")
		case strings.HasPrefix(mid, "tmp"): // older reports: ".<name>.tmp<random>"
			mid = ""
		default:
			continue
		}
		if full := filepath.Join(dir, e.Name()); stale(full, mid) {
			os.Remove(full)
		}
	}
}

// stale reports whether the temporary file at full, whose name between
// ".<base>." and ".tmp" is mid, belongs to no running writer.
func stale(full, mid string) bool {
	if pidText, _, ok := strings.Cut(mid, "-"); ok {
		if pid, err := strconv.Atoi(pidText); err == nil && pid > 0 {
			return pid != os.Getpid() && !running(pid)
		}
	}
	fi, err := os.Stat(full)
	return err == nil && time.Since(fi.ModTime()) > legacyAge
}
