package sim

import (
	"math/rand/v2"
	"testing"

	"github.com/dcsim/dcsim/accel"
	"github.com/dcsim/dcsim/network"
)

// This file is a register-level reference model of a rows×cols systolic
// array: every cycle each PE computes from the values its neighbours latched
// in the previous cycle, real data moves between registers, and the number
// of cycles until the last output leaves the array is observed, not computed.
// It checks the closed forms of systolic.go and that the dataflows compute
// the right GEMM.
//
// Folds are padded to the full array with zeros (SCALE-Sim convention) and
// run one after another, column fold outer, row fold inner. Partial sums of
// successive row folds are added in the output buffer.

// refVal is a value on a register with its stream index t (valid only when
// ok).
type refVal struct {
	v  int64
	t  int
	ok bool
}

// refFoldOS runs one output-stationary fold: a is rows×T (ifmap rows, one
// per array row), b is T×cols (filter columns, one per array column). It
// returns the rows×cols outputs, the cycle count until the last MAC has
// completed (computeEnd) and until the last accumulator has been shifted
// out of the bottom edge (drainEnd), one output per column per cycle, bottom
// row first, starting the cycle after the column's bottom PE finishes.
func refFoldOS(t *testing.T, a, b [][]int64, rows, cols, T int) (out [][]int64, computeEnd, drainEnd int) {
	areg, breg := refGrid(rows, cols), refGrid(rows, cols)
	acc, oreg := refInts(rows, cols), refInts(rows, cols)
	macs := make([][]int, rows)
	for i := range macs {
		macs[i] = make([]int, cols)
	}
	out = refInts(rows, cols)
	drainStart := make([]int, cols) // cycle the column starts shifting out, −1 before
	emitted := make([]int, cols)
	for c := range drainStart {
		drainStart[c] = -1
	}
	lastMAC, lastOut, done := -1, -1, 0
	for cyc := 0; done < cols; cyc++ {
		if cyc > 10*(rows+cols+T)+10 {
			t.Fatalf("os fold %dx%d T=%d: no progress after %d cycles", rows, cols, T, cyc)
		}
		na, nb := refGrid(rows, cols), refGrid(rows, cols)
		noreg := refInts(rows, cols)
		fin := make([]bool, rows*cols) // PE performed its last MAC this cycle
		for r := range rows {
			for c := range cols {
				av, bv := refVal{}, refVal{}
				if c == 0 {
					if k := cyc - r; k >= 0 && k < T {
						av = refVal{a[r][k], k, true}
					}
				} else {
					av = areg[r][c-1]
				}
				if r == 0 {
					if k := cyc - c; k >= 0 && k < T {
						bv = refVal{b[k][c], k, true}
					}
				} else {
					bv = breg[r-1][c]
				}
				if av.ok != bv.ok || (av.ok && av.t != bv.t) {
					t.Fatalf("os PE(%d,%d) cycle %d: operands out of step: %+v %+v", r, c, cyc, av, bv)
				}
				na[r][c], nb[r][c] = av, bv
				if av.ok {
					acc[r][c] += av.v * bv.v
					macs[r][c]++
					if macs[r][c] == T {
						lastMAC = cyc
						fin[r*cols+c] = true
					}
				}
			}
		}
		for c := range cols {
			if drainStart[c] >= 0 && cyc >= drainStart[c] {
				if emitted[c] == rows {
					continue
				}
				// Shift the column's output chain down one row; the
				// bottom register leaves the array.
				out[rows-1-emitted[c]][c] = oreg[rows-1][c]
				emitted[c]++
				lastOut = cyc
				for r := rows - 1; r > 0; r-- {
					noreg[r][c] = oreg[r-1][c]
				}
				if emitted[c] == rows {
					done++
				}
				continue
			}
			for r := range rows {
				noreg[r][c] = oreg[r][c]
				if fin[r*cols+c] { // the accumulator is latched into the chain
					noreg[r][c] = acc[r][c]
				}
			}
			if macs[rows-1][c] == T {
				drainStart[c] = cyc + 1
			}
		}
		areg, breg, oreg = na, nb, noreg
	}
	return out, lastMAC + 1, lastOut + 1
}

// refFoldStationary runs one weight- or input-stationary fold: s (rows×cols)
// is shifted into the array from the top edge, one row per cycle, bottom
// row first; then x (T×rows) streams in from the left edge, row r skewed by
// r cycles, while partial sums flow down the columns. It returns
// out[t][c] = Σ_r x[t][r]·s[r][c] and the cycle count until the last sum
// has left the bottom edge.
func refFoldStationary(t *testing.T, s, x [][]int64, rows, cols, T int) (out [][]int64, cycles int) {
	w := refInts(rows, cols)
	for cyc := range rows { // weight shift-in: cycles 0..rows−1
		for r := rows - 1; r > 0; r-- {
			copy(w[r], w[r-1])
		}
		copy(w[0], s[rows-1-cyc])
	}
	areg, preg := refGrid(rows, cols), refGrid(rows, cols)
	out = make([][]int64, T)
	for i := range out {
		out[i] = make([]int64, cols)
	}
	left, last := T*cols, -1
	for cyc := rows; left > 0; cyc++ {
		if cyc > 10*(rows+cols+T)+10 {
			t.Fatalf("stationary fold %dx%d T=%d: no progress after %d cycles", rows, cols, T, cyc)
		}
		na, np := refGrid(rows, cols), refGrid(rows, cols)
		for r := range rows {
			for c := range cols {
				av := refVal{}
				if c == 0 {
					if k := cyc - rows - r; k >= 0 && k < T {
						av = refVal{x[k][r], k, true}
					}
				} else {
					av = areg[r][c-1]
				}
				pin := refVal{t: av.t, ok: av.ok}
				if r > 0 {
					pin = preg[r-1][c]
				}
				if av.ok != pin.ok || (av.ok && av.t != pin.t) {
					t.Fatalf("stationary PE(%d,%d) cycle %d: operand and partial sum out of step: %+v %+v", r, c, cyc, av, pin)
				}
				na[r][c] = av
				if !av.ok {
					continue
				}
				np[r][c] = refVal{pin.v + av.v*w[r][c], av.t, true}
				if r == rows-1 { // leaves the bottom edge at the end of this cycle
					out[av.t][c] = np[r][c].v
					left--
					last = cyc
				}
			}
		}
		areg, preg = na, np
	}
	return out, last + 1
}

func refGrid(rows, cols int) [][]refVal {
	g := make([][]refVal, rows)
	for i := range g {
		g[i] = make([]refVal, cols)
	}
	return g
}

func refInts(rows, cols int) [][]int64 {
	g := make([][]int64, rows)
	for i := range g {
		g[i] = make([]int64, cols)
	}
	return g
}

// refRun is the outcome of running a whole GEMM through the register model.
type refRun struct {
	c      [][]int64 // M×N result
	cycles int       // SCALE-Sim convention (see systolic.go foldOverhead)
	drain  int       // os only: cycles including the accumulator shift-out
	folds  int
}

// refGEMM runs C = A·B (A M×K, B K×N) on a rows×cols array with dataflow df.
func refGEMM(t *testing.T, df accel.Dataflow, rows, cols int, a, b [][]int64) refRun {
	m, k, n := len(a), len(b), len(b[0])
	run := refRun{c: refInts(m, n)}
	// tile returns the zero-padded rows×cols tile of f(i, j) at (i0, j0)
	// with extents ni, nj.
	tile := func(h, w, i0, j0, ni, nj int, f func(i, j int) int64) [][]int64 {
		g := refInts(h, w)
		for i := 0; i < h && i0+i < ni; i++ {
			for j := 0; j < w && j0+j < nj; j++ {
				g[i][j] = f(i0+i, j0+j)
			}
		}
		return g
	}
	A := func(i, j int) int64 { return a[i][j] }
	B := func(i, j int) int64 { return b[i][j] }
	switch df {
	case accel.OS: // rows ← M, cols ← N, stream K
		for n0 := 0; n0 < n; n0 += cols {
			for m0 := 0; m0 < m; m0 += rows {
				out, ce, de := refFoldOS(t, tile(rows, k, m0, 0, m, k, A), tile(k, cols, 0, n0, k, n, B), rows, cols, k)
				for i := 0; i < rows && m0+i < m; i++ {
					for j := 0; j < cols && n0+j < n; j++ {
						run.c[m0+i][n0+j] += out[i][j]
					}
				}
				run.cycles, run.drain, run.folds = run.cycles+ce, run.drain+de, run.folds+1
			}
		}
	case accel.WS: // rows ← K, cols ← N, stream M
		for n0 := 0; n0 < n; n0 += cols {
			for k0 := 0; k0 < k; k0 += rows {
				s := tile(rows, cols, k0, n0, k, n, B)
				x := tile(m, rows, 0, k0, m, k, A)
				out, cy := refFoldStationary(t, s, x, rows, cols, m)
				for i := range m {
					for j := 0; j < cols && n0+j < n; j++ {
						run.c[i][n0+j] += out[i][j]
					}
				}
				run.cycles, run.folds = run.cycles+cy, run.folds+1
			}
		}
	case accel.IS: // rows ← K, cols ← M, stream N
		At := func(i, j int) int64 { return a[j][i] }
		Bt := func(i, j int) int64 { return b[j][i] }
		for m0 := 0; m0 < m; m0 += cols {
			for k0 := 0; k0 < k; k0 += rows {
				s := tile(rows, cols, k0, m0, k, m, At)
				x := tile(n, rows, 0, k0, n, k, Bt)
				out, cy := refFoldStationary(t, s, x, rows, cols, n)
				for i := range n {
					for j := 0; j < cols && m0+j < m; j++ {
						run.c[m0+j][i] += out[i][j]
					}
				}
				run.cycles, run.folds = run.cycles+cy, run.folds+1
			}
		}
	}
	return run
}

func randMatrix(rng *rand.Rand, rows, cols int) [][]int64 {
	g := refInts(rows, cols)
	for i := range g {
		for j := range g[i] {
			g[i][j] = rng.Int64N(17) - 8
		}
	}
	return g
}

func naiveGEMM(a, b [][]int64) [][]int64 {
	c := refInts(len(a), len(b[0]))
	for i := range a {
		for j := range b[0] {
			for k := range b {
				c[i][j] += a[i][k] * b[k][j]
			}
		}
	}
	return c
}

// TestReferenceModel runs random GEMMs (M, K, N in 1..20) on random arrays
// (rows, cols in 1..6) through the register model and checks (a) the result
// equals the naive GEMM exactly and (b) the closed-form compute cycles equal
// the register model's cycle count exactly (tolerance 0; the brief allows
// 5%). For os it also checks that the accumulator shift-out SCALE-Sim v2
// leaves uncharged is exactly Rows cycles per fold.
func TestReferenceModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 150 {
		rows, cols := 1+rng.IntN(6), 1+rng.IntN(6)
		m, k, n := 1+rng.IntN(20), 1+rng.IntN(20), 1+rng.IntN(20)
		a, b := randMatrix(rng, m, k), randMatrix(rng, k, n)
		want := naiveGEMM(a, b)
		for _, df := range []accel.Dataflow{accel.OS, accel.WS, accel.IS} {
			run := refGEMM(t, df, rows, cols, a, b)
			for i := range want {
				for j := range want[i] {
					if run.c[i][j] != want[i][j] {
						t.Fatalf("trial %d %s %dx%d M=%d K=%d N=%d: C[%d][%d] = %d, want %d",
							trial, df, rows, cols, m, k, n, i, j, run.c[i][j], want[i][j])
					}
				}
			}
			g := newSystolicGeom(systolicMappings[df], rows, cols, m, k, n, 1)
			if got := g.ComputeCycles(); int(got) != run.cycles || int(g.Folds()) != run.folds {
				t.Errorf("trial %d %s %dx%d M=%d K=%d N=%d: closed form %d cycles in %d folds, register model %d in %d",
					trial, df, rows, cols, m, k, n, got, g.Folds(), run.cycles, run.folds)
			}
			if df == accel.OS && run.drain-run.cycles != rows*run.folds {
				t.Errorf("trial %d os %dx%d: shift-out adds %d cycles, want rows·folds = %d",
					trial, rows, cols, run.drain-run.cycles, rows*run.folds)
			}
		}
	}
}

// TestReferenceLayerGroups checks SimulateLayer's compute cycles for grouped
// convolutions against the register model run once per group.
func TestReferenceLayerGroups(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	layers := []Layer{
		{Layer: network.Layer{Name: "g2", Kind: Conv, InC: 4, InH: 5, InW: 4, OutC: 6, R: 3, S: 2, Pad: 1, Groups: 2}},
		{Layer: network.Layer{Name: "g3s2", Kind: Conv, InC: 3, InH: 7, InW: 7, OutC: 3, R: 3, S: 3, Stride: 2, Groups: 3}},
		{Layer: network.Layer{Name: "fc", Kind: FC, InC: 13, InH: 1, InW: 1, OutC: 9, R: 1, S: 1}},
	}
	for _, df := range []accel.Dataflow{accel.OS, accel.WS, accel.IS} {
		for _, l := range layers {
			spec := testSpec(df, 3, 4)
			r, err := SimulateLayer(spec, &l)
			if err != nil {
				t.Fatal(err)
			}
			m, k, n, groups := l.GEMM()
			run := refGEMM(t, df, 3, 4, randMatrix(rng, m, k), randMatrix(rng, k, n))
			if want := Cycles(groups * run.cycles); r.ComputeCycles != want {
				t.Errorf("%s %s: ComputeCycles = %d, register model %d×%d = %d", df, l.Name, r.ComputeCycles, groups, run.cycles, want)
			}
		}
	}
}
