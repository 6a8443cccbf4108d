package mathx_test

import (
	"fmt"

	"github.com/chainrule-go/backprop/mathx"
)

// One sigmoid neuron with w = 0.5, b = −0.5, a(L−1) = 1 and desired output
// y = 1: the chain rule multiplies three local derivatives.
func Example() {
	s := mathx.Neuron(0.5, -0.5, 1, 1)
	fmt.Printf("z = %g, a = %g, C0 = %g\n", s.Z, s.A, s.C0)
	fmt.Printf("∂C0/∂w = %g · %g · %g = %g\n", s.Dz_dw, s.Da_dz, s.DC_da, s.DC_dw)
	// Output:
	// z = 0, a = 0.5, C0 = 0.25
	// ∂C0/∂w = 1 · 0.25 · -1 = -0.25
}
