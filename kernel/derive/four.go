package derive

import (
	"fmt"
	"math"
	"strings"

	"github.com/chainrule-go/backprop/mathx"
	"github.com/chainrule-go/backprop/mathx/mat"
)

// A Pass is one example's forward pass through a network in matrix form,
// for a backward pass written with package mat. Every slice is indexed by
// the layer l = 1 … L, as the equations are; index 0 of W and Z is unused,
// and A[0] is the input x.
type Pass struct {
	W [][][]float64 // W[l] is the matrix W(l): row j holds the weights w(l)_jk into neuron j
	Z [][]float64   // Z[l] is z(l)
	A [][]float64   // A[l] is a(l); A[0] is x
	Y []float64     // the target y
}

// L returns the number of layers.
func (p Pass) L() int { return len(p.W) - 1 }

// Grads is what a backward pass finds, indexed by layer like Pass: Delta[l]
// is δ(l) = ∂C0/∂z(l), DB[l] is ∂C0/∂b(l) and DW[l] is the matrix ∂C0/∂W(l).
type Grads struct {
	Delta, DB [][]float64
	DW        [][][]float64
}

// NewGrads returns empty Grads for L layers, to be filled in.
func NewGrads(L int) Grads {
	return Grads{Delta: make([][]float64, L+1), DB: make([][]float64, L+1), DW: make([][][]float64, L+1)}
}

// ForwardPass runs ex through n and returns the pass in matrix form.
func ForwardPass(n *mathx.Network, ex mathx.Example) (Pass, error) {
	st, err := steps(n, ex)
	if err != nil {
		return Pass{}, fmt.Errorf("derive.ForwardPass: %w", err)
	}
	p := Pass{W: make([][][]float64, len(st)+1), Z: make([][]float64, len(st)+1), A: make([][]float64, len(st)+1), Y: ex.Y}
	p.A[0] = ex.X
	for l := 1; l <= len(st); l++ {
		s := st[l-1]
		for j := range s.Layer.Out() {
			p.W[l] = append(p.W[l], append([]float64(nil), s.Layer.Row(j)...))
		}
		p.Z[l], p.A[l] = s.Z, s.A
	}
	return p, nil
}

// BackwardPass is backpropagation in matrix form, for a sigmoid network with
// the quadratic cost C0 = Σ_j (a(L)_j − y_j)²: the four equations
//
//	BP1  δ(L) = ∇ₐC0 ⊙ σ′(z(L)),  ∇ₐC0 = 2(a(L) − y)
//	BP2  δ(l) = (W(l+1))ᵀ δ(l+1) ⊙ σ′(z(l))
//	BP3  ∂C0/∂b(l) = δ(l)
//	BP4  ∂C0/∂W(l) = δ(l) (a(l−1))ᵀ
//
// from l = L down to 1, each written with package mat.
func BackwardPass(p Pass) Grads {
	L := p.L()
	g := NewGrads(L)
	for l := L; l >= 1; l-- {
		if l == L {
			g.Delta[l] = mat.Hadamard(mat.Scale(2, mat.Sub(p.A[L], p.Y)), mat.Map(mathx.SigmaPrime, p.Z[L])) // BP1
		} else {
			g.Delta[l] = mat.Hadamard(mat.TransposeTimes(p.W[l+1], g.Delta[l+1]), mat.Map(mathx.SigmaPrime, p.Z[l])) // BP2
		}
		g.DB[l] = g.Delta[l]                      // BP3
		g.DW[l] = mat.Outer(g.Delta[l], p.A[l-1]) // BP4
	}
	return g
}

// MaxDiff returns the largest difference between g's ∂C0/∂W and ∂C0/∂b and
// the gradient ref (from Network.Backprop); +Inf when their shapes differ.
func MaxDiff(g Grads, ref mathx.Gradient) float64 {
	L := len(ref.DC_db)
	if len(g.DB) != L+1 || len(g.DW) != L+1 {
		return math.Inf(1)
	}
	worst := 0.0
	for l := 1; l <= L; l++ {
		if len(g.DB[l]) != len(ref.DC_db[l-1]) || len(g.DW[l]) != len(ref.DC_db[l-1]) {
			return math.Inf(1)
		}
		in := len(ref.DC_dw[l-1]) / len(ref.DC_db[l-1])
		for j, row := range g.DW[l] {
			if len(row) != in {
				return math.Inf(1)
			}
			worst = max(worst, math.Abs(g.DB[l][j]-ref.DC_db[l-1][j]))
			for k, v := range row {
				worst = max(worst, math.Abs(v-ref.DC_dw[l-1][j*in+k]))
			}
		}
	}
	return worst
}

// sameVec reports whether u and v have the same length and agree to within
// 1e-10 of the larger of 1 and their size.
func sameVec(u, v []float64) bool {
	if len(u) != len(v) {
		return false
	}
	for i := range u {
		if !mathx.IsFinite(u[i]) || math.Abs(u[i]-v[i]) > 1e-10*max(1, math.Abs(v[i])) {
			return false
		}
	}
	return true
}

// sameMat is sameVec for matrices.
func sameMat(a, b [][]float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !sameVec(a[i], b[i]) {
			return false
		}
	}
	return true
}

// FourEquations checks a learner's backward pass in matrix form on the
// sigmoid network n (with the quadratic cost) and the example ex. It hands
// yours the forward pass, then checks, from the top layer down, each
// equation on the learner's own numbers: BP1 or BP2 for δ(l) (BP2 from the
// learner's δ(l+1)), BP3 for ∂C0/∂b(l) and BP4 for ∂C0/∂W(l); and each
// layer's result against mathx's Network.Steps. It names the first equation
// that is off, and how, where it can tell.
func FourEquations(n *mathx.Network, ex mathx.Example, yours func(p Pass) Grads) Result {
	fail := func(err error) Result { return Result{err: fmt.Errorf("derive.FourEquations: %w", err)} }
	if yours == nil {
		return fail(fmt.Errorf("there is no backward pass to check: your function is nil"))
	}
	p, err := ForwardPass(n, ex)
	if err != nil {
		return fail(err)
	}
	for l, layer := range n.Layers {
		if layer.Act.Name != mathx.Sigmoid.Name || n.Cost != mathx.Quadratic {
			return fail(fmt.Errorf("layer %d: the check is for sigmoid layers and the quadratic cost", l+1))
		}
	}
	st, _ := n.Steps(ex.X, ex.Y)
	var g Grads
	if err := protect("your backward pass", func() { g = yours(p) }); err != nil {
		return fail(err)
	}
	L := p.L()
	if len(g.Delta) != L+1 || len(g.DB) != L+1 || len(g.DW) != L+1 {
		return fail(fmt.Errorf("your Grads hold %d, %d and %d layers for Delta, DB and DW; want %d each (index 0 unused): start from derive.NewGrads(p.L())",
			len(g.Delta)-1, len(g.DB)-1, len(g.DW)-1, L))
	}
	var b strings.Builder
	b.WriteString("**Your backward pass, layer by layer**\n\n| layer | $\\delta^{(l)}$ | $\\partial C_0/\\partial b^{(l)}$ (BP3) | $\\partial C_0/\\partial W^{(l)}$ (BP4) | against `mathx` |\n|---:|:---|:---|:---|:---|\n")
	first := ""
	for l := L; l >= 1; l-- {
		eqs := fourAt(p, g, l)
		s := st[l-1]
		dw := make([][]float64, len(s.Z))
		for j := range dw {
			dw[j] = s.DC_dw[j*len(s.APrev) : (j+1)*len(s.APrev)]
		}
		vs := "✓ same"
		if !sameVec(g.Delta[l], s.DC_dz) || !sameVec(g.DB[l], s.DC_db) || !sameMat(g.DW[l], dw) {
			vs = "✗ differs"
		}
		cells := make([]string, 3)
		for i, e := range eqs {
			cells[i] = "✓ " + e.name
			if e.why != "" {
				cells[i] = "✗ " + e.name
				if first == "" {
					first = fmt.Sprintf("%s is off at layer %d: %s", e.name, l, e.why)
				}
			}
		}
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %s |\n", l, cells[0], cells[1], cells[2], vs)
	}
	if first != "" {
		fmt.Fprintf(&b, "\n✗ **Not yet:** %s.\n", first)
		return Result{md: b.String()}
	}
	b.WriteString("\n✓ **Your backward pass is backpropagation:** all four equations hold at every layer, and every $\\delta$, $\\partial C_0/\\partial b$ and $\\partial C_0/\\partial W$ matches `mathx`.\n")
	return Result{md: b.String(), agree: true}
}

// equation is one of BP1–BP4 at one layer, with why it is off ("" when it holds).
type equation struct{ name, why string }

// fourAt checks the learner's δ(l), ∂C0/∂b(l) and ∂C0/∂W(l) against the
// equations applied to the learner's own numbers.
func fourAt(p Pass, g Grads, l int) [3]equation {
	L := p.L()
	slope := mat.Map(mathx.SigmaPrime, p.Z[l])
	var eqs [3]equation
	d := g.Delta[l]
	if l == L {
		eqs[0] = equation{name: "BP1", why: bp1Why(d, p.A[L], p.Y, slope)}
	} else {
		eqs[0] = equation{name: "BP2", why: bp2Why(d, p.W[l+1], g.Delta[l+1], slope, l)}
	}
	eqs[1] = equation{name: "BP3"}
	switch {
	case g.DB[l] == nil:
		eqs[1].why = fmt.Sprintf(`$\partial C_0/\partial b^{(%d)}$ is missing (nil)`, l)
	case !sameVec(g.DB[l], d):
		eqs[1].why = fmt.Sprintf(`$\partial C_0/\partial b^{(%d)}$ should be $\delta^{(%d)}$ itself, since $\partial z_j/\partial b_j = 1$`, l, l)
	}
	eqs[2] = equation{name: "BP4"}
	want := safeOuter(d, p.A[l-1])
	switch {
	case g.DW[l] == nil:
		eqs[2].why = fmt.Sprintf(`$\partial C_0/\partial W^{(%d)}$ is missing (nil)`, l)
	case want != nil && sameMat(g.DW[l], mat.Transpose(want)):
		eqs[2].why = fmt.Sprintf(`yours is transposed: $a^{(%d)} \delta^{(%d)\top}$ where $\delta^{(%d)} (a^{(%d)})^\top$ belongs, with a row per neuron $j$ of layer %d`, l-1, l, l, l-1, l)
	case want == nil || !sameMat(g.DW[l], want):
		eqs[2].why = fmt.Sprintf(`$\partial C_0/\partial W^{(%d)}$ is not $\delta^{(%d)} (a^{(%d)})^\top$, the outer product of your $\delta^{(%d)}$ with the activations one layer down`, l, l, l-1, l)
	}
	return eqs
}

// safeOuter is mat.Outer, or nil when d is not a vector of finite numbers.
func safeOuter(d, a []float64) [][]float64 {
	for _, v := range d {
		if !mathx.IsFinite(v) {
			return nil
		}
	}
	return mat.Outer(d, a)
}

// bp1Why says what is off with δ(L) = d, or "".
func bp1Why(d, a, y, slope []float64) string {
	grad := mat.Scale(2, mat.Sub(a, y))
	want := mat.Hadamard(grad, slope)
	switch {
	case d == nil:
		return `$\delta^{(L)}$ is missing (nil)`
	case len(d) != len(want):
		return fmt.Sprintf(`$\delta^{(L)}$ has %d entries; the output layer has %d neurons`, len(d), len(want))
	case sameVec(d, want):
		return ""
	case sameVec(d, grad):
		return `$\odot\,\sigma'(z^{(L)})$ is missing: yours is $\nabla_a C_0$ alone`
	case sameVec(d, mat.Scale(0.5, want)):
		return `the 2 of $\nabla_a C_0 = 2(a^{(L)} - y)$ is missing (the book's cost has a $\tfrac12$ that ours does not)`
	case sameVec(d, mat.Scale(-1, want)):
		return `the sign is flipped: $\nabla_a C_0 = 2(a^{(L)} - y)$, not $2(y - a^{(L)})$`
	case sameVec(d, slope):
		return `$\nabla_a C_0 = 2(a^{(L)} - y)$ is missing: yours is $\sigma'(z^{(L)})$ alone`
	}
	return `$\delta^{(L)}$ is not $2(a^{(L)} - y) \odot \sigma'(z^{(L)})$`
}

// bp2Why says what is off with δ(l) = d, given W(l+1) and the learner's
// δ(l+1), or "".
func bp2Why(d []float64, w [][]float64, above, slope []float64, l int) string {
	if d == nil {
		return fmt.Sprintf(`$\delta^{(%d)}$ is missing (nil)`, l)
	}
	if len(d) != len(slope) {
		return fmt.Sprintf(`$\delta^{(%d)}$ has %d entries; layer %d has %d neurons`, l, len(d), l, len(slope))
	}
	if len(above) != len(w) {
		return fmt.Sprintf(`it needs $\delta^{(%d)}$ first, which has %d entries instead of %d`, l+1, len(above), len(w))
	}
	handed := mat.TransposeTimes(w, above)
	switch {
	case sameVec(d, mat.Hadamard(handed, slope)):
		return ""
	case sameVec(d, handed):
		return fmt.Sprintf(`$\odot\,\sigma'(z^{(%d)})$ is missing: yours is $(W^{(%d)})^\top \delta^{(%d)}$ alone`, l, l+1, l+1)
	case sameVec(d, slope):
		return fmt.Sprintf(`$(W^{(%d)})^\top \delta^{(%d)}$ is missing: yours is $\sigma'(z^{(%d)})$ alone`, l+1, l+1, l)
	}
	return fmt.Sprintf(`$\delta^{(%d)}$ is not $(W^{(%d)})^\top \delta^{(%d)} \odot \sigma'(z^{(%d)})$`, l, l+1, l+1, l)
}
