package mathx

import "fmt"

// A Layer is layer L of a network in the indexed form of 3Blue1Brown's
// Backpropagation calculus: Out neurons, indexed by j, each fed by all In
// neurons of layer L−1, indexed by k:
//
//	z_j = Σ_k w_jk a_k + b_j,   a_j = f(z_j).
//
// The weights are kept row by row in one flat slice, so that row j holds the
// weights into neuron j: w_jk is W[j*In()+k]. Weight and SetWeight read and
// write them by (j, k), and Row(j) gives row j. Values in W and B may be
// changed freely, but must stay finite (an input a_k = 0 skips its weights,
// so a NaN there would go unseen); their lengths must stay Out·In and Out.
type Layer struct {
	W   []float64 // w_jk at W[j*In()+k]
	B   []float64 // b_j at B[j]
	Act Activation

	in, out int
}

// NewLayer returns a layer of out neurons fed by in neurons, with every
// weight and bias zero.
func NewLayer(in, out int, act Activation) (*Layer, error) {
	if in < 1 || out < 1 {
		return nil, fmt.Errorf("%w: layer of %d neurons fed by %d: both must be at least 1", ErrConfig, out, in)
	}
	if err := act.check(); err != nil {
		return nil, err
	}
	return &Layer{W: make([]float64, out*in), B: make([]float64, out), Act: act, in: in, out: out}, nil
}

// NewLayerFrom returns a layer with weights w[j][k] = w_jk and biases
// b[j] = b_j. Every row of w must have the same length, and len(b) must equal
// len(w).
func NewLayerFrom(w [][]float64, b []float64, act Activation) (*Layer, error) {
	if len(w) == 0 {
		return nil, fmt.Errorf("%w: NewLayerFrom needs at least one row of weights", ErrShape)
	}
	l, err := NewLayer(len(w[0]), len(w), act)
	if err != nil {
		return nil, err
	}
	if len(b) != l.out {
		return nil, fmt.Errorf("%w: %d rows of weights but %d biases; want one bias per row", ErrShape, len(w), len(b))
	}
	for j, row := range w {
		if len(row) != l.in {
			return nil, fmt.Errorf("%w: weight row %d has %d values, row 0 has %d", ErrShape, j, len(row), l.in)
		}
		if err := checkFinite(fmt.Sprintf("w[%d]", j), row); err != nil {
			return nil, err
		}
		copy(l.W[j*l.in:], row)
	}
	if err := checkFinite("b", b); err != nil {
		return nil, err
	}
	copy(l.B, b)
	return l, nil
}

// In returns the number of neurons k in the layer before, the length of a_k.
func (l *Layer) In() int { return l.in }

// Out returns the number of neurons j in this layer.
func (l *Layer) Out() int { return l.out }

// Weight returns w_jk, the weight from neuron k of the previous layer to
// neuron j of this one. It panics if j or k is out of range.
func (l *Layer) Weight(j, k int) float64 { return l.W[l.index(j, k)] }

// SetWeight sets w_jk to v. It panics if j or k is out of range.
func (l *Layer) SetWeight(j, k int, v float64) { l.W[l.index(j, k)] = v }

// Row returns w_j0 … w_j(In−1), the weights into neuron j, as a part of W:
// changing it changes the layer. For the first layer of an MNIST network it
// is a 28×28 picture of what neuron j looks for. It panics if j is out of
// range.
func (l *Layer) Row(j int) []float64 {
	i := l.index(j, 0)
	return l.W[i : i+l.in : i+l.in]
}

func (l *Layer) index(j, k int) int {
	if l == nil {
		panic("mathx: no layer: a LayerStep not made by Network.Steps or Layer.Backprop has none")
	}
	if j < 0 || j >= l.out || k < 0 || k >= l.in {
		panic(fmt.Sprintf("mathx: weight (%d, %d) out of range for a layer of %d×%d weights", j, k, l.out, l.in))
	}
	return j*l.in + k
}

// check reports a layer whose slices no longer have the lengths it was built
// with, or which was not built by NewLayer or NewLayerFrom.
func (l *Layer) check() error {
	if l == nil || l.in < 1 || l.out < 1 {
		return fmt.Errorf("%w: layer not made by NewLayer or NewLayerFrom", ErrConfig)
	}
	if len(l.W) != l.out*l.in || len(l.B) != l.out {
		return fmt.Errorf("%w: layer of %d×%d weights holds %d weights and %d biases; want %d and %d",
			ErrShape, l.out, l.in, len(l.W), len(l.B), l.out*l.in, l.out)
	}
	return l.Act.check()
}

// Forward computes the layer's weighted inputs z_j = Σ_k w_jk a_k + b_j and
// activations a_j = f(z_j) from aPrev, the activations a_k of layer L−1.
func (l *Layer) Forward(aPrev []float64) (z, a []float64, err error) {
	s, err := l.newStep(aPrev)
	if err != nil {
		return nil, nil, err
	}
	x := newScratch(l)
	l.forward(&s, &x)
	return s.Z, s.A, nil
}

// Backprop runs the layer forward on aPrev and then backward from dC_da,
// where dC_da[j] = ∂C0/∂a_j comes from the layer above. See LayerStep for the
// formulas.
func (l *Layer) Backprop(aPrev, dC_da []float64) (LayerStep, error) {
	s, err := l.newStep(aPrev)
	if err != nil {
		return LayerStep{}, err
	}
	if len(dC_da) != l.out {
		return LayerStep{}, fmt.Errorf("%w: dC_da has %d values, the layer has %d neurons", ErrShape, len(dC_da), l.out)
	}
	if err := checkFinite("dC_da", dC_da); err != nil {
		return LayerStep{}, err
	}
	x := newScratch(l)
	l.forward(&s, &x)
	copy(s.DC_da, dC_da)
	l.backward(&s, &x)
	return s, nil
}

// BackpropOutput treats the layer as the output layer L for a training
// example with desired outputs y: it runs the layer forward on aPrev, prices
// it with C0 = Σ_j (a_j − y_j)², and runs it backward from
// ∂C0/∂a_j = 2(a_j − y_j).
func (l *Layer) BackpropOutput(aPrev, y []float64) (LayerStep, error) {
	s, err := l.newStep(aPrev)
	if err != nil {
		return LayerStep{}, err
	}
	if len(y) != l.out {
		return LayerStep{}, fmt.Errorf("%w: y has %d values, the output layer has %d neurons", ErrShape, len(y), l.out)
	}
	if err := checkFinite("y", y); err != nil {
		return LayerStep{}, err
	}
	x := newScratch(l)
	l.forward(&s, &x)
	s.Y = append([]float64(nil), y...)
	s.C0 = quadraticCost(s.A, s.Y, s.DC_da)
	l.backward(&s, &x)
	return s, nil
}

// newStep checks the layer and aPrev and allocates a LayerStep for them.
func (l *Layer) newStep(aPrev []float64) (LayerStep, error) {
	if err := l.check(); err != nil {
		return LayerStep{}, err
	}
	if len(aPrev) != l.in {
		return LayerStep{}, fmt.Errorf("%w: aPrev has %d values, the layer takes %d inputs", ErrShape, len(aPrev), l.in)
	}
	if err := checkFinite("aPrev", aPrev); err != nil {
		return LayerStep{}, err
	}
	s := newLayerStep(l)
	s.DC_dw, s.DC_db = make([]float64, l.out*l.in), make([]float64, l.out)
	s.APrev = append([]float64(nil), aPrev...)
	s.DC_daPrev = make([]float64, l.in)
	return s, nil
}

// newLayerStep allocates the per-neuron slices of a step through l; the
// gradient slices DC_dw and DC_db, and APrev, Y and DC_daPrev, are left nil.
func newLayerStep(l *Layer) LayerStep {
	return LayerStep{
		Layer: l,
		Z:     make([]float64, l.out),
		A:     make([]float64, l.out),
		DC_da: make([]float64, l.out),
		Da_dz: make([]float64, l.out),
		DC_dz: make([]float64, l.out),
	}
}

// LayerStep holds the numbers of one example's pass through one Layer:
//
//	z_j = Σ_k w_jk a_k + b_j                     forward
//	a_j = f(z_j)
//	δ_j = ∂C0/∂z_j = f′(z_j) ∂C0/∂a_j             backward
//	∂C0/∂w_jk = a_k f′(z_j) ∂C0/∂a_j = a_k δ_j
//	∂C0/∂b_j  =     f′(z_j) ∂C0/∂a_j = δ_j
//	∂C0/∂a_k  = Σ_j w_jk f′(z_j) ∂C0/∂a_j = Σ_j PathTerm(j, k)
//
// The last sum runs over every path from neuron k through a neuron j of this
// layer to the cost; PathTerm gives each path's term. A LayerStep refers to
// its Layer, so PathTerm reads the weights as they are when it is called.
type LayerStep struct {
	Layer *Layer    // the layer, for its weights w_jk
	APrev []float64 // a_k, the activations of layer L−1
	Z     []float64 // z_j
	A     []float64 // a_j
	Y     []float64 // y_j at the output layer; nil in a hidden layer
	C0    float64   // the cost of the example (see Cost) at the output layer; zero in a hidden layer

	DC_da     []float64 // ∂C0/∂a_j: from the cost at the output (2(a_j − y_j) for Quadratic), from the layer above otherwise
	Da_dz     []float64 // ∂a_j/∂z_j = f′(z_j)
	DC_dz     []float64 // δ_j = f′(z_j) ∂C0/∂a_j (a_j − y_j at a CrossEntropy or LogLikelihood output; see Softmax)
	DC_dw     []float64 // ∂C0/∂w_jk = a_k δ_j at DC_dw[j*In+k]; see DC_dwAt
	DC_db     []float64 // ∂C0/∂b_j = δ_j
	DC_daPrev []float64 // ∂C0/∂a_k = Σ_j w_jk δ_j, handed to layer L−1 as its DC_da

	deltaSet bool // whether the cost set δ_j itself (cross-entropy), so backward keeps it
}

// DC_dwAt returns ∂C0/∂w_jk = a_k f′(z_j) ∂C0/∂a_j, or an error naming
// what is wrong when the step has no Layer, its DC_dw does not fit the
// layer, or j or k is out of range.
func (s LayerStep) DC_dwAt(j, k int) (float64, error) {
	if s.Layer == nil {
		return 0, fmt.Errorf("%w: LayerStep has no Layer; get steps from Network.Steps or Layer.Backprop", ErrConfig)
	}
	l := s.Layer
	if len(s.DC_dw) != l.out*l.in {
		return 0, fmt.Errorf("%w: LayerStep holds %d weight partials for a layer of %d×%d weights", ErrShape, len(s.DC_dw), l.out, l.in)
	}
	if j < 0 || j >= l.out || k < 0 || k >= l.in {
		return 0, fmt.Errorf("%w: w_%d,%d: the layer has neurons j = 0..%d fed by k = 0..%d", ErrShape, j, k, l.out-1, l.in-1)
	}
	return s.DC_dw[j*l.in+k], nil
}

// PathTerm returns w_jk f′(z_j) ∂C0/∂a_j, the part of ∂C0/∂a_k that flows
// along the path from neuron k of layer L−1 through neuron j of this layer.
// Summed over j it gives DC_daPrev[k]. In a Softmax layer, where z_j reaches
// the cost through every a_i, it is w_jk δ_j. It panics, as Layer.Weight
// does, if j or k is out of range or the step has no Layer.
func (s LayerStep) PathTerm(j, k int) float64 {
	w := s.Layer.Weight(j, k)
	if isSoftmax(s.Layer.Act) {
		return w * s.DC_dz[j]
	}
	return w * s.Da_dz[j] * s.DC_da[j]
}

// quadraticCost returns C0 = Σ_j (a_j − y_j)² and stores
// ∂C0/∂a_j = 2(a_j − y_j) in dC_da.
func quadraticCost(a, y, dC_da []float64) float64 {
	var c0 float64
	for j, aj := range a {
		d := aj - y[j]
		c0 += d * d
		dC_da[j] = 2 * d
	}
	return c0
}

// forward sets s.Z, s.A and s.Da_dz from the inputs a_k = s.APrev:
//
//	z_j = Σ_k w_jk a_k + b_j,   a_j = f(z_j),   ∂a_j/∂z_j = f′(z_j),
//
// or, in a Softmax layer, a_j = e^(z_j) / Σ_k e^(z_k) and
// ∂a_j/∂z_j = a_j(1 − a_j) once every z_j is known.
//
// It first lists the a_k ≠ 0 in x, and the sum visits only those (see
// scratch in speed.go); backward reads the list again.
func (l *Layer) forward(s *LayerStep, x *scratch) {
	x.nz.find(s.APrev)
	for j := range l.out {
		x.activate(s, j, x.nz.dot(l.Row(j))+l.B[j])
	}
	if x.softmax {
		softmaxForward(s)
	}
}

// backward reads the inputs a_k, as forward listed them in x, s.Da_dz and
// s.DC_da, and works back through the layer:
//
//	δ_j = ∂C0/∂z_j = f′(z_j) ∂C0/∂a_j   (unless the cost set δ_j itself)
//	                                    (Softmax: δ_j = a_j(∂C0/∂a_j − Σ_i a_i ∂C0/∂a_i))
//	∂C0/∂b_j  += δ_j
//	∂C0/∂w_jk += a_k δ_j                (over the inputs a_k ≠ 0 that forward found)
//	∂C0/∂a_k   = Σ_j w_jk δ_j           (unless s.DC_daPrev is nil)
//
// It adds to DC_dw and DC_db, so that a network can sum over a batch in
// place, and sets DC_daPrev, which the layer below reads as its DC_da.
func (l *Layer) backward(s *LayerStep, x *scratch) {
	set := s.deltaSet
	if x.softmax && !set {
		softmaxBackward(s)
		set = true
	}
	for j := range l.out {
		x.nz.addScaledTo(l.delta(s, j, set), s.DC_dw[j*l.in:(j+1)*l.in])
	}
	if s.DC_daPrev != nil {
		clear(s.DC_daPrev)
		for j, delta := range s.DC_dz {
			axpy(delta, l.Row(j), s.DC_daPrev)
		}
	}
}

// delta sets δ_j = f′(z_j) ∂C0/∂a_j (unless set: the cost or a softmax
// layer set δ_j already), adds it to ∂C0/∂b_j and returns it.
func (l *Layer) delta(s *LayerStep, j int, set bool) float64 {
	if !set {
		s.DC_dz[j] = s.Da_dz[j] * s.DC_da[j]
	}
	s.DC_db[j] += s.DC_dz[j]
	return s.DC_dz[j]
}
