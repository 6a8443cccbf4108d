package autodiff

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/chainrule-go/backprop/mathx"
)

func mlpData() []mathx.Example {
	return []mathx.Example{
		{X: []float64{0.5, -0.2}, Y: []float64{1}},
		{X: []float64{-0.7, 0.9}, Y: []float64{-1}},
		{X: []float64{0.1, 0.4}, Y: []float64{1}},
	}
}

// The MLP's cost graph has Network.Gradient's average gradient, for tanh
// and sigmoid layers, and a step moves both the same way.
func TestMLPIsNetworkGradient(t *testing.T) {
	for _, act := range []mathx.Activation{mathx.Tanh, mathx.Sigmoid} {
		net, err := mathx.NewNetwork([]int{2, 3, 1}, act, 5)
		if err != nil {
			t.Fatal(err)
		}
		m, err := NewMLP(net)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(m.Params()); got != 2*3+3+3*1+1 {
			t.Errorf("%s: %d parameters, want 13", act.Name, got)
		}
		for step := range 3 {
			c, err := m.Cost(mlpData())
			if err != nil {
				t.Fatal(err)
			}
			c.Backward()
			ref, _ := net.Gradient(mlpData())
			cost, _ := net.AverageCost(mlpData())
			if d := MaxDiff(m.Gradient(), ref); d > 1e-15 || math.Abs(c.Data-cost) > 1e-15 {
				t.Errorf("%s, step %d: gradient off by %v, cost %v vs %v", act.Name, step, d, c.Data, cost)
			}
			for _, p := range m.Params() {
				p.Data -= 0.5 * p.Grad
			}
			if err := net.Step(ref, 0.5); err != nil {
				t.Fatal(err)
			}
			back, err := m.Network()
			if err != nil {
				t.Fatal(err)
			}
			g1, _ := back.Gradient(mlpData())
			g2, _ := net.Gradient(mlpData())
			if d := MaxDiff(g1, g2); d > 1e-15 {
				t.Errorf("%s, step %d: Network() differs from the stepped network by %v", act.Name, step, d)
			}
		}
	}
}

func TestMLPBadInput(t *testing.T) {
	relu, _ := mathx.NewNetwork([]int{2, 1}, mathx.ReLU, 1)
	ce, _ := mathx.NewNetwork([]int{2, 1}, mathx.Sigmoid, 1)
	ce.Cost = mathx.CrossEntropy
	for _, tc := range []struct {
		n    *mathx.Network
		want string
	}{
		{nil, "has no layers"},
		{relu, "layer 1 is not a sigmoid or tanh layer"},
		{ce, "the network's cost is cross-entropy"},
	} {
		if _, err := NewMLP(tc.n); err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, mathx.ErrConfig) {
			t.Errorf("error %v, want %q", err, tc.want)
		}
	}
	net, _ := mathx.NewNetwork([]int{2, 1}, mathx.Tanh, 1)
	m, _ := NewMLP(net)
	for _, tc := range []struct {
		data []mathx.Example
		want string
	}{
		{nil, "no examples"},
		{[]mathx.Example{{X: []float64{1}, Y: []float64{1}}}, "example 0: autodiff.MLP.Forward: x has 1 values, the MLP takes 2"},
		{[]mathx.Example{{X: []float64{1, 2}, Y: []float64{1, 0}}}, "example 0: y has 2 values, the MLP has 1 outputs"},
		{[]mathx.Example{{X: []float64{1, math.NaN()}, Y: []float64{1}}}, "x_1 is NaN"},
		{[]mathx.Example{{X: []float64{1, 2}, Y: []float64{math.Inf(1)}}}, "y_0 is +Inf"},
	} {
		if _, err := m.Cost(tc.data); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want %q", err, tc.want)
		}
	}
}
