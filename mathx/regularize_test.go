package mathx

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// One step with λ, worked by hand on a single identity neuron a = z = w x + b
// with w = 0.5, b = 0, and one example x = 2, y = 0 (so n = m = 1):
//
//	a = 0.5·2 + 0 = 1,  ∂C0/∂w = 2(a − y)·x = 2·1·2 = 4,  ∂C0/∂b = 2(a − y) = 2.
//
// With η = 0.1 and λ = 0.5 a step keeps 1 − ηλ/n = 1 − 0.1·0.5/1 = 0.95 of w:
//
//	w ← 0.95·0.5 − 0.1·4 = 0.475 − 0.4 = 0.075,  b ← 0 − 0.1·2 = −0.2 (biases do not decay).
func TestSGDLambdaByHand(t *testing.T) {
	l, _ := NewLayerFrom([][]float64{{0.5}}, []float64{0}, Identity)
	net, _ := NewNetworkFrom(l)
	data := []Example{{X: []float64{2}, Y: []float64{0}}}
	if err := net.SGD(data, nil, TrainConfig{Epochs: 1, BatchSize: 1, Eta: 0.1, Lambda: 0.5}, nil); err != nil {
		t.Fatal(err)
	}
	checkNear(t, "w", l.W[0], 0.075, 1e-15)
	checkNear(t, "b", l.B[0], -0.2, 1e-15)
}

// With one batch holding all n examples, a step moves every parameter by
// −η ∂C/∂θ of the regularized cost C = (1/n) Σ C0 + (λ/2n) Σ w², so
// (θ − θ′)/η must agree with the central difference of that C.
func TestSGDLambdaFiniteDifference(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, sizes := range [][]int{{3, 4, 2}, {5, 3, 3, 2}} {
		data := randomExamples(rng, 6, sizes[0], sizes[len(sizes)-1], false)
		net, _ := NewNetwork(sizes, Sigmoid, 5)
		const eta, lambda = 0.1, 0.7
		n := float64(len(data))
		cost := func(net *Network) float64 {
			c, err := net.AverageCost(data)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range net.Layers {
				for _, w := range l.W {
					c += lambda / (2 * n) * w * w
				}
			}
			return c
		}
		stepped := net.Clone()
		cfg := TrainConfig{Epochs: 1, BatchSize: len(data), Eta: eta, Lambda: lambda}
		if err := stepped.SGD(data, nil, cfg, nil); err != nil {
			t.Fatal(err)
		}
		worst, largest := 0.0, 0.0
		params, _ := net.Params()
		for _, p := range params {
			before, _ := net.Param(p)
			after, _ := stepped.Param(p)
			fromStep := (before - after) / eta
			const h = 1e-6
			net.SetParam(p, before+h)
			up := cost(net)
			net.SetParam(p, before-h)
			down := cost(net)
			net.SetParam(p, before)
			numeric := (up - down) / (2 * h)
			worst = max(worst, math.Abs(fromStep-numeric))
			largest = max(largest, math.Abs(numeric))
		}
		if rel := worst / largest; rel > 1e-6 {
			t.Errorf("sizes %v: a step with λ and the central difference of the regularized cost differ by %.2g relative to the largest partial", sizes, rel)
		}
	}
}

func TestSGDLambdaBadInput(t *testing.T) {
	net, _ := NewNetwork([]int{2, 2}, Sigmoid, 1)
	data := []Example{{X: []float64{1, 0}, Y: []float64{1, 0}}}
	for _, lambda := range []float64{-1, math.NaN(), math.Inf(1)} {
		err := net.SGD(data, nil, TrainConfig{Epochs: 1, BatchSize: 1, Eta: 1, Lambda: lambda}, nil)
		checkErr(t, err, ErrConfig, "Lambda λ = ", "want a finite number ≥ 0")
	}
	before := net.Clone()
	err := net.SGD(data, nil, TrainConfig{Epochs: 1, BatchSize: 1, Eta: 3, Lambda: 1}, nil)
	checkErr(t, err, ErrConfig, "ηλ/n = 3·1/1 = 3, want < 1", "try a smaller λ")
	if !sameParams(net, before) {
		t.Error("SGD changed the network although it refused the configuration")
	}
}

// With λ > 0, SGD on a network with sparse inputs takes, batch by batch,
// exactly the steps w ← (1 − ηλ/n)·w − η ∂C/∂w and b ← b − η ∂C/∂b that
// Gradient gives, on 1 processor and on 2.
func TestSGDLambdaMatchesGradientStepByStep(t *testing.T) {
	for _, procs := range []int{1, 2} {
		old := runtime.GOMAXPROCS(procs)
		data := randomExamples(rand.New(rand.NewPCG(13, 14)), 45, 600, 4, true)
		a, _ := NewNetwork([]int{600, 12, 10, 4}, Sigmoid, 3)
		b := a.Clone()
		cfg := TrainConfig{Epochs: 2, BatchSize: 10, Eta: 0.5, Seed: 3, Lambda: 2}
		if err := a.SGD(data, nil, cfg, nil); err != nil {
			t.Fatal(err)
		}
		runtime.GOMAXPROCS(old)
		keep := 1 - cfg.Eta*cfg.Lambda/float64(len(data))
		for _, batch := range sgdBatches(data, cfg) {
			g, _ := b.Gradient(batch)
			for l, layer := range b.Layers {
				for i := range layer.W {
					layer.W[i] = keep*layer.W[i] - cfg.Eta*g.DC_dw[l][i]
				}
				for i := range layer.B {
					layer.B[i] -= cfg.Eta * g.DC_db[l][i]
				}
			}
		}
		if !sameParams(a, b) {
			t.Errorf("GOMAXPROCS %d: SGD with λ and Gradient with the decayed step differ", procs)
		}
	}
}
