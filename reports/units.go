package reports

import (
	"math"
	"strconv"
)

// Compact number formats for the terminal tables, which must fit 100
// columns: every cell carries its own unit prefix, so a column can span
// nanojoules to joules without losing its small entries. JSON and CSV carry
// the exact numbers. The unit follows the number without a space, as in
// ls -h or go test, to keep the columns narrow.

// count formats a non-negative count exactly below 10 000 and with four
// significant digits and an SI prefix above: 9999, 14.08k, 1.017M, 15.47G.
func count(v int64) string {
	if v < 10000 && v > -10000 {
		return strconv.FormatInt(v, 10)
	}
	return prefixed(float64(v), 4, "", decimalPrefixes[3:])
}

// joules formats an energy given in picojoules: 94.0µJ, 6.81mJ.
func joules(pj float64) string { return prefixed(pj*1e-12, 3, "J", decimalPrefixes) }

// seconds formats a time given in microseconds: 14.1µs, 1.02ms.
func seconds(us float64) string { return prefixed(us*1e-6, 3, "s", decimalPrefixes) }

// bytesIEC formats a byte count with binary prefixes: 512B, 352KiB, 24.8MiB.
func bytesIEC(b float64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	if b == 0 {
		return "0"
	}
	i := 0
	for i < len(units)-1 && math.Abs(b) >= 1024 {
		b /= 1024
		i++
	}
	if i == 0 {
		return strconv.FormatFloat(b, 'f', 0, 64) + units[0]
	}
	return sigFixed(b, 3) + units[i]
}

// decimalPrefixes run from pico to tera; index 4 is no prefix.
var decimalPrefixes = []prefix{{1e-12, "p"}, {1e-9, "n"}, {1e-6, "µ"}, {1e-3, "m"}, {1, ""},
	{1e3, "k"}, {1e6, "M"}, {1e9, "G"}, {1e12, "T"}}

type prefix struct {
	scale float64
	name  string
}

// prefixed writes v with sig significant digits and the largest prefix of
// ps that keeps the mantissa at or above 1 (after rounding). Zero is "0",
// without a unit.
func prefixed(v float64, sig int, unit string, ps []prefix) string {
	if v == 0 {
		return "0"
	}
	p := ps[0]
	for _, q := range ps {
		if math.Abs(round(v/q.scale, sig)) >= 1 {
			p = q
		}
	}
	return sigFixed(v/p.scale, sig) + p.name + unit
}

// round rounds v to sig significant digits.
func round(v float64, sig int) float64 {
	if v == 0 {
		return 0
	}
	d := math.Pow(10, float64(sig-1)-math.Floor(math.Log10(math.Abs(v))))
	return math.Round(v*d) / d
}

// sigFixed formats v with sig significant digits in fixed notation
// (no exponent): 6.81, 94.0, 444, 1017.
func sigFixed(v float64, sig int) string {
	r := round(v, sig)
	if r == 0 {
		return "0"
	}
	dec := sig - 1 - int(math.Floor(math.Log10(math.Abs(r))))
	if dec < 0 {
		dec = 0
	}
	return strconv.FormatFloat(r, 'f', dec, 64)
}
