package mathx

import (
	"fmt"
	"math"
	"reflect"
	"strings"
)

// An Activation is the nonlinear function a = f(z) that a neuron applies to
// its weighted input z, together with its derivative da/dz = f′(z).
//
// In the notation of 3Blue1Brown's Backpropagation calculus, a(L) = σ(z(L)) and ∂a(L)/∂z(L) = σ′(z(L)); F is σ
// and Prime is σ′.
type Activation struct {
	Name  string                  // lower-case name, as accepted by ActivationByName
	F     func(z float64) float64 // a = f(z)
	Prime func(z float64) float64 // da/dz = f′(z)
}

// The activations the lessons use. Each is a package variable so that a
// lesson can write mathx.Sigmoid.F(z) or pass mathx.ReLU to NewNetwork.
var (
	// Sigmoid is σ(z) = 1 / (1 + e^(−z)), with σ′(z) = σ(z)(1 − σ(z)).
	Sigmoid = Activation{Name: "sigmoid", F: Sigma, Prime: SigmaPrime}

	// ReLU is relu(z) = max(0, z), with relu′(z) = 1 for z > 0 and 0 for
	// z ≤ 0 (the kink at 0 is given the derivative 0).
	ReLU = Activation{Name: "relu", F: relu, Prime: reluPrime}

	// Tanh is tanh(z) = (e^z − e^(−z)) / (e^z + e^(−z)), with
	// tanh′(z) = 1 − tanh²(z) (computed so that it stays accurate for large |z|).
	Tanh = Activation{Name: "tanh", F: tanh, Prime: tanhPrime}

	// Identity is id(z) = z, with id′(z) = 1: a linear neuron.
	Identity = Activation{Name: "identity", F: identity, Prime: one}
)

// Activations lists the built-in activations in a fixed order.
var Activations = []Activation{Sigmoid, ReLU, Tanh, Identity}

// ActivationByName returns the built-in activation called name ("sigmoid",
// "relu", "tanh", "identity" or "softmax"; case and surrounding spaces are
// ignored).
func ActivationByName(name string) (Activation, error) {
	want := strings.ToLower(strings.TrimSpace(name))
	if want == Softmax.Name {
		return Softmax, nil
	}
	names := make([]string, len(Activations))
	for i, act := range Activations {
		if act.Name == want {
			return act, nil
		}
		names[i] = act.Name
	}
	return Activation{}, fmt.Errorf("%w: unknown activation %q (known: %s)",
		ErrConfig, name, strings.Join(append(names, Softmax.Name), ", "))
}

// Sigma returns the logistic sigmoid σ(z) = 1 / (1 + e^(−z)).
//
// It never overflows: for z < 0 it is computed as e^z / (1 + e^z).
// Special cases are σ(+Inf) = 1, σ(−Inf) = 0 and σ(NaN) = NaN.
func Sigma(z float64) float64 {
	a, _ := sigmoid(z)
	return a
}

// SigmaPrime returns the derivative of the sigmoid,
// σ′(z) = σ(z)(1 − σ(z)) = e^(−|z|) / (1 + e^(−|z|))².
//
// The second form keeps full relative precision for large |z|, where
// 1 − σ(z) would round to 0. Special cases are σ′(±Inf) = 0 and
// σ′(NaN) = NaN.
func SigmaPrime(z float64) float64 {
	_, da := sigmoid(z)
	return da
}

// sigmoid returns σ(z) and σ′(z) from the one exponential e = e^(−|z|):
// σ(z) = 1/(1 + e) for z ≥ 0 and e/(1 + e) for z < 0, σ′(z) = e/(1 + e)².
func sigmoid(z float64) (a, da float64) {
	e := Exp(-math.Abs(z))
	s := 1 / (1 + e)
	a = s
	if z < 0 {
		a = e * s
	}
	return a, e * s * s
}

// isSigmoid reports whether act computes exactly Sigma and SigmaPrime: the
// same functions, not merely the same name, since Activation's fields may be
// set by hand.
func isSigmoid(act Activation) bool {
	return act.F != nil && act.Prime != nil &&
		reflect.ValueOf(act.F).Pointer() == reflect.ValueOf(Sigma).Pointer() &&
		reflect.ValueOf(act.Prime).Pointer() == reflect.ValueOf(SigmaPrime).Pointer()
}

func relu(z float64) float64 {
	if z > 0 {
		return z
	}
	if z <= 0 {
		return 0
	}
	return z // NaN stays NaN
}

func reluPrime(z float64) float64 {
	if z > 0 {
		return 1
	}
	if z <= 0 {
		return 0
	}
	return z // NaN stays NaN
}

// tanhPrime is 1 − tanh²(z), computed as 4e^(−2|z|) / (1 + e^(−2|z|))² so
// that it stays accurate where tanh(z) rounds to ±1.
func tanhPrime(z float64) float64 {
	e := Exp(-2 * math.Abs(z))
	return 4 * e / ((1 + e) * (1 + e))
}

func identity(z float64) float64 { return z }

func one(float64) float64 { return 1 }

// check reports whether act can be used: both functions must be set.
func (act Activation) check() error {
	if act.F == nil || act.Prime == nil {
		return fmt.Errorf("%w: activation %q needs both F and Prime (use Sigmoid, ReLU, Tanh, Identity or ActivationByName)",
			ErrConfig, act.Name)
	}
	return nil
}
