package derive_test

import (
	"github.com/chainrule-go/backprop/kernel/derive"
	"github.com/chainrule-go/backprop/mathx"
)

// A sigmoid neuron with w(L) = 2, b(L) = −1, a(L−1) = 0.5 and y = 1 has
// z(L) = 0, a(L) = σ(0) = 0.5 and σ′(0) = 0.25, so
// ∂C0/∂w(L) = 0.5 × 0.25 × 2(0.5 − 1) = −0.125. Outside a notebook, Show
// prints the Markdown.
func Example() {
	s := mathx.Neuron(2, -1, 0.5, 1)
	derive.Neuron(s, mathx.NeuronWeight).Show()
	// Output:
	// **How $C_0$ changes with $w^{(L)}$**
	//
	// Forward: $z^{(L)} = w^{(L)} a^{(L-1)} + b^{(L)} = 2 \times 0.5 + (-1) = 0$, then $a^{(L)} = \sigma(z^{(L)}) = \sigma(0) = 0.5$ and $C_0 = (a^{(L)} - y)^2 = (0.5 - 1)^2 = 0.25$.
	//
	// Backward, one local derivative per arrow:
	//
	// - $\partial C_0 / \partial a^{(L)} = 2(a^{(L)} - y) = 2(0.5 - 1) = -1$
	// - $\partial a^{(L)} / \partial z^{(L)} = \sigma'(z^{(L)}) = \sigma'(0) = 0.25$
	// - $\partial z^{(L)} / \partial w^{(L)} = a^{(L-1)} = 0.5$
	//
	// $$\frac{\partial C_0}{\partial w^{(L)}} = \frac{\partial z^{(L)}}{\partial w^{(L)}} \cdot \frac{\partial a^{(L)}}{\partial z^{(L)}} \cdot \frac{\partial C_0}{\partial a^{(L)}} = a^{(L-1)} \cdot \sigma'(z^{(L)}) \cdot 2(a^{(L)} - y) = 0.5 \times 0.25 \times (-1) = -0.125$$
	//
	// ✓ agrees with the central difference $\bigl(C_0(w^{(L)} + h) - C_0(w^{(L)} - h)\bigr) / 2h = -0.125$ ($h = 2 \times 10^{-5}$; relative error $\lt 10^{-10}$)
}

// A learner who forgot σ′(z) in ∂C0/∂w(L) is told which factor is missing.
func ExampleCompareNeuron() {
	s := mathx.Neuron(2, -1, 0.5, 1)
	forgot := func(w float64) float64 {
		a := mathx.Sigma(w*0.5 - 1)
		return 0.5 * 2 * (a - 1) // a(L−1) · 2(a(L) − y), without σ′(z(L))
	}
	derive.CompareNeuron(s, mathx.NeuronWeight, forgot).Show()
	// Output:
	// **Your $\partial C_0 / \partial w^{(L)}$ against the central difference**
	//
	// | $w^{(L)}$ | yours | central difference | |
	// |---:|---:|---:|:---|
	// | $2$ | $\color{red}{-0.5}$ | $-0.125$ | ✗ the factor $\sigma'(z^{(L)})$ is missing: yours is the product of the others (difference $-0.375$) |
	//
	// ✗ **Not yet:** the factor $\sigma'(z^{(L)})$ is missing: yours is the product of the others.
}
