package derive

import (
	"fmt"
	"math"
	"strings"

	"github.com/chainrule-go/backprop/mathx"
)

// Growth is lesson 04's second exercise: find a weight w and a bias b for
// which the cost's sensitivity grows on the way down a sigmoid chain. It runs
// a chain of n layers, each with weight w and bias b, on input a0 with target
// y, and shows each step's factor |∂C0/∂a(l−1)| / |∂C0/∂a(l)| = |w|·σ′(z(l)).
// It agrees when |∂C0/∂a(0)| > |∂C0/∂a(n)|; otherwise it says what stops the
// growth: a weight with |w|/4 ≤ 1, which no bias can help, or weighted inputs
// z(l) far from 0, where σ′ is small.
func Growth(w, b float64, n int, a0, y float64) Result {
	if n < 1 || n > 100 {
		return Result{err: fmt.Errorf("derive.Growth: n = %d layers; want 1 to 100", n)}
	}
	c := mathx.Chain{W: make([]float64, n), B: make([]float64, n), Act: mathx.Sigmoid}
	for i := range n {
		c.W[i], c.B[i] = w, b
	}
	tr, err := c.Backprop(a0, y)
	if err != nil {
		return Result{err: fmt.Errorf("derive.Growth: %w", err)}
	}
	top, bottom := math.Abs(tr.Layer(n).DC_da), math.Abs(tr.Layer(1).DC_daPrev)
	if top == 0 {
		return Result{err: fmt.Errorf("derive.Growth: the output a(%d) = %v equals y, so every sensitivity is 0; pick another y", n, tr.Layer(n).A)}
	}
	var md strings.Builder
	fmt.Fprintf(&md, "**A chain of %d layers with $w = %s$, $b = %s$, from $a^{(0)} = %s$**\n\n", n, Num(w, Digits), Num(b, Digits), Num(a0, Digits))
	md.WriteString("| layer $l$ | $z^{(l)}$ | $\\sigma'(z^{(l)})$ | step factor $\\lvert w\\rvert\\,\\sigma'(z^{(l)})$ |\n|---:|---:|---:|---:|\n")
	for _, i := range shown(n) {
		if i < 0 {
			md.WriteString("| … | | | |\n")
			continue
		}
		s := tr.Layer(n - i)
		fmt.Fprintf(&md, "| %d | $%s$ | $%s$ | $%s$ |\n", n-i, Num(s.Z, Digits), Num(s.Da_dz, Digits), Num(math.Abs(w)*s.Da_dz, Digits))
	}
	farL := n // the layer whose z is farthest from 0
	for l := 1; l <= n; l++ {
		if math.Abs(tr.Layer(l).Z) > math.Abs(tr.Layer(farL).Z) {
			farL = l
		}
	}
	far := tr.Layer(farL)
	ratio := bottom / top
	fmt.Fprintf(&md, "\nFrom $a^{(%d)}$ down to $a^{(0)}$ the sensitivity is multiplied by $%s$.\n\n", n, Num(ratio, Digits))
	switch {
	case ratio > 1:
		fmt.Fprintf(&md, "✓ **It grows:** by a factor of $%s$ per step on average.\n", Num(math.Pow(ratio, 1/float64(n)), Digits))
	case math.Abs(w) <= 4:
		fmt.Fprintf(&md, "✗ **Not yet:** $|w|/4 = %s \\le 1$, so no step can grow the sensitivity, whatever the bias: take $|w| > 4$.\n", Num(math.Abs(w)/4, Digits))
	default:
		fmt.Fprintf(&md, "✗ **Not yet:** the weight would allow it ($|w|/4 = %s$), but the weighted inputs stray from $0$: "+
			"$z^{(%d)} = %s$, where $\\sigma' = %s$. Choose $b$ so that $z = w\\,a + b$ stays near $0$ for the activations $a$ the chain produces.\n",
			Num(math.Abs(w)/4, Digits), farL, Num(far.Z, Digits), Num(far.Da_dz, Digits))
	}
	return Result{md: md.String(), agree: ratio > 1}
}
