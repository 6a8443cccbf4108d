package derive

import (
	"fmt"

	"github.com/chainrule-go/backprop/mathx"
)

// HalfCostSlope checks lesson 01's exercise: the learner's yours(a) =
// ∂(½C0)/∂a(L) for the books' half cost ½C0 = ½(a − y)², whose slope is
//
//	∂(½C0)/∂a = a − y,
//
// against the central difference of ½C0 at each output in as. Copying the
// slope of C0 itself, 2(a − y), is named for what it is. y must be finite.
func HalfCostSlope(yours func(a float64) float64, y float64, as ...float64) Result {
	switch {
	case yours == nil:
		return Result{err: fmt.Errorf("derive.HalfCostSlope: there is no slope to check: your function is nil")}
	case !mathx.IsFinite(y):
		return Result{err: fmt.Errorf("derive.HalfCostSlope: the target y = %v is not a finite number", y)}
	}
	return Check{
		Name:  `\frac{\partial (\frac12 C_0)}{\partial a^{(L)}}`,
		Var:   `a^{(L)}`,
		Yours: yours,
		F:     func(a float64) float64 { return (a - y) * (a - y) / 2 },
		Mistakes: []Mistake{{
			Why: `yours is $2(a - y)$, the slope of $C_0$ itself: the $\tfrac12$ in front halves it`,
			At:  func(a float64) float64 { return 2 * (a - y) },
		}},
	}.at("HalfCostSlope", as)
}
