package derive

import (
	"fmt"
	"slices"
	"strings"

	"github.com/chainrule-go/backprop/mathx"
)

// softmaxPoints are the weighted inputs SoftmaxJacobian checks at when it is
// given none: no two outputs equal, and none at 1/2, so that no wrong
// formula agrees with the right one by coincidence.
var softmaxPoints = [][]float64{{1, -0.5, 2}, {0.3, 0.1, -1.2, 0.8}}

// SoftmaxJacobian checks a learner's entry of the softmax's Jacobian,
//
//	yours(a, j, k) = ∂a_j/∂z_k = a_j(δ_jk − a_k),
//
// where a = softmax(z) and δ_jk is 1 when j = k and 0 otherwise. At each z
// of zs (two built-in ones when zs is empty) it compares every entry with
// the central difference of a_j = mathx.SoftmaxOf(z)[j] in z_k, and where
// they differ names the likely slip: the δ_jk term left out (the diagonal
// comes out −a_j²), δ_jk taken as 1 everywhere, 0 off the diagonal (a_j
// treated as a function of z_j alone), the factor a_j missing, or a flipped
// sign.
func SoftmaxJacobian(yours func(a []float64, j, k int) float64, zs ...[]float64) Result {
	if yours == nil {
		return Result{err: fmt.Errorf("derive.SoftmaxJacobian: there is no Jacobian to check: your function is nil")}
	}
	if len(zs) == 0 {
		zs = softmaxPoints
	}
	var b strings.Builder
	b.WriteString("**Your $\\partial a_j/\\partial z_k$ against the central difference**\n\n")
	b.WriteString("Row $j$, column $k$; where yours is off (✗), the central difference follows in brackets.\n\n")
	var whys []string
	wrong, total, zero, flipped := 0, 0, 0, 0
	for _, z := range zs {
		a, err := mathx.SoftmaxOf(z)
		if err != nil {
			return Result{err: fmt.Errorf("derive.SoftmaxJacobian: %w", err)}
		}
		fmt.Fprintf(&b, "At $z = (%s)$, $a = (%s)$:\n\n", joinNums(z), joinNums(a))
		b.WriteString("| $j$ \\ $k$ |")
		for k := range z {
			fmt.Fprintf(&b, " $%d$ |", k)
		}
		b.WriteString("\n|---:|" + strings.Repeat("---:|", len(z)) + "\n")
		for j := range z {
			fmt.Fprintf(&b, "| $%d$ |", j)
			for k := range z {
				var v float64
				if err := protect("your function", func() { v = yours(slices.Clone(a), j, k) }); err != nil {
					return Result{err: fmt.Errorf("derive.SoftmaxJacobian: j = %d, k = %d: %w", j, k, err)}
				}
				fd := softmaxDiff(z, j, k)
				total++
				if agree(v, fd, 1) {
					fmt.Fprintf(&b, " $%s$ ✓ |", Num(v, Digits))
					continue
				}
				wrong++
				if v == 0 {
					zero++
				}
				if agree(v, -fd, 1) {
					flipped++
				}
				fmt.Fprintf(&b, " $\\color{red}{%s}$ ✗ $[%s]$ |", Num(v, Digits), Num(fd, Digits))
				if why := jacobianSlip(a, j, k, v, fd); !slices.Contains(whys, why) {
					whys = append(whys, why)
				}
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	switch {
	case wrong == total && zero == total:
		whys = []string{"yours is 0 everywhere"}
	case wrong == total && flipped == total:
		whys = []string{"the sign is flipped everywhere: yours is $a_j(a_k - \\delta_{jk})$"}
	}
	switch {
	case len(whys) == 0:
		fmt.Fprintf(&b, "✓ **Your Jacobian agrees with the central differences at all %d entries.**\n", total)
	case len(whys) == 1:
		fmt.Fprintf(&b, "✗ **Not yet** (%d of %d entries): %s.\n", wrong, total, whys[0])
	default:
		fmt.Fprintf(&b, "✗ **Not yet** (%d of %d entries), in %d ways:\n\n", wrong, total, len(whys))
		for _, why := range whys {
			fmt.Fprintf(&b, "- %s.\n", why)
		}
	}
	return Result{md: b.String(), agree: len(whys) == 0}
}

// softmaxDiff returns the central difference of a_j = softmax(z)_j in z_k.
func softmaxDiff(z []float64, j, k int) float64 {
	zz := slices.Clone(z)
	return mathx.CentralDiff(func(v float64) float64 {
		zz[k] = v
		a, _ := mathx.SoftmaxOf(zz) // z is finite and not empty: checked by the caller
		return a[j]
	}, z[k], step(z[k]))
}

// jacobianSlip names (Markdown) the likely slip behind yours v for the entry
// ∂a_j/∂z_k, whose central difference is fd, at the activations a.
func jacobianSlip(a []float64, j, k int, v, fd float64) string {
	aj, ak := a[j], a[k]
	is := func(want float64) bool { return agree(v, want, 1) }
	if !mathx.IsFinite(v) {
		return "yours is not a finite number"
	}
	if j == k {
		switch {
		case is(-aj * ak):
			return "on the diagonal yours is $-a_j a_k$: the $\\delta_{jk}$ term is missing. For $j = k$, $z_j$ is also in the numerator $e^{z_j}$, and $\\delta_{jj} = 1$ adds $a_j$"
		case is(-fd):
			return "on the diagonal the sign is flipped: raising $z_j$ raises $a_j$"
		case is(1 - aj):
			return "on the diagonal yours is $1 - a_j$: the factor $a_j$ is missing"
		case is(aj):
			return "on the diagonal yours is $a_j$: the $-a_j a_k$ term is missing (with $k = j$, $-a_j^2$)"
		case is(aj * (1 + aj)):
			return "on the diagonal yours is $a_j(1 + a_k)$: the sign of $a_k$ is flipped"
		}
		return "on the diagonal ($j = k$) yours differs from $a_j(1 - a_j)$"
	}
	switch {
	case is(0):
		return "off the diagonal yours is 0, but $a_j$ depends on every $z_k$, through the sum $\\sum_i e^{z_i}$ in its denominator: the $-a_j a_k$ term is missing"
	case is(aj * (1 - ak)):
		return "off the diagonal yours is $a_j(1 - a_k)$: $\\delta_{jk}$ is 1 only where $j = k$, and 0 here"
	case is(aj * (1 - aj)):
		return "off the diagonal yours is $a_j(1 - a_j)$, the diagonal's value: for $j \\ne k$, $\\delta_{jk} = 0$ leaves $-a_j a_k$"
	case is(-fd):
		return "off the diagonal the sign is flipped: raising $z_k$ lowers every other $a_j$"
	case is(-ak):
		return "off the diagonal yours is $-a_k$: the factor $a_j$ is missing"
	}
	return "off the diagonal ($j \\ne k$) yours differs from $-a_j a_k$"
}

// joinNums formats vs for a LaTeX list: "1, -0.5, 2".
func joinNums(vs []float64) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = Num(v, Digits)
	}
	return strings.Join(s, ",\\ ")
}
