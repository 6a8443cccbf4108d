package mathx_test

import (
	"fmt"
	"math"

	"github.com/chainrule-go/backprop/mathx"
)

// The softmax of (0, ln 2, ln 5) shares 1 out as 1 : 2 : 5, and its
// Jacobian has a_j(1 − a_j) on the diagonal and −a_j a_k off it.
func ExampleSoftmaxJacobian() {
	z := []float64{0, math.Ln2, math.Log(5)}
	a, _ := mathx.SoftmaxOf(z)
	jac, _ := mathx.SoftmaxJacobian(z)
	fmt.Printf("a = %.4g\n", a)
	for _, row := range jac {
		fmt.Printf("%.4g\n", row)
	}
	// Output:
	// a = [0.125 0.25 0.625]
	// [0.1094 -0.03125 -0.07812]
	// [-0.03125 0.1875 -0.1562]
	// [-0.07812 -0.1562 0.2344]
}

// A softmax output layer priced by the log-likelihood: δ(L) = a − y.
func ExampleLogLikelihood() {
	out, _ := mathx.NewLayerFrom([][]float64{{1}, {0}, {-1}}, []float64{0, 0, 0}, mathx.Softmax)
	net, _ := mathx.NewNetworkFrom(out)
	net.Cost = mathx.LogLikelihood
	steps, _ := net.Steps([]float64{1}, []float64{0, 1, 0})
	s := steps[0]
	fmt.Printf("a = %.4f, C0 = −ln a_1 = %.4f\n", s.A, s.C0)
	fmt.Printf("δ = %.4f\n", s.DC_dz)
	// Output:
	// a = [0.6652 0.2447 0.0900], C0 = −ln a_1 = 1.4076
	// δ = [0.6652 -0.7553 0.0900]
}
