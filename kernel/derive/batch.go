package derive

import (
	"fmt"
	"strings"

	"github.com/chainrule-go/backprop/mathx"
	"github.com/chainrule-go/backprop/mathx/mat"
)

// A Batch is a mini-batch's forward pass through a network in matrix form:
// the m examples stand side by side as columns, so that column i of Z[l]
// and A[l] belongs to example i. Every slice is indexed by the layer
// l = 1 … L; index 0 of W and Z is unused, and A[0] is X, the inputs as
// columns.
type Batch struct {
	W [][][]float64 // W[l] is W(l): row j holds the weights w(l)_jk into neuron j
	B [][]float64   // B[l] is b(l)
	Z [][][]float64 // Z[l] is Z(l) = W(l) A(l−1) + b(l) 1ᵀ
	A [][][]float64 // A[l] is A(l) = σ(Z(l)); A[0] is X
	Y [][]float64   // the targets y_i as columns
}

// L returns the number of layers, and M the number of examples.
func (p Batch) L() int { return len(p.W) - 1 }

// M returns the number of examples in the batch, the columns of X.
func (p Batch) M() int {
	if len(p.A) == 0 || len(p.A[0]) == 0 {
		return 0
	}
	return len(p.A[0][0])
}

// BatchGrads is what a backward pass over a batch finds, indexed by layer
// like Batch: Delta[l] is the matrix Δ(l) whose column i is example i's
// δ(l) = ∂C0/∂z(l), DB[l] is ∂C/∂b(l) and DW[l] is ∂C/∂W(l), C being the
// average cost over the batch.
type BatchGrads struct {
	Delta [][][]float64
	DB    [][]float64
	DW    [][][]float64
}

// MaxDiff returns the largest difference between g's ∂C/∂W and ∂C/∂b and
// the gradient ref (from Network.Gradient); +Inf when their shapes differ.
func (g BatchGrads) MaxDiff(ref mathx.Gradient) float64 {
	return MaxDiff(Grads{DB: g.DB, DW: g.DW}, ref)
}

// BatchForward runs the examples through the sigmoid network n (with the
// quadratic cost) all at once, in matrix form:
//
//	A(0) = X = [x_1 … x_m],   Z(l) = W(l) A(l−1) + b(l) 1ᵀ,   A(l) = σ(Z(l))
func BatchForward(n *mathx.Network, exs []mathx.Example) (Batch, error) {
	fail := func(err error) (Batch, error) { return Batch{}, fmt.Errorf("derive.BatchForward: %w", err) }
	if n == nil {
		return fail(errNilNetwork)
	}
	if len(exs) == 0 {
		return fail(fmt.Errorf("the batch has no examples: %w", mathx.ErrEmpty))
	}
	if err := batchFits(n, exs); err != nil {
		return fail(err)
	}
	L := len(n.Layers)
	p := Batch{W: make([][][]float64, L+1), B: make([][]float64, L+1), Z: make([][][]float64, L+1), A: make([][][]float64, L+1)}
	xs, ys := make([][]float64, len(exs)), make([][]float64, len(exs))
	for i, ex := range exs {
		xs[i], ys[i] = ex.X, ex.Y
	}
	p.A[0], p.Y = mat.Columns(xs...), mat.Columns(ys...)
	for l := 1; l <= L; l++ {
		layer := n.Layers[l-1]
		for j := range layer.Out() {
			p.W[l] = append(p.W[l], append([]float64(nil), layer.Row(j)...))
		}
		p.B[l] = append([]float64(nil), layer.B...)
		p.Z[l] = mat.AddToColumns(mat.Mul(p.W[l], p.A[l-1]), p.B[l])
		p.A[l] = mat.MapM(mathx.Sigma, p.Z[l])
	}
	return p, nil
}

// batchFits reports a network that is not a chain of sigmoid layers with
// the quadratic cost, and an example that does not fit it or is not finite.
// It runs nothing through the network, so that timing BatchForward times the
// matrix arithmetic alone.
func batchFits(n *mathx.Network, exs []mathx.Example) error {
	if len(n.Layers) == 0 {
		return fmt.Errorf("the network has no layers: %w", mathx.ErrConfig)
	}
	for l, layer := range n.Layers {
		switch {
		case layer == nil:
			return fmt.Errorf("layer %d is nil: %w", l+1, mathx.ErrConfig)
		case layer.Act.Name != mathx.Sigmoid.Name || n.Cost != mathx.Quadratic:
			return fmt.Errorf("layer %d: the batch form here is for sigmoid layers and the quadratic cost: %w", l+1, mathx.ErrConfig)
		case len(layer.W) != layer.In()*layer.Out() || len(layer.B) != layer.Out():
			return fmt.Errorf("layer %d has %d weights and %d biases, want %d and %d: %w", l+1, len(layer.W), len(layer.B), layer.In()*layer.Out(), layer.Out(), mathx.ErrShape)
		case l > 0 && layer.In() != n.Layers[l-1].Out():
			return fmt.Errorf("layer %d takes %d inputs but layer %d has %d neurons: %w", l+1, layer.In(), l, n.Layers[l-1].Out(), mathx.ErrShape)
		}
	}
	in, out := n.Layers[0].In(), n.Layers[len(n.Layers)-1].Out()
	for i, ex := range exs {
		if len(ex.X) != in || len(ex.Y) != out {
			return fmt.Errorf("example %d has %d inputs and %d targets; the network %v takes %d and gives %d: %w", i, len(ex.X), len(ex.Y), n.Sizes(), in, out, mathx.ErrShape)
		}
		for _, v := range append(append([]float64(nil), ex.X...), ex.Y...) {
			if !mathx.IsFinite(v) {
				return fmt.Errorf("example %d holds %v: %w", i, v, mathx.ErrNotFinite)
			}
		}
	}
	return nil
}

// BatchBackward is backpropagation for a whole batch of m examples in matrix
// form, for the average quadratic cost C = (1/m) Σ_i C0_i:
//
//	BP1  Δ(L) = 2(A(L) − Y) ⊙ σ′(Z(L))
//	BP2  Δ(l) = (W(l+1))ᵀ Δ(l+1) ⊙ σ′(Z(l))
//	BP3  ∂C/∂b(l) = (1/m) Δ(l) 1, the row sums of Δ(l) over m
//	BP4  ∂C/∂W(l) = (1/m) Δ(l) (A(l−1))ᵀ
//
// from l = L down to 1, each written with package mat.
func BatchBackward(p Batch) BatchGrads {
	L, m := p.L(), float64(p.M())
	g := BatchGrads{Delta: make([][][]float64, L+1), DB: make([][]float64, L+1), DW: make([][][]float64, L+1)}
	for l := L; l >= 1; l-- {
		if l == L {
			g.Delta[l] = mat.HadamardM(mat.ScaleM(2, mat.SubM(p.A[L], p.Y)), mat.MapM(mathx.SigmaPrime, p.Z[L])) // BP1
		} else {
			g.Delta[l] = mat.HadamardM(mat.Mul(mat.Transpose(p.W[l+1]), g.Delta[l+1]), mat.MapM(mathx.SigmaPrime, p.Z[l])) // BP2
		}
		g.DB[l] = mat.Scale(1/m, mat.RowSums(g.Delta[l]))                       // BP3
		g.DW[l] = mat.ScaleM(1/m, mat.Mul(g.Delta[l], mat.Transpose(p.A[l-1]))) // BP4
	}
	return g
}

// BatchGradient checks a learner's BP3 and BP4 for a batch: yours gets a
// layer's Δ(l) (one column per example) and A(l−1) and must return
// ∂C/∂W(l) = (1/m) Δ(l) (A(l−1))ᵀ and ∂C/∂b(l) = (1/m) Δ(l) 1. It is run on
// every layer of the sigmoid network n over the batch exs, which needs at
// least two examples (with one, a sum and an average are the same), and
// names the first thing that is off: a shape, a transpose, a missing 1/m, a
// sum over the wrong index, a flipped sign.
func BatchGradient(n *mathx.Network, exs []mathx.Example, yours func(delta, aPrev [][]float64) (dW [][]float64, db []float64)) Result {
	fail := func(err error) Result { return Result{err: fmt.Errorf("derive.BatchGradient: %w", err)} }
	if yours == nil {
		return fail(fmt.Errorf("there is nothing to check: your function is nil"))
	}
	if len(exs) < 2 {
		return fail(fmt.Errorf("the batch has %d examples; the check needs at least 2 to tell a sum from an average", len(exs)))
	}
	p, err := BatchForward(n, exs)
	if err != nil {
		return fail(err)
	}
	want := BatchBackward(p)
	var b strings.Builder
	b.WriteString("**Your gradient for the batch, layer by layer**\n\n| layer | $\\partial C/\\partial W^{(l)}$ (BP4) | $\\partial C/\\partial b^{(l)}$ (BP3) |\n|---:|:---|:---|\n")
	first := ""
	for l := p.L(); l >= 1; l-- {
		var dW [][]float64
		var db []float64
		if err := protect(fmt.Sprintf("your function, at layer %d,", l), func() { dW, db = yours(want.Delta[l], p.A[l-1]) }); err != nil {
			return fail(err)
		}
		whyW := batchWeightWhy(dW, want.DW[l], l, p.M())
		whyB := batchBiasWhy(db, want.DB[l], want.Delta[l], l, p.M())
		mark := func(why string) string {
			if why == "" {
				return "✓"
			}
			if first == "" {
				first = fmt.Sprintf("at layer %d, %s", l, why)
			}
			return "✗"
		}
		fmt.Fprintf(&b, "| %d | %s | %s |\n", l, mark(whyW), mark(whyB))
	}
	if first != "" {
		fmt.Fprintf(&b, "\n✗ **Not yet:** %s.\n", first)
		return Result{md: b.String()}
	}
	fmt.Fprintf(&b, "\n✓ **Right:** at every layer yours is $\\frac1m \\Delta^{(l)} (A^{(l-1)})^\\top$ and $\\frac1m$ times the row sums of $\\Delta^{(l)}$, with $m = %d$: the average over the batch of each example's BP4 and BP3.\n", p.M())
	return Result{md: b.String(), agree: true}
}

// batchWeightWhy says what is off with the learner's ∂C/∂W(l) = got, or "".
func batchWeightWhy(got, want [][]float64, l, m int) string {
	rows, cols := len(want), len(want[0])
	switch {
	case got == nil:
		return fmt.Sprintf(`$\partial C/\partial W^{(%d)}$ is missing (nil)`, l)
	case sameMat(got, want):
		return ""
	case sameMat(got, mat.Transpose(want)):
		return fmt.Sprintf(`yours is transposed: $A^{(%d)} (\Delta^{(%d)})^\top$ has a row per neuron of layer %d, while $\partial C/\partial W^{(%d)}$ has a row per neuron $j$ of layer %d, as $W^{(%d)}$ has`, l-1, l, l-1, l, l, l)
	case !shaped(got, rows, cols):
		r, c := shapeOf(got)
		return fmt.Sprintf(`yours is %d × %d, but $\partial C/\partial W^{(%d)}$ is shaped like $W^{(%d)}$, %d × %d: $\Delta^{(%d)}$ is %d × %d (a column per example) and $(A^{(%d)})^\top$ is %d × %d`,
			r, c, l, l, rows, cols, l, rows, m, l-1, m, cols)
	case sameMat(got, mat.ScaleM(float64(m), want)):
		return fmt.Sprintf(`the $\frac1m$ is missing: yours is the sum over the batch, $m = %d$ times the average that $C$ needs`, m)
	case sameMat(got, mat.ScaleM(-1, want)):
		return `the sign is flipped`
	case sameMat(got, mat.ScaleM(1/float64(m), want)):
		return fmt.Sprintf(`yours divides by $m$ twice: it is $\frac1{m}$ of the average, with $m = %d$`, m)
	}
	return fmt.Sprintf(`$\partial C/\partial W^{(%d)}$ is not $\frac1m \Delta^{(%d)} (A^{(%d)})^\top$`, l, l, l-1)
}

// batchBiasWhy says what is off with the learner's ∂C/∂b(l) = got, or "".
func batchBiasWhy(got, want []float64, delta [][]float64, l, m int) string {
	switch {
	case got == nil:
		return fmt.Sprintf(`$\partial C/\partial b^{(%d)}$ is missing (nil)`, l)
	case sameVec(got, want):
		return ""
	case len(got) == m && len(got) != len(want):
		return fmt.Sprintf(`yours has %d entries, one per example: it sums each column of $\Delta^{(%d)}$ (over the neurons) where the bias gradient sums each row (over the examples), one entry per neuron of layer %d`, m, l, l)
	case len(got) != len(want):
		return fmt.Sprintf(`yours has %d entries; layer %d has %d neurons, one bias each`, len(got), l, len(want))
	case sameVec(got, mat.Scale(float64(m), want)):
		return fmt.Sprintf(`the $\frac1m$ is missing: yours is the row sum of $\Delta^{(%d)}$, $m = %d$ times the average`, l, m)
	case sameVec(got, mat.Column(delta, 0)):
		return fmt.Sprintf(`yours is the first example's $\delta^{(%d)}$ alone; the batch needs the average of all %d columns`, l, m)
	case sameVec(got, mat.Scale(-1, want)):
		return `the sign is flipped`
	}
	return fmt.Sprintf(`$\partial C/\partial b^{(%d)}$ is not $\frac1m$ times the row sums of $\Delta^{(%d)}$`, l, l)
}

// shapeOf returns a matrix's rows and the length of its first row.
func shapeOf(m [][]float64) (rows, cols int) {
	if len(m) == 0 {
		return 0, 0
	}
	return len(m), len(m[0])
}

// shaped reports whether m has the given rows, each of cols entries.
func shaped(m [][]float64, rows, cols int) bool {
	if len(m) != rows {
		return false
	}
	for _, row := range m {
		if len(row) != cols {
			return false
		}
	}
	return true
}
