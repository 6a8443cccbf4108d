package mathx

import "fmt"

// A Chain is a network with a single neuron in every layer:
//
//	a(0) → a(1) → … → a(L),  z(l) = w(l)·a(l−1) + b(l),  a(l) = f(z(l)).
//
// W[l−1] and B[l−1] hold w(l) and b(l) for l = 1..L, so L = len(W); Act is f.
type Chain struct {
	W, B []float64
	Act  Activation
}

// ChainTrace holds the numbers of one pass through a Chain.
type ChainTrace struct {
	A0 float64 // a(0), the input
	Y  float64 // y, the desired output (zero after Forward)
	C0 float64 // C0 = (a(L) − y)² (zero after Forward)

	// Layers[l−1] is layer l. After Forward only the inputs and Z, A are set.
	// After Backprop every derivative is set; in layer l < L, DC_da is the
	// DC_daPrev of layer l+1, which is how the chain rule iterates backwards.
	Layers []NeuronStep
}

// Layer returns the numbers of layer l, for l = 1..L.
func (t ChainTrace) Layer(l int) NeuronStep {
	if l < 1 || l > len(t.Layers) {
		panic(fmt.Sprintf("mathx: ChainTrace.Layer(%d): the chain has layers 1..%d", l, len(t.Layers)))
	}
	return t.Layers[l-1]
}

// Len returns L, the number of layers after the input.
func (c Chain) Len() int { return len(c.W) }

func (c Chain) check() error {
	if err := c.Act.checkOneNeuron(); err != nil {
		return err
	}
	if len(c.W) == 0 || len(c.W) != len(c.B) {
		return fmt.Errorf("%w: Chain has %d weights and %d biases; want the same number L ≥ 1 of each",
			ErrShape, len(c.W), len(c.B))
	}
	if err := checkFinite("Chain.W", c.W); err != nil {
		return err
	}
	return checkFinite("Chain.B", c.B)
}

// Forward runs the chain on input a0: for l = 1..L,
// z(l) = w(l)·a(l−1) + b(l) and a(l) = f(z(l)).
func (c Chain) Forward(a0 float64) (ChainTrace, error) {
	if err := c.check(); err != nil {
		return ChainTrace{}, err
	}
	if err := checkScalar("a0", a0); err != nil {
		return ChainTrace{}, err
	}
	t := ChainTrace{A0: a0, Layers: make([]NeuronStep, len(c.W))}
	aPrev := a0
	for i := range t.Layers {
		t.Layers[i] = neuronForward(c.Act, c.W[i], c.B[i], aPrev)
		aPrev = t.Layers[i].A
	}
	return t, nil
}

// Backprop runs the chain forward on a0, prices the output against y with
// C0 = (a(L) − y)², then walks back from layer L to layer 1:
//
//	∂C0/∂a(L) = 2(a(L) − y)
//	∂C0/∂w(l) = a(l−1) · f′(z(l)) · ∂C0/∂a(l)
//	∂C0/∂b(l) =      1 · f′(z(l)) · ∂C0/∂a(l)
//	∂C0/∂a(l−1) = w(l) · f′(z(l)) · ∂C0/∂a(l)
func (c Chain) Backprop(a0, y float64) (ChainTrace, error) {
	t, err := c.Forward(a0)
	if err != nil {
		return ChainTrace{}, err
	}
	if err := checkScalar("y", y); err != nil {
		return ChainTrace{}, err
	}
	last := &t.Layers[len(t.Layers)-1]
	t.Y = y
	t.C0 = (last.A - y) * (last.A - y)
	last.Y, last.C0 = t.Y, t.C0
	dC_da := 2 * (last.A - y)
	for i := len(t.Layers) - 1; i >= 0; i-- {
		t.Layers[i].backward(c.Act, dC_da)
		dC_da = t.Layers[i].DC_daPrev
	}
	return t, nil
}
