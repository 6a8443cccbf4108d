package derive

import (
	"fmt"
	"strings"

	"github.com/chainrule-go/backprop/mathx"
)

// The LaTeX of the single neuron's quantities.
const (
	texW     = `w^{(L)}`
	texB     = `b^{(L)}`
	texAPrev = `a^{(L-1)}`
	texZ     = `z^{(L)}`
	texA     = `a^{(L)}`
	texCost  = `2(a^{(L)} - y)`
)

// inputTeX returns the LaTeX of the input p and of the formula of the
// local derivative ∂z(L)/∂p.
func inputTeX(p mathx.NeuronInput) (v, formula string) {
	switch p {
	case mathx.NeuronWeight:
		return texW, texAPrev
	case mathx.NeuronBias:
		return texB, `1`
	}
	return texAPrev, texW
}

// Neuron derives how the cost C0 = (a(L) − y)² of the single sigmoid neuron
// s (made by mathx.Neuron) changes with each input in inputs — all three when
// inputs is empty — by the chain rule along w(L), a(L−1), b(L) → z(L) → a(L) → C0:
//
//	∂C0/∂w(L)   = ∂z(L)/∂w(L)   · ∂a(L)/∂z(L) · ∂C0/∂a(L) = a(L−1) · σ′(z(L)) · 2(a(L) − y)
//	∂C0/∂b(L)   = ∂z(L)/∂b(L)   · ∂a(L)/∂z(L) · ∂C0/∂a(L) =      1 · σ′(z(L)) · 2(a(L) − y)
//	∂C0/∂a(L−1) = ∂z(L)/∂a(L−1) · ∂a(L)/∂z(L) · ∂C0/∂a(L) =   w(L) · σ′(z(L)) · 2(a(L) − y)
//
// It shows the forward pass and each local derivative with its numbers,
// then each product in symbols, in formulas and in numbers, and beside each
// result the central difference of C0 (computed by mathx.Neuron) with a
// ✓ when they agree and a red ✗ when they do not.
func Neuron(s mathx.NeuronStep, inputs ...mathx.NeuronInput) Derivation {
	if len(inputs) == 0 {
		inputs = mathx.NeuronInputs
	}
	for _, p := range inputs {
		if err := p.Check(); err != nil {
			return fail("Neuron", err)
		}
	}
	if err := s.Check(); err != nil {
		return fail("Neuron", err)
	}
	var b strings.Builder
	vars := make([]string, len(inputs))
	for i, p := range inputs {
		vars[i], _ = inputTeX(p)
	}
	fmt.Fprintf(&b, "**How $C_0$ changes with %s**\n\n", joinAnd(vars))
	fmt.Fprintf(&b, "Forward: $%s = %s %s + %s = %s + %s = %s$, then $%s = \\sigma(%s) = \\sigma(%s) = %s$ and $C_0 = (%s - y)^2 = (%s - %s)^2 = %s$.\n\n",
		texZ, texW, texAPrev, texB, product(s.W, s.APrev), Operand(s.B, Digits), Num(s.Z, Digits),
		texA, texZ, Num(s.Z, Digits), Num(s.A, Digits),
		texA, Num(s.A, Digits), Operand(s.Y, Digits), Num(s.C0, Digits))
	b.WriteString("Backward, one local derivative per arrow:\n\n")
	fmt.Fprintf(&b, "- $%s = %s = 2(%s - %s) = %s$\n", slash("C_0", texA), texCost, Num(s.A, Digits), Operand(s.Y, Digits), Num(s.DC_da, Digits))
	fmt.Fprintf(&b, "- $%s = \\sigma'(%s) = \\sigma'(%s) = %s$\n", slash(texA, texZ), texZ, Num(s.Z, Digits), Num(s.Da_dz, Digits))
	for _, p := range inputs {
		v, formula := inputTeX(p)
		dz := p.Dz(s)
		if formula == "1" {
			fmt.Fprintf(&b, "- $%s = 1$\n", slash(texZ, v))
		} else {
			fmt.Fprintf(&b, "- $%s = %s = %s$\n", slash(texZ, v), formula, Num(dz, Digits))
		}
	}
	for _, p := range inputs {
		v, formula := inputTeX(p)
		dz, dC := p.Dz(s), p.DC(s)
		fmt.Fprintf(&b, "\n$$%s = %s \\cdot %s \\cdot %s = %s \\cdot \\sigma'(%s) \\cdot %s = %s = %s$$\n\n",
			frac("C_0", v), frac(texZ, v), frac(texA, texZ), frac("C_0", texA), formula, texZ, texCost,
			product(dz, s.Da_dz, s.DC_da), Num(dC, Digits))
		at := p.Value(s)
		h := step(at)
		fd := mathx.CentralDiff(func(x float64) float64 { return p.With(s, x).C0 }, at, h)
		b.WriteString(fdLine(dC, fd, h, s.C0, v) + "\n")
	}
	return Derivation{md: b.String()}
}

// joinAnd joins LaTeX items as "$a$", "$a$ and $b$" or "$a$, $b$ and $c$".
func joinAnd(items []string) string {
	for i, it := range items {
		items[i] = "$" + it + "$"
	}
	if len(items) == 1 {
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// CompareNeuron checks the learner's derivative yours of the neuron's cost
// C0 = (a(L) − y)² with respect to the input p, as a function of that input
// with the step's other inputs held fixed, against the central difference of
// C0 computed by mathx.Neuron, at the points at — at the step's own value of
// p when at is empty. When yours is off, the diagnosis names a missing
// factor of ∂C0/∂p = ∂z(L)/∂p · σ′(z(L)) · 2(a(L) − y), a flipped sign or
// a factor of 2.
func CompareNeuron(s mathx.NeuronStep, p mathx.NeuronInput, yours func(x float64) float64, at ...float64) Result {
	if err := p.Check(); err != nil {
		return Result{err: fmt.Errorf("derive.CompareNeuron: %w", err)}
	}
	if err := s.Check(); err != nil {
		return Result{err: fmt.Errorf("derive.CompareNeuron: %w", err)}
	}
	neuron := func(x float64) mathx.NeuronStep { return p.With(s, x) }
	if len(at) == 0 {
		at = []float64{p.Value(s)}
	}
	v, formula := inputTeX(p)
	c := Check{
		Name:  slash("C_0", v),
		Var:   v,
		Yours: yours,
		F:     func(x float64) float64 { return neuron(x).C0 },
		Factors: []Factor{
			{Name: formula, At: func(x float64) float64 { return p.Dz(neuron(x)) }},
			{Name: `\sigma'(` + texZ + `)`, At: func(x float64) float64 { return neuron(x).Da_dz }},
			{Name: texCost, At: func(x float64) float64 { return neuron(x).DC_da }},
		},
	}
	return c.at("CompareNeuron", at)
}
