//go:build !amd64 || purego

package nn

func dcRowsFast(vals []float32, idx []int32, src []float32, srs int, dst []float32, drs, rows, cols int) int {
	return 0
}

func dcDWFast(idx []int32, src []float32, srs int, dy []float32, dyrs, rows, cols int, out []float32) bool {
	return false
}

func poolLanesFast(src []float32, ow, ph, pw int, bias float32, y []float32, code []int32) bool {
	return false
}

func unpoolLanesFast(dst []float32, dw, ph, pw int, g []float32, code []int32, acc *[4 * lanes]float32) bool {
	return false
}

func dcWinFast(vals []float32, idx []int32, rng *[10]int32, dy []float32, at int, dst []float32) bool {
	return false
}
