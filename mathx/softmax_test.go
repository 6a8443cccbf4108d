package mathx

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// The softmax of (0, ln 2, ln 5) is (1, 2, 5)/8 by hand, and a shift of
// every z_j by the same amount, even one that would overflow e^z, changes
// nothing (but the rounding of 1000 + ln 2, about 1e-13).
func TestSoftmaxByHand(t *testing.T) {
	z := []float64{0, math.Ln2, math.Log(5)}
	a, err := SoftmaxOf(z)
	if err != nil {
		t.Fatal(err)
	}
	checkSlice(t, "softmax(0, ln 2, ln 5)", a, []float64{1.0 / 8, 2.0 / 8, 5.0 / 8}, 1e-15)
	big, _ := SoftmaxOf([]float64{1000, 1000 + math.Ln2, 1000 + math.Log(5)})
	checkSlice(t, "softmax(1000 + z)", big, a, 1e-12)
	jac, _ := SoftmaxJacobian(z)
	// a_j(1 − a_j) on the diagonal, −a_j a_k off it.
	checkSlice(t, "J row 0", jac[0], []float64{7.0 / 64, -2.0 / 64, -5.0 / 64}, 1e-15)
	checkSlice(t, "J row 2", jac[2], []float64{-5.0 / 64, -10.0 / 64, 15.0 / 64}, 1e-15)
}

// Every entry of the Jacobian a_j(δ_jk − a_k) agrees with a central
// difference of a_j in z_k.
func TestSoftmaxJacobianByCentralDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{1, 2, 4, 10} {
		z := make([]float64, n)
		for k := range z {
			z[k] = 3 * rng.NormFloat64()
		}
		jac, err := SoftmaxJacobian(z)
		if err != nil {
			t.Fatal(err)
		}
		for j := range z {
			for k := range z {
				num := CentralDiff(func(v float64) float64 {
					zz := append([]float64(nil), z...)
					zz[k] = v
					a, _ := SoftmaxOf(zz)
					return a[j]
				}, z[k], 1e-5)
				if math.Abs(jac[j][k]-num) > 1e-10 {
					t.Errorf("n = %d: ∂a_%d/∂z_%d = %v, central difference %v", n, j, k, jac[j][k], num)
				}
			}
		}
	}
}

func TestSoftmaxBadInput(t *testing.T) {
	_, err0 := NeuronWith(Softmax, 1, 0, 1, 1)
	checkErr(t, err0, ErrConfig, "whole layer", "always 1")
	_, err0 = Chain{W: []float64{1}, B: []float64{0}, Act: Softmax}.Forward(1)
	checkErr(t, err0, ErrConfig, "whole layer")
	_, err := SoftmaxOf(nil)
	checkErr(t, err, ErrShape, "z is empty")
	_, err = SoftmaxJacobian([]float64{1, math.NaN()})
	checkErr(t, err, ErrNotFinite, "z")
	_, err = SoftmaxOf([]float64{math.Inf(1)})
	checkErr(t, err, ErrNotFinite, "z")
}

// randomLayer returns a layer with standard normal weights and biases.
func randomLayer(rng *rand.Rand, in, out int, act Activation) *Layer {
	l, _ := NewLayer(in, out, act)
	for p := range l.W {
		l.W[p] = rng.NormFloat64()
	}
	for j := range l.B {
		l.B[j] = rng.NormFloat64()
	}
	return l
}

// A softmax output layer backpropagates through its full Jacobian: with the
// log-likelihood (one-hot y, and a y that does not add up to 1) and with the
// quadratic cost, and a softmax hidden layer too, the gradient agrees with
// central differences; the log-likelihood's δ(L) is a − y for a one-hot y
// and its C0 is −ln a_y.
func TestSoftmaxNetworkGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	x := []float64{0.3, -0.7, 0.1, 0.9}
	for _, tc := range []struct {
		name   string
		hidden Activation
		cost   Cost
		y      []float64
	}{
		{"log-likelihood, one-hot", Sigmoid, LogLikelihood, []float64{0, 1, 0}},
		{"log-likelihood, y adds to 1.3", Tanh, LogLikelihood, []float64{0.2, 0.5, 0.6}},
		{"quadratic", Sigmoid, Quadratic, []float64{0, 0, 1}},
		{"softmax hidden layer", Softmax, LogLikelihood, []float64{1, 0, 0}},
	} {
		net, _ := NewNetworkFrom(randomLayer(rng, 4, 5, tc.hidden), randomLayer(rng, 5, 3, Softmax))
		net.Cost = tc.cost
		worst, err := CheckGradient(net, Example{x, tc.y}, 1e-5)
		if err != nil {
			t.Fatal(err)
		}
		if worst > 1e-7 {
			t.Errorf("%s: backprop and central differences differ by %.2g", tc.name, worst)
		}
	}
	net, _ := NewNetworkFrom(randomLayer(rng, 4, 5, Sigmoid), randomLayer(rng, 5, 3, Softmax))
	net.Cost = LogLikelihood
	y := []float64{0, 0, 1}
	steps, _ := net.Steps(x, y)
	out := steps[1]
	checkNear(t, "C0", out.C0, -math.Log(out.A[2]), 1e-14)
	for j := range y {
		if out.DC_dz[j] != out.A[j]-y[j] {
			t.Errorf("δ_%d = %v, want a − y = %v", j, out.DC_dz[j], out.A[j]-y[j])
		}
	}
	c, _ := net.AverageCost([]Example{{x, y}})
	checkNear(t, "AverageCost", c, out.C0, 1e-15)
	// The path terms through a softmax layer add up to ∂C0/∂a_k of the layer below.
	for k := range out.APrev {
		sum := 0.0
		for j := range out.A {
			sum += out.PathTerm(j, k)
		}
		checkNear(t, "Σ_j PathTerm(j, k)", sum, out.DC_daPrev[k], 1e-15)
	}
}

// Where a_y rounds to 0, −ln a_y stays finite: C0 = z_max − z_y.
func TestLogLikelihoodSaturated(t *testing.T) {
	l, _ := NewLayerFrom([][]float64{{800}, {0}}, []float64{0, 0}, Softmax)
	net, _ := NewNetworkFrom(l)
	net.Cost = LogLikelihood
	steps, err := net.Steps([]float64{1}, []float64{0, 1})
	if err != nil {
		t.Fatal(err)
	}
	checkNear(t, "C0 at z = (800, 0), y = 1", steps[0].C0, 800, 1e-15)
	if steps[0].DC_dz[0] != 1 || steps[0].DC_dz[1] != -1 {
		t.Errorf("δ = %v, want a − y = (1, −1)", steps[0].DC_dz)
	}
}

func TestLogLikelihoodNeedsSoftmax(t *testing.T) {
	net, _ := NewNetwork([]int{2, 3}, Sigmoid, 1)
	net.Cost = LogLikelihood
	_, err := net.Forward([]float64{1, 2})
	checkErr(t, err, ErrConfig, "log-likelihood", "Softmax output layer", "activation sigmoid")
	net.Layers[0].Act = Softmax
	net.Cost = CrossEntropy
	_, err = net.Forward([]float64{1, 2})
	checkErr(t, err, ErrConfig, "cross-entropy", "activation softmax")
	if LogLikelihood.String() != "log-likelihood" {
		t.Errorf("LogLikelihood.String() = %q", LogLikelihood.String())
	}
}

// With a Softmax output and the log-likelihood, SGD still takes, number for
// number, the steps of Gradient and Step, on one processor and on two, with
// layer 1 run a batch at a time or not; a Softmax layer 1 is not split.
func TestSoftmaxSGDMatchesGradientAndStep(t *testing.T) {
	for _, procs := range []int{1, 2} {
		old := runtime.GOMAXPROCS(procs)
		rng := rand.New(rand.NewPCG(7, 8))
		for i, sizes := range [][]int{{5, 3}, {3, 4, 2}, {600, 12, 10, 4}, {450, 11, 3}, {600, 12, 3}} {
			data := oneHotExamples(rng, 45, sizes[0], sizes[len(sizes)-1])
			net, _ := NewNetwork(sizes, Sigmoid, 9)
			net.Layers[len(net.Layers)-1].Act = Softmax
			if i == 4 {
				net.Layers[0].Act = Softmax
			}
			net.Cost = LogLikelihood
			if !sgdAgrees(t, net, data) {
				t.Errorf("GOMAXPROCS %d, sizes %v: SGD and Gradient+Step differ", procs, sizes)
			}
		}
		runtime.GOMAXPROCS(old)
	}
}

// oneHotExamples returns n examples with sparse inputs (about half 0) and a
// one-hot y.
func oneHotExamples(rng *rand.Rand, n, in, out int) []Example {
	exs := make([]Example, n)
	for i := range exs {
		x := make([]float64, in)
		for k := range x {
			if rng.IntN(2) == 0 {
				x[k] = rng.Float64()
			}
		}
		y := make([]float64, out)
		y[rng.IntN(out)] = 1
		exs[i] = Example{x, y}
	}
	return exs
}

// A network with a softmax output and the log-likelihood is saved and
// loaded back as it was: the same activation, cost and outputs.
func TestSoftmaxNetworkSaveLoad(t *testing.T) {
	net, _ := NewNetwork([]int{3, 4, 2}, Sigmoid, 5)
	net.Layers[1].Act = Softmax
	net.Cost = LogLikelihood
	path := t.TempDir() + "/softmax.gob"
	if err := net.Save(path, "softmax", nil); err != nil {
		t.Fatal(err)
	}
	back, err := Load(path, "softmax", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !isSoftmax(back.Layers[1].Act) || back.Cost != LogLikelihood {
		t.Errorf("loaded layer 2 is %s with the %v cost, want softmax and log-likelihood", back.Layers[1].Act.Name, back.Cost)
	}
	x := []float64{0.2, -0.4, 0.9}
	want, _ := net.Forward(x)
	got, _ := back.Forward(x)
	checkSlice(t, "a(L) after Load", got, want, 0)
}
