package mathx

import (
	"fmt"
	"math"
)

// CentralDiff returns the central finite difference
//
//	(f(x + h) − f(x − h)) / (2h),
//
// an estimate of f′(x) whose error shrinks like h² (until rounding, which
// grows like 1/h, takes over: h around 1e-5 suits values of order 1).
func CentralDiff(f func(float64) float64, x, h float64) float64 {
	return (f(x+h) - f(x-h)) / (2 * h)
}

// RelErr returns the relative difference between a and b,
//
//	|a − b| / max(|a|, |b|),
//
// and 0 when a = b = 0.
func RelErr(a, b float64) float64 {
	if a == b {
		return 0
	}
	return math.Abs(a-b) / max(math.Abs(a), math.Abs(b))
}

// A Param names one weight w(l)_jk or bias b(l)_j of a network. Layers count
// from 1, as in the notation: layer 0 is the input.
type Param struct {
	L    int  // the layer l, from 1 to L
	J    int  // the neuron j of layer l
	K    int  // for a weight, the neuron k of layer l−1; ignored for a bias
	Bias bool // whether this is b(l)_j rather than w(l)_jk
}

// WeightParam names the weight w(l)_jk.
func WeightParam(l, j, k int) Param { return Param{L: l, J: j, K: k} }

// BiasParam names the bias b(l)_j.
func BiasParam(l, j int) Param { return Param{L: l, J: j, Bias: true} }

// String returns the parameter as "w(l)_j,k" or "b(l)_j".
func (p Param) String() string {
	if p.Bias {
		return fmt.Sprintf("b(%d)_%d", p.L, p.J)
	}
	return fmt.Sprintf("w(%d)_%d,%d", p.L, p.J, p.K)
}

// Params lists every weight and bias of the network, layer by layer, each
// layer's weights row by row and then its biases.
func (n *Network) Params() ([]Param, error) {
	if err := n.check(); err != nil {
		return nil, err
	}
	var ps []Param
	for i, l := range n.Layers {
		for j := range l.out {
			for k := range l.in {
				ps = append(ps, WeightParam(i+1, j, k))
			}
		}
		for j := range l.out {
			ps = append(ps, BiasParam(i+1, j))
		}
	}
	return ps, nil
}

// slot returns the slice that holds p in a layer's weights or biases, and
// its index there.
func (p Param) slot(w, b [][]float64) ([]float64, int, error) {
	if p.L < 1 || p.L > len(w) {
		return nil, 0, fmt.Errorf("%w: %v: layer %d does not exist; layers run from 1 to %d", ErrShape, p, p.L, len(w))
	}
	out := len(b[p.L-1])
	in := len(w[p.L-1]) / out
	if p.J < 0 || p.J >= out {
		return nil, 0, fmt.Errorf("%w: %v: layer %d has neurons j = 0..%d", ErrShape, p, p.L, out-1)
	}
	if p.Bias {
		return b[p.L-1], p.J, nil
	}
	if p.K < 0 || p.K >= in {
		return nil, 0, fmt.Errorf("%w: %v: layer %d takes inputs k = 0..%d", ErrShape, p, p.L, in-1)
	}
	return w[p.L-1], p.J*in + p.K, nil
}

// params returns the network's weights and biases as two lists of slices.
func (n *Network) params() (w, b [][]float64) {
	for _, l := range n.Layers {
		w, b = append(w, l.W), append(b, l.B)
	}
	return w, b
}

// Param returns the value of the weight or bias p.
func (n *Network) Param(p Param) (float64, error) {
	if err := n.check(); err != nil {
		return 0, err
	}
	s, i, err := p.slot(n.params())
	if err != nil {
		return 0, err
	}
	return s[i], nil
}

// SetParam sets the weight or bias p to v, which must be finite.
func (n *Network) SetParam(p Param, v float64) error {
	if err := n.check(); err != nil {
		return err
	}
	if err := checkScalar(p.String(), v); err != nil {
		return err
	}
	s, i, err := p.slot(n.params())
	if err != nil {
		return err
	}
	s[i] = v
	return nil
}

// At returns the partial derivative of the cost with respect to p.
func (g Gradient) At(p Param) (float64, error) {
	if len(g.DC_dw) != len(g.DC_db) {
		return 0, fmt.Errorf("%w: gradient has %d weight and %d bias layers", ErrShape, len(g.DC_dw), len(g.DC_db))
	}
	if p.L >= 1 && p.L <= len(g.DC_db) {
		w, b := len(g.DC_dw[p.L-1]), len(g.DC_db[p.L-1])
		if b == 0 {
			return 0, fmt.Errorf("%w: %v: gradient of layer %d has no biases", ErrShape, p, p.L)
		}
		if w == 0 || w%b != 0 {
			return 0, fmt.Errorf("%w: %v: gradient of layer %d has %d weights for %d biases; want a whole number of weights per bias",
				ErrShape, p, p.L, w, b)
		}
	}
	s, i, err := p.slot(g.DC_dw, g.DC_db)
	if err != nil {
		return 0, err
	}
	return s[i], nil
}

// NumericPartial estimates ∂C0/∂p for one example by central differences,
// (C0(p + h) − C0(p − h)) / (2h), nudging p in place and putting it back.
func NumericPartial(n *Network, ex Example, p Param, h float64) (float64, error) {
	if err := n.checkExamples("NumericPartial", []Example{ex}); err != nil {
		return 0, err
	}
	if err := checkStep(h); err != nil {
		return 0, err
	}
	s, i, err := p.slot(n.params())
	if err != nil {
		return 0, err
	}
	return numericPartial(n, ex, s, i, h), nil
}

func numericPartial(n *Network, ex Example, s []float64, i int, h float64) float64 {
	t := n.newTrace(Gradient{}, false)
	c0 := func(v float64) float64 {
		s[i] = v
		a := t.forward(ex.X)
		return n.Cost.addTo(0, t.output().Z, a, ex.Y)
	}
	v := s[i]
	d := CentralDiff(c0, v, h)
	s[i] = v
	return d
}

// NumericGradient estimates the whole gradient of C0 for one example by
// central differences, one parameter at a time (see NumericPartial). It
// costs two forward passes per parameter: use it on small networks.
func NumericGradient(n *Network, ex Example, h float64) (Gradient, error) {
	if err := n.checkExamples("NumericGradient", []Example{ex}); err != nil {
		return Gradient{}, err
	}
	if err := checkStep(h); err != nil {
		return Gradient{}, err
	}
	g := n.NewGradient()
	for i, l := range n.Layers {
		for p := range l.W {
			g.DC_dw[i][p] = numericPartial(n, ex, l.W, p, h)
		}
		for p := range l.B {
			g.DC_db[i][p] = numericPartial(n, ex, l.B, p, h)
		}
	}
	return g, nil
}

// CheckGradient compares backpropagation with central differences on one
// example: it returns the largest difference between a partial derivative
// from Backprop and its estimate from NumericGradient, relative to the
// largest partial derivative of either,
//
//	max_i |∂C0/∂θ_i − D_i| / max_i max(|∂C0/∂θ_i|, |D_i|),
//
// over every weight and bias θ_i, with D_i the central difference; 0 when
// both gradients are 0. Measuring against the largest partial rather than
// each one's own size keeps tiny partials, which central differences cannot
// resolve to many digits, from hiding whether backpropagation is right.
//
// Even for a correct Backprop the result is not 0: D_i is off by its
// truncation error, about h²/6 times a third derivative of C0, and by
// rounding, about 2⁻⁵²·C0/h. With h = 1e-5, on networks with weights of
// order 1, both stay below 1e-9 in absolute terms, so agreeing gradients
// give at most 1e-9 / max_i |∂C0/∂θ_i|: 1e-7 or less when the largest
// partial is 1e-2 or more, but more where every partial is tiny, as when
// the output is already close to y or the neurons saturate. (On random
// tanh 6-6-1 networks with weights in [−2, 2], the largest difference was
// 7e-10 and the largest result 6e-5, where every partial was below 4e-9.)
// A wrong factor in Backprop gives results of order 1e-2 and more.
func CheckGradient(n *Network, ex Example, h float64) (maxRelErr float64, err error) {
	num, err := NumericGradient(n, ex, h)
	if err != nil {
		return 0, err
	}
	bp, err := n.Backprop(ex.X, ex.Y)
	if err != nil {
		return 0, err
	}
	var maxDiff, maxPartial float64
	for i := range bp.DC_dw {
		for _, pair := range [][2][]float64{{bp.DC_dw[i], num.DC_dw[i]}, {bp.DC_db[i], num.DC_db[i]}} {
			for p, v := range pair[0] {
				maxDiff = max(maxDiff, math.Abs(v-pair[1][p]))
				maxPartial = max(maxPartial, math.Abs(v), math.Abs(pair[1][p]))
			}
		}
	}
	if maxDiff == 0 {
		return 0, nil
	}
	return maxDiff / maxPartial, nil
}

func checkStep(h float64) error {
	if !(h > 0) || math.IsInf(h, 1) {
		return fmt.Errorf("%w: finite-difference step h = %v, want a finite number > 0", ErrConfig, h)
	}
	return nil
}
