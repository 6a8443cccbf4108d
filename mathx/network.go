package mathx

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// An Example is one training example: the input x, which the network sees as
// the activations a(0) of its input layer, and the desired output y.
type Example struct {
	X, Y []float64
}

// A Network is a stack of fully connected layers. Layer 0 is the input x;
// Layers[l−1] is layer l for l = 1..L, and a(L) is the network's output.
// Each example is priced with the cost C0 that Cost chooses (the quadratic
// C0 = Σ_j (a(L)_j − y_j)² unless set), and a set of examples with their
// average C.
//
// The values of the weights and biases may be changed freely; the shapes of
// the layers must not be. Methods that only read the network (Forward,
// Backprop, Steps, AverageCost, Accuracy, Gradient, Predict) may run at the same
// time as each other, but not with SGD, Step and SetParam, which change it,
// nor with the gradient checks, which nudge its parameters and put them back.
type Network struct {
	Layers []*Layer
	Cost   Cost // C0: Quadratic (the zero value), CrossEntropy (needs a sigmoid output layer) or LogLikelihood (a Softmax one)
}

// NewNetwork returns a network with the given layer sizes (sizes[0] inputs,
// then sizes[l] neurons in layer l) and the same activation f in every layer.
// Its weights are drawn from a normal distribution with mean 0 and standard
// deviation 1/√(sizes[l−1]), and its biases from a standard normal
// distribution, by a generator seeded with seed: the same seed gives the same
// network.
func NewNetwork(sizes []int, act Activation, seed int64) (*Network, error) {
	if len(sizes) < 2 {
		return nil, fmt.Errorf("%w: sizes %v: a network needs an input size and at least one layer", ErrConfig, sizes)
	}
	for l, size := range sizes {
		if size < 1 {
			return nil, fmt.Errorf("%w: sizes %v: sizes[%d] = %d, want at least 1", ErrConfig, sizes, l, size)
		}
	}
	if err := act.check(); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0x6d617468782d6e6e))
	n := &Network{Layers: make([]*Layer, len(sizes)-1)}
	for i := range n.Layers {
		l, _ := NewLayer(sizes[i], sizes[i+1], act) // sizes and act checked above
		scale := 1 / math.Sqrt(float64(sizes[i]))
		for p := range l.W {
			l.W[p] = rng.NormFloat64() * scale
		}
		for j := range l.B {
			l.B[j] = rng.NormFloat64()
		}
		n.Layers[i] = l
	}
	return n, nil
}

// NewNetworkFrom returns a network made of the given layers, which it uses
// (not copies). Each layer must take as many inputs as the layer before has
// neurons.
func NewNetworkFrom(layers ...*Layer) (*Network, error) {
	n := &Network{Layers: layers}
	if err := n.check(); err != nil {
		return nil, err
	}
	return n, nil
}

// Sizes returns the number of neurons in every layer, the input first.
func (n *Network) Sizes() []int {
	sizes := make([]int, 0, len(n.Layers)+1)
	if len(n.Layers) > 0 && n.Layers[0] != nil {
		sizes = append(sizes, n.Layers[0].in)
	}
	for _, l := range n.Layers {
		if l != nil {
			sizes = append(sizes, l.out)
		}
	}
	return sizes
}

// Clone returns a deep copy of the network.
func (n *Network) Clone() *Network {
	c := &Network{Layers: make([]*Layer, len(n.Layers)), Cost: n.Cost}
	for i, l := range n.Layers {
		if l == nil {
			continue
		}
		cl := *l
		cl.W = append([]float64(nil), l.W...)
		cl.B = append([]float64(nil), l.B...)
		c.Layers[i] = &cl
	}
	return c
}

// check reports a network whose layers are missing, malformed or do not fit
// together.
func (n *Network) check() error {
	if n == nil || len(n.Layers) == 0 {
		return fmt.Errorf("%w: network has no layers", ErrConfig)
	}
	for i, l := range n.Layers {
		if err := l.check(); err != nil {
			return fmt.Errorf("layer %d: %w", i+1, err)
		}
		if i > 0 && l.in != n.Layers[i-1].out {
			return fmt.Errorf("%w: layer %d takes %d inputs but layer %d has %d neurons",
				ErrShape, i+1, l.in, i, n.Layers[i-1].out)
		}
	}
	return n.Cost.check(n.Layers[len(n.Layers)-1])
}

func (n *Network) inputs() int  { return n.Layers[0].in }
func (n *Network) outputs() int { return n.Layers[len(n.Layers)-1].out }

// checkInput checks that x fits the input layer and is finite.
func (n *Network) checkInput(x []float64) error {
	if len(x) != n.inputs() {
		return fmt.Errorf("%w: x has %d values, the network %v takes %d inputs", ErrShape, len(x), n.Sizes(), n.inputs())
	}
	return checkFinite("x", x)
}

// checkExample checks that ex fits the network and is finite.
func (n *Network) checkExample(ex Example) error {
	if err := n.checkInput(ex.X); err != nil {
		return err
	}
	if len(ex.Y) != n.outputs() {
		return fmt.Errorf("%w: y has %d values, the network %v has %d outputs", ErrShape, len(ex.Y), n.Sizes(), n.outputs())
	}
	return checkFinite("y", ex.Y)
}

// checkExamples checks the network and every example of the set called name.
func (n *Network) checkExamples(name string, exs []Example) error {
	if err := n.check(); err != nil {
		return err
	}
	if len(exs) == 0 {
		return fmt.Errorf("%w: %s has no examples", ErrEmpty, name)
	}
	for i, ex := range exs {
		if err := n.checkExample(ex); err != nil {
			return fmt.Errorf("%s example %d: %w", name, i, err)
		}
	}
	return nil
}

// Forward returns the output activations a(L) for input x, computing
// z(l)_j = Σ_k w(l)_jk a(l−1)_k + b(l)_j and a(l)_j = f(z(l)_j) layer by
// layer from a(0) = x.
func (n *Network) Forward(x []float64) ([]float64, error) {
	if err := n.check(); err != nil {
		return nil, err
	}
	if err := n.checkInput(x); err != nil {
		return nil, err
	}
	return n.newTrace(Gradient{}, false).forward(x), nil
}

// Backprop returns the gradient of the cost of one example,
// ∂C0/∂w(l)_jk and ∂C0/∂b(l)_j for every layer l, found by running the
// network forward on x and then the chain rule backwards from the output
// layer's δ(L) (see Cost): δ(L)_j = 2(a(L)_j − y_j) σ′(z(L)_j) for the
// quadratic cost with a sigmoid output, a(L)_j − y_j for the cross-entropy
// and for the log-likelihood (one-hot y). Steps gives every
// intermediate value.
func (n *Network) Backprop(x, y []float64) (Gradient, error) {
	if err := n.check(); err != nil {
		return Gradient{}, err
	}
	g := n.NewGradient()
	if _, err := n.AddBackprop(g, x, y); err != nil {
		return Gradient{}, err
	}
	return g, nil
}

// AddBackprop adds the gradient of the cost of one example to g, as
// Backprop computes it, and returns that example's cost C0. It changes
// nothing if g is not shaped like the network or already holds a NaN or
// infinite value. Summing over a batch this way and dividing by its size
// gives ∇C (see Gradient); reusing g saves allocating a new Gradient per
// example.
func (n *Network) AddBackprop(g Gradient, x, y []float64) (c0 float64, err error) {
	if err := n.check(); err != nil {
		return 0, err
	}
	if err := n.checkGradient(g); err != nil {
		return 0, err
	}
	if err := n.checkExample(Example{x, y}); err != nil {
		return 0, err
	}
	return n.newTrace(g, false).backprop(x, y, n.Cost), nil
}

// Steps runs backpropagation for one example and returns the LayerStep of
// every layer, Steps[l−1] for layer l: the lesson view of Backprop, with
// z, a, f′(z), ∂C0/∂a, the weight and bias gradients and the path terms of
// each layer. Steps[0].DC_daPrev is ∂C0/∂x.
func (n *Network) Steps(x, y []float64) ([]LayerStep, error) {
	if err := n.check(); err != nil {
		return nil, err
	}
	if err := n.checkExample(Example{x, y}); err != nil {
		return nil, err
	}
	t := n.newTrace(n.NewGradient(), true)
	out := t.output()
	out.Y = append([]float64(nil), y...)
	out.C0 = t.backprop(append([]float64(nil), x...), out.Y, n.Cost)
	return t.steps, nil
}

// AverageCost returns C, the average over the examples of the cost C0 that
// n.Cost chooses: C0 = Σ_j (a(L)_j − y_j)² for Quadratic.
func (n *Network) AverageCost(examples []Example) (float64, error) {
	if err := n.checkExamples("AverageCost", examples); err != nil {
		return 0, err
	}
	c, _ := n.evaluate(examples)
	return c, nil
}

// Accuracy returns the fraction of examples whose largest output a(L)_j is
// at the same j as their largest desired output y_j: for one-hot targets,
// the fraction classified right.
func (n *Network) Accuracy(examples []Example) (float64, error) {
	if err := n.checkExamples("Accuracy", examples); err != nil {
		return 0, err
	}
	_, acc := n.evaluate(examples)
	return acc, nil
}

// evaluate returns the AverageCost and the Accuracy of checked examples, from one
// forward pass over them.
func (n *Network) evaluate(examples []Example) (cost, accuracy float64) {
	t := n.newTrace(Gradient{}, false)
	var sum float64
	right := 0
	for _, ex := range examples {
		a := t.forward(ex.X)
		sum = n.Cost.addTo(sum, t.output().Z, a, ex.Y)
		if argmax(a) == argmax(ex.Y) {
			right++
		}
	}
	return sum / float64(len(examples)), float64(right) / float64(len(examples))
}

// Predict returns the index j of the largest output a(L)_j for input x (the
// digit, for an MNIST network) and that output's value as its confidence.
func (n *Network) Predict(x []float64) (digit int, confidence float64, err error) {
	a, err := n.Forward(x)
	if err != nil {
		return -1, 0, err
	}
	j := argmax(a)
	return j, a[j], nil
}

// argmax returns the index of the largest value of v (the first, on ties).
func argmax(v []float64) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}

// A Gradient holds a partial derivative of the cost for every weight and
// bias of a network, shaped like it: DC_dw[l−1][j*In+k] is ∂C/∂w(l)_jk and
// DC_db[l−1][j] is ∂C/∂b(l)_j.
type Gradient struct {
	DC_dw [][]float64
	DC_db [][]float64
}

// NewGradient returns a zero gradient shaped like the network.
func (n *Network) NewGradient() Gradient {
	g := Gradient{DC_dw: make([][]float64, len(n.Layers)), DC_db: make([][]float64, len(n.Layers))}
	for i, l := range n.Layers {
		if l != nil {
			g.DC_dw[i] = make([]float64, len(l.W))
			g.DC_db[i] = make([]float64, len(l.B))
		}
	}
	return g
}

// checkGradient reports a gradient that is not shaped like the network or
// holds a NaN or infinite partial derivative.
func (n *Network) checkGradient(g Gradient) error {
	if len(g.DC_dw) != len(n.Layers) || len(g.DC_db) != len(n.Layers) {
		return fmt.Errorf("%w: gradient has %d weight and %d bias layers, the network %v has %d layers",
			ErrShape, len(g.DC_dw), len(g.DC_db), n.Sizes(), len(n.Layers))
	}
	for i, l := range n.Layers {
		if len(g.DC_dw[i]) != len(l.W) || len(g.DC_db[i]) != len(l.B) {
			return fmt.Errorf("%w: gradient of layer %d has %d weights and %d biases, the layer has %d and %d",
				ErrShape, i+1, len(g.DC_dw[i]), len(g.DC_db[i]), len(l.W), len(l.B))
		}
		if err := checkFinite("DC_dw", g.DC_dw[i]); err != nil {
			return fmt.Errorf("gradient of layer %d: %w", i+1, err)
		}
		if err := checkFinite("DC_db", g.DC_db[i]); err != nil {
			return fmt.Errorf("gradient of layer %d: %w", i+1, err)
		}
	}
	return nil
}

// Step moves every weight and bias a step of size eta (η) downhill:
// w ← w − η ∂C/∂w and b ← b − η ∂C/∂b. It changes nothing if g is not
// shaped like the network or holds a NaN or infinite partial derivative.
func (n *Network) Step(g Gradient, eta float64) error {
	if err := n.check(); err != nil {
		return err
	}
	if err := n.checkGradient(g); err != nil {
		return err
	}
	if err := checkEta(eta); err != nil {
		return err
	}
	n.step(g, eta)
	return nil
}

func (n *Network) step(g Gradient, eta float64) {
	for i, l := range n.Layers {
		axpy(-eta, g.DC_dw[i], l.W)
		axpy(-eta, g.DC_db[i], l.B)
	}
}

func checkEta(eta float64) error {
	if !(eta > 0) || math.IsInf(eta, 1) {
		return fmt.Errorf("%w: learning rate η = %v, want a finite number > 0", ErrConfig, eta)
	}
	return nil
}

// A trace is the scratch space of one example's pass through a network: one
// LayerStep per layer, wired so that layer l reads the A of layer l−1 as its
// APrev and writes the DC_da of layer l−1 as its DC_daPrev, and the
// scratch of each step, which Layer.forward fills and Layer.backward reads.
type trace struct {
	steps []LayerStep
	in    []scratch // in[l]: the scratch of steps[l] (speed.go)
}

// newTrace allocates a trace whose weight and bias gradients accumulate
// into g; a trace used only forward may be given an empty g. With
// inputGrad, the first layer also computes ∂C0/∂x. Forward, Backprop and
// the others allocate one per call: it costs a few slices per layer.
func (n *Network) newTrace(g Gradient, inputGrad bool) trace {
	t := trace{steps: make([]LayerStep, len(n.Layers)), in: make([]scratch, len(n.Layers))}
	for i, l := range n.Layers {
		s := &t.steps[i]
		*s, t.in[i] = newLayerStep(l), newScratch(l)
		if g.DC_dw != nil {
			s.DC_dw, s.DC_db = g.DC_dw[i], g.DC_db[i]
		}
		if i > 0 {
			s.APrev = t.steps[i-1].A
			s.DC_daPrev = t.steps[i-1].DC_da
		}
	}
	if inputGrad {
		t.steps[0].DC_daPrev = make([]float64, n.Layers[0].in)
	}
	return t
}

// output returns the step through the output layer L.
func (t trace) output() *LayerStep { return &t.steps[len(t.steps)-1] }

// forward runs the network on x and returns the output activations a(L),
// which belong to the trace.
func (t trace) forward(x []float64) []float64 {
	t.steps[0].APrev = x
	t.forwardFrom(0)
	return t.output().A
}

// forwardFrom runs the layers from l+1 (steps[l]) to L forward.
func (t trace) forwardFrom(l int) {
	for ; l < len(t.steps); l++ {
		t.steps[l].Layer.forward(&t.steps[l], &t.in[l])
	}
}

// backwardTo runs the layers from L back to l+1 (steps[l]) backward.
func (t trace) backwardTo(l int) {
	for i := len(t.steps) - 1; i >= l; i-- {
		t.steps[i].Layer.backward(&t.steps[i], &t.in[i])
	}
}

// backprop runs the network on x, prices its output against y with cost,
// adds ∂C0/∂w and ∂C0/∂b to the trace's gradient and returns C0.
func (t trace) backprop(x, y []float64, cost Cost) float64 {
	t.forward(x)
	c0 := cost.of(t.output(), y)
	t.backwardTo(0)
	return c0
}
