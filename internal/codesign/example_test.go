package codesign_test

import (
	"fmt"

	"github.com/dcsim/dcsim/internal/codesign"
)

// ExampleFront keeps the candidates no other beats on every objective.
func ExampleFront() {
	pts := []codesign.Point{
		{Accuracy: 0.991, LatencyUS: 60, EnergyPJ: 250e6, Params: 40000},
		{Accuracy: 0.990, LatencyUS: 30, EnergyPJ: 120e6, Params: 20000},
		{Accuracy: 0.989, LatencyUS: 35, EnergyPJ: 130e6, Params: 25000}, // beaten by the second
	}
	fmt.Println(codesign.Front(pts))
	// Output: [1 0]
}

// ExampleSpearman measures how well a proxy ranks candidates.
func ExampleSpearman() {
	proxy := []float64{0.970, 0.985, 0.990, 0.991}
	real := []float64{0.986, 0.989, 0.991, 0.990}
	rho, _ := codesign.Spearman(proxy, real)
	fmt.Printf("%.2f\n", rho)
	// Output: 0.80
}

// ExampleParseBits reads a --bits value.
func ExampleParseBits() {
	b, err := codesign.ParseBits("conv=8,fc=5")
	fmt.Println(b, err)
	// Output: conv=8,fc=5 <nil>
}
