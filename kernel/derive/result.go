package derive

import (
	"fmt"
	"math"
	"strings"

	"github.com/chainrule-go/backprop/kernel/display"
	"github.com/chainrule-go/backprop/mathx"
)

// A Derivation is a chain-rule derivation rendered as Markdown with LaTeX,
// or the reason it could not be made.
type Derivation struct {
	md  string
	err error
}

// Markdown returns the derivation's Markdown, with LaTeX between $…$ and
// $$…$$; it is empty when Err is not nil.
func (d Derivation) Markdown() string { return d.md }

// Err returns what was wrong with the input, or nil.
func (d Derivation) Err() error { return d.err }

// Show publishes the derivation as the cell's output, or a red box naming
// what was wrong with the input.
func (d Derivation) Show() { show(d.md, d.err) }

func show(md string, err error) {
	if err != nil {
		display.Error(err)
		return
	}
	display.Markdown(md)
}

// fail returns a Derivation that reports err as coming from the function fn.
func fail(fn string, err error) Derivation {
	return Derivation{err: fmt.Errorf("derive.%s: %w", fn, err)}
}

// step returns the finite-difference step h = 10⁻⁵·max(1, |x|), the size
// mathx.CentralDiff suits for values of order 1, grown with x so that x ± h
// stays distinct from x.
func step(x float64) float64 { return 1e-5 * max(1, math.Abs(x)) }

// agree reports whether a chain-rule value d and a central difference fd are
// the same number up to the finite difference's own error: within 10⁻⁶ of
// the larger, or within 10⁻⁸·scale when both are near 0, where scale is the
// size of the function differenced (its rounding error is about
// 10⁻¹⁶·scale/h ≈ 10⁻¹¹·scale).
func agree(d, fd, scale float64) bool {
	return math.Abs(d-fd) <= 1e-6*max(math.Abs(d), math.Abs(fd))+1e-8*max(1, math.Abs(scale))
}

// fdLine returns the Markdown line that sets the chain-rule value d beside
// the central difference fd of the cost, with what (LaTeX) the variable
// nudged by ±h and scale the size of the cost: a ✓ with the relative error
// when they agree, a red ✗ with both numbers and their difference when not.
func fdLine(d, fd, h, scale float64, what string) string {
	cd := `\bigl(C_0(` + what + ` + h) - C_0(` + what + ` - h)\bigr) / 2h`
	if agree(d, fd, scale) {
		return `✓ agrees with the central difference $` + cd + ` = ` + Num(fd, Digits) +
			`$ ($h = ` + Num(h, Digits) + `$; ` + closeness(d, fd, scale) + `)`
	}
	// Separate formulas, so that the line can wrap between them; the ✗ stays
	// outside them, since KaTeX has no metrics for it.
	return `✗ $\color{red}{\text{disagrees}}$ with the central difference $` + cd + ` = \color{red}{` + Num(fd, 6) +
		`}$: the chain rule gives $\color{red}{` + Num(d, 6) + `}$, a difference of $\color{red}{` + Num(d-fd, Digits) + `}$`
}

// closeness says in Markdown how close two agreeing values d and fd are:
// their relative error, or, when both are within the noise of a central
// difference of a function of size scale, that they are both 0.
func closeness(d, fd, scale float64) string {
	switch {
	case d == 0 && fd == 0:
		return `both are exactly $0$`
	case max(math.Abs(d), math.Abs(fd)) <= 1e-8*max(1, math.Abs(scale)):
		return `both are $0$ to within $` + Num(math.Pow(10, math.Ceil(math.Log10(math.Abs(d-fd)))), 1) + `$`
	}
	return `relative error $` + bound(mathx.RelErr(d, fd)) + `$`
}

// bound returns the LaTeX of a small error r by its order of magnitude,
// "\lt 10^{-10}" (< 10⁻¹⁰) for r = 2.9·10⁻¹¹, or "0": the digits of a finite
// difference's error say nothing, and differ between machines. It writes
// \lt rather than <, which Markdown and HTML would take for a tag.
func bound(r float64) string {
	if r == 0 {
		return "0"
	}
	return `\lt ` + Num(math.Pow(10, math.Ceil(math.Log10(r))), 1)
}

// product returns the LaTeX of the numbers vs multiplied: a \times b \times (-c).
func product(vs ...float64) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = Operand(v, Digits)
	}
	return strings.Join(s, ` \times `)
}

// shown returns the indices 0..n−1 of the rows a long list shows: all of
// them up to 16, else the first 10, then −1 for a "…" row, then the last 2.
func shown(n int) []int {
	var idx []int
	if n <= 16 {
		for i := range n {
			idx = append(idx, i)
		}
		return idx
	}
	for i := range 10 {
		idx = append(idx, i)
	}
	return append(idx, -1, n-2, n-1)
}

// actTeX returns the LaTeX names of an activation and its derivative:
// \sigma and \sigma' for the sigmoid, and so on; f and f' for one it does not
// know.
func actTeX(act mathx.Activation) (f, prime string) {
	switch act.Name {
	case mathx.Sigmoid.Name:
		f = `\sigma`
	case mathx.Tanh.Name:
		f = `\tanh`
	case mathx.ReLU.Name:
		f = `\operatorname{relu}`
	case mathx.Identity.Name:
		f = `\operatorname{id}`
	default:
		f = `f`
	}
	return f, f + `'`
}

// frac returns the LaTeX fraction \frac{\partial top}{\partial bottom}, for
// display math.
func frac(top, bottom string) string {
	return `\frac{\partial ` + top + `}{\partial ` + bottom + `}`
}

// slash returns the LaTeX \partial top / \partial bottom, for math in a line
// of text, where a fraction would be set too small to read.
func slash(top, bottom string) string {
	return `\partial ` + top + ` / \partial ` + bottom
}
