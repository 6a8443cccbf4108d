package derive

import (
	"fmt"

	"github.com/chainrule-go/backprop/mathx"
)

// BackStep checks a learner's step down a chain, the function
//
//	yours(w, z, dC_da) = ∂C0/∂a(l−1) = w(l) · f′(z(l)) · ∂C0/∂a(l)
//
// at layer l of the chain c run on input a0 with target y. It cuts the chain
// just below layer l, so that a(l−1) becomes the input of layers l … L, and
// at a(l−1) and 0.25 either side of it hands yours layer l's numbers and
// compares the answer with the central difference of C0. When yours leaves out
// one of the three factors, the result names it.
func BackStep(c mathx.Chain, a0, y float64, l int, yours func(w, z, dC_da float64) float64) Result {
	if l < 1 || l > c.Len() {
		return Result{err: fmt.Errorf("derive.BackStep: l = %d: pick a layer from 1 to %d", l, c.Len())}
	}
	if len(c.B) != len(c.W) {
		return Result{err: fmt.Errorf("derive.BackStep: %d weights and %d biases: %w", len(c.W), len(c.B), mathx.ErrShape)}
	}
	fwd, err := c.Forward(a0)
	if err != nil {
		return Result{err: fmt.Errorf("derive.BackStep: %w", err)}
	}
	top := mathx.Chain{W: c.W[l-1:], B: c.B[l-1:], Act: c.Act} // layers l … L
	layer := func(x float64) mathx.NeuronStep {                // layer l's numbers when a(l−1) = x
		tr, _ := top.Backprop(x, y)
		return tr.Layer(1)
	}
	cost := func(x float64) float64 { tr, _ := top.Backprop(x, y); return tr.C0 }
	_, prime := actTeX(c.Act)
	at := fwd.Layer(l).APrev
	return Check{
		Name:  fmt.Sprintf(`\frac{\partial C_0}{\partial a^{(%d)}}`, l-1),
		Var:   fmt.Sprintf(`a^{(%d)}`, l-1),
		Yours: func(x float64) float64 { s := layer(x); return yours(s.W, s.Z, s.DC_da) },
		F:     cost,
		Factors: []Factor{
			{Name: fmt.Sprintf(`w^{(%d)}`, l), At: func(x float64) float64 { return layer(x).W }},
			{Name: fmt.Sprintf(`%s(z^{(%d)})`, prime, l), At: func(x float64) float64 { return layer(x).Da_dz }},
			{Name: fmt.Sprintf(`\frac{\partial C_0}{\partial a^{(%d)}}`, l), At: func(x float64) float64 { return layer(x).DC_da }},
		},
	}.at("BackStep", []float64{at - 0.25, at, at + 0.25})
}
