package autodiff

import (
	"fmt"

	"github.com/chainrule-go/backprop/mathx"
)

// An MLP is a multi-layer perceptron whose weights and biases are Values
// that live from one training step to the next, as in micrograd's finale.
// Each step builds a fresh graph of the cost on top of them (Cost), runs
// Backward on it, and moves every parameter's Data against its Grad:
//
//	c, _ := mlp.Cost(data)
//	c.Backward()
//	for _, p := range mlp.Params() {
//		p.Data -= eta * p.Grad
//	}
//
// Labels follow the lessons: "w(l)_jk" and "b(l)_j".
type MLP struct {
	W    [][][]*Value       // W[l−1][j][k] is w(l)_jk
	B    [][]*Value         // B[l−1][j] is b(l)_j
	Acts []mathx.Activation // Acts[l−1] is layer l's activation: mathx.Sigmoid or mathx.Tanh
}

// NewMLP returns an MLP with the sizes, activations, weights and biases of
// n, whose layers must each be sigmoid or tanh and whose cost must be the
// quadratic one. The Values are new: training the MLP leaves n alone.
func NewMLP(n *mathx.Network) (*MLP, error) {
	if n == nil || len(n.Layers) == 0 {
		return nil, fmt.Errorf("autodiff.NewMLP: the network has no layers: %w", mathx.ErrConfig)
	}
	if n.Cost != mathx.Quadratic {
		return nil, fmt.Errorf("autodiff.NewMLP: the network's cost is %v; the MLP's Cost is the quadratic one: %w", n.Cost, mathx.ErrConfig)
	}
	m := &MLP{}
	for i, layer := range n.Layers {
		if layer == nil || layer.Act.Name != mathx.Sigmoid.Name && layer.Act.Name != mathx.Tanh.Name {
			return nil, fmt.Errorf("autodiff.NewMLP: layer %d is not a sigmoid or tanh layer: %w", i+1, mathx.ErrConfig)
		}
		ws, bs := make([][]*Value, layer.Out()), make([]*Value, layer.Out())
		for j := range layer.Out() {
			for k := range layer.In() {
				ws[j] = append(ws[j], New(layer.Weight(j, k), fmt.Sprintf("w(%d)_%d%d", i+1, j, k)))
			}
			bs[j] = New(layer.B[j], fmt.Sprintf("b(%d)_%d", i+1, j))
		}
		m.W, m.B, m.Acts = append(m.W, ws), append(m.B, bs), append(m.Acts, layer.Act)
	}
	return m, nil
}

// Params returns every weight and bias, layer by layer, each layer's
// weights row by row and then its biases.
func (m *MLP) Params() []*Value {
	var ps []*Value
	for l := range m.W {
		for _, row := range m.W[l] {
			ps = append(ps, row...)
		}
		ps = append(ps, m.B[l]...)
	}
	return ps
}

// Forward builds the graph of the MLP on input x and returns the output
// activations a(L):
//
//	z(l)_j = Σ_k w(l)_jk a(l−1)_k + b(l)_j,   a(l)_j = f(z(l)_j),   a(0) = x
func (m *MLP) Forward(x []float64) ([]*Value, error) {
	if m.inputs() == 0 || len(x) != m.inputs() {
		return nil, fmt.Errorf("autodiff.MLP.Forward: x has %d values, the MLP takes %d: %w", len(x), m.inputs(), mathx.ErrShape)
	}
	a := make([]*Value, len(x))
	for k, v := range x {
		if !mathx.IsFinite(v) {
			return nil, fmt.Errorf("autodiff.MLP.Forward: x_%d is %v: %w", k, v, mathx.ErrNotFinite)
		}
		a[k] = New(v, fmt.Sprintf("x_%d", k))
	}
	for l := range m.W {
		next := make([]*Value, len(m.W[l]))
		for j, row := range m.W[l] {
			terms := make([]*Value, 0, len(row)+1)
			for k, w := range row {
				terms = append(terms, Mul(w, a[k]))
			}
			z := Add(append(terms, m.B[l][j])...)
			if m.Acts[l].Name == mathx.Tanh.Name {
				next[j] = Tanh(z)
			} else {
				next[j] = Sigmoid(z)
			}
		}
		a = next
	}
	return a, nil
}

// inputs returns how many inputs the MLP takes.
func (m *MLP) inputs() int {
	if len(m.W) == 0 || len(m.W[0]) == 0 {
		return 0
	}
	return len(m.W[0][0])
}

// Cost builds the graph of the average quadratic cost over data,
//
//	C = (1/n) Σ_i C0_i,   C0_i = Σ_j (a(L)_j − y_j)²,
//
// on top of the MLP's parameters, and returns its output node "C". After
// C.Backward(), each parameter's Grad is ∂C/∂parameter, as
// Network.Gradient(data) computes it.
func (m *MLP) Cost(data []mathx.Example) (*Value, error) {
	if len(data) == 0 {
		return nil, fmt.Errorf("autodiff.MLP.Cost: no examples: %w", mathx.ErrEmpty)
	}
	var squares []*Value
	for i, ex := range data {
		a, err := m.Forward(ex.X)
		if err != nil {
			return nil, fmt.Errorf("example %d: %w", i, err)
		}
		if len(ex.Y) != len(a) {
			return nil, fmt.Errorf("autodiff.MLP.Cost: example %d: y has %d values, the MLP has %d outputs: %w", i, len(ex.Y), len(a), mathx.ErrShape)
		}
		for j := range a {
			if !mathx.IsFinite(ex.Y[j]) {
				return nil, fmt.Errorf("autodiff.MLP.Cost: example %d: y_%d is %v: %w", i, j, ex.Y[j], mathx.ErrNotFinite)
			}
			squares = append(squares, Square(Add(a[j], New(-ex.Y[j], fmt.Sprintf("−y_%d", j)))))
		}
	}
	return Mul(New(1/float64(len(data)), "1/n"), Add(squares...)).Named("C"), nil
}

// Gradient returns the parameters' Grads in mathx's layout, as
// Network.Gradient would: call Backward on a Cost first.
func (m *MLP) Gradient() mathx.Gradient { return gradientOf(m.W, m.B) }

// Network returns a mathx network with the MLP's activations and its
// parameters' current values, for comparing the two.
func (m *MLP) Network() (*mathx.Network, error) {
	layers := make([]*mathx.Layer, len(m.W))
	for l := range m.W {
		w := make([][]float64, len(m.W[l]))
		b := make([]float64, len(m.B[l]))
		for j, row := range m.W[l] {
			for _, v := range row {
				w[j] = append(w[j], v.Data)
			}
			b[j] = m.B[l][j].Data
		}
		layer, err := mathx.NewLayerFrom(w, b, m.Acts[l])
		if err != nil {
			return nil, fmt.Errorf("autodiff.MLP.Network: layer %d: %w", l+1, err)
		}
		layers[l] = layer
	}
	return mathx.NewNetworkFrom(layers...)
}
