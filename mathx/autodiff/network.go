package autodiff

import (
	"fmt"
	"math"

	"github.com/chainrule-go/backprop/mathx"
)

// A NetworkGraph is the computation graph of one example's cost C0 through
// a sigmoid network, built from Values, with its inputs and parameters at
// hand. Labels follow the lessons: "x_k", "w(l)_jk", "b(l)_j", "z(l)_j",
// "a(l)_j", "C0".
type NetworkGraph struct {
	C0 *Value
	X  []*Value
	W  [][][]*Value // W[l−1][j][k] is w(l)_jk
	B  [][]*Value   // B[l−1][j] is b(l)_j
	Z  [][]*Value   // Z[l−1][j] is z(l)_j
	A  [][]*Value   // A[l−1][j] is a(l)_j
}

// FromNetwork builds the graph of the quadratic cost C0 = Σ_j (a(L)_j − y_j)²
// of the example ex through n, whose layers must all be sigmoid, from Add,
// Mul, Sigmoid and Square:
//
//	z(l)_j = Σ_k w(l)_jk a(l−1)_k + b(l)_j,   a(l)_j = σ(z(l)_j)
//
// Call C0.Backward() to fill in every gradient.
func FromNetwork(n *mathx.Network, ex mathx.Example) (NetworkGraph, error) {
	if n == nil || len(n.Layers) == 0 {
		return NetworkGraph{}, fmt.Errorf("autodiff.FromNetwork: the network has no layers: %w", mathx.ErrConfig)
	}
	if n.Cost != mathx.Quadratic {
		return NetworkGraph{}, fmt.Errorf("autodiff.FromNetwork: the network's cost is %v; the graph is built for the quadratic cost: %w", n.Cost, mathx.ErrConfig)
	}
	if _, err := n.Forward(ex.X); err != nil {
		return NetworkGraph{}, fmt.Errorf("autodiff.FromNetwork: %w", err)
	}
	last := n.Layers[len(n.Layers)-1]
	if len(ex.Y) != last.Out() {
		return NetworkGraph{}, fmt.Errorf("autodiff.FromNetwork: y has %d entries, the output layer %d neurons: %w", len(ex.Y), last.Out(), mathx.ErrShape)
	}
	var g NetworkGraph
	for k, x := range ex.X {
		g.X = append(g.X, New(x, fmt.Sprintf("x_%d", k)))
	}
	prev := g.X
	for i, layer := range n.Layers {
		if layer.Act.Name != mathx.Sigmoid.Name {
			return NetworkGraph{}, fmt.Errorf("autodiff.FromNetwork: layer %d is %s; the graph is built for sigmoid layers: %w", i+1, layer.Act.Name, mathx.ErrConfig)
		}
		l := i + 1
		ws, bs, zs, as := make([][]*Value, layer.Out()), make([]*Value, layer.Out()), make([]*Value, layer.Out()), make([]*Value, layer.Out())
		for j := range layer.Out() {
			bs[j] = New(layer.B[j], fmt.Sprintf("b(%d)_%d", l, j))
			terms := make([]*Value, 0, len(prev)+1)
			for k := range prev {
				w := New(layer.Weight(j, k), fmt.Sprintf("w(%d)_%d%d", l, j, k))
				ws[j] = append(ws[j], w)
				terms = append(terms, Mul(w, prev[k]))
			}
			zs[j] = Add(append(terms, bs[j])...).Named(fmt.Sprintf("z(%d)_%d", l, j))
			as[j] = Sigmoid(zs[j]).Named(fmt.Sprintf("a(%d)_%d", l, j))
		}
		g.W, g.B, g.Z, g.A = append(g.W, ws), append(g.B, bs), append(g.Z, zs), append(g.A, as)
		prev = as
	}
	var squares []*Value
	for j, a := range prev {
		squares = append(squares, Square(Add(a, New(-ex.Y[j], fmt.Sprintf("−y_%d", j)))))
	}
	g.C0 = Add(squares...).Named("C0")
	return g, nil
}

// Gradient returns the gradients of the graph's weights and biases in
// mathx's layout, as Network.Backprop would: call C0.Backward() first.
func (g NetworkGraph) Gradient() mathx.Gradient { return gradientOf(g.W, g.B) }

// gradientOf returns the Grads of the weights W[l−1][j][k] and biases
// B[l−1][j] in mathx's layout: layer by layer, each layer's weights row by row.
func gradientOf(W [][][]*Value, B [][]*Value) mathx.Gradient {
	var out mathx.Gradient
	for l := range W {
		var dw, db []float64
		for j, row := range W[l] {
			for _, w := range row {
				dw = append(dw, w.Grad)
			}
			db = append(db, B[l][j].Grad)
		}
		out.DC_dw, out.DC_db = append(out.DC_dw, dw), append(out.DC_db, db)
	}
	return out
}

// MaxDiff returns the largest difference between two gradients of the same
// shape, entry by entry; +Inf when their shapes differ.
func MaxDiff(a, b mathx.Gradient) float64 {
	if len(a.DC_dw) != len(b.DC_dw) || len(a.DC_db) != len(b.DC_db) {
		return math.Inf(1)
	}
	worst := 0.0
	for l := range a.DC_dw {
		if len(a.DC_dw[l]) != len(b.DC_dw[l]) || len(a.DC_db[l]) != len(b.DC_db[l]) {
			return math.Inf(1)
		}
		for i := range a.DC_dw[l] {
			worst = max(worst, math.Abs(a.DC_dw[l][i]-b.DC_dw[l][i]))
		}
		for i := range a.DC_db[l] {
			worst = max(worst, math.Abs(a.DC_db[l][i]-b.DC_db[l][i]))
		}
	}
	return worst
}
