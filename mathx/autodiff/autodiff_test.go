package autodiff

import (
	"math"
	"strings"
	"testing"

	"github.com/chainrule-go/backprop/mathx"
)

// Each operation's local derivative agrees with a central difference of its
// forward value.
func TestLocalDerivatives(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    func(x *Value) *Value
		at   []float64
	}{
		{"add", func(x *Value) *Value { return Add(x, New(3, "")) }, []float64{-1, 2}},
		{"mul", func(x *Value) *Value { return Mul(x, New(-1.5, "")) }, []float64{-1, 2}},
		{"sigmoid", Sigmoid, []float64{-3, 0, 0.7, 4}},
		{"relu", ReLU, []float64{-2, 0.5, 3}},
		{"square", Square, []float64{-2, 0.3, 5}},
		{"exp", Exp, []float64{-3, 0, 1.2}},
		{"tanh", Tanh, []float64{-4, -0.5, 0, 0.3, 2.5}},
		{"x·x + σ(x)", func(x *Value) *Value { return Add(Mul(x, x), Sigmoid(x)) }, []float64{-1, 0.5}},
	} {
		for _, x := range tc.at {
			in := New(x, "x")
			out := tc.f(in)
			out.Backward()
			fd := mathx.CentralDiff(func(v float64) float64 { return tc.f(New(v, "x")).Data }, x, 1e-6)
			if math.Abs(in.Grad-fd) > 1e-8*max(1, math.Abs(fd)) {
				t.Errorf("%s at %v: grad %v, central difference %v", tc.name, x, in.Grad, fd)
			}
		}
	}
}

// Tanh, built from the exponential, is math.Tanh, with the local derivative
// 1 − tanh² worked by hand at 0 and ln 2, and no overflow far out.
func TestTanh(t *testing.T) {
	for _, x := range []float64{-30, -2, -0.4, 0, 0.4, 2, 30, 400, -400} {
		if got := Tanh(New(x, "x")).Data; math.Abs(got-math.Tanh(x)) > 1e-15 {
			t.Errorf("Tanh(%v) = %v, math.Tanh %v", x, got, math.Tanh(x))
		}
	}
	for _, tc := range []struct{ x, t, local float64 }{
		{0, 0, 1},                // tanh 0 = 0, 1 − 0² = 1
		{math.Log(2), 0.6, 0.64}, // e^(2 ln 2) = 4: (4 − 1)/(4 + 1) = 3/5, 1 − 9/25 = 16/25
		{400, 1, 0},              // saturated
	} {
		v := Tanh(New(tc.x, "x"))
		if math.Abs(v.Data-tc.t) > 1e-15 || math.Abs(v.Local()[0]-tc.local) > 1e-15 || v.Op != "tanh" {
			t.Errorf("Tanh(%v) = %v with local %v (%q), want %v and %v", tc.x, v.Data, v.Local()[0], v.Op, tc.t, tc.local)
		}
	}
	if v := Exp(New(math.Log(3), "x")); math.Abs(v.Data-3) > 1e-15 || v.Local()[0] != v.Data {
		t.Errorf("Exp(ln 3) = %v with local %v, want 3 and 3", v.Data, v.Local()[0])
	}
}

// A node used twice collects both paths: d(x·x)/dx = 2x.
func TestPathsAdd(t *testing.T) {
	x := New(3, "x")
	y := Mul(x, x)
	y.Backward()
	if x.Grad != 6 {
		t.Errorf("d(x·x)/dx at 3 = %v, want 6", x.Grad)
	}
	y.Backward() // again: gradients are reset, not doubled
	if x.Grad != 6 {
		t.Errorf("after a second Backward: %v, want 6", x.Grad)
	}
	nodes := y.Nodes()
	if len(nodes) != 2 || nodes[1] != y {
		t.Errorf("nodes %v: want x, then x·x last", nodes)
	}
}

// The single neuron built from the pieces is mathx.Neuron.
func TestNeuron(t *testing.T) {
	w, b, aPrev, y := New(0.8, "w"), New(0.1, "b"), New(0.5, "a(L−1)"), 1.0
	c0 := Square(Add(Sigmoid(Add(Mul(w, aPrev), b)), New(-y, "−y")))
	c0.Backward()
	n := mathx.Neuron(0.8, 0.1, 0.5, 1)
	for _, tc := range []struct{ got, want float64 }{{c0.Data, n.C0}, {w.Grad, n.DC_dw}, {b.Grad, n.DC_db}, {aPrev.Grad, n.DC_daPrev}} {
		if math.Abs(tc.got-tc.want) > 1e-15 {
			t.Errorf("got %v, want %v", tc.got, tc.want)
		}
	}
}

// A network's graph has Network.Backprop's gradient, and ∂C0/∂x is the sum
// over paths handed down to the input.
func TestFromNetwork(t *testing.T) {
	net, err := mathx.NewNetwork([]int{3, 4, 2}, mathx.Sigmoid, 3)
	if err != nil {
		t.Fatal(err)
	}
	ex := mathx.Example{X: []float64{0.2, -0.4, 0.9}, Y: []float64{1, 0}}
	g, err := FromNetwork(net, ex)
	if err != nil {
		t.Fatal(err)
	}
	g.C0.Backward()
	ref, _ := net.Backprop(ex.X, ex.Y)
	if d := MaxDiff(g.Gradient(), ref); d > 1e-15 {
		t.Errorf("max difference from Backprop %v", d)
	}
	steps, _ := net.Steps(ex.X, ex.Y)
	for k, x := range g.X {
		if math.Abs(x.Grad-steps[0].DC_daPrev[k]) > 1e-15 {
			t.Errorf("∂C0/∂x_%d = %v, want %v", k, x.Grad, steps[0].DC_daPrev[k])
		}
	}
	if math.Abs(g.C0.Data-steps[1].C0) > 1e-15 || g.C0.Find("w(2)_10") != g.W[1][1][0] || g.C0.Find("nope") != nil {
		t.Error("C0 or Find is wrong")
	}
	if d := MaxDiff(g.Gradient(), mathx.Gradient{}); !math.IsInf(d, 1) {
		t.Errorf("shapes differ: %v, want +Inf", d)
	}
}

func TestFromNetworkErrors(t *testing.T) {
	tanh, _ := mathx.NewNetwork([]int{2, 1}, mathx.Tanh, 1)
	sig, _ := mathx.NewNetwork([]int{2, 1}, mathx.Sigmoid, 1)
	ce, _ := mathx.NewNetwork([]int{2, 1}, mathx.Sigmoid, 1)
	ce.Cost = mathx.CrossEntropy
	for _, tc := range []struct {
		n    *mathx.Network
		ex   mathx.Example
		want string
	}{
		{nil, mathx.Example{}, "no layers"},
		{tanh, mathx.Example{X: []float64{1, 2}, Y: []float64{0}}, "layer 1 is tanh"},
		{ce, mathx.Example{X: []float64{1, 2}, Y: []float64{0}}, "quadratic cost"},
		{sig, mathx.Example{X: []float64{1}, Y: []float64{0}}, "shape"},
		{sig, mathx.Example{X: []float64{1, 2}, Y: []float64{0, 1}}, "y has 2 entries"},
	} {
		if _, err := FromNetwork(tc.n, tc.ex); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want %q", err, tc.want)
		}
	}
}

// A node is named by its label, or by its operation when it has none.
func TestNameAndString(t *testing.T) {
	w := New(0.8, "w")
	prod := Mul(w, New(0.5, ""))
	z := Add(prod, New(0.1, "b")).Named("z")
	z.Backward()
	for _, c := range []struct {
		v          *Value
		name, text string
	}{
		{w, "w", "w = 0.8 (grad 0.5)"},
		{prod, "×", "× = 0.4 (grad 1)"},
		{z, "z", "z = 0.5 (grad 1)"},
	} {
		if got := c.v.Name(); got != c.name {
			t.Errorf("Name() = %q, want %q", got, c.name)
		}
		if got := c.v.String(); got != c.text {
			t.Errorf("String() = %q, want %q", got, c.text)
		}
	}
}
