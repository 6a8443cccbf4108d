package derive

import (
	"fmt"
	"math"
	"math/bits"
	"strings"

	"github.com/chainrule-go/backprop/mathx"
)

// TanhOutputWeight checks a learner's derivative of the average quadratic
// cost over data with respect to the weight w(L)_0k from neuron k of the
// layer below into the first output neuron of the tanh network n:
//
//	∂C/∂w(L)_0k = (1/n) Σ_i 2(a_i − y_i) (1 − a_i²) a(L−1)_k,i
//
// where a_i is the output a(L)_0 for example i and y_i its target. yours
// gets a, y and aPrev (a(L−1)_k for each example) and returns the average.
// It is compared with the central difference of C in that weight, and when
// they differ the check names what is off: a missing factor (2, a − y,
// 1 − a², a(L−1)_k or the 1/n of the average), the sigmoid's slope a(1 − a)
// where tanh's 1 − a² belongs, or a flipped sign.
func TanhOutputWeight(n *mathx.Network, data []mathx.Example, k int, yours func(a, y, aPrev []float64) float64) Result {
	fail := func(err error) Result { return Result{err: fmt.Errorf("derive.TanhOutputWeight: %w", err)} }
	if yours == nil {
		return fail(fmt.Errorf("there is nothing to check: your function is nil"))
	}
	if n == nil {
		return fail(errNilNetwork)
	}
	if len(data) < 2 {
		return fail(fmt.Errorf("the data set has %d examples; the check needs at least 2 to tell a sum from an average", len(data)))
	}
	L := len(n.Layers)
	if L == 0 || n.Layers[L-1].Act.Name != mathx.Tanh.Name || n.Cost != mathx.Quadratic {
		return fail(fmt.Errorf("the check is for a network with a tanh output layer and the quadratic cost: %w", mathx.ErrConfig))
	}
	if k < 0 || k >= n.Layers[L-1].In() {
		return fail(fmt.Errorf("k = %d, but layer %d has %d neurons (k counts from 0)", k, L-1, n.Layers[L-1].In()))
	}
	a, y, aPrev := make([]float64, len(data)), make([]float64, len(data)), make([]float64, len(data))
	for i, ex := range data {
		st, err := n.Steps(ex.X, ex.Y)
		if err != nil {
			return fail(fmt.Errorf("example %d: %w", i, err))
		}
		a[i], y[i], aPrev[i] = st[L-1].A[0], ex.Y[0], st[L-1].APrev[k]
	}
	p := mathx.WeightParam(L, 0, k)
	w0, _ := n.Param(p)
	h := step(w0)
	fd := mathx.CentralDiff(func(w float64) float64 {
		n.SetParam(p, w)
		c, _ := n.AverageCost(data)
		return c
	}, w0, h)
	n.SetParam(p, w0)
	var got float64
	if err := protect("your function", func() {
		got = yours(append([]float64(nil), a...), append([]float64(nil), y...), append([]float64(nil), aPrev...))
	}); err != nil {
		return fail(err)
	}
	name := fmt.Sprintf(`\partial C/\partial w^{(%d)}_{0,%d}`, L, k)
	var b strings.Builder
	fmt.Fprintf(&b, "**Your $%s$, averaged over the %d examples**\n\n", name, len(data))
	fmt.Fprintf(&b, "yours $%s$, central difference of $C$ $%s$\n\n", Num(got, 6), Num(fd, 6))
	if agree(got, fd, 1) {
		b.WriteString("✓ **Right:** yours agrees with the central difference: $\\frac1n \\sum_i 2(a_i - y_i)(1 - a_i^2)\\, a^{(L-1)}_{k,i}$.\n")
		return Result{md: b.String(), agree: true}
	}
	fmt.Fprintf(&b, "✗ **Not yet:** %s.\n", tanhWhy(got, a, y, aPrev))
	return Result{md: b.String()}
}

// tanhFactors are the factors of ∂C/∂w(L)_0k, for tanhWhy to leave out:
// each example's four, and the 1/n of the average.
var tanhFactors = []struct {
	name string
	at   func(a, y, aPrev float64) float64
}{
	{"the 2 of $\\partial C_0/\\partial a = 2(a - y)$", func(a, y, aPrev float64) float64 { return 2 }},
	{"the factor $a - y$", func(a, y, aPrev float64) float64 { return a - y }},
	{"tanh's slope $1 - a^2$", func(a, y, aPrev float64) float64 { return 1 - a*a }},
	{"the activation below, $a^{(L-1)}_k$", func(a, y, aPrev float64) float64 { return aPrev }},
}

// tanhWhy says in Markdown what is off with the learner's value got.
func tanhWhy(got float64, a, y, aPrev []float64) string {
	n := float64(len(a))
	// sum returns Σ_i of the product of the factors not in the mask drop, with
	// slope as the third factor; the average unless drop has bit 4.
	sum := func(drop uint, slope func(a float64) float64) float64 {
		s := 0.0
		for i := range a {
			t := 1.0
			for f, fac := range tanhFactors {
				switch {
				case drop&(1<<f) != 0:
				case f == 2:
					t *= slope(a[i])
				default:
					t *= fac.at(a[i], y[i], aPrev[i])
				}
			}
			s += t
		}
		if drop&(1<<4) == 0 {
			s /= n
		}
		return s
	}
	tanh := func(a float64) float64 { return 1 - a*a }
	sigma := func(a float64) float64 { return a * (1 - a) }
	right := sum(0, tanh)
	same := func(v float64) bool { return math.Abs(got-v) <= 1e-9*max(math.Abs(v), 1e-12) }
	switch {
	case !mathx.IsFinite(got):
		return fmt.Sprintf("yours is %v, not a number", got)
	case same(-right):
		return "the sign is flipped"
	case same(sum(0, sigma)):
		return "yours uses the sigmoid's slope $a(1 - a)$; the output here is tanh, whose slope is $1 - a^2$"
	case same(sum(1<<4, sigma)):
		return "yours uses the sigmoid's slope $a(1 - a)$ where tanh's $1 - a^2$ belongs, and it is the sum over the examples: the $\\frac1n$ of the average is missing as well"
	}
	for count := 1; count <= 5; count++ { // the fewest factors missing first
		for drop := uint(1); drop < 1<<5; drop++ {
			if bits.OnesCount(drop) != count || !same(sum(drop, tanh)) {
				continue
			}
			var missing []string
			for f := range 5 {
				switch {
				case drop&(1<<f) == 0:
				case f == 4:
					missing = append(missing, "the $\\frac1n$ of the average (yours is the sum over the examples)")
				default:
					missing = append(missing, tanhFactors[f].name)
				}
			}
			return "missing: " + strings.Join(missing, ", and ")
		}
	}
	return "yours is not $\\frac1n \\sum_i 2(a_i - y_i)(1 - a_i^2)\\, a^{(L-1)}_{k,i}$, nor that product with some of its factors left out"
}
