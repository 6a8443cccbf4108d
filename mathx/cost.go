package mathx

import (
	"fmt"
	"math"
)

// Cost is the cost of one example, C0.
type Cost int

const (
	Quadratic     Cost = iota // C0 = Σ_j (a_j − y_j)², δ(L) = 2(a − y) ⊙ σ′(z)
	CrossEntropy              // C0 = −Σ_j [y_j ln a_j + (1−y_j) ln(1−a_j)], δ(L) = a − y (sigmoid output)
	LogLikelihood             // C0 = −Σ_j y_j ln a_j = −ln a_y for a one-hot y, δ(L) = a − y (Softmax output)
)

// String returns "quadratic", "cross-entropy" or "log-likelihood".
func (c Cost) String() string {
	switch c {
	case Quadratic:
		return "quadratic"
	case CrossEntropy:
		return "cross-entropy"
	case LogLikelihood:
		return "log-likelihood"
	}
	return fmt.Sprintf("Cost(%d)", int(c))
}

// check reports a cost this package does not know, the cross-entropy on
// an output layer whose activation is not the sigmoid (δ(L) = a − y holds
// only because σ′(z) = a(1 − a) cancels the denominator of
// ∂C0/∂a_j = (a_j − y_j) / (a_j(1 − a_j))), and the log-likelihood on one
// that is not Softmax.
func (c Cost) check(out *Layer) error {
	switch c {
	case Quadratic:
		return nil
	case CrossEntropy:
		if !isSigmoid(out.Act) {
			return fmt.Errorf("%w: the cross-entropy cost needs a sigmoid output layer, and this one has %s: δ(L) = a − y holds only for σ",
				ErrConfig, activationName(out.Act))
		}
		return nil
	case LogLikelihood:
		if !isSoftmax(out.Act) {
			return fmt.Errorf("%w: the log-likelihood cost needs a Softmax output layer, and this one has %s: −ln a_y prices a probability, and only the softmax's outputs add up to 1",
				ErrConfig, activationName(out.Act))
		}
		return nil
	}
	return fmt.Errorf("%w: unknown cost %v; use Quadratic, CrossEntropy or LogLikelihood", ErrConfig, c)
}

// activationName returns act's name for a message.
func activationName(act Activation) string {
	if act.Name == "" {
		return "an unnamed activation"
	}
	return "activation " + act.Name
}

// of returns the cost C0 of the output layer's step s against the desired
// outputs y, and starts the backward pass there: it sets
// s.DC_da[j] = ∂C0/∂a_j and, for the cross-entropy, δ_j = ∂C0/∂z_j as well.
//
//	Quadratic:     ∂C0/∂a_j = 2(a_j − y_j); backward then finds δ_j = σ′(z_j) ∂C0/∂a_j.
//	CrossEntropy:  ∂C0/∂a_j = (a_j − y_j) / (a_j(1 − a_j)), and δ_j = a_j − y_j,
//	               exactly, even where a_j rounds to 0 or 1 (there ∂C0/∂a_j is
//	               infinite or NaN, but σ′(z_j) ∂C0/∂a_j is still a_j − y_j).
//	LogLikelihood: ∂C0/∂a_j = −y_j / a_j, and through the softmax's Jacobian
//	               δ_k = Σ_j (−y_j / a_j) a_j(δ_jk − a_k) = a_k Σ_j y_j − y_k,
//	               which is a_k − y_k when the y_j add up to 1 (one-hot y).
func (c Cost) of(s *LayerStep, y []float64) float64 {
	if c == Quadratic {
		s.deltaSet = false
		return quadraticCost(s.A, y, s.DC_da)
	}
	s.deltaSet = true
	if c == LogLikelihood {
		return logLikelihood(s, y)
	}
	for j, aj := range s.A {
		s.DC_da[j] = (aj - y[j]) / (aj * (1 - aj))
		s.DC_dz[j] = aj - y[j]
	}
	return crossEntropy(s.Z, y)
}

// addTo returns sum + C0 for an output layer with weighted inputs z and
// activations a, against y, adding C0 term by term (Σ_j) so that a sum over
// examples is one running sum.
func (c Cost) addTo(sum float64, z, a, y []float64) float64 {
	if c == Quadratic {
		for j, aj := range a {
			sum += (aj - y[j]) * (aj - y[j])
		}
		return sum
	}
	if c == LogLikelihood {
		lse := logSumExp(z)
		for j, zj := range z {
			sum += y[j] * (lse - zj)
		}
		return sum
	}
	for j, zj := range z {
		sum += crossEntropyTerm(zj, y[j])
	}
	return sum
}

// logLikelihood returns C0 = −Σ_j y_j ln a_j for the step s through a
// Softmax output layer, computed from z as Σ_j y_j (ln Σ_k e^(z_k) − z_j)
// so that it stays finite where a_j rounds to 0, and sets
// ∂C0/∂a_j = −y_j / a_j (0 where y_j = 0) and δ_k = a_k Σ_j y_j − y_k.
func logLikelihood(s *LayerStep, y []float64) float64 {
	var sumY float64
	for _, yj := range y {
		sumY += yj
	}
	for j, aj := range s.A {
		s.DC_da[j] = 0
		if y[j] != 0 {
			s.DC_da[j] = -y[j] / aj
		}
		s.DC_dz[j] = aj*sumY - y[j]
	}
	return LogLikelihood.addTo(0, s.Z, s.A, y)
}

// crossEntropy returns C0 = −Σ_j [y_j ln a_j + (1−y_j) ln(1−a_j)] for
// a_j = σ(z_j), computed from z_j: since ln σ(z) = −softplus(−z) and
// ln(1 − σ(z)) = −softplus(z),
//
//	C0 = Σ_j [y_j softplus(−z_j) + (1−y_j) softplus(z_j)],
//
// which stays finite where a_j rounds to 0 or 1 and ln a_j would be −Inf.
func crossEntropy(z, y []float64) float64 {
	var c0 float64
	for j, zj := range z {
		c0 += crossEntropyTerm(zj, y[j])
	}
	return c0
}

// crossEntropyTerm returns neuron j's term of the cross-entropy,
// y_j softplus(−z_j) + (1−y_j) softplus(z_j).
func crossEntropyTerm(z, y float64) float64 {
	return y*softplus(-z) + (1-y)*softplus(z)
}

// softplus returns ln(1 + e^x), computed as max(x, 0) + ln(1 + e^(−|x|)) so
// that e^x does not overflow for large x.
func softplus(x float64) float64 {
	return max(x, 0) + math.Log1p(Exp(-math.Abs(x)))
}
