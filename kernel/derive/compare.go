package derive

import (
	"fmt"
	"math/bits"
	"slices"
	"strings"

	"github.com/chainrule-go/backprop/mathx"
)

// maxFactors bounds Check.Factors: the diagnosis tries every way of leaving
// some of them out, 2ⁿ − 2 products.
const maxFactors = 8

// A Factor is one factor of a chain-rule product, for Check to name when the
// learner's derivative equals the product without it.
type Factor struct {
	Name string                  // LaTeX math, e.g. `\sigma'(z^{(L)})`
	At   func(x float64) float64 // the factor's value where the derivative is taken
}

// A Mistake is a wrong derivative that learners are known to write, for Check
// to name for what it is when the learner's derivative equals it.
type Mistake struct {
	Why string                  // Markdown: what the wrong derivative is, e.g. "yours is the quadratic cost's δ"
	At  func(x float64) float64 // the wrong derivative's value at x
}

// A Check is a "your turn" exercise: the learner's derivative Yours of F,
// to be compared with the central difference of F.
type Check struct {
	Name  string                  // the derivative, as LaTeX math (`\frac{\partial C_0}{\partial w^{(L)}}`); "f'(x)" when empty
	Var   string                  // the variable, as LaTeX math; "x" when empty
	Yours func(x float64) float64 // the learner's derivative
	F     func(x float64) float64 // the function it should be the derivative of

	// Factors, when set, are factors whose product is F′ (say
	// ∂z/∂w · σ′(z) · 2(a − y)): when Yours equals the product of some of them,
	// the diagnosis names the ones that are missing.
	Factors []Factor

	// Mistakes, when set, are wrong derivatives to recognise: when Yours
	// equals one of them, and is wrong, the diagnosis is that Mistake's Why,
	// ahead of any missing factor or factor of 2.
	Mistakes []Mistake
}

// A Result is the outcome of a Check at one or more points, rendered as
// Markdown, or the reason the check could not be made.
type Result struct {
	md    string
	err   error
	agree bool
}

// Markdown returns the comparison as Markdown with LaTeX; it is empty when
// Err is not nil.
func (r Result) Markdown() string { return r.md }

// Err returns what was wrong with the check itself, or nil.
func (r Result) Err() error { return r.err }

// Agree reports whether the learner's derivative agreed with the central
// difference at every point.
func (r Result) Agree() bool { return r.err == nil && r.agree }

// Show publishes the comparison as the cell's output, or a red box naming
// what was wrong with the check.
func (r Result) Show() { show(r.md, r.err) }

// Compare checks the learner's derivative yours of f at the points at: at
// each x it compares yours(x) with the central difference
//
//	f′(x) ≈ (f(x + h) − f(x − h)) / (2h),   h = 10⁻⁵·max(1, |x|),
//
// and, where they differ, says in plain words what is off: a flipped sign,
// a factor of 2 too many or too few, or else both numbers. name is the
// derivative as LaTeX math. Compare is Check{Name: name, Yours: yours,
// F: f}.At(at...); set Check's Factors to have a missing factor named.
func Compare(name string, yours, f func(float64) float64, at ...float64) Result {
	return Check{Name: name, Yours: yours, F: f}.at("Compare", at)
}

// At runs the check at the points xs; see Compare.
func (c Check) At(xs ...float64) Result { return c.at("Check.At", xs) }

// point is the check at one x.
type point struct {
	x, yours, fd float64
	fx           float64 // f(x), the scale of the central difference's noise
	ok           bool
	why          string // Markdown: what is off, in words, when not ok
}

func (c Check) at(fn string, xs []float64) Result {
	pts, err := c.run(xs)
	if err != nil {
		return Result{err: fmt.Errorf("derive.%s: %w", fn, err)}
	}
	name, v := c.Name, c.Var
	if name == "" {
		name = `f'(x)`
	}
	if v == "" {
		v = "x"
	}
	name, v = safe(name), safe(v)
	var b strings.Builder
	fmt.Fprintf(&b, "**Your $%s$ against the central difference**\n\n", name)
	fmt.Fprintf(&b, "| $%s$ | yours | central difference | |\n|---:|---:|---:|:---|\n", v)
	var whys []string
	failed := 0
	for _, p := range pts {
		if p.ok {
			fmt.Fprintf(&b, "| $%s$ | $%s$ | $%s$ | ✓ agree (%s) |\n",
				Num(p.x, 6), Num(p.yours, Digits+1), Num(p.fd, Digits+1), closeness(p.yours, p.fd, p.fx))
			continue
		}
		diff := ""
		if mathx.IsFinite(p.yours) {
			diff = " (difference $" + Num(p.yours-p.fd, Digits) + "$)"
		}
		fmt.Fprintf(&b, "| $%s$ | $\\color{red}{%s}$ | $%s$ | ✗ %s%s |\n",
			Num(p.x, 6), Num(p.yours, 6), Num(p.fd, 6), p.why, diff)
		failed++
		if !slices.Contains(whys, p.why) {
			whys = append(whys, p.why)
		}
	}
	b.WriteString("\n")
	switch {
	case len(whys) == 0 && len(pts) == 1:
		b.WriteString("✓ **Your derivative agrees with the central difference.**\n")
	case len(whys) == 0:
		fmt.Fprintf(&b, "✓ **Your derivative agrees with the central difference at all %d points.**\n", len(pts))
	case len(whys) == 1 && len(pts) == 1:
		fmt.Fprintf(&b, "✗ **Not yet:** %s.\n", whys[0])
	case len(whys) == 1 && failed == len(pts):
		fmt.Fprintf(&b, "✗ **Not yet:** at every point, %s.\n", whys[0])
	case len(whys) == 1:
		fmt.Fprintf(&b, "✗ **Not yet:** at %d of the %d points, %s.\n", failed, len(pts), whys[0])
	default:
		b.WriteString("✗ **Not yet:** yours is off in different ways at different points; see the last column.\n")
	}
	return Result{md: b.String(), agree: len(whys) == 0}
}

// safe makes LaTeX fit a Markdown table cell: a | would end the cell.
func safe(tex string) string { return strings.ReplaceAll(tex, "|", `\vert `) }

// run checks the inputs and compares Yours with the central difference of
// F at each x.
func (c Check) run(xs []float64) ([]point, error) {
	switch {
	case c.Yours == nil:
		return nil, fmt.Errorf("there is no derivative to check: your function is nil")
	case c.F == nil:
		return nil, fmt.Errorf("there is no function to differentiate: f is nil")
	case len(xs) == 0:
		return nil, fmt.Errorf("no points to check at: give at least one x")
	case len(c.Factors) > maxFactors:
		return nil, fmt.Errorf("%d factors given; at most %d", len(c.Factors), maxFactors)
	case strings.Contains(c.Name, "$") || strings.Contains(c.Var, "$"):
		return nil, fmt.Errorf("the name %q or variable %q contains a $; write them as LaTeX math without $", c.Name, c.Var)
	}
	for i, f := range c.Factors {
		if f.At == nil {
			return nil, fmt.Errorf("factor %d (%s) has no At function", i, f.Name)
		}
	}
	for i, m := range c.Mistakes {
		if m.At == nil {
			return nil, fmt.Errorf("mistake %d (%s) has no At function", i, m.Why)
		}
	}
	pts := make([]point, len(xs))
	for i, x := range xs {
		if !mathx.IsFinite(x) {
			return nil, fmt.Errorf("point %d: x = %v: %w", i, x, mathx.ErrNotFinite)
		}
		p, err := c.check(x)
		if err != nil {
			return nil, fmt.Errorf("at x = %v: %w", x, err)
		}
		pts[i] = p
	}
	return pts, nil
}

// check compares Yours with the central difference of F at x.
func (c Check) check(x float64) (point, error) {
	h := step(x)
	var fx, fd float64
	err := protect("f", func() {
		fx = c.F(x)
		fd = mathx.CentralDiff(c.F, x, h)
	})
	if err != nil {
		return point{}, err
	}
	if !mathx.IsFinite(fx) || !mathx.IsFinite(fd) {
		return point{}, fmt.Errorf("f is not finite there: f(x) = %v, and its central difference is %v: %w", fx, fd, mathx.ErrNotFinite)
	}
	p := point{x: x, fd: fd, fx: fx}
	if err := protect("your function", func() { p.yours = c.Yours(x) }); err != nil {
		return point{}, err
	}
	fv, err := valuesAt("a factor's At", len(c.Factors), func(i int) float64 { return c.Factors[i].At(x) })
	if err != nil {
		return point{}, err
	}
	mv, err := valuesAt("a mistake's At", len(c.Mistakes), func(i int) float64 { return c.Mistakes[i].At(x) })
	if err != nil {
		return point{}, err
	}
	if len(fv) > 0 {
		prod := 1.0
		for _, v := range fv {
			prod *= v
		}
		if !agree(prod, fd, fx) {
			return point{}, fmt.Errorf("the factors multiply to %v, but the central difference of f is %v: the factors do not make f′", prod, fd)
		}
	}
	p.ok = agree(p.yours, fd, fx)
	if p.ok {
		return p, nil
	}
	p.why = c.diagnose(p.yours, fd, fx, fv, mv)
	return p, nil
}

// protect runs f and turns a panic in it into an error naming who panicked.
func protect(who string, f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s panicked: %v", who, r)
		}
	}()
	f()
	return nil
}

// ratios are the simple ways a derivative comes out off: its value is k
// times the right one.
var ratios = []struct {
	k   float64
	why string
}{
	{-1, "the sign is flipped: yours is the negative of the slope"},
	{2, "yours is twice the slope: there is a factor of 2 too many"},
	{0.5, "yours is half the slope: a factor of 2 is missing"},
	{-2, "the sign is flipped, and yours is twice the slope: a factor of 2 too many as well"},
	{-0.5, "the sign is flipped, and yours is half the slope: a factor of 2 is missing as well"},
}

// valuesAt returns at(0) … at(n−1), or protect's error naming what (a
// learner's function that panics) when one of them panics.
func valuesAt(what string, n int, at func(i int) float64) ([]float64, error) {
	v := make([]float64, n)
	err := protect(what, func() {
		for i := range v {
			v[i] = at(i)
		}
	})
	return v, err
}

// diagnose says in words (Markdown) what is off with the learner's value v
// where the central difference is fd, f's value is fx and the factors have
// the values fv, and the known mistakes the values mv; it leaves the numbers
// to the caller.
func (c Check) diagnose(v, fd, fx float64, fv, mv []float64) string {
	if !mathx.IsFinite(v) {
		return "yours is not a finite number here"
	}
	for i, m := range mv {
		if agree(v, m, fx) && !agree(m, fd, fx) {
			return c.Mistakes[i].Why
		}
	}
	switch {
	case agree(fd, 0, fx):
		return "the slope here is 0, but yours is not"
	case agree(v, 0, fx):
		return "yours is 0, but the slope is not"
	}
	n := len(fv)
	for missing := 1; missing < n; missing++ {
		for mask := 1; mask < 1<<n-1; mask++ {
			if bits.OnesCount(uint(mask)) != missing {
				continue
			}
			prod, left := 1.0, 1.0
			var names []string
			for i, f := range fv {
				if mask&(1<<i) != 0 {
					names = append(names, safe(c.Factors[i].Name))
					left *= f
				} else {
					prod *= f
				}
			}
			// Leaving out factors worth −1 only flips the sign: say that.
			if agree(v, prod, fx) && !agree(left, -1, 1) {
				if missing == 1 {
					return "the factor $" + names[0] + "$ is missing: yours is the product of the others"
				}
				return "the factors " + joinAnd(names) + " are missing: yours is the product of the others"
			}
		}
	}
	for _, r := range ratios {
		if agree(v, r.k*fd, fx) {
			return r.why
		}
	}
	return "yours differs from the central difference by more than its error"
}
