package nn

import "fmt"

// evalBatch is the number of samples Evaluate pushes through at a time.
const evalBatch = 256

// Evaluate returns the fraction of ds classified correctly (arg-max of the
// last layer) and the mean softmax cross-entropy, using the effective
// weights. It uses runtime.NumCPU() workers. A dataset that does not fit the
// model gives accuracy 0 and loss NaN; use EvaluateErr to get the reason.
func Evaluate(m *Model, ds *Dataset) (accuracy, loss float64) {
	acc, l, err := EvaluateErr(m, ds, 0)
	if err != nil {
		return 0, nan()
	}
	return acc, l
}

// EvaluateErr is Evaluate with an explicit worker count (0 =
// runtime.NumCPU()) and an error for a dataset or model that does not fit.
func EvaluateErr(m *Model, ds *Dataset, workers int) (accuracy, loss float64, err error) {
	if err := m.checkData(ds); err != nil {
		return 0, 0, err
	}
	bs := min(evalBatch, ds.N)
	e := newEngine(m, bs, workers)
	defer e.close()
	idx := make([]int, ds.N)
	for i := range idx {
		idx[i] = i
	}
	var sum float64
	var correct int
	for lo := 0; lo < ds.N; lo += bs {
		e.run(ds, idx[lo:min(lo+bs, ds.N)], false)
		l, c := e.reduce()
		sum += l
		correct += c
	}
	return float64(correct) / float64(ds.N), sum / float64(ds.N), nil
}

// GradientPass runs forward and backward over all of ds in order, in batches
// of batchSize (0 = 64), without updating weights: after each batch
// Param.Grad and Param.BiasGrad hold that batch's gradients (summed over its
// samples, with respect to the effective weights) and visit is called.
// Saliency pruning accumulates its criterion in visit.
func (m *Model) GradientPass(ds *Dataset, batchSize int, visit func()) error {
	if batchSize < 0 {
		return fmt.Errorf("batch size: must be > 0, got %d", batchSize)
	}
	if batchSize == 0 {
		batchSize = 64
	}
	if err := m.checkData(ds); err != nil {
		return err
	}
	bs := min(batchSize, ds.N)
	e := newEngine(m, bs, 0)
	defer e.close()
	idx := make([]int, ds.N)
	for i := range idx {
		idx[i] = i
	}
	for lo, step := 0, 1; lo < ds.N; lo, step = lo+bs, step+1 {
		e.run(ds, idx[lo:min(lo+bs, ds.N)], true)
		loss, _ := e.reduce()
		if err := e.checkFinite(loss, 1, step); err != nil {
			return err
		}
		if visit != nil {
			visit()
		}
	}
	return nil
}
