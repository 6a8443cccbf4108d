// Package autodiff is a scalar automatic differentiation, in the style of
// Karpathy's micrograd: every Value keeps its number, the Values it was
// computed from, and its local derivative with respect to each of them, side
// by side. Backward then applies the chain rule to the whole graph at once:
// visiting the nodes from the output back to the inputs, it adds to each
// input's gradient the local derivative times the gradient of the node it
// feeds,
//
//	∂out/∂u += ∂v/∂u · ∂out/∂v   for every edge u → v,
//
// so that a node which feeds several others collects one term per path to
// the output: the sum over paths of lesson 05, applied everywhere.
//
// The operations are the ones a neuron needs: Add (+, of any number of
// Values), Mul (×), Sigmoid (σ), ReLU, Square, Exp and Tanh. Values are not
// safe for concurrent use.
package autodiff

import (
	"fmt"

	"github.com/chainrule-go/backprop/mathx"
)

// A Value is one node of a computation graph.
type Value struct {
	Data  float64 // the node's number, computed on the way forward
	Grad  float64 // ∂out/∂(this node) after out.Backward(); 0 before
	Op    string  // how it was computed: "+", "×", "σ", "relu", "²", "exp", "tanh", or "" for an input
	Label string  // a name for charts and Find; may be empty

	parents []*Value  // the Values it was computed from
	local   []float64 // local[i] = ∂(this node)/∂parents[i], at the forward values
}

// New returns an input Value: a number with a name and no parents.
func New(data float64, label string) *Value { return &Value{Data: data, Label: label} }

// Named sets the Value's label and returns it, so that an expression can be named where it is built.
func (v *Value) Named(label string) *Value { v.Label = label; return v }

// Parents returns the Values v was computed from, and Local the local
// derivative of v with respect to each: Local()[i] = ∂v/∂Parents()[i].
func (v *Value) Parents() []*Value { return v.parents }

// Local returns the local derivatives of v with respect to its parents.
func (v *Value) Local() []float64 { return v.local }

// Name returns v's label, or its operation ("+", "×", …) when it has none.
func (v *Value) Name() string {
	if v.Label == "" {
		return v.Op
	}
	return v.Label
}

// String writes v as "name = data (grad g)", with Name for the name.
func (v *Value) String() string {
	return fmt.Sprintf("%s = %.4g (grad %.4g)", v.Name(), v.Data, v.Grad)
}

// Add returns the sum of vs: out = Σ_i v_i, with ∂out/∂v_i = 1. With one
// argument it is a copy; with none it panics.
func Add(vs ...*Value) *Value {
	if len(vs) == 0 {
		panic("autodiff.Add: nothing to add")
	}
	out := &Value{Op: "+"}
	for _, v := range vs {
		out.Data += v.Data
		out.parents = append(out.parents, v)
		out.local = append(out.local, 1)
	}
	return out
}

// Mul returns a·b, with ∂out/∂a = b and ∂out/∂b = a.
func Mul(a, b *Value) *Value {
	return &Value{Data: a.Data * b.Data, Op: "×", parents: []*Value{a, b}, local: []float64{b.Data, a.Data}}
}

// Sigmoid returns σ(a) = 1/(1 + e^(−a)), with ∂out/∂a = σ(a)(1 − σ(a)).
func Sigmoid(a *Value) *Value {
	s := 1 / (1 + mathx.Exp(-a.Data))
	return &Value{Data: s, Op: "σ", parents: []*Value{a}, local: []float64{s * (1 - s)}}
}

// ReLU returns max(0, a), with ∂out/∂a = 1 for a > 0 and 0 otherwise (0 at
// a = 0 itself, where the function has a corner).
func ReLU(a *Value) *Value {
	out := &Value{Op: "relu", parents: []*Value{a}, local: []float64{0}}
	if a.Data > 0 {
		out.Data, out.local[0] = a.Data, 1
	}
	return out
}

// Square returns a², with ∂out/∂a = 2a.
func Square(a *Value) *Value {
	return &Value{Data: a.Data * a.Data, Op: "²", parents: []*Value{a}, local: []float64{2 * a.Data}}
}

// Exp returns e^a, with ∂out/∂a = e^a: the function is its own derivative.
func Exp(a *Value) *Value {
	e := mathx.Exp(a.Data)
	return &Value{Data: e, Op: "exp", parents: []*Value{a}, local: []float64{e}}
}

// Tanh returns tanh(a), built from the exponential as
//
//	tanh(a) = (e^(2a) − 1) / (e^(2a) + 1) = (1 − e^(−2a)) / (1 + e^(−2a)),
//
// the first form for a < 0 and the second for a ≥ 0, so that the
// exponential never overflows, with ∂out/∂a = 1 − tanh²(a): from the
// quotient rule, (2e^(2a)(e^(2a) + 1) − (e^(2a) − 1)2e^(2a)) / (e^(2a) + 1)²
// = 4e^(2a)/(e^(2a) + 1)², which is 1 − tanh²(a). It is 1 at a = 0 and
// tends to 0 as |a| grows, where tanh saturates at ±1.
func Tanh(a *Value) *Value {
	var t float64
	if a.Data < 0 {
		e := mathx.Exp(2 * a.Data)
		t = (e - 1) / (e + 1)
	} else {
		e := mathx.Exp(-2 * a.Data)
		t = (1 - e) / (1 + e)
	}
	return &Value{Data: t, Op: "tanh", parents: []*Value{a}, local: []float64{1 - t*t}}
}

// Nodes returns every Value v depends on, v included, in topological
// order: each node after all of its parents, so v comes last.
func (v *Value) Nodes() []*Value {
	var order []*Value
	seen := map[*Value]bool{}
	var visit func(n *Value)
	visit = func(n *Value) {
		if seen[n] {
			return
		}
		seen[n] = true
		for _, p := range n.parents {
			visit(p)
		}
		order = append(order, n)
	}
	visit(v)
	return order
}

// Backward sets the Grad of every node of v's graph to ∂v/∂node. It starts
// from ∂v/∂v = 1 and walks the nodes in reverse topological order, so that
// a node's gradient is complete, every path through it summed, before it is
// handed on to its parents.
func (v *Value) Backward() {
	nodes := v.Nodes()
	for _, n := range nodes {
		n.Grad = 0
	}
	v.Grad = 1
	for i := len(nodes) - 1; i >= 0; i-- {
		n := nodes[i]
		for j, p := range n.parents {
			p.Grad += n.local[j] * n.Grad
		}
	}
}

// Find returns the node of v's graph with the given label, or nil.
func (v *Value) Find(label string) *Value {
	for _, n := range v.Nodes() {
		if n.Label == label {
			return n
		}
	}
	return nil
}
