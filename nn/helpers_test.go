package nn

import (
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/dcsim/dcsim/network"
)

var (
	mnistOnce         sync.Once
	mnistTrain, mnist *Dataset
	mnistErr          error
)

// testMNIST loads MNIST once per test binary; tests skip when it is absent.
func testMNIST(t testing.TB) (train, test *Dataset) {
	t.Helper()
	mnistOnce.Do(func() {
		dir, err := MNISTDir("")
		if err != nil {
			mnistErr = err
			return
		}
		mnistTrain, mnist, mnistErr = LoadMNIST(dir)
	})
	if mnistErr != nil {
		t.Skipf("MNIST not available: %v", mnistErr)
	}
	return mnistTrain, mnist
}

// tinyArch exercises every layer kind and geometry feature the engine
// supports: padding, stride 2, pooling, conv→fc flattening.
func tinyArch() network.Network {
	return network.Network{Name: "tiny", Layers: []network.Layer{
		{Name: "c1", Kind: network.Conv, InC: 2, InH: 9, InW: 9, OutC: 3, R: 3, S: 3, Stride: 1, Pad: 1},
		{Name: "p1", Kind: network.Pool, InC: 3, InH: 9, InW: 9, OutC: 3, R: 2, S: 2, Stride: 2},
		{Name: "c2", Kind: network.Conv, InC: 3, InH: 4, InW: 4, OutC: 4, R: 3, S: 3, Stride: 2, Pad: 1},
		{Name: "f1", Kind: network.FC, InC: 16, InH: 1, InW: 1, OutC: 6, R: 1, S: 1},
		{Name: "f2", Kind: network.FC, InC: 6, InH: 1, InW: 1, OutC: 3, R: 1, S: 1},
	}}
}

// randomDataset returns n random c×h×w samples with labels below classes.
func randomDataset(n, c, h, w, classes int, seed uint64) *Dataset {
	r := rand.New(rand.NewPCG(seed, 7))
	ds := &Dataset{N: n, C: c, H: h, W: w, X: make([]float32, n*c*h*w), Y: make([]uint8, n)}
	for i := range ds.X {
		ds.X[i] = float32(r.NormFloat64())
	}
	for i := range ds.Y {
		ds.Y[i] = uint8(r.IntN(classes))
	}
	return ds
}

func newRand() *rand.Rand { return rand.New(rand.NewPCG(1, 2)) }
