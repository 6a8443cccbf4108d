package mathx

// NeuronStep holds every number of the seed's first case: a network with one
// neuron per layer, seen at its last layer L. The neuron takes the activation
// a(L−1) of the neuron before it, and its cost for one training example with
// desired output y is C0 = (a(L) − y)².
//
// The fields come in three groups, in the order a lesson derives them: the
// forward pass, the local derivatives (one per arrow of the computation graph
// w(L), a(L−1), b(L) → z(L) → a(L) → C0), and the chain-rule products.
type NeuronStep struct {
	// Inputs.
	W     float64 // w(L), the weight
	B     float64 // b(L), the bias
	APrev float64 // a(L−1), the activation of the previous neuron
	Y     float64 // y, the desired output (zero in the hidden layers of a ChainTrace)

	// Forward pass.
	Z  float64 // z(L) = w(L)·a(L−1) + b(L)
	A  float64 // a(L) = σ(z(L))
	C0 float64 // C0 = (a(L) − y)² (zero in the hidden layers of a ChainTrace)

	// Local derivatives.
	DC_da     float64 // ∂C0/∂a(L) = 2(a(L) − y) at the output; from the layer above in a chain
	Da_dz     float64 // ∂a(L)/∂z(L) = σ′(z(L))
	Dz_dw     float64 // ∂z(L)/∂w(L) = a(L−1)
	Dz_db     float64 // ∂z(L)/∂b(L) = 1
	Dz_daPrev float64 // ∂z(L)/∂a(L−1) = w(L)

	// Chain-rule products.
	DC_dz     float64 // ∂C0/∂z(L) = ∂a(L)/∂z(L) · ∂C0/∂a(L)
	DC_dw     float64 // ∂C0/∂w(L) = ∂z(L)/∂w(L) · ∂a(L)/∂z(L) · ∂C0/∂a(L)
	DC_db     float64 // ∂C0/∂b(L) = ∂z(L)/∂b(L) · ∂a(L)/∂z(L) · ∂C0/∂a(L)
	DC_daPrev float64 // ∂C0/∂a(L−1) = ∂z(L)/∂a(L−1) · ∂a(L)/∂z(L) · ∂C0/∂a(L)
}

// Neuron computes every value and derivative of a sigmoid output neuron with
// weight w, bias b and input aPrev, for a training example whose desired
// output is y:
//
//	z = w·aPrev + b,  a = σ(z),  C0 = (a − y)²
//	∂C0/∂w = aPrev · σ′(z) · 2(a − y)
//	∂C0/∂b =     1 · σ′(z) · 2(a − y)
//	∂C0/∂aPrev = w · σ′(z) · 2(a − y)
//
// It is NeuronWith(Sigmoid, w, b, aPrev, y) without the error: a NaN or
// infinite input simply makes the results it feeds NaN or infinite.
func Neuron(w, b, aPrev, y float64) NeuronStep {
	return outputNeuron(Sigmoid, w, b, aPrev, y)
}

// NeuronWith is Neuron for any activation f in place of σ. It returns an
// error if act lacks F or Prime, or if an input is NaN or infinite.
func NeuronWith(act Activation, w, b, aPrev, y float64) (NeuronStep, error) {
	if err := act.check(); err != nil {
		return NeuronStep{}, err
	}
	for _, in := range []struct {
		name string
		v    float64
	}{{"w", w}, {"b", b}, {"aPrev", aPrev}, {"y", y}} {
		if err := checkScalar(in.name, in.v); err != nil {
			return NeuronStep{}, err
		}
	}
	return outputNeuron(act, w, b, aPrev, y), nil
}

// outputNeuron runs the forward pass of one neuron, prices its output
// against y and runs the backward step from ∂C0/∂a = 2(a − y).
func outputNeuron(act Activation, w, b, aPrev, y float64) NeuronStep {
	s := neuronForward(act, w, b, aPrev)
	s.Y = y
	s.C0 = (s.A - y) * (s.A - y)
	s.backward(act, 2*(s.A-y))
	return s
}

// neuronForward computes z = w·aPrev + b and a = f(z).
func neuronForward(act Activation, w, b, aPrev float64) NeuronStep {
	z := w*aPrev + b
	return NeuronStep{W: w, B: b, APrev: aPrev, Z: z, A: act.F(z)}
}

// backward fills the local derivatives and their products, given how the
// cost changes with this neuron's activation, dC_da = ∂C0/∂a.
func (s *NeuronStep) backward(act Activation, dC_da float64) {
	s.DC_da = dC_da
	s.Da_dz = act.Prime(s.Z)
	s.Dz_dw = s.APrev
	s.Dz_db = 1
	s.Dz_daPrev = s.W
	s.DC_dz = s.Da_dz * s.DC_da
	s.DC_dw = s.Dz_dw * s.DC_dz
	s.DC_db = s.Dz_db * s.DC_dz
	s.DC_daPrev = s.Dz_daPrev * s.DC_dz
}
