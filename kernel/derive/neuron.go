package derive

import (
	"fmt"
	"strings"

	"github.com/chainrule-go/backprop/mathx"
)

// Wrt names the input of a single sigmoid neuron that a derivative of its
// cost C0 is taken with respect to.
type Wrt int

// The inputs of the last neuron L of a chain of single neurons.
const (
	Weight         Wrt = iota // w(L), the weight
	Bias                      // b(L), the bias
	PrevActivation            // a(L−1), the activation of the neuron before
)

// String returns the input as the seed writes it: "w(L)", "b(L)" or "a(L−1)".
func (w Wrt) String() string {
	switch w {
	case Weight:
		return "w(L)"
	case Bias:
		return "b(L)"
	case PrevActivation:
		return "a(L−1)"
	}
	return fmt.Sprintf("Wrt(%d)", int(w))
}

// The LaTeX of the single neuron's quantities.
const (
	texW     = `w^{(L)}`
	texB     = `b^{(L)}`
	texAPrev = `a^{(L-1)}`
	texZ     = `z^{(L)}`
	texA     = `a^{(L)}`
	texCost  = `2(a^{(L)} - y)`
)

// wrtTeX returns the LaTeX of the input wrt and of the formula of the
// local derivative ∂z(L)/∂wrt.
func wrtTeX(wrt Wrt) (v, formula string) {
	switch wrt {
	case Weight:
		return texW, texAPrev
	case Bias:
		return texB, `1`
	}
	return texAPrev, texW
}

// vary returns the cost C0 of the neuron s as a function of its input wrt,
// the other inputs held where they are, each value computed by mathx.Neuron;
// and the value of wrt in s.
func vary(s mathx.NeuronStep, wrt Wrt) (step func(x float64) mathx.NeuronStep, at float64) {
	switch wrt {
	case Weight:
		return func(x float64) mathx.NeuronStep { return mathx.Neuron(x, s.B, s.APrev, s.Y) }, s.W
	case Bias:
		return func(x float64) mathx.NeuronStep { return mathx.Neuron(s.W, x, s.APrev, s.Y) }, s.B
	}
	return func(x float64) mathx.NeuronStep { return mathx.Neuron(s.W, s.B, x, s.Y) }, s.APrev
}

// local returns the local derivative ∂z(L)/∂wrt and the chain-rule product
// ∂C0/∂wrt that s holds.
func local(s mathx.NeuronStep, wrt Wrt) (dz, dC float64) {
	switch wrt {
	case Weight:
		return s.Dz_dw, s.DC_dw
	case Bias:
		return s.Dz_db, s.DC_db
	}
	return s.Dz_daPrev, s.DC_daPrev
}

// checkNeuron reports a step that is not a sigmoid output neuron as
// mathx.Neuron makes it from its own inputs: a NaN or infinite input, a
// field changed after the step was made, or a step from elsewhere (a hidden
// layer of a chain, another activation).
func checkNeuron(s mathx.NeuronStep) error {
	if err := checkFinite([]string{"w(L)", "b(L)", "a(L−1)", "y"}, s.W, s.B, s.APrev, s.Y); err != nil {
		return err
	}
	r := mathx.Neuron(s.W, s.B, s.APrev, s.Y)
	fit := func(got, want float64) bool { return mathx.RelErr(got, want) <= 1e-12 }
	const remake = "make the step with mathx.Neuron(w, b, aPrev, y) after setting its inputs"
	switch {
	case !fit(s.Z, r.Z):
		return fmt.Errorf("the step's z(L) = %v, but w(L)·a(L−1) + b(L) = %v·%v + %v = %v: a field was changed after the step was made; %s",
			s.Z, s.W, s.APrev, s.B, r.Z, remake)
	case !fit(s.A, r.A) || !fit(s.Da_dz, r.Da_dz):
		return fmt.Errorf("the step's a(L) = %v and ∂a(L)/∂z(L) = %v are not σ(z(L)) = %v and σ′(z(L)) = %v: this is not a sigmoid neuron as mathx.Neuron makes it; %s",
			s.A, s.Da_dz, r.A, r.Da_dz, remake)
	case !fit(s.DC_da, r.DC_da):
		return fmt.Errorf("the step's ∂C0/∂a(L) = %v is not 2(a(L) − y) = %v: it is not an output neuron (a hidden layer of a chain? derive.Chain shows those); %s",
			s.DC_da, r.DC_da, remake)
	case !fit(s.C0, r.C0) || !fit(s.Dz_dw, r.Dz_dw) || !fit(s.Dz_db, r.Dz_db) || !fit(s.Dz_daPrev, r.Dz_daPrev) ||
		!fit(s.DC_dz, r.DC_dz) || !fit(s.DC_dw, r.DC_dw) || !fit(s.DC_db, r.DC_db) || !fit(s.DC_daPrev, r.DC_daPrev):
		return fmt.Errorf("the step's derivatives do not fit its inputs w(L) = %v, b(L) = %v, a(L−1) = %v, y = %v; %s",
			s.W, s.B, s.APrev, s.Y, remake)
	}
	return nil
}

// checkWrt reports a Wrt that is none of Weight, Bias and PrevActivation.
func checkWrt(wrt Wrt) error {
	if wrt < Weight || wrt > PrevActivation {
		return fmt.Errorf("%v is not an input of the neuron; use derive.Weight, derive.Bias or derive.PrevActivation", wrt)
	}
	return nil
}

// Neuron derives how the cost C0 = (a(L) − y)² of the single sigmoid neuron
// s (made by mathx.Neuron) changes with each input in wrt — all three when
// wrt is empty — by the chain rule along w(L), a(L−1), b(L) → z(L) → a(L) → C0:
//
//	∂C0/∂w(L)   = ∂z(L)/∂w(L)   · ∂a(L)/∂z(L) · ∂C0/∂a(L) = a(L−1) · σ′(z(L)) · 2(a(L) − y)
//	∂C0/∂b(L)   = ∂z(L)/∂b(L)   · ∂a(L)/∂z(L) · ∂C0/∂a(L) =      1 · σ′(z(L)) · 2(a(L) − y)
//	∂C0/∂a(L−1) = ∂z(L)/∂a(L−1) · ∂a(L)/∂z(L) · ∂C0/∂a(L) =   w(L) · σ′(z(L)) · 2(a(L) − y)
//
// It shows the forward pass and each local derivative with its numbers,
// then each product in symbols, in formulas and in numbers, and beside each
// result the central difference of C0 (computed by mathx.Neuron) with a
// ✓ when they agree and a red ✗ when they do not.
func Neuron(s mathx.NeuronStep, wrt ...Wrt) Derivation {
	if len(wrt) == 0 {
		wrt = []Wrt{Weight, Bias, PrevActivation}
	}
	for _, w := range wrt {
		if err := checkWrt(w); err != nil {
			return fail("Neuron", err)
		}
	}
	if err := checkNeuron(s); err != nil {
		return fail("Neuron", err)
	}
	var b strings.Builder
	vars := make([]string, len(wrt))
	for i, w := range wrt {
		vars[i], _ = wrtTeX(w)
	}
	fmt.Fprintf(&b, "**How $C_0$ changes with %s**\n\n", joinAnd(vars))
	fmt.Fprintf(&b, "Forward: $%s = %s %s + %s = %s + %s = %s$, then $%s = \\sigma(%s) = \\sigma(%s) = %s$ and $C_0 = (%s - y)^2 = (%s - %s)^2 = %s$.\n\n",
		texZ, texW, texAPrev, texB, product(s.W, s.APrev), Operand(s.B, Digits), Num(s.Z, Digits),
		texA, texZ, Num(s.Z, Digits), Num(s.A, Digits),
		texA, Num(s.A, Digits), Operand(s.Y, Digits), Num(s.C0, Digits))
	b.WriteString("Backward, one local derivative per arrow:\n\n")
	fmt.Fprintf(&b, "- $%s = %s = 2(%s - %s) = %s$\n", slash("C_0", texA), texCost, Num(s.A, Digits), Operand(s.Y, Digits), Num(s.DC_da, Digits))
	fmt.Fprintf(&b, "- $%s = \\sigma'(%s) = \\sigma'(%s) = %s$\n", slash(texA, texZ), texZ, Num(s.Z, Digits), Num(s.Da_dz, Digits))
	for _, w := range wrt {
		v, formula := wrtTeX(w)
		dz, _ := local(s, w)
		if formula == "1" {
			fmt.Fprintf(&b, "- $%s = 1$\n", slash(texZ, v))
		} else {
			fmt.Fprintf(&b, "- $%s = %s = %s$\n", slash(texZ, v), formula, Num(dz, Digits))
		}
	}
	for _, w := range wrt {
		v, formula := wrtTeX(w)
		dz, dC := local(s, w)
		fmt.Fprintf(&b, "\n$$%s = %s \\cdot %s \\cdot %s = %s \\cdot \\sigma'(%s) \\cdot %s = %s = %s$$\n\n",
			frac("C_0", v), frac(texZ, v), frac(texA, texZ), frac("C_0", texA), formula, texZ, texCost,
			product(dz, s.Da_dz, s.DC_da), Num(dC, Digits))
		cost, at := vary(s, w)
		h := step(at)
		fd := mathx.CentralDiff(func(x float64) float64 { return cost(x).C0 }, at, h)
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
// C0 = (a(L) − y)² with respect to the input wrt, as a function of that input
// with the step's other inputs held fixed, against the central difference of
// C0 computed by mathx.Neuron, at the points at — at the step's own value of
// wrt when at is empty. When yours is off, the diagnosis names a missing
// factor of ∂C0/∂wrt = ∂z(L)/∂wrt · σ′(z(L)) · 2(a(L) − y), a flipped sign or
// a factor of 2.
func CompareNeuron(s mathx.NeuronStep, wrt Wrt, yours func(x float64) float64, at ...float64) Result {
	if err := checkWrt(wrt); err != nil {
		return Result{err: fmt.Errorf("derive.CompareNeuron: %w", err)}
	}
	if err := checkNeuron(s); err != nil {
		return Result{err: fmt.Errorf("derive.CompareNeuron: %w", err)}
	}
	neuron, x0 := vary(s, wrt)
	if len(at) == 0 {
		at = []float64{x0}
	}
	v, formula := wrtTeX(wrt)
	c := Check{
		Name:  slash("C_0", v),
		Var:   v,
		Yours: yours,
		F:     func(x float64) float64 { return neuron(x).C0 },
		Factors: []Factor{
			{Name: formula, At: func(x float64) float64 { dz, _ := local(neuron(x), wrt); return dz }},
			{Name: `\sigma'(` + texZ + `)`, At: func(x float64) float64 { return neuron(x).Da_dz }},
			{Name: texCost, At: func(x float64) float64 { return neuron(x).DC_da }},
		},
	}
	return c.at("CompareNeuron", at)
}
