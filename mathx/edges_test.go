package mathx

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// The defects of issue 11, section 1, each held by a test.

// Step checks the gradient's values: a NaN or ±Inf partial derivative would
// otherwise become a NaN weight. AddBackprop checks the g it adds to.
func TestStepRejectsNonFiniteGradient(t *testing.T) {
	for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		net, _ := NewNetwork([]int{3, 2, 1}, Sigmoid, 1)
		before := net.Clone()
		g := net.NewGradient()
		g.DC_dw[0][2] = bad
		checkErr(t, net.Step(g, 0.1), ErrNotFinite, "gradient of layer 1", "DC_dw[2] = ")
		g = net.NewGradient()
		g.DC_db[1][0] = bad
		checkErr(t, net.Step(g, 0.1), ErrNotFinite, "gradient of layer 2", "DC_db[0] = ")
		if !sameParams(net, before) {
			t.Errorf("Step with a gradient holding %v changed the network", bad)
		}
		g = net.NewGradient()
		g.DC_dw[1][1] = bad
		_, err := net.AddBackprop(g, []float64{1, 0, 1}, []float64{1})
		checkErr(t, err, ErrNotFinite, "gradient of layer 2", "DC_dw[1] = ")
		if g.DC_dw[1][0] != 0 || g.DC_db[0][0] != 0 {
			t.Errorf("AddBackprop added to a gradient holding %v", bad)
		}
	}
}

// SetParam refuses NaN and ±Inf, so that a later Forward cannot quietly
// return NaN and SGD cannot blame η for it.
func TestSetParamRejectsNonFinite(t *testing.T) {
	net, _ := NewNetwork([]int{3, 2, 1}, Sigmoid, 1)
	before := net.Clone()
	for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		checkErr(t, net.SetParam(WeightParam(1, 0, 2), bad), ErrNotFinite, "w(1)_0,2 = ")
		checkErr(t, net.SetParam(BiasParam(2, 0), bad), ErrNotFinite, "b(2)_0 = ")
	}
	if !sameParams(net, before) {
		t.Error("SetParam stored a non-finite value")
	}
	if err := net.SetParam(BiasParam(2, 0), 0.5); err != nil || net.Layers[1].B[0] != 0.5 {
		t.Errorf("SetParam(b(2)_0, 0.5): %v, b = %v", err, net.Layers[1].B[0])
	}
}

// Gradient.At names a layer with no values instead of dividing by zero.
func TestGradientAtEmptyLayer(t *testing.T) {
	g := Gradient{DC_dw: make([][]float64, 1), DC_db: make([][]float64, 1)}
	_, err := g.At(BiasParam(1, 0))
	checkErr(t, err, ErrShape, "gradient of layer 1 has no biases")
	g = Gradient{DC_dw: [][]float64{make([]float64, 5)}, DC_db: [][]float64{make([]float64, 2)}}
	_, err = g.At(WeightParam(1, 0, 0))
	checkErr(t, err, ErrShape, "gradient of layer 1 has 5 weights for 2 biases")
}

// The final epoch's cost, as reported to progress, is +Inf: SGD returns
// ErrNotFinite, as it does one epoch later. One identity neuron, x = 1,
// y = 0, η = 10: w grows ×(1 − 2η) = −19 each step.
func TestSGDNonFiniteLastEpoch(t *testing.T) {
	for _, epochs := range []int{97, 98} {
		l, _ := NewLayerFrom([][]float64{{1}}, []float64{0}, Identity)
		net, _ := NewNetworkFrom(l)
		data := []Example{{X: []float64{1}, Y: []float64{0}}}
		var last EpochStats
		err := net.SGD(data, nil, TrainConfig{Epochs: epochs, BatchSize: 1, Eta: 10}, func(s EpochStats) { last = s })
		checkErr(t, err, ErrNotFinite, "training diverged in epoch", "try a smaller η than 10")
		if IsFinite(last.TrainCost) && IsFinite(last.Cost) {
			continue
		}
		t.Errorf("Epochs: %d: progress was told cost %v, training cost %v", epochs, last.Cost, last.TrainCost)
	}
}

// A LayerStep without a Layer, and a Network with a nil layer, give a
// mathx: error instead of a nil-pointer panic.
func TestNilLayerErrors(t *testing.T) {
	_, err := LayerStep{}.DC_dwAt(0, 0)
	checkErr(t, err, ErrConfig, "LayerStep has no Layer")
	l, _ := NewLayer(3, 2, Sigmoid)
	s, _ := l.BackpropOutput([]float64{1, 2, 3}, []float64{0, 1})
	if v, err := s.DC_dwAt(1, 2); err != nil || v != s.DC_dw[5] {
		t.Errorf("DC_dwAt(1, 2) = %v, %v; want DC_dw[5] = %v", v, err, s.DC_dw[5])
	}
	_, err = s.DC_dwAt(2, 0)
	checkErr(t, err, ErrShape, "w_2,0", "j = 0..1")
	_, err = (&Network{Layers: []*Layer{nil}}).Params()
	checkErr(t, err, ErrConfig, "layer 1", "not made by NewLayer")
	net, _ := NewNetwork([]int{2, 1}, Sigmoid, 1)
	ps, err := net.Params()
	if want := []Param{WeightParam(1, 0, 0), WeightParam(1, 0, 1), BiasParam(1, 0)}; err != nil || !slices.Equal(ps, want) {
		t.Errorf("Params() = %v, %v; want %v", ps, err, want)
	}
}

// CheckGradient's documented bound holds on the networks the issue tried,
// tanh 6-6-1 with weights and biases in [−2, 2]: the central differences
// are off by at most 1e-9 in absolute terms, so the relative measure is at
// most 1e-9 / max |∂C0/∂θ|, and at most 1e-7 when that largest partial is
// 1e-2 or more.
func TestCheckGradientBound(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	worst, worstAbs := 0.0, 0.0
	for range 2000 {
		net, _ := NewNetwork([]int{6, 6, 1}, Tanh, 1)
		for _, l := range net.Layers {
			for p := range l.W {
				l.W[p] = 4*rng.Float64() - 2
			}
			for j := range l.B {
				l.B[j] = 4*rng.Float64() - 2
			}
		}
		ex := Example{X: make([]float64, 6), Y: []float64{2*rng.Float64() - 1}}
		for k := range ex.X {
			ex.X[k] = 2*rng.Float64() - 1
		}
		e, err := CheckGradient(net, ex, 1e-5)
		if err != nil {
			t.Fatal(err)
		}
		g, _ := net.Backprop(ex.X, ex.Y)
		largest := 0.0
		for i := range g.DC_dw {
			for _, v := range append(g.DC_dw[i], g.DC_db[i]...) {
				largest = max(largest, math.Abs(v))
			}
		}
		worst, worstAbs = max(worst, e), max(worstAbs, e*largest)
		if e*largest > 1e-9 || (largest >= 1e-2 && e > 1e-7) {
			t.Errorf("CheckGradient gave %.2g on correct gradients whose largest partial is %.2g: above the documented bound", e, largest)
		}
	}
	t.Logf("2000 tanh 6-6-1 networks: worst relative error %.2g, worst absolute difference %.2g", worst, worstAbs)
}
