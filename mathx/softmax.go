package mathx

import (
	"fmt"
	"math"
	"reflect"
)

// Softmax is the activation of a softmax layer: each neuron's activation
// depends on the weighted inputs of the whole layer,
//
//	a_j = e^(z_j) / Σ_k e^(z_k),
//
// so the activations are positive and add up to 1, and
//
//	∂a_j/∂z_k = a_j(δ_jk − a_k)   (δ_jk = 1 if j = k, else 0).
//
// Unlike the other activations it is not applied neuron by neuron: a Layer
// whose Act is Softmax computes a from the layer's whole z (see SoftmaxOf),
// and works back through the full Jacobian (see SoftmaxJacobian), so that
// δ_k = Σ_j ∂C0/∂a_j a_j(δ_jk − a_k) = a_k(∂C0/∂a_k − Σ_j a_j ∂C0/∂a_j).
// Its F and Prime, taken alone, give only the numerator e^z and its
// derivative e^z, and a lone neuron (NeuronWith, Chain) refuses it. Such a
// layer's LayerStep holds the diagonal ∂a_j/∂z_j = a_j(1 − a_j) in Da_dz, so
// there δ_j is not Da_dz[j]·DC_da[j]; its PathTerm is w_jk δ_j. Softmax is
// not in Activations (it cannot be drawn as one curve a = f(z));
// ActivationByName knows it.
var Softmax = Activation{Name: "softmax", F: softmaxNumerator, Prime: softmaxNumeratorPrime}

// softmaxNumerator is e^z, the numerator of a softmax neuron.
func softmaxNumerator(z float64) float64 { return Exp(z) }

// softmaxNumeratorPrime is the derivative of e^z, e^z. A separate function
// from softmaxNumerator so that isSoftmax recognises Softmax by both.
func softmaxNumeratorPrime(z float64) float64 { return Exp(z) }

// isSoftmax reports whether act is Softmax: the same functions, not merely
// the same name.
func isSoftmax(act Activation) bool {
	return act.F != nil && act.Prime != nil &&
		reflect.ValueOf(act.F).Pointer() == reflect.ValueOf(softmaxNumerator).Pointer() &&
		reflect.ValueOf(act.Prime).Pointer() == reflect.ValueOf(softmaxNumeratorPrime).Pointer()
}

// checkOneNeuron reports act as Activation.check does, and Softmax, which a
// lone neuron (Neuron, Chain) cannot use: the softmax of one weighted input
// is e^z / e^z = 1, whatever z is.
func (act Activation) checkOneNeuron() error {
	if isSoftmax(act) {
		return fmt.Errorf("%w: the softmax is the activation of a whole layer, not of one neuron alone (of one weighted input it is always 1); use it in a Layer", ErrConfig)
	}
	return act.check()
}

// SoftmaxOf returns the softmax of z, a_j = e^(z_j) / Σ_k e^(z_k),
// computed as e^(z_j − m) / Σ_k e^(z_k − m) with m = max_k z_k, so that no
// exponential overflows. It reports an empty z or one that holds a NaN or
// infinite value.
func SoftmaxOf(z []float64) ([]float64, error) {
	if err := checkSoftmaxInput(z); err != nil {
		return nil, err
	}
	a := make([]float64, len(z))
	softmaxInto(a, z)
	return a, nil
}

// SoftmaxJacobian returns the Jacobian of the softmax at z,
// J[j][k] = ∂a_j/∂z_k = a_j(δ_jk − a_k): a_j(1 − a_j) on the diagonal and
// −a_j a_k off it. Every row and every column sums to 0, since Σ_j a_j = 1
// whatever z is. It reports z as SoftmaxOf does.
func SoftmaxJacobian(z []float64) ([][]float64, error) {
	a, err := SoftmaxOf(z)
	if err != nil {
		return nil, err
	}
	jac := make([][]float64, len(a))
	for j, aj := range a {
		jac[j] = make([]float64, len(a))
		for k, ak := range a {
			kronecker := 0.0
			if j == k {
				kronecker = 1
			}
			jac[j][k] = aj * (kronecker - ak)
		}
	}
	return jac, nil
}

// checkSoftmaxInput reports an empty z or one with a NaN or infinite value.
func checkSoftmaxInput(z []float64) error {
	if len(z) == 0 {
		return fmt.Errorf("%w: the softmax of no weighted inputs: z is empty", ErrShape)
	}
	return checkFinite("z", z)
}

// softmaxInto sets a_j = e^(z_j − m) / Σ_k e^(z_k − m), m = max_k z_k.
func softmaxInto(a, z []float64) {
	m := z[0]
	for _, zj := range z {
		m = max(m, zj)
	}
	var sum float64
	for j, zj := range z {
		a[j] = Exp(zj - m)
		sum += a[j]
	}
	for j := range a {
		a[j] /= sum
	}
}

// logSumExp returns ln Σ_k e^(z_k), computed as m + ln Σ_k e^(z_k − m) with
// m = max_k z_k, so that ln a_j = z_j − logSumExp(z) stays finite where a_j
// rounds to 0.
func logSumExp(z []float64) float64 {
	m := z[0]
	for _, zj := range z {
		m = max(m, zj)
	}
	var sum float64
	for _, zj := range z {
		sum += Exp(zj - m)
	}
	return m + math.Log(sum)
}

// softmaxForward replaces the activations of a step through a softmax layer,
// which Layer.forward computed neuron by neuron, with the softmax of its z,
// and sets Da_dz to the Jacobian's diagonal a_j(1 − a_j).
func softmaxForward(s *LayerStep) {
	softmaxInto(s.A, s.Z)
	for j, aj := range s.A {
		s.Da_dz[j] = aj * (1 - aj)
	}
}

// softmaxBackward sets δ_k = Σ_j ∂C0/∂a_j ∂a_j/∂z_k for a softmax layer:
// with ∂a_j/∂z_k = a_j(δ_jk − a_k) the sum is
//
//	δ_k = a_k (∂C0/∂a_k − Σ_j a_j ∂C0/∂a_j),
//
// one pass for the sum and one for the δ_k, instead of a full matrix.
func softmaxBackward(s *LayerStep) {
	var dot float64
	for j, aj := range s.A {
		dot += aj * s.DC_da[j]
	}
	for k, ak := range s.A {
		s.DC_dz[k] = ak * (s.DC_da[k] - dot)
	}
}
