package mathx

import (
	"math"
	"testing"
)

func TestChainByHand(t *testing.T) {
	// Two linear layers: w(1) = 2, b(1) = 1, w(2) = 3, b(2) = −1; a(0) = 1, y = 10.
	//   z(1) = 2·1 + 1 = 3, a(1) = 3;  z(2) = 3·3 − 1 = 8, a(2) = 8;  C0 = (8 − 10)² = 4
	//   ∂C0/∂a(2) = 2(8 − 10) = −4
	//   ∂C0/∂w(2) = a(1)·1·(−4) = −12   ∂C0/∂b(2) = −4   ∂C0/∂a(1) = w(2)·1·(−4) = −12
	//   ∂C0/∂w(1) = a(0)·1·(−12) = −12  ∂C0/∂b(1) = −12  ∂C0/∂a(0) = w(1)·1·(−12) = −24
	c := Chain{W: []float64{2, 3}, B: []float64{1, -1}, Act: Identity}
	tr, err := c.Backprop(1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if tr.C0 != 4 || tr.Y != 10 || tr.A0 != 1 || c.Len() != 2 {
		t.Errorf("C0 = %v, Y = %v, A0 = %v, Len = %d; want 4, 10, 1, 2", tr.C0, tr.Y, tr.A0, c.Len())
	}
	for l, want := range map[int][6]float64{ // Z, A, DC_da, DC_dw, DC_db, DC_daPrev
		1: {3, 3, -12, -12, -12, -24},
		2: {8, 8, -4, -12, -4, -12},
	} {
		s := tr.Layer(l)
		got := [6]float64{s.Z, s.A, s.DC_da, s.DC_dw, s.DC_db, s.DC_daPrev}
		if got != want {
			t.Errorf("layer %d: (z, a, ∂C0/∂a, ∂C0/∂w, ∂C0/∂b, ∂C0/∂a(l−1)) = %v, want %v", l, got, want)
		}
	}
	// The backward iteration: each layer's ∂C0/∂a is the ∂C0/∂a(l−1) of the layer above.
	if tr.Layer(1).DC_da != tr.Layer(2).DC_daPrev {
		t.Error("layer 1's DC_da should be layer 2's DC_daPrev")
	}
	// The last layer is exactly the single neuron of the seed.
	last, _ := NeuronWith(Identity, 3, -1, 3, 10)
	if tr.Layer(2) != last {
		t.Errorf("last layer = %+v, want %+v", tr.Layer(2), last)
	}
}

func TestChainForward(t *testing.T) {
	c := Chain{W: []float64{2, 3}, B: []float64{1, -1}, Act: Identity}
	tr, err := c.Forward(1)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Layer(2).A != 8 || tr.Layer(2).DC_dw != 0 || tr.C0 != 0 {
		t.Errorf("Forward: a(2) = %v, ∂C0/∂w(2) = %v, C0 = %v; want 8, 0, 0", tr.Layer(2).A, tr.Layer(2).DC_dw, tr.C0)
	}
}

// Every ∂C0/∂w(l), ∂C0/∂b(l) and ∂C0/∂a(l−1) of a deep sigmoid chain
// equals its central difference.
func TestChainMatchesCentralDiff(t *testing.T) {
	const a0, y, h = 0.7, 0.1, 1e-5
	for _, act := range []Activation{Sigmoid, Tanh, Identity} {
		c := Chain{W: []float64{1.5, -2, 0.8, 1.1}, B: []float64{0.1, 0.4, -0.3, 0.2}, Act: act}
		tr, err := c.Backprop(a0, y)
		if err != nil {
			t.Fatal(err)
		}
		cost := func(c Chain, a0 float64) float64 {
			tr, err := c.Forward(a0)
			if err != nil {
				t.Fatal(err)
			}
			a := tr.Layer(c.Len()).A
			return (a - y) * (a - y)
		}
		nudged := func(vs []float64, i int) func(float64) float64 {
			return func(v float64) float64 {
				old := vs[i]
				vs[i] = v
				defer func() { vs[i] = old }()
				return cost(c, a0)
			}
		}
		for l := 1; l <= c.Len(); l++ {
			s := tr.Layer(l)
			if d := CentralDiff(nudged(c.W, l-1), c.W[l-1], h); RelErr(s.DC_dw, d) > 1e-7 {
				t.Errorf("%s: ∂C0/∂w(%d) = %v, central difference %v", act.Name, l, s.DC_dw, d)
			}
			if d := CentralDiff(nudged(c.B, l-1), c.B[l-1], h); RelErr(s.DC_db, d) > 1e-7 {
				t.Errorf("%s: ∂C0/∂b(%d) = %v, central difference %v", act.Name, l, s.DC_db, d)
			}
		}
		d := CentralDiff(func(v float64) float64 { return cost(c, v) }, a0, h)
		if got := tr.Layer(1).DC_daPrev; RelErr(got, d) > 1e-7 {
			t.Errorf("%s: ∂C0/∂a(0) = %v, central difference %v", act.Name, got, d)
		}
	}
}

func TestChainBadInput(t *testing.T) {
	_, err := Chain{W: []float64{1, 2}, B: []float64{1}, Act: Sigmoid}.Backprop(1, 1)
	checkErr(t, err, ErrShape, "2 weights and 1 biases")
	_, err = Chain{Act: Sigmoid}.Forward(1)
	checkErr(t, err, ErrShape, "0 weights and 0 biases")
	_, err = Chain{W: []float64{1}, B: []float64{1}}.Forward(1)
	checkErr(t, err, ErrConfig, "F and Prime")
	_, err = Chain{W: []float64{1, math.NaN()}, B: []float64{1, 1}, Act: Sigmoid}.Forward(1)
	checkErr(t, err, ErrNotFinite, "Chain.W[1] = NaN")
	_, err = Chain{W: []float64{1}, B: []float64{1}, Act: Sigmoid}.Backprop(math.Inf(1), 1)
	checkErr(t, err, ErrNotFinite, "a0 = +Inf")
	_, err = Chain{W: []float64{1}, B: []float64{1}, Act: Sigmoid}.Backprop(1, math.NaN())
	checkErr(t, err, ErrNotFinite, "y = NaN")
}
