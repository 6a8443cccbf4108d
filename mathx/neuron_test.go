package mathx

import (
	"math"
	"testing"
)

// The seed's first case with numbers small enough to follow by hand.
func TestNeuronByHand(t *testing.T) {
	// w = 0.5, b = −0.5, a(L−1) = 1, y = 1:
	//   z = 0.5·1 − 0.5 = 0          a = σ(0) = 0.5     C0 = (0.5 − 1)² = 0.25
	//   ∂C0/∂a = 2(0.5 − 1) = −1     ∂a/∂z = σ′(0) = 0.25
	//   ∂z/∂w = a(L−1) = 1           ∂z/∂b = 1          ∂z/∂a(L−1) = w = 0.5
	//   ∂C0/∂z = 0.25·(−1) = −0.25
	//   ∂C0/∂w = 1·(−0.25) = −0.25   ∂C0/∂b = −0.25     ∂C0/∂a(L−1) = 0.5·(−0.25) = −0.125
	s := Neuron(0.5, -0.5, 1, 1)
	want := NeuronStep{
		W: 0.5, B: -0.5, APrev: 1, Y: 1,
		Z: 0, A: 0.5, C0: 0.25,
		DC_da: -1, Da_dz: 0.25, Dz_dw: 1, Dz_db: 1, Dz_daPrev: 0.5,
		DC_dz: -0.25, DC_dw: -0.25, DC_db: -0.25, DC_daPrev: -0.125,
	}
	if s != want {
		t.Errorf("Neuron(0.5, −0.5, 1, 1) =\n%+v\nwant\n%+v", s, want)
	}

	// A linear neuron, w = 2, b = 1, a(L−1) = 3, y = 5:
	//   z = 2·3 + 1 = 7    a = 7    C0 = (7 − 5)² = 4
	//   ∂C0/∂a = 2·2 = 4   ∂a/∂z = 1
	//   ∂C0/∂w = 3·1·4 = 12   ∂C0/∂b = 1·1·4 = 4   ∂C0/∂a(L−1) = 2·1·4 = 8
	s, err := NeuronWith(Identity, 2, 1, 3, 5)
	if err != nil {
		t.Fatal(err)
	}
	want = NeuronStep{
		W: 2, B: 1, APrev: 3, Y: 5,
		Z: 7, A: 7, C0: 4,
		DC_da: 4, Da_dz: 1, Dz_dw: 3, Dz_db: 1, Dz_daPrev: 2,
		DC_dz: 4, DC_dw: 12, DC_db: 4, DC_daPrev: 8,
	}
	if s != want {
		t.Errorf("NeuronWith(Identity, 2, 1, 3, 5) =\n%+v\nwant\n%+v", s, want)
	}
}

// Each product of the chain rule equals the central difference of C0 in
// that variable, for every activation.
func TestNeuronMatchesCentralDiff(t *testing.T) {
	const w, b, aPrev, y, h = 0.8, -0.3, 0.6, 0.2, 1e-5
	for _, act := range Activations {
		s, err := NeuronWith(act, w, b, aPrev, y)
		if err != nil {
			t.Fatal(err)
		}
		c0 := func(w, b, aPrev float64) float64 {
			a := act.F(w*aPrev + b)
			return (a - y) * (a - y)
		}
		for _, c := range []struct {
			name      string
			got, want float64
		}{
			{"∂C0/∂w", s.DC_dw, CentralDiff(func(v float64) float64 { return c0(v, b, aPrev) }, w, h)},
			{"∂C0/∂b", s.DC_db, CentralDiff(func(v float64) float64 { return c0(w, v, aPrev) }, b, h)},
			{"∂C0/∂a(L−1)", s.DC_daPrev, CentralDiff(func(v float64) float64 { return c0(w, b, v) }, aPrev, h)},
			{"∂C0/∂a(L)", s.DC_da, CentralDiff(func(a float64) float64 { return (a - y) * (a - y) }, s.A, h)},
			{"∂a/∂z", s.Da_dz, CentralDiff(act.F, s.Z, h)},
		} {
			if RelErr(c.got, c.want) > 1e-8 {
				t.Errorf("%s: %s = %v, central difference %v", act.Name, c.name, c.got, c.want)
			}
		}
	}
}

func TestNeuronBadInput(t *testing.T) {
	_, err := NeuronWith(Activation{Name: "mine"}, 1, 1, 1, 1)
	checkErr(t, err, ErrConfig, `"mine"`, "F and Prime")
	_, err = NeuronWith(Sigmoid, 1, math.NaN(), 1, 1)
	checkErr(t, err, ErrNotFinite, "b = NaN")
	_, err = NeuronWith(Sigmoid, 1, 1, 1, math.Inf(-1))
	checkErr(t, err, ErrNotFinite, "y = -Inf")
}
