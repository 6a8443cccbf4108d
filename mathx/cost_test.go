package mathx

import (
	"math"
	"math/rand/v2"
	"testing"
)

// One sigmoid neuron, w = 0.5, b = 0.1, x = 2, y = 1, priced by the
// cross-entropy: z = 1.1, a = σ(1.1), C0 = −ln a, and δ = a − y, so
// ∂C0/∂w = x(a − y) and ∂C0/∂b = a − y, with no σ′(z) factor.
func TestCrossEntropyByHand(t *testing.T) {
	l, _ := NewLayerFrom([][]float64{{0.5}}, []float64{0.1}, Sigmoid)
	net, _ := NewNetworkFrom(l)
	net.Cost = CrossEntropy
	x, y := []float64{2}, []float64{1}
	a := 1 / (1 + math.Exp(-1.1))

	steps, err := net.Steps(x, y)
	if err != nil {
		t.Fatal(err)
	}
	out := steps[0]
	checkNear(t, "a", out.A[0], a, 1e-15)
	checkNear(t, "C0", out.C0, -math.Log(a), 1e-15)
	checkNear(t, "δ = a − y", out.DC_dz[0], a-1, 1e-15)
	checkNear(t, "∂C0/∂a = (a − y)/(a(1 − a))", out.DC_da[0], (a-1)/(a*(1-a)), 1e-15)

	g, err := net.Backprop(x, y)
	if err != nil {
		t.Fatal(err)
	}
	checkNear(t, "∂C0/∂w", g.DC_dw[0][0], 2*(a-1), 1e-15)
	checkNear(t, "∂C0/∂b", g.DC_db[0][0], a-1, 1e-15)

	c, err := net.AverageCost([]Example{{X: x, Y: y}})
	if err != nil {
		t.Fatal(err)
	}
	checkNear(t, "AverageCost", c, -math.Log(a), 1e-15)
	if x[0] != 2 || y[0] != 1 {
		t.Errorf("the example changed to x = %v, y = %v", x, y)
	}
}

// The cross-entropy's backpropagation agrees with central differences of
// C0 = −Σ_j [y_j ln a_j + (1−y_j) ln(1−a_j)], for any hidden activation and
// targets between 0 and 1, and its C0 is the formula's.
func TestCrossEntropyGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, hidden := range []Activation{Sigmoid, Tanh, ReLU} {
		hid, _ := NewLayer(4, 5, hidden)
		out, _ := NewLayer(5, 3, Sigmoid)
		for _, l := range []*Layer{hid, out} {
			for p := range l.W {
				l.W[p] = rng.NormFloat64()
			}
			for j := range l.B {
				l.B[j] = rng.NormFloat64()
			}
		}
		net, _ := NewNetworkFrom(hid, out)
		net.Cost = CrossEntropy
		ex := Example{X: []float64{0.3, -0.7, 0.1, 0.9}, Y: []float64{1, 0, 0.25}}
		worst, err := CheckGradient(net, ex, 1e-5)
		if err != nil {
			t.Fatal(err)
		}
		if worst > 1e-8 {
			t.Errorf("%s hidden layer: backprop and central differences differ by %.2g", hidden.Name, worst)
		}
		a, _ := net.Forward(ex.X)
		var want float64
		for j := range a {
			want -= ex.Y[j]*math.Log(a[j]) + (1-ex.Y[j])*math.Log(1-a[j])
		}
		got, _ := net.AverageCost([]Example{ex})
		checkNear(t, hidden.Name+" C0", got, want, 1e-14)
	}
}

// Where σ(z) rounds to 1, ln(1 − a) would be −Inf; the cross-entropy stays
// finite (C0 = softplus(z) ≈ z for y = 0) and δ = a − y = 1 exactly.
func TestCrossEntropySaturated(t *testing.T) {
	l, _ := NewLayerFrom([][]float64{{100}}, []float64{0}, Sigmoid)
	net, _ := NewNetworkFrom(l)
	net.Cost = CrossEntropy
	steps, err := net.Steps([]float64{1}, []float64{0})
	if err != nil {
		t.Fatal(err)
	}
	checkNear(t, "C0 at z = 100", steps[0].C0, 100, 1e-15)
	if steps[0].DC_dz[0] != 1 {
		t.Errorf("δ = %v at z = 100, y = 0; want a − y = 1", steps[0].DC_dz[0])
	}
}

// The zero Cost is the quadratic: C0 = Σ_j (a_j − y_j)² and
// δ(L) = 2(a − y) σ′(z).
func TestCostZeroIsQuadratic(t *testing.T) {
	var net Network
	if net.Cost != Quadratic || Quadratic.String() != "quadratic" || CrossEntropy.String() != "cross-entropy" {
		t.Errorf("zero Cost = %v", net.Cost)
	}
	l, _ := NewLayerFrom([][]float64{{0.5}}, []float64{0.1}, Sigmoid)
	n, _ := NewNetworkFrom(l)
	steps, _ := n.Steps([]float64{2}, []float64{1})
	a := Sigma(1.1)
	checkNear(t, "C0", steps[0].C0, (a-1)*(a-1), 1e-15)
	checkNear(t, "δ", steps[0].DC_dz[0], 2*(a-1)*SigmaPrime(1.1), 1e-15)
}

// The cross-entropy's δ(L) = a − y holds only for a sigmoid output layer;
// with another, every method that prices examples refuses to run.
func TestCrossEntropyNeedsSigmoid(t *testing.T) {
	net, _ := NewNetwork([]int{2, 3, 2}, Tanh, 1)
	net.Cost = CrossEntropy
	ex := Example{X: []float64{1, 2}, Y: []float64{0, 1}}
	parts := []string{"cross-entropy cost needs a sigmoid output layer", "activation tanh"}
	_, err := net.Backprop(ex.X, ex.Y)
	checkErr(t, err, ErrConfig, parts...)
	_, err = net.AddBackprop(net.NewGradient(), ex.X, ex.Y)
	checkErr(t, err, ErrConfig, parts...)
	_, err = net.Gradient([]Example{ex})
	checkErr(t, err, ErrConfig, parts...)
	_, err = net.AverageCost([]Example{ex})
	checkErr(t, err, ErrConfig, parts...)
	before := net.Clone()
	err = net.SGD([]Example{ex}, nil, TrainConfig{Epochs: 1, BatchSize: 1, Eta: 1}, nil)
	checkErr(t, err, ErrConfig, parts...)
	if !sameParams(net, before) {
		t.Error("SGD changed the network before refusing the cost")
	}
	net.Cost = Cost(7)
	_, err = net.Backprop(ex.X, ex.Y)
	checkErr(t, err, ErrConfig, "unknown cost Cost(7)")
}
