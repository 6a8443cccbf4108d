package derive

import (
	"math"
	"strings"
	"testing"

	"github.com/chainrule-go/backprop/mathx"
	"github.com/chainrule-go/backprop/mathx/mat"
)

func fourNet(t *testing.T) (*mathx.Network, mathx.Example) {
	t.Helper()
	net, err := mathx.NewNetwork([]int{3, 4, 3, 2}, mathx.Sigmoid, 4)
	if err != nil {
		t.Fatal(err)
	}
	return net, mathx.Example{X: []float64{0.3, -0.6, 0.9}, Y: []float64{0, 1}}
}

// The matrix form is mathx's backpropagation to rounding.
func TestBackwardPassIsBackprop(t *testing.T) {
	net, ex := fourNet(t)
	p, err := ForwardPass(net, ex)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := net.Backprop(ex.X, ex.Y)
	if err != nil {
		t.Fatal(err)
	}
	if d := MaxDiff(BackwardPass(p), ref); d > 1e-15 {
		t.Errorf("max difference %v", d)
	}
	if d := MaxDiff(NewGrads(2), ref); !math.IsInf(d, 1) {
		t.Errorf("wrong shape: %v, want +Inf", d)
	}
	if r := FourEquations(net, ex, BackwardPass); !r.Agree() {
		t.Errorf("the reference pass fails the check:\n%s", r.Markdown())
	}
}

// Each slip is named, with its equation and layer.
func TestFourEquationsNamesTheSlip(t *testing.T) {
	net, ex := fourNet(t)
	sp := func(z []float64) []float64 { return mat.Map(mathx.SigmaPrime, z) }
	// pass builds a backward pass from BackwardPass with one change.
	pass := func(change func(p Pass, g *Grads)) func(Pass) Grads {
		return func(p Pass) Grads {
			g := BackwardPass(p)
			change(p, &g)
			return g
		}
	}
	for _, tc := range []struct {
		name  string
		yours func(Pass) Grads
		want  string
	}{
		{"no σ′ at the top", pass(func(p Pass, g *Grads) {
			g.Delta[3] = mat.Scale(2, mat.Sub(p.A[3], p.Y))
			g.DB[3], g.DW[3] = g.Delta[3], mat.Outer(g.Delta[3], p.A[2])
		}), `BP1 is off at layer 3: $\odot\,\sigma'(z^{(L)})$ is missing`},
		{"book's cost", pass(func(p Pass, g *Grads) { g.Delta[3] = mat.Hadamard(mat.Sub(p.A[3], p.Y), sp(p.Z[3])) }), "the 2 of"},
		{"sign", pass(func(p Pass, g *Grads) { g.Delta[3] = mat.Scale(-1, g.Delta[3]) }), "BP1 is off at layer 3: the sign is flipped"},
		{"no σ′ in layer 2", pass(func(p Pass, g *Grads) { g.Delta[2] = mat.TransposeTimes(p.W[3], g.Delta[3]) }),
			`BP2 is off at layer 2: $\odot\,\sigma'(z^{(2)})$ is missing`},
		{"bias", pass(func(p Pass, g *Grads) { g.DB[1] = p.Z[1] }), `BP3 is off at layer 1: $\partial C_0/\partial b^{(1)}$ should be $\delta^{(1)}$ itself`},
		{"transposed", pass(func(p Pass, g *Grads) { g.DW[2] = mat.Outer(p.A[1], g.Delta[2]) }), "BP4 is off at layer 2: yours is transposed"},
		{"wrong activations", pass(func(p Pass, g *Grads) { g.DW[2] = mat.Outer(g.Delta[2], p.Z[1]) }), `BP4 is off at layer 2: $\partial C_0/\partial W^{(2)}$ is not`},
		{"nothing", func(p Pass) Grads { return NewGrads(p.L()) }, `BP1 is off at layer 3: $\delta^{(L)}$ is missing (nil)`},
	} {
		r := FourEquations(net, ex, tc.yours)
		if r.Err() != nil || r.Agree() || !strings.Contains(r.Markdown(), tc.want) {
			t.Errorf("%s: error %v; want %q in\n%s", tc.name, r.Err(), tc.want, r.Markdown())
		}
	}
}

func TestFourEquationsBadInput(t *testing.T) {
	net, ex := fourNet(t)
	for _, tc := range []struct {
		yours func(Pass) Grads
		want  string
	}{
		{nil, "your function is nil"},
		{func(p Pass) Grads { return Grads{} }, "start from derive.NewGrads(p.L())"},
		{func(p Pass) Grads { mat.Sub(p.A[1], p.Y); return Grads{} }, "your backward pass panicked: mat.Sub: u has 4 entries, but v has 2"},
	} {
		if r := FourEquations(net, ex, tc.yours); r.Err() == nil || !strings.Contains(r.Err().Error(), tc.want) {
			t.Errorf("error %v, want %q", r.Err(), tc.want)
		}
	}
	tanh, _ := mathx.NewNetwork([]int{2, 2}, mathx.Tanh, 1)
	if r := FourEquations(tanh, mathx.Example{X: []float64{1, 2}, Y: []float64{0, 1}}, BackwardPass); r.Err() == nil {
		t.Error("a tanh network: no error")
	}
}
