package derive

import (
	"fmt"
	"math"

	"github.com/chainrule-go/backprop/mathx"
)

// CrossEntropyDelta checks lesson 10's exercise: the learner's output error
// yours(z, y) = δ = ∂C0/∂z of the cross-entropy cost of a sigmoid output
// a = σ(z) with target y,
//
//	C0(z) = −[y ln a + (1 − y) ln(1 − a)],   δ = ∂C0/∂a · σ′(z) = (a − y)/(a(1 − a)) · a(1 − a) = a − y,
//
// against the central difference of C0(z) at each weighted input in zs. A
// missing factor ∂C0/∂a or σ′(z) is named, and so are two answers carried
// over from the quadratic cost: 2(a − y)σ′(z), the δ of C0 = (a − y)², and
// (a − y)σ′(z), the δ of the book's ½(a − y)². y must lie in [0, 1].
func CrossEntropyDelta(yours func(z, y float64) float64, y float64, zs ...float64) Result {
	switch {
	case yours == nil:
		return Result{err: fmt.Errorf("derive.CrossEntropyDelta: there is no δ to check: your function is nil")}
	case !(y >= 0 && y <= 1):
		return Result{err: fmt.Errorf("derive.CrossEntropyDelta: the target y = %v is not between 0 and 1", y)}
	}
	missQ := func(z float64) float64 { return mathx.Sigma(z) - y }
	return Check{
		Name:  fmt.Sprintf(`\delta = \frac{\partial C_0}{\partial z} \text{ for } y = %s`, Num(y, Digits)),
		Var:   `z`,
		Yours: func(z float64) float64 { return yours(z, y) },
		F: func(z float64) float64 {
			a := mathx.Sigma(z)
			return -(y*math.Log(a) + (1-y)*math.Log(1-a))
		},
		Factors: []Factor{
			{Name: `\frac{\partial C_0}{\partial a} = \frac{a - y}{a(1 - a)}`,
				At: func(z float64) float64 { a := mathx.Sigma(z); return (a - y) / (a * (1 - a)) }},
			{Name: `\sigma'(z)`, At: mathx.SigmaPrime},
		},
		Mistakes: []Mistake{
			{Why: `yours is the quadratic cost's $\delta = 2(a - y)\,\sigma'(z)$: for the cross-entropy, ` +
				`$\partial C_0/\partial a$ is $\frac{a - y}{a(1 - a)}$, not $2(a - y)$`,
				At: func(z float64) float64 { return 2 * missQ(z) * mathx.SigmaPrime(z) }},
			{Why: `yours is $(a - y)\,\sigma'(z)$, the $\delta$ of the book's quadratic cost $\tfrac12 (a - y)^2$: ` +
				`the cross-entropy's $\partial C_0/\partial a = \frac{a - y}{a(1 - a)}$ cancels $\sigma'(z)$`,
				At: func(z float64) float64 { return missQ(z) * mathx.SigmaPrime(z) }},
		},
	}.at("CrossEntropyDelta", zs)
}
