package sweep

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/dcsim/dcsim/accel"
	"github.com/dcsim/dcsim/sim"
	"gopkg.in/yaml.v3"
)

// key is one sweepable accelerator key: a leaf of accel.Spec addressed by
// its dotted YAML path ("array.rows"), with the reflect field index that
// reaches it.
type key struct {
	path  string
	index []int
	typ   reflect.Type
	// layer, for a workload key, applies the value to one layer of the
	// workload instead of the accelerator.
	layer func(l *sim.Layer, v reflect.Value)
	// check, when set, validates a value at parse time.
	check func(v reflect.Value) error
}

// workloadKeys vary the workload rather than the accelerator. The
// simulator takes codebook index widths from the workload's layers (the
// compression profile), not from accel's codebook section, so sweeping
// codebook bits means rewriting the layers.
var workloadKeys = []key{{
	path: "workload.index_bits",
	typ:  reflect.TypeOf(0),
	// Every conv and FC layer is weight-shared with 2^N-entry codebooks;
	// 0 removes the codebooks (full-precision weights).
	layer: func(l *sim.Layer, v reflect.Value) {
		if l.Kind != sim.Pool {
			l.IndexBits = int(v.Int())
		}
	},
	check: func(v reflect.Value) error {
		if b := v.Int(); b < 0 || b > 16 {
			return fmt.Errorf("must be in 0..16 (0 = no codebook), got %d", b)
		}
		return nil
	},
}}

// allKeys are the accelerator keys followed by the workload keys.
var allKeys = append(append([]key(nil), specKeys...), workloadKeys...)

// specKeys are every leaf key of accel.Spec except version, in struct order.
var specKeys = collectKeys(reflect.TypeOf(accel.Spec{}), "", nil)

func collectKeys(t reflect.Type, prefix string, index []int) []key {
	var out []key
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if !f.IsExported() || name == "" || name == "-" {
			continue
		}
		path := name
		if prefix != "" {
			path = prefix + "." + name
		}
		idx := append(append([]int(nil), index...), i)
		if f.Type.Kind() == reflect.Struct {
			out = append(out, collectKeys(f.Type, path, idx)...)
			continue
		}
		if path == "version" {
			continue
		}
		out = append(out, key{path: path, index: idx, typ: f.Type})
	}
	return out
}

// lookupKey finds the key at path; an unknown path is an error naming it and
// listing the closest valid keys by edit distance.
func lookupKey(path string) (key, error) {
	for _, k := range allKeys {
		if k.path == path {
			return k, nil
		}
	}
	if near := closeKeys(path, 3); len(near) > 0 {
		return key{}, fmt.Errorf("unknown accelerator key %q (did you mean %s?)", path, strings.Join(near, ", "))
	}
	return key{}, fmt.Errorf("unknown accelerator key %q (valid keys are dotted paths such as array.rows, memory.ifmap_sram_kib; see configs/README.md)", path)
}

// closeKeys returns up to n valid keys closest to path: those within edit
// distance max(2, len(path)/3), plus keys whose last component equals
// path's, nearest first.
func closeKeys(path string, n int) []string {
	type cand struct {
		path string
		d    int
	}
	limit := max(2, len(path)/3)
	last := path[strings.LastIndexByte(path, '.')+1:]
	var cs []cand
	for _, k := range allKeys {
		d := editDistance(path, k.path)
		if k.path[strings.LastIndexByte(k.path, '.')+1:] == last {
			d = min(d, 1)
		}
		if d <= limit {
			cs = append(cs, cand{k.path, d})
		}
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].d < cs[j].d })
	var out []string
	for i := 0; i < len(cs) && i < n; i++ {
		out = append(out, cs[i].path)
	}
	return out
}

// editDistance is the Levenshtein distance between a and b (unit cost for
// insertion, deletion and substitution), computed with one row of the
// dynamic-programming table.
func editDistance(a, b string) int {
	row := make([]int, len(b)+1)
	for j := range row {
		row[j] = j
	}
	for i := 1; i <= len(a); i++ {
		prev := row[0]
		row[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur := min(row[j]+1, row[j-1]+1, prev+cost)
			prev, row[j] = row[j], cur
		}
	}
	return row[len(b)]
}

// value is one value of a swept key, decoded once: the reflect value set
// into a Spec, its canonical text (for point IDs and CSV) and its JSON text.
type value struct {
	rv    reflect.Value
	canon string
	json  string
}

// decodeValue decodes the YAML scalar n as a value of key k.
func decodeValue(k key, n *yaml.Node) (value, error) {
	// The accelerator files' own strict decoder: 16.5 is not an integer.
	v := reflect.New(k.typ).Elem()
	if err := accel.DecodeScalar(n, v); err != nil {
		return value{}, err
	}
	if k.check != nil {
		if err := k.check(v); err != nil {
			return value{}, err
		}
	}
	switch v.Kind() {
	case reflect.Int, reflect.Int64, reflect.Int32:
		s := strconv.FormatInt(v.Int(), 10)
		return value{v, s, s}, nil
	case reflect.Float64, reflect.Float32:
		f := v.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return value{}, fmt.Errorf("want a finite number, got %q", n.Value)
		}
		s := strconv.FormatFloat(f, 'g', -1, 64)
		return value{v, s, s}, nil
	case reflect.Bool:
		s := strconv.FormatBool(v.Bool())
		return value{v, s, s}, nil
	case reflect.String:
		s := v.String()
		return value{v, s, jsonString(s)}, nil
	}
	return value{}, fmt.Errorf("keys of type %s cannot be swept", k.typ)
}
