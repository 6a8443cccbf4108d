package mathx

import (
	"math"
	"testing"
)

func TestSigmaValues(t *testing.T) {
	// σ(0) = 1/(1+e⁰) = 1/2 and σ′(0) = σ(0)(1 − σ(0)) = 1/4.
	checkNear(t, "σ(0)", Sigma(0), 0.5, 0)
	checkNear(t, "σ′(0)", SigmaPrime(0), 0.25, 0)
	// σ(ln 3) = 1/(1 + 1/3) = 3/4 and σ′(ln 3) = 3/4 · 1/4 = 3/16.
	checkNear(t, "σ(ln 3)", Sigma(math.Log(3)), 0.75, 1e-15)
	checkNear(t, "σ′(ln 3)", SigmaPrime(math.Log(3)), 3.0/16, 1e-15)
	// σ(−z) = 1 − σ(z): σ(−ln 3) = 1/4.
	checkNear(t, "σ(−ln 3)", Sigma(-math.Log(3)), 0.25, 1e-15)
}

func TestSigmaStableForLargeZ(t *testing.T) {
	for _, z := range []float64{-1000, -745, -40, 40, 745, 1000, math.Inf(1), math.Inf(-1)} {
		a, da := Sigma(z), SigmaPrime(z)
		if math.IsNaN(a) || math.IsNaN(da) || a < 0 || a > 1 || da < 0 {
			t.Errorf("σ(%v) = %v, σ′ = %v: want a in [0, 1] and σ′ ≥ 0", z, a, da)
		}
	}
	// For large |z|, σ′(z) ≈ e^(−|z|): the stable form keeps it, where
	// σ(z)(1 − σ(z)) would round to 0 as soon as σ(z) rounds to 1.
	checkNear(t, "σ′(40)/e^(−40)", SigmaPrime(40)/math.Exp(-40), 1, 1e-12)
	checkNear(t, "σ(−40)/e^(−40)", Sigma(-40)/math.Exp(-40), 1, 1e-12)
	checkNear(t, "σ(+Inf)", Sigma(math.Inf(1)), 1, 0)
	checkNear(t, "σ(−Inf)", Sigma(math.Inf(-1)), 0, 0)
	if !math.IsNaN(Sigma(math.NaN())) || !math.IsNaN(SigmaPrime(math.NaN())) {
		t.Error("σ(NaN) and σ′(NaN) should be NaN")
	}
}

func TestActivationValues(t *testing.T) {
	for _, c := range []struct {
		act         Activation
		z, a, prime float64
	}{
		{ReLU, 2, 2, 1},
		{ReLU, -2, 0, 0},
		{ReLU, 0, 0, 0},                // the kink: relu′(0) is taken as 0
		{Tanh, 0, 0, 1},                // tanh(0) = 0, tanh′(0) = 1 − 0² = 1
		{Tanh, math.Log(2), 0.6, 0.64}, // tanh(ln 2) = (2 − 1/2)/(2 + 1/2) = 3/5; 1 − 9/25 = 16/25
		{Identity, -3.5, -3.5, 1},
	} {
		checkNear(t, c.act.Name+".F", c.act.F(c.z), c.a, 1e-15)
		checkNear(t, c.act.Name+".Prime", c.act.Prime(c.z), c.prime, 1e-15)
	}
	// tanh′ stays accurate where tanh rounds to ±1: 1 − tanh²(z) ≈ 4e^(−2|z|).
	checkNear(t, "tanh′(30)/4e^(−60)", Tanh.Prime(30)/(4*math.Exp(-60)), 1, 1e-12)
}

// Every activation's Prime is the derivative of its F: checked against
// central differences away from ReLU's kink.
func TestActivationPrimeMatchesCentralDiff(t *testing.T) {
	for _, act := range Activations {
		for _, z := range []float64{-4, -1.3, -0.2, 0.3, 1, 2.5, 6} {
			num := CentralDiff(act.F, z, 1e-5)
			if RelErr(act.Prime(z), num) > 1e-8 && math.Abs(act.Prime(z)-num) > 1e-11 {
				t.Errorf("%s′(%v) = %v, central difference %v", act.Name, z, act.Prime(z), num)
			}
		}
	}
}

func TestActivationByName(t *testing.T) {
	for _, act := range Activations {
		got, err := ActivationByName(" " + act.Name + " ")
		if err != nil || got.Name != act.Name {
			t.Errorf("ActivationByName(%q) = %v, %v", act.Name, got.Name, err)
		}
	}
	if got, err := ActivationByName("Sigmoid"); err != nil || got.F(0) != 0.5 {
		t.Errorf("ActivationByName(\"Sigmoid\") = %v, %v", got.Name, err)
	}
	if got, err := ActivationByName(" SoftMax"); err != nil || !isSoftmax(got) {
		t.Errorf("ActivationByName(\" SoftMax\") = %v, %v; want Softmax", got.Name, err)
	}
	_, err := ActivationByName("softplus")
	checkErr(t, err, ErrConfig, `"softplus"`, "sigmoid, relu, tanh, identity, softmax")
}
