package nn_test

import (
	"bytes"
	"fmt"

	"github.com/dcsim/dcsim/network"
	"github.com/dcsim/dcsim/nn"
)

func ExampleNewModel() {
	arch, _ := network.Zoo("lenet-5")
	m, err := nn.NewModel(arch, 1)
	if err != nil {
		panic(err)
	}
	for _, p := range m.Params() {
		fmt.Println(p.Layer, p.Kind, p.Shape, m.MACs(p.Layer))
	}
	// Output:
	// conv1 conv [20 1 5 5] 288000
	// conv2 conv [50 20 5 5] 1600000
	// fc1 fc [500 800] 400000
	// fc2 fc [10 500] 5000
}

// ExampleTrain trains LeNet-300-100 on a small synthetic set; with MNIST,
// load the data with nn.MNISTDir and nn.LoadMNIST instead.
func ExampleTrain() {
	arch, _ := network.Zoo("lenet-300-100")
	m, _ := nn.NewModel(arch, 1)
	ds := &nn.Dataset{N: 64, C: 1, H: 28, W: 28, X: make([]float32, 64*784), Y: make([]uint8, 64)}
	for i := range ds.Y {
		ds.Y[i] = uint8(i % 10)
		ds.X[i*784+100+i%10] = 3 // a bright pixel whose position is the class
	}
	s := nn.DefaultTrainSettings(arch.Name)
	s.Epochs = 20
	if _, err := nn.Train(m, ds, s); err != nil {
		panic(err)
	}
	acc, _ := nn.Evaluate(m, ds)
	fmt.Printf("training accuracy %.2f\n", acc)
	// Output: training accuracy 1.00
}

func ExampleSaveModel() {
	arch, _ := network.Zoo("lenet-300-100")
	m, _ := nn.NewModel(arch, 1)
	p := m.Param("fc3")
	p.Mask = make([]float32, len(p.W)) // prune fc3 entirely
	var buf bytes.Buffer
	if err := nn.WriteModel(&buf, m, map[string]string{"note": "example"}); err != nil {
		panic(err)
	}
	got, meta, err := nn.ReadModel(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "example.npz")
	if err != nil {
		panic(err)
	}
	fmt.Println(meta["arch"], meta["note"], got.Param("fc3").Nonzero(), got.Param("fc2").Nonzero())
	// Output: lenet-300-100 example 0 30000
}
