package mathx

import "fmt"

// NeuronStep holds every number of the first case of 3Blue1Brown's
// Backpropagation calculus: a network with one neuron per layer, seen at its
// last layer L. The neuron takes the activation a(L−1) of the neuron before
// it, and its cost for one training example with desired output y is
// C0 = (a(L) − y)².
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
	if err := act.checkOneNeuron(); err != nil {
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

// NeuronInput names one of the three inputs of the single neuron of a
// NeuronStep, z(L) = w(L)·a(L−1) + b(L): the one a derivative of its cost C0
// is taken with respect to, or that a chart varies. It is to the single
// neuron what Param is to a Network.
type NeuronInput int

const (
	NeuronWeight NeuronInput = iota // w(L), the weight
	NeuronBias                      // b(L), the bias
	NeuronAPrev                     // a(L−1), the activation of the previous neuron
)

// NeuronInputs lists the three inputs in the order the lessons take them.
var NeuronInputs = []NeuronInput{NeuronWeight, NeuronBias, NeuronAPrev}

// String returns the input as the notation writes it: "w(L)", "b(L)" or
// "a(L−1)".
func (p NeuronInput) String() string {
	switch p {
	case NeuronWeight:
		return "w(L)"
	case NeuronBias:
		return "b(L)"
	case NeuronAPrev:
		return "a(L−1)"
	}
	return fmt.Sprintf("NeuronInput(%d)", int(p))
}

// Check reports an input that is none of NeuronWeight, NeuronBias and
// NeuronAPrev.
func (p NeuronInput) Check() error {
	if p < NeuronWeight || p > NeuronAPrev {
		return fmt.Errorf("%w: %v is not an input of the neuron; use mathx.NeuronWeight, mathx.NeuronBias or mathx.NeuronAPrev", ErrConfig, p)
	}
	return nil
}

// Value returns the input's value in s: s.W, s.B or s.APrev.
func (p NeuronInput) Value(s NeuronStep) float64 {
	return pick(p, s.W, s.B, s.APrev)
}

// Dz returns the local derivative ∂z(L)/∂p in s: a(L−1) for the weight, 1
// for the bias, w(L) for the previous activation.
func (p NeuronInput) Dz(s NeuronStep) float64 {
	return pick(p, s.Dz_dw, s.Dz_db, s.Dz_daPrev)
}

// DC returns the chain-rule product ∂C0/∂p = ∂z(L)/∂p · σ′(z(L)) · 2(a(L) − y)
// in s.
func (p NeuronInput) DC(s NeuronStep) float64 {
	return pick(p, s.DC_dw, s.DC_db, s.DC_daPrev)
}

// With returns the sigmoid output neuron of s with the input p set to v and
// the other inputs and y held, as Neuron computes it.
func (p NeuronInput) With(s NeuronStep, v float64) NeuronStep {
	switch p {
	case NeuronWeight:
		return Neuron(v, s.B, s.APrev, s.Y)
	case NeuronBias:
		return Neuron(s.W, v, s.APrev, s.Y)
	}
	return Neuron(s.W, s.B, v, s.Y)
}

// pick returns w, b or aPrev as p names the weight, the bias or the previous
// activation.
func pick(p NeuronInput, w, b, aPrev float64) float64 {
	switch p {
	case NeuronWeight:
		return w
	case NeuronBias:
		return b
	}
	return aPrev
}

// Check reports a step that is not a sigmoid output neuron as Neuron makes
// it from its own inputs: a NaN or infinite input, a field changed after the
// step was made, or a step from elsewhere (a hidden layer of a chain,
// another activation). The error names what does not fit.
func (s NeuronStep) Check() error {
	for _, in := range []struct {
		name string
		v    float64
	}{{"w(L)", s.W}, {"b(L)", s.B}, {"a(L−1)", s.APrev}, {"y", s.Y}} {
		if err := checkScalar(in.name, in.v); err != nil {
			return err
		}
	}
	r := Neuron(s.W, s.B, s.APrev, s.Y)
	fit := func(got, want float64) bool { return RelErr(got, want) <= 1e-12 }
	const remake = "make the step with mathx.Neuron(w, b, aPrev, y) after setting its inputs"
	switch {
	case !fit(s.Z, r.Z):
		return fmt.Errorf("%w: the step's z(L) = %v, but w(L)·a(L−1) + b(L) = %v·%v + %v = %v: a field was changed after the step was made; %s",
			ErrConfig, s.Z, s.W, s.APrev, s.B, r.Z, remake)
	case !fit(s.A, r.A) || !fit(s.Da_dz, r.Da_dz):
		return fmt.Errorf("%w: the step's a(L) = %v and ∂a(L)/∂z(L) = %v are not σ(z(L)) = %v and σ′(z(L)) = %v: this is not a sigmoid neuron as mathx.Neuron makes it; %s",
			ErrConfig, s.A, s.Da_dz, r.A, r.Da_dz, remake)
	case !fit(s.DC_da, r.DC_da):
		return fmt.Errorf("%w: the step's ∂C0/∂a(L) = %v is not 2(a(L) − y) = %v: it is not an output neuron (a hidden layer of a chain? derive.Chain shows those); %s",
			ErrConfig, s.DC_da, r.DC_da, remake)
	case !fit(s.C0, r.C0) || !fit(s.Dz_dw, r.Dz_dw) || !fit(s.Dz_db, r.Dz_db) || !fit(s.Dz_daPrev, r.Dz_daPrev) ||
		!fit(s.DC_dz, r.DC_dz) || !fit(s.DC_dw, r.DC_dw) || !fit(s.DC_db, r.DC_db) || !fit(s.DC_daPrev, r.DC_daPrev):
		return fmt.Errorf("%w: the step's derivatives do not fit its inputs w(L) = %v, b(L) = %v, a(L−1) = %v, y = %v; %s",
			ErrConfig, s.W, s.B, s.APrev, s.Y, remake)
	}
	return nil
}
