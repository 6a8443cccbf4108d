package mathx

import (
	"math"
	"slices"
	"testing"
)

func TestLayerByHand(t *testing.T) {
	// A linear output layer with two neurons j fed by two neurons k:
	//   w = [[1, 2], [3, 4]], b = [0, 1], a(L−1) = [1, −1], y = [0, 1]
	//   z_0 = 1·1 + 2·(−1) + 0 = −1      z_1 = 3·1 + 4·(−1) + 1 = 0      a = z
	//   C0 = (−1 − 0)² + (0 − 1)² = 2
	//   ∂C0/∂a_j = 2(a_j − y_j) = [−2, −2]      δ_j = 1·∂C0/∂a_j = [−2, −2]
	//   ∂C0/∂w_jk = a_k δ_j = [[1·(−2), (−1)·(−2)], [1·(−2), (−1)·(−2)]] = [[−2, 2], [−2, 2]]
	//   ∂C0/∂b_j = δ_j = [−2, −2]
	//   ∂C0/∂a_0 = w_00 δ_0 + w_10 δ_1 = 1·(−2) + 3·(−2) = −8
	//   ∂C0/∂a_1 = w_01 δ_0 + w_11 δ_1 = 2·(−2) + 4·(−2) = −12, the sum of the
	//   path terms −4 (through j = 0) and −8 (through j = 1).
	l, err := NewLayerFrom([][]float64{{1, 2}, {3, 4}}, []float64{0, 1}, Identity)
	if err != nil {
		t.Fatal(err)
	}
	s, err := l.BackpropOutput([]float64{1, -1}, []float64{0, 1})
	if err != nil {
		t.Fatal(err)
	}
	checkSlice(t, "z", s.Z, []float64{-1, 0}, 0)
	checkSlice(t, "a", s.A, []float64{-1, 0}, 0)
	checkNear(t, "C0", s.C0, 2, 0)
	checkSlice(t, "∂C0/∂a", s.DC_da, []float64{-2, -2}, 0)
	checkSlice(t, "∂a/∂z", s.Da_dz, []float64{1, 1}, 0)
	checkSlice(t, "δ", s.DC_dz, []float64{-2, -2}, 0)
	checkSlice(t, "∂C0/∂w", s.DC_dw, []float64{-2, 2, -2, 2}, 0)
	checkSlice(t, "∂C0/∂b", s.DC_db, []float64{-2, -2}, 0)
	checkSlice(t, "∂C0/∂a(L−1)", s.DC_daPrev, []float64{-8, -12}, 0)
	checkNear(t, "PathTerm(0, 1)", s.PathTerm(0, 1), -4, 0)
	checkNear(t, "PathTerm(1, 1)", s.PathTerm(1, 1), -8, 0)
	dw10, _ := s.DC_dwAt(1, 0)
	checkNear(t, "∂C0/∂w_10", dw10, -2, 0)
	if !slices.Equal(l.Row(1), []float64{3, 4}) {
		t.Errorf("Row(1) = %v, want [3 4]", l.Row(1))
	}
	if l.Weight(1, 0) != 3 || l.In() != 2 || l.Out() != 2 {
		t.Errorf("Weight(1, 0) = %v, In = %d, Out = %d; want 3, 2, 2", l.Weight(1, 0), l.In(), l.Out())
	}
}

// For sigmoid layers: every ∂C0/∂w_jk is a_k σ′(z_j) ∂C0/∂a_j, every
// ∂C0/∂a_k is the sum of its path terms, and both match central differences.
func TestLayerMatchesCentralDiff(t *testing.T) {
	const h = 1e-5
	w := [][]float64{{0.2, -0.5, 0.9}, {1.1, 0.3, -0.7}}
	b := []float64{0.1, -0.2}
	aPrev := []float64{0.4, 0.9, -0.3}
	y := []float64{1, 0}
	for _, act := range []Activation{Sigmoid, Tanh, ReLU} {
		l, err := NewLayerFrom(w, b, act)
		if err != nil {
			t.Fatal(err)
		}
		s, err := l.BackpropOutput(aPrev, y)
		if err != nil {
			t.Fatal(err)
		}
		cost := func() float64 {
			_, a, err := l.Forward(aPrev)
			if err != nil {
				t.Fatal(err)
			}
			var c float64
			for j := range a {
				c += (a[j] - y[j]) * (a[j] - y[j])
			}
			return c
		}
		nudge := func(p *float64) func(float64) float64 {
			return func(v float64) float64 {
				old := *p
				*p = v
				defer func() { *p = old }()
				return cost()
			}
		}
		for j := range l.Out() {
			for k := range l.In() {
				formula := s.APrev[k] * act.Prime(s.Z[j]) * s.DC_da[j]
				dw, err := s.DC_dwAt(j, k)
				if err != nil {
					t.Fatal(err)
				}
				checkNear(t, act.Name+" ∂C0/∂w_jk formula", dw, formula, 1e-15)
				p := &l.W[j*l.In()+k]
				if d := CentralDiff(nudge(p), *p, h); RelErr(dw, d) > 1e-8 {
					t.Errorf("%s: ∂C0/∂w_%d%d = %v, central difference %v", act.Name, j, k, dw, d)
				}
			}
			if d := CentralDiff(nudge(&l.B[j]), l.B[j], h); RelErr(s.DC_db[j], d) > 1e-8 {
				t.Errorf("%s: ∂C0/∂b_%d = %v, central difference %v", act.Name, j, s.DC_db[j], d)
			}
		}
		for k := range l.In() {
			var sum float64
			for j := range l.Out() {
				sum += s.PathTerm(j, k)
			}
			checkNear(t, act.Name+" Σ_j PathTerm(j, k)", sum, s.DC_daPrev[k], 1e-15)
			if d := CentralDiff(nudge(&aPrev[k]), aPrev[k], h); RelErr(s.DC_daPrev[k], d) > 1e-8 {
				t.Errorf("%s: ∂C0/∂a_%d = %v, central difference %v", act.Name, k, s.DC_daPrev[k], d)
			}
		}
	}
}

// A hidden layer takes ∂C0/∂a_j from above; Backprop and BackpropOutput
// agree when it is 2(a_j − y_j).
func TestLayerBackpropHidden(t *testing.T) {
	l, _ := NewLayerFrom([][]float64{{0.5, -1}, {2, 0.25}, {-0.3, 0.8}}, []float64{0.1, 0, -0.1}, Sigmoid)
	aPrev, y := []float64{0.3, 0.6}, []float64{0, 1, 0}
	out, err := l.BackpropOutput(aPrev, y)
	if err != nil {
		t.Fatal(err)
	}
	hidden, err := l.Backprop(aPrev, out.DC_da)
	if err != nil {
		t.Fatal(err)
	}
	checkSlice(t, "DC_dw", hidden.DC_dw, out.DC_dw, 0)
	checkSlice(t, "DC_daPrev", hidden.DC_daPrev, out.DC_daPrev, 0)
	if hidden.Y != nil || hidden.C0 != 0 {
		t.Errorf("hidden layer has Y = %v, C0 = %v; want nil, 0", hidden.Y, hidden.C0)
	}
}

// Inputs that are exactly 0 are skipped in the sums; skipping them must not
// change any number: z_j and ∂C0/∂w_jk are, bit for bit, the sums over
// every input.
func TestLayerSparseInputs(t *testing.T) {
	w := make([][]float64, 3)
	for j := range w {
		w[j] = make([]float64, 10)
		for k := range w[j] {
			w[j][k] = math.Sin(float64(3*j + k))
		}
	}
	b := []float64{0.1, 0.2, 0.3}
	l, _ := NewLayerFrom(w, b, Sigmoid)
	aPrev := []float64{0, 0, 0.5, 0, 0, 0, 0.9, 0, 0, -1e-300}
	s, _ := l.BackpropOutput(aPrev, []float64{0, 1, 0})
	for j := range w {
		var z float64
		for k, ak := range aPrev {
			z += w[j][k] * ak
		}
		if z += b[j]; s.Z[j] != z {
			t.Errorf("z_%d = %.17g, want %.17g", j, s.Z[j], z)
		}
		for k, ak := range aPrev {
			if got, _ := s.DC_dwAt(j, k); got != ak*s.DC_dz[j] {
				t.Errorf("∂C0/∂w_%d,%d = %.17g, want %.17g", j, k, got, ak*s.DC_dz[j])
			}
		}
	}
}

func TestLayerBadInput(t *testing.T) {
	_, err := NewLayer(0, 3, Sigmoid)
	checkErr(t, err, ErrConfig, "3 neurons fed by 0")
	_, err = NewLayer(2, 3, Activation{})
	checkErr(t, err, ErrConfig, "F and Prime")
	_, err = NewLayerFrom(nil, nil, Sigmoid)
	checkErr(t, err, ErrShape, "at least one row")
	_, err = NewLayerFrom([][]float64{{1, 2}, {3}}, []float64{0, 0}, Sigmoid)
	checkErr(t, err, ErrShape, "row 1 has 1 values, row 0 has 2")
	_, err = NewLayerFrom([][]float64{{1, 2}}, []float64{0, 0}, Sigmoid)
	checkErr(t, err, ErrShape, "1 rows of weights but 2 biases")
	_, err = NewLayerFrom([][]float64{{1, math.Inf(1)}}, []float64{0}, Sigmoid)
	checkErr(t, err, ErrNotFinite, "w[0][1] = +Inf")
	_, err = NewLayerFrom([][]float64{{1, 2}}, []float64{math.NaN()}, Sigmoid)
	checkErr(t, err, ErrNotFinite, "b[0] = NaN")

	l, _ := NewLayer(3, 2, Sigmoid)
	_, _, err = l.Forward([]float64{1, 2})
	checkErr(t, err, ErrShape, "aPrev has 2 values", "takes 3 inputs")
	_, _, err = l.Forward([]float64{1, math.NaN(), 2})
	checkErr(t, err, ErrNotFinite, "aPrev[1] = NaN")
	_, err = l.Backprop([]float64{1, 2, 3}, []float64{1})
	checkErr(t, err, ErrShape, "dC_da has 1 values", "2 neurons")
	_, err = l.BackpropOutput([]float64{1, 2, 3}, []float64{1, 0, 0})
	checkErr(t, err, ErrShape, "y has 3 values", "2 neurons")
	_, err = l.BackpropOutput([]float64{1, 2, 3}, []float64{1, math.Inf(-1)})
	checkErr(t, err, ErrNotFinite, "y[1] = -Inf")

	l.B = l.B[:1] // a shape changed behind the layer's back
	_, _, err = l.Forward([]float64{1, 2, 3})
	checkErr(t, err, ErrShape, "holds 6 weights and 1 biases", "want 6 and 2")
	var zero Layer
	_, _, err = zero.Forward(nil)
	checkErr(t, err, ErrConfig, "not made by NewLayer")
}

func TestLayerWeightOutOfRangePanicsClearly(t *testing.T) {
	l, _ := NewLayer(3, 2, Sigmoid)
	defer func() {
		if r := recover(); r == nil || r != "mathx: weight (2, 0) out of range for a layer of 2×3 weights" {
			t.Errorf("panic %v", r)
		}
	}()
	l.Weight(2, 0)
}
