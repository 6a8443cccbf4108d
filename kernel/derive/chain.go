package derive

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/chainrule-go/backprop/mathx"
)

// Chain derives the gradient of the cost C0 = (a(L) − y)² of the chain of
// single neurons c on input a0, for desired output y, by carrying the chain
// rule back from the cost, layer l = L down to 1:
//
//	∂C0/∂a(L)   = 2(a(L) − y)
//	∂C0/∂w(l)   = a(l−1) · f′(z(l)) · ∂C0/∂a(l)
//	∂C0/∂b(l)   =      1 · f′(z(l)) · ∂C0/∂a(l)
//	∂C0/∂a(l−1) =   w(l) · f′(z(l)) · ∂C0/∂a(l)   (handed on to layer l−1)
//
// It shows the forward pass, then every equation with its numbers (from
// mathx's Chain.Backprop) and beside each result the central difference of
// C0, computed by running the chain with that one number nudged.
func Chain(c mathx.Chain, a0, y float64) Derivation {
	t, err := c.Backprop(a0, y)
	if err != nil {
		return fail("Chain", err)
	}
	f, fp := actTeX(c.Act)
	L := len(t.Layers)
	var b strings.Builder
	fmt.Fprintf(&b, "**The chain rule carried back through a chain of $L = %d$ neurons**\n\n", L)
	fmt.Fprintf(&b, "Forward, from $a^{(0)} = %s$:\n\n", Num(a0, Digits))
	for l := 1; l <= L; l++ {
		s := t.Layers[l-1]
		fmt.Fprintf(&b, "- $z%[1]s = w%[1]s a%[2]s + b%[1]s = %[3]s + %[4]s = %[5]s$, $a%[1]s = %[6]s(z%[1]s) = %[7]s$\n",
			sup(l), sup(l-1), product(s.W, s.APrev), Operand(s.B, Digits), Num(s.Z, Digits), f, Num(s.A, Digits))
	}
	fmt.Fprintf(&b, "- $C_0 = (a%s - y)^2 = (%s - %s)^2 = %s$\n\n", sup(L), Num(t.Layers[L-1].A, Digits), Operand(y, Digits), Num(t.C0, Digits))
	fmt.Fprintf(&b, "Backward, from layer %d down to layer 1. It starts at the cost:\n\n", L)
	fmt.Fprintf(&b, "$$%s = 2(a%s - y) = 2(%s - %s) = %s$$\n", frac("C_0", "a"+sup(L)), sup(L),
		Num(t.Layers[L-1].A, Digits), Operand(y, Digits), Num(t.Layers[L-1].DC_da, Digits))
	for l := L; l >= 1; l-- {
		s := t.Layers[l-1]
		dCda := frac("C_0", "a"+sup(l))
		fmt.Fprintf(&b, "\n**Layer %d**, with $%s = %s$", l, slash("C_0", "a"+sup(l)), Num(s.DC_da, Digits))
		if l < L {
			fmt.Fprintf(&b, " from layer %d", l+1)
		}
		fmt.Fprintf(&b, " and $%s(z%s) = %s(%s) = %s$:\n\n", fp, sup(l), fp, Num(s.Z, Digits), Num(s.Da_dz, Digits))
		rows := []struct {
			v, formula string
			dz, dC     float64
			cost       func(float64) float64
			at         float64
		}{
			{"w" + sup(l), "a" + sup(l-1), s.Dz_dw, s.DC_dw, chainCost(c, a0, y, l, false), s.W},
			{"b" + sup(l), "1", s.Dz_db, s.DC_db, chainCost(c, a0, y, l, true), s.B},
			{"a" + sup(l-1), "w" + sup(l), s.Dz_daPrev, s.DC_daPrev, prevCost(c, y, l), s.APrev},
		}
		for _, r := range rows {
			fmt.Fprintf(&b, "$$%s = %s \\cdot %s(z%s) \\cdot %s = %s = %s$$\n\n",
				frac("C_0", r.v), r.formula, fp, sup(l), dCda, product(r.dz, s.Da_dz, s.DC_da), Num(r.dC, Digits))
			h := step(r.at)
			b.WriteString(fdLine(r.dC, mathx.CentralDiff(r.cost, r.at, h), h, t.C0, r.v) + "\n\n")
		}
		if l > 1 {
			fmt.Fprintf(&b, "The last one is handed on to layer %d.\n", l-1)
		} else {
			b.WriteString("The last one is how the cost changes with the input itself.\n")
		}
	}
	return Derivation{md: b.String()}
}

// chainCost returns C0 of the chain c on a0 and y as a function of the
// weight w(l), or of the bias b(l) when bias is set, the rest held fixed.
func chainCost(c mathx.Chain, a0, y float64, l int, bias bool) func(float64) float64 {
	return func(x float64) float64 {
		cc := mathx.Chain{W: slices.Clone(c.W), B: slices.Clone(c.B), Act: c.Act}
		if bias {
			cc.B[l-1] = x
		} else {
			cc.W[l-1] = x
		}
		return chainC0(cc, a0, y)
	}
}

// prevCost returns C0 of the chain c for desired output y as a function of
// a(l−1): the cost of the chain's layers l..L fed with that activation.
func prevCost(c mathx.Chain, y float64, l int) func(float64) float64 {
	rest := mathx.Chain{W: c.W[l-1:], B: c.B[l-1:], Act: c.Act}
	return func(x float64) float64 { return chainC0(rest, x, y) }
}

// chainC0 returns the cost of the chain c on a0 and y, NaN if it has none.
func chainC0(c mathx.Chain, a0, y float64) float64 {
	t, err := c.Backprop(a0, y)
	if err != nil {
		return math.NaN()
	}
	return t.C0
}
