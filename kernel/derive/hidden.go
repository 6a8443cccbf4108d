package derive

import (
	"fmt"

	"github.com/chainrule-go/backprop/mathx"
)

// HiddenDelta checks a learner's δ of a hidden neuron, the function
//
//	yours(z, w, deltaAbove) = δ(l)_k = f′(z(l)_k) · Σ_j w(l+1)_jk δ(l+1)_j
//
// where z is the weighted input of neuron k in layer l, w[j] is w(l+1)_jk,
// the weight from it into neuron j of the layer above, and deltaAbove[j] is
// that neuron's δ(l+1)_j. At z(l)_k as the example ex sets it and at each
// of the extra points, it sets z(l)_k, runs layers l+1 … L of n from there,
// hands yours the weights and the layer above's δs, and compares the answer
// with the central difference of C0 in z(l)_k. When yours leaves out the
// slope or the sum, the result names it.
func HiddenDelta(n *mathx.Network, ex mathx.Example, l, k int, yours func(z float64, w, deltaAbove []float64) float64, at ...float64) Result {
	st, err := steps(n, ex)
	if err != nil {
		return Result{err: fmt.Errorf("derive.HiddenDelta: %w", err)}
	}
	if l < 1 || l >= len(st) {
		return Result{err: fmt.Errorf("derive.HiddenDelta: l = %d: pick a hidden layer, 1 to %d", l, len(st)-1)}
	}
	if k < 0 || k >= len(st[l-1].Z) {
		return Result{err: fmt.Errorf("derive.HiddenDelta: k = %d: layer %d has neurons 0 … %d", k, l, len(st[l-1].Z)-1)}
	}
	if err := perNeuron(n, l); err != nil {
		return Result{err: fmt.Errorf("derive.HiddenDelta: %w", err)}
	}
	above, err := mathx.NewNetworkFrom(n.Layers[l:]...)
	if err != nil {
		return Result{err: fmt.Errorf("derive.HiddenDelta: %w", err)}
	}
	above.Cost = n.Cost
	act := n.Layers[l-1].Act
	// step returns layer l+1's numbers when z(l)_k = z.
	step := func(z float64) (mathx.LayerStep, float64) {
		a := append([]float64(nil), st[l-1].A...)
		a[k] = act.F(z)
		s, err := above.Steps(a, ex.Y)
		if err != nil {
			panic(err)
		}
		return s[0], s[len(s)-1].C0
	}
	sum := func(z float64) float64 { s, _ := step(z); return s.DC_daPrev[k] }
	_, prime := actTeX(act)
	return Check{
		Name: fmt.Sprintf(`\delta^{(%d)}_{%d}`, l, k),
		Var:  fmt.Sprintf(`z^{(%d)}_{%d}`, l, k),
		Yours: func(z float64) float64 {
			s, _ := step(z)
			w := make([]float64, s.Layer.Out())
			for j := range w {
				w[j] = s.Layer.Weight(j, k)
			}
			return yours(z, w, append([]float64(nil), s.DC_dz...))
		},
		F: func(z float64) float64 { _, c0 := step(z); return c0 },
		Factors: []Factor{
			{Name: fmt.Sprintf(`%s(z^{(%d)}_{%d})`, prime, l, k), At: act.Prime},
			{Name: fmt.Sprintf(`\sum_j w^{(%d)}_{j%d} \delta^{(%d)}_j`, l+1, k, l+1), At: sum},
		},
	}.at("HiddenDelta", append([]float64{st[l-1].Z[k]}, at...))
}
