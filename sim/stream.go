package sim

// ifmapPass is the number of ifmap elements one pass of the row folds
// reads from DRAM per group when the ifmap stream on ws is not kept on
// chip between row folds: Σ over row folds of the elements that fold's
// K-slice touches. The GEMM's K index runs over (r, s, c) with the channel
// fastest (SCALE-Sim's im2col window layout), so a fold of Rows
// consecutive K indices covers a range of filter taps for each channel,
// and two folds covering different taps of one channel read the same
// input elements again. For a 1×1 convolution, or when one fold covers
// every tap, the pass is the unique ifmap (InputRead); for VGG-16 conv1_2
// (64 channels, 3×3 taps) on 32 rows it is 9× the ifmap: each fold holds
// 32 channels of one tap. Found by the Timeloop cross-check
// (docs/validation.md): the proportional share used before counted the
// ifmap once per column fold.
//
// A channel's elements under a tap range are counted as the rectangle the
// range's rows and columns of taps span (exact for a single tap, a run of
// taps in one filter row, or whole filter rows).
func ifmapPass(l *Layer, rows int) int64 {
	cg := l.InC / l.GroupsOr1()
	_, k, _, _ := l.GEMM()
	ta := tapAreas{oh: l.OutH(), ow: l.OutW(), st: l.StrideOr1()}
	tapArea := ta.area
	if cg%rows == 0 {
		// every fold holds rows channels of one tap: each channel reads
		// every tap's window once, Σ_r rows touched × Σ_s columns touched
		var sr, ss int64
		for r := range l.R {
			sr += int64(touched(l.InH, ta.oh, 1, ta.st, l.Pad-r))
		}
		for c := range l.S {
			ss += int64(touched(l.InW, ta.ow, 1, ta.st, l.Pad-c))
		}
		return int64(cg) * sr * ss
	}
	return ifmapPassFolds(l, rows, cg, k, tapArea)
}

// ifmapPassFolds is ifmapPass fold by fold.
func ifmapPassFolds(l *Layer, rows, cg, k int, tapArea func(*Layer, int, int) int64) int64 {
	var total int64
	for lo := 0; lo < k; lo += rows {
		hi := min(lo+rows, k) - 1 // last K index of the fold
		t0, c0 := lo/cg, lo%cg
		t1, c1 := hi/cg, hi%cg
		if t0 == t1 {
			total += int64(c1-c0+1) * tapArea(l, t0, t1)
			continue
		}
		// Channels are in the first tap from c0 on, in the last up to c1,
		// in every tap between.
		both := max(0, c1-c0+1)             // c0 ≤ c ≤ c1: taps t0..t1
		first := (cg - c0) - both           // c > c1: taps t0..t1−1
		last := (c1 + 1) - both             // c < c0: taps t0+1..t1
		neither := cg - both - first - last // c1 < c < c0: taps t0+1..t1−1
		total += int64(both) * tapArea(l, t0, t1)
		total += int64(first) * tapArea(l, t0, t1-1)
		total += int64(last) * tapArea(l, t0+1, t1)
		if neither > 0 && t1-t0 >= 2 {
			total += int64(neither) * tapArea(l, t0+1, t1-1)
		}
	}
	return total
}

// tapAreas holds a layer's output size and stride for area.
type tapAreas struct{ oh, ow, st int }

// area is the number of one channel's input positions that the windows of
// filter taps t0..t1 (t = r·S + s) touch, as the rectangle of the taps'
// row and column ranges.
func (a tapAreas) area(l *Layer, t0, t1 int) int64 {
	r0, r1 := t0/l.S, t1/l.S
	s0, s1 := t0%l.S, t1%l.S
	if r0 != r1 {
		s0, s1 = 0, l.S-1
	}
	rows := touched(l.InH, a.oh, r1-r0+1, a.st, l.Pad-r0)
	cols := touched(l.InW, a.ow, s1-s0+1, a.st, l.Pad-s0)
	return int64(rows) * int64(cols)
}
