package main

import (
	"os/exec"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/dcsim/dcsim"

// allowed is the import DAG of docs/architecture.md: each package and the
// project packages it may depend on, directly or transitively.
var allowed = map[string][]string{
	"configs":             {},
	"internal/fileio":     {},
	"internal/fielderr":   {},
	"internal/strictyaml": {"internal/fielderr"},
	"internal/atomicfile": {},
	"internal/proctime":   {},
	"accel":               {"configs", "internal/fileio", "internal/strictyaml", "internal/fielderr"},
	"network":             {"internal/fileio"},
	"sim":                 {"accel", "configs", "network", "internal/fileio", "internal/strictyaml", "internal/fielderr"},
	"internal/experiment": {"pruning", "nn", "network", "internal/atomicfile", "internal/fileio", "internal/strictyaml", "internal/fielderr"},
	"nn":                  {"network", "internal/atomicfile", "internal/fileio", "internal/fielderr"},
	"pruning":             {"nn", "network", "internal/atomicfile", "internal/fileio", "internal/fielderr"},
	"clustering":          {"nn", "network", "internal/atomicfile", "internal/fileio", "internal/fielderr"},
	"reports":             {"sim", "accel", "configs", "network", "internal/atomicfile", "internal/fileio", "internal/strictyaml", "internal/fielderr"},
	"onnx/onnxpb":         {},
	"onnx":                {"nn", "network", "onnx/onnxpb", "internal/atomicfile", "internal/fileio", "internal/fielderr"},
	"internal/workload":   {"nn", "network", "sim", "accel", "configs", "clustering", "internal/atomicfile", "internal/fileio", "internal/strictyaml", "internal/fielderr"},
	"internal/sweep":      {"internal/workload", "clustering", "accel", "configs", "sim", "nn", "network", "reports", "internal/atomicfile", "internal/fileio", "internal/strictyaml", "internal/fielderr"},
	"internal/codesign":   {"accel", "configs", "sim", "nn", "network", "pruning", "clustering", "reports", "internal/atomicfile", "internal/fileio", "internal/strictyaml", "internal/fielderr"},
	"internal/cli":        {"internal/workload", "accel", "configs", "sim", "nn", "network", "pruning", "clustering", "reports", "internal/sweep", "internal/codesign", "internal/atomicfile", "onnx", "onnx/onnxpb", "internal/fileio", "internal/strictyaml", "internal/experiment", "internal/proctime", "internal/fielderr"},
	"":                    {"internal/workload", "internal/cli", "accel", "configs", "sim", "nn", "network", "pruning", "clustering", "reports", "internal/sweep", "internal/codesign", "internal/atomicfile", "onnx", "onnx/onnxpb", "internal/fileio", "internal/strictyaml", "internal/experiment", "internal/proctime", "internal/fielderr"},
}

// commandLayer are the project packages a command-layer program (scripts/...)
// may use: everything but the CLI itself.
var commandLayer = []string{"internal/workload", "internal/fileio", "internal/strictyaml", "internal/experiment", "accel", "configs", "sim", "nn", "network", "pruning", "clustering", "reports", "internal/sweep", "internal/codesign", "internal/atomicfile", "onnx", "onnx/onnxpb", "internal/proctime", "internal/fielderr"}

// allowedFor returns the allowed dependencies of a package, treating every
// program under scripts/ as part of the command layer.
func allowedFor(rel string) ([]string, bool) {
	if strings.HasPrefix(rel, "scripts/") {
		return commandLayer, true
	}
	ok, known := allowed[rel]
	return ok, known
}

// TestImportDAG keeps the package DAG honest: sim never sees nn, pruning or
// clustering (only the network description, package network); pruning and clustering never see sim; and so on.
func TestImportDAG(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}:{{join .Deps \" \"}}", "./...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	seen := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, deps, _ := strings.Cut(line, ":")
		rel := strings.TrimPrefix(strings.TrimPrefix(pkg, module), "/")
		ok, known := allowedFor(rel)
		if !known {
			t.Errorf("package %q is not in the DAG of dag_test.go and docs/architecture.md; add it", rel)
			continue
		}
		seen[rel] = true
		okSet := map[string]bool{rel: true}
		for _, p := range ok {
			okSet[p] = true
		}
		var bad []string
		for _, d := range strings.Fields(deps) {
			if !strings.HasPrefix(d, module+"/") {
				continue
			}
			if dr := strings.TrimPrefix(d, module+"/"); !okSet[dr] {
				bad = append(bad, dr)
			}
		}
		sort.Strings(bad)
		if len(bad) > 0 {
			t.Errorf("%s depends on %v; allowed: %v", pkgName(rel), bad, ok)
		}
	}
	for _, core := range []string{"accel", "configs", "sim", "nn", "network", "reports", "internal/cli"} {
		if !seen[core] {
			t.Errorf("package %s missing from go list output", core)
		}
	}
}

func pkgName(rel string) string {
	if rel == "" {
		return "main"
	}
	return rel
}
