package derive

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/chainrule-go/backprop/mathx"
)

// errNilNetwork is what every function given a nil network reports.
var errNilNetwork = fmt.Errorf("the network is nil: %w", mathx.ErrConfig)

// perNeuron returns an error naming layer l of n when its activation acts on
// the whole layer (mathx.Softmax) rather than neuron by neuron: the
// derivations that show one factor f′(z_j) per neuron do not hold there.
func perNeuron(n *mathx.Network, l int) error {
	if l >= 1 && l <= len(n.Layers) && n.Layers[l-1].Act.Name == mathx.Softmax.Name {
		return fmt.Errorf("layer %d is a softmax layer, whose outputs each depend on every z_k: "+
			"this derivation shows one slope f′(z_j) per neuron, which holds only for an activation applied neuron by neuron (see lesson 12 for the softmax's Jacobian): %w", l, mathx.ErrConfig)
	}
	return nil
}

// steps runs backpropagation for ex through n, checking n first.
func steps(n *mathx.Network, ex mathx.Example) ([]mathx.LayerStep, error) {
	if n == nil {
		return nil, errNilNetwork
	}
	return n.Steps(ex.X, ex.Y)
}

// layerTeX returns how the symbolic formulas name layer l of L and the layer
// before it: L and L-1 for the output layer, l and l-1 for a hidden one.
func layerTeX(l, L int) (cur, prev string) {
	if l == L {
		return "L", "L-1"
	}
	return "l", "l-1"
}

// sup returns the LaTeX superscript ^{(l)}.
func sup(l int) string { return "^{(" + strconv.Itoa(l) + ")}" }

// Partial derives the partial derivative of the cost
// C0 = Σ_j (a(L)_j − y_j)² of example ex with respect to the weight w(l)_jk
// or the bias b(l)_j of network n that p names:
//
//	∂C0/∂w_jk(l) = ∂z_j(l)/∂w_jk(l) · ∂a_j(l)/∂z_j(l) · ∂C0/∂a_j(l) = a_k(l−1) f′(z_j(l)) ∂C0/∂a_j(l)
//	∂C0/∂b_j(l)  = ∂z_j(l)/∂b_j(l)  · ∂a_j(l)/∂z_j(l) · ∂C0/∂a_j(l) =        1 f′(z_j(l)) ∂C0/∂a_j(l)
//
// where ∂C0/∂a_j(L) = 2(a_j(L) − y_j) at the output layer and comes from
// layer l+1 in a hidden one. It shows the formula, each factor's number
// (from mathx's Network.Steps) and the product, with the central difference
// from mathx.NumericPartial beside it.
func Partial(n *mathx.Network, ex mathx.Example, p mathx.Param) Derivation {
	st, err := steps(n, ex)
	if err != nil {
		return fail("Partial", err)
	}
	value, err := n.Param(p)
	if err != nil {
		return fail("Partial", err)
	}
	if err := perNeuron(n, p.L); err != nil {
		return fail("Partial", err)
	}
	L, l, j := len(st), p.L, p.J
	s := st[l-1]
	f, fp := actTeX(s.Layer.Act)
	cur, prev := layerTeX(l, L)
	js, ks := strconv.Itoa(j), strconv.Itoa(p.K)
	// The symbols with letters for the formula, and with numbers for j, k and l.
	aj, zj := `a_j^{(`+cur+`)}`, `z_j^{(`+cur+`)}`
	ajNum, zjNum := `a_{`+js+`}`+sup(l), `z_{`+js+`}`+sup(l)
	what, v, dz, vNum, dzNum := "weight", `w_{jk}^{(`+cur+`)}`, `a_k^{(`+prev+`)}`, `w_{`+js+`,`+ks+`}`+sup(l), `a_{`+ks+`}`+sup(l-1)
	var dzVal, dC float64
	if p.Bias {
		what, v, dz, vNum, dzNum = "bias", `b_j^{(`+cur+`)}`, `1`, `b_{`+js+`}`+sup(l), `1`
		dzVal, dC = 1, s.DC_db[j]
	} else {
		dzVal = s.APrev[p.K]
		dC, _ = s.DC_dwAt(j, p.K) // p passed n.Param, so it names a weight of layer l
	}
	var b strings.Builder
	fmt.Fprintf(&b, "**How $C_0$ changes with the %s $%s$**\n\n", what, v)
	fmt.Fprintf(&b, "$$%s = %s \\cdot %s \\cdot %s = %s \\, %s(%s) \\, %s$$\n\n",
		frac("C_0", v), frac(zj, v), frac(aj, zj), frac("C_0", aj), dz, fp, zj, frac("C_0", aj))
	if l == L {
		fmt.Fprintf(&b, "Here $L = %d$", L)
	} else {
		fmt.Fprintf(&b, "Here $l = %d$ (of $L = %d$)", l, L)
	}
	if p.Bias {
		fmt.Fprintf(&b, " and $j = %d$:\n\n", j)
	} else {
		fmt.Fprintf(&b, ", $j = %d$ and $k = %d$:\n\n", j, p.K)
		fmt.Fprintf(&b, "- $%s = %s$\n", dzNum, Num(dzVal, Digits))
	}
	fmt.Fprintf(&b, "- $%s(%s) = %s(%s) = %s$, at $%s = %s(%s) = %s$\n",
		fp, zjNum, fp, Num(s.Z[j], Digits), Num(s.Da_dz[j], Digits), ajNum, f, zjNum, Num(s.A[j], Digits))
	if l == L {
		fmt.Fprintf(&b, "- $%s = 2(%s - y_{%d}) = 2(%s - %s) = %s$\n",
			slash("C_0", ajNum), ajNum, j, Num(s.A[j], Digits), Operand(s.Y[j], Digits), Num(s.DC_da[j], Digits))
	} else {
		fmt.Fprintf(&b, "- $%s = %s$, carried back from layer %d as a sum over its paths\n",
			slash("C_0", ajNum), Num(s.DC_da[j], Digits), l+1)
	}
	fmt.Fprintf(&b, "\n$$%s = %s \\, %s(%s) \\, %s = %s = %s$$\n\n",
		frac("C_0", vNum), dzNum, fp, zjNum, frac("C_0", ajNum), product(dzVal, s.Da_dz[j], s.DC_da[j]), Num(dC, Digits))
	h := step(value)
	fd, err := mathx.NumericPartial(n, ex, p, h)
	if err != nil {
		return fail("Partial", err)
	}
	b.WriteString(fdLine(dC, fd, h, st[L-1].C0, vNum) + "\n")
	return Derivation{md: b.String()}
}

// Paths derives how the cost C0 of example ex changes with the activation
// a_k(l−1) of neuron k in layer l−1 of network n. That neuron feeds every
// neuron j of layer l, so the chain rule adds one term per path:
//
//	∂C0/∂a_k(l−1) = Σ_j ∂z_j(l)/∂a_k(l−1) · ∂a_j(l)/∂z_j(l) · ∂C0/∂a_j(l)
//	              = Σ_j w_jk(l) f′(z_j(l)) ∂C0/∂a_j(l)
//
// It shows the formula, a table of every path's factors and term (mathx's
// LayerStep.PathTerm), the sum written out, and beside it the central
// difference of C0 from running layers l..L with a_k(l−1) nudged. For a
// layer of more than 16 neurons the table shows the first 10 and last 2
// paths, and for more than 10 the written sum shows the first 4 and last 2
// terms, with "…" for the rest; the sum itself runs over all of them.
func Paths(n *mathx.Network, ex mathx.Example, l, k int) Derivation {
	st, err := steps(n, ex)
	if err != nil {
		return fail("Paths", err)
	}
	L := len(st)
	if l < 1 || l > L {
		return fail("Paths", fmt.Errorf("layer l = %d does not exist; the network %v has layers 1 to %d: %w", l, n.Sizes(), L, mathx.ErrShape))
	}
	s := st[l-1]
	if k < 0 || k >= len(s.APrev) {
		return fail("Paths", fmt.Errorf("neuron k = %d does not exist in layer %d, which has neurons k = 0 to %d: %w", k, l-1, len(s.APrev)-1, mathx.ErrShape))
	}
	if err := perNeuron(n, l); err != nil {
		return fail("Paths", err)
	}
	_, fp := actTeX(s.Layer.Act)
	cur, prev := layerTeX(l, L)
	ks := strconv.Itoa(k)
	wjk, zj, aj := `w_{j,`+ks+`}`+sup(l), `z_j`+sup(l), `a_j`+sup(l)
	var b strings.Builder
	fmt.Fprintf(&b, "**How $C_0$ changes with $a_k^{(%s)}$: a sum over paths**\n\n", prev)
	fmt.Fprintf(&b, "Neuron $k$ of layer $%s$ feeds every neuron $j$ of layer $%s$, so a nudge to $a_k^{(%s)}$ reaches $C_0$ along one path per $j$, and the chain rule adds the paths:\n\n", prev, cur, prev)
	fmt.Fprintf(&b, "$$%s = \\sum_{j} %s \\cdot %s \\cdot %s = \\sum_{j} w_{jk}^{(%s)} \\, %s(z_j^{(%s)}) \\, %s$$\n\n",
		frac("C_0", `a_k^{(`+prev+`)}`), frac(`z_j^{(`+cur+`)}`, `a_k^{(`+prev+`)}`), frac(`a_j^{(`+cur+`)}`, `z_j^{(`+cur+`)}`),
		frac("C_0", `a_j^{(`+cur+`)}`), cur, fp, cur, frac("C_0", `a_j^{(`+cur+`)}`))
	if l == L {
		fmt.Fprintf(&b, "Here $L = %d$ and $k = %d$; layer %d has %d neurons, so %d paths:\n\n", L, k, l, len(s.Z), len(s.Z))
	} else {
		fmt.Fprintf(&b, "Here $l = %d$ (of $L = %d$) and $k = %d$; layer %d has %d neurons, so %d paths:\n\n", l, L, k, l, len(s.Z), len(s.Z))
	}
	fmt.Fprintf(&b, "| $j$ | $%s$ | $%s(%s)$ | $%s$ | path term |\n|---:|---:|---:|---:|---:|\n", wjk, fp, zj, slash("C_0", aj))
	terms, sum := pathTerms(s, k)
	idx := shown(len(terms))
	for _, j := range idx {
		if j < 0 {
			fmt.Fprintf(&b, "| … | | | | %d more paths |\n", len(terms)-len(idx)+1)
			continue
		}
		fmt.Fprintf(&b, "| %d | $%s$ | $%s$ | $%s$ | $%s$ |\n", j,
			Num(s.Layer.Weight(j, k), Digits), Num(s.Da_dz[j], Digits), Num(s.DC_da[j], Digits), Num(terms[j], Digits))
	}
	fmt.Fprintf(&b, "\n$$%s = %s = %s$$\n\n", frac("C_0", `a_{`+ks+`}`+sup(l-1)), sumTeX(terms), Num(sum, Digits))
	x := s.APrev[k]
	h := step(x)
	b.WriteString(fdLine(sum, mathx.CentralDiff(activationCost(n, ex, l, k, s.APrev), x, h), h, st[L-1].C0, `a_{`+ks+`}`+sup(l-1)) + "\n")
	return Derivation{md: b.String()}
}

// pathTerms returns the term w_jk f′(z_j) ∂C0/∂a_j of every path from
// neuron k of layer l−1 through neuron j of layer l (mathx's
// LayerStep.PathTerm), and their sum ∂C0/∂a_k(l−1).
func pathTerms(s mathx.LayerStep, k int) (terms []float64, sum float64) {
	terms = make([]float64, len(s.Z))
	for j := range terms {
		terms[j] = s.PathTerm(j, k)
		sum += terms[j]
	}
	return terms, sum
}

// sumTeX writes out the sum of terms: all of them up to 10, else the first
// 4, \cdots, and the last 2, so that the formula fits on one line.
func sumTeX(terms []float64) string {
	var written []string
	for j, t := range terms {
		switch {
		case len(terms) <= 10 || j < 4 || j >= len(terms)-2:
			written = append(written, Operand(t, Digits))
		case j == 4:
			written = append(written, `\cdots`)
		}
	}
	return strings.Join(written, " + ")
}

// activationCost returns C0 of example ex as a function of the activation
// a_k(l−1): the cost of layers l..L of n fed with aPrev, a_k replaced.
func activationCost(n *mathx.Network, ex mathx.Example, l, k int, aPrev []float64) func(float64) float64 {
	rest, _ := mathx.NewNetworkFrom(n.Layers[l-1:]...) // n passed Steps, so its layers fit; a nil rest makes AverageCost fail
	if rest != nil {
		rest.Cost = n.Cost
	}
	return func(x float64) float64 {
		a := slices.Clone(aPrev)
		a[k] = x
		c, err := rest.AverageCost([]mathx.Example{{X: a, Y: ex.Y}})
		if err != nil {
			return math.NaN()
		}
		return c
	}
}
