package mathx

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestCentralDiff(t *testing.T) {
	// f(x) = x³ at x = 2: ((2+h)³ − (2−h)³)/(2h) = (24h + 2h³)/(2h) = 12 + h².
	cube := func(x float64) float64 { return x * x * x }
	checkNear(t, "CentralDiff(x³, 2, 0.1)", CentralDiff(cube, 2, 0.1), 12.01, 1e-13)
	checkNear(t, "CentralDiff(x³, 2, 1e-5)", CentralDiff(cube, 2, 1e-5), 12, 1e-9)
	checkNear(t, "RelErr(1, 1.1)", RelErr(1, 1.1), 0.1/1.1, 1e-15)
	checkNear(t, "RelErr(0, 0)", RelErr(0, 0), 0, 0)
}

func TestParams(t *testing.T) {
	net, _ := NewNetwork([]int{3, 2, 1}, Sigmoid, 1)
	ps, err := net.Params()
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 3*2+2+2*1+1 {
		t.Fatalf("%d params, want 11", len(ps))
	}
	if ps[0].String() != "w(1)_0,0" || ps[7].String() != "b(1)_1" || ps[10].String() != "b(2)_0" {
		t.Errorf("params %v", ps)
	}
	p := WeightParam(1, 1, 2)
	if err := net.SetParam(p, 0.75); err != nil {
		t.Fatal(err)
	}
	if v, _ := net.Param(p); v != 0.75 || net.Layers[0].Weight(1, 2) != 0.75 {
		t.Errorf("Param(%v) = %v after SetParam 0.75", p, v)
	}
	for _, c := range []struct {
		p    Param
		want string
	}{
		{WeightParam(0, 0, 0), "w(0)_0,0: layer 0 does not exist; layers run from 1 to 2"},
		{BiasParam(3, 0), "b(3)_0: layer 3 does not exist"},
		{WeightParam(1, 2, 0), "w(1)_2,0: layer 1 has neurons j = 0..1"},
		{WeightParam(2, 0, 2), "w(2)_0,2: layer 2 takes inputs k = 0..1"},
	} {
		_, err := net.Param(c.p)
		checkErr(t, err, ErrShape, c.want)
		checkErr(t, net.SetParam(c.p, 1), ErrShape, c.want)
		_, err = net.NewGradient().At(c.p)
		checkErr(t, err, ErrShape, c.want)
	}
}

// NumericPartial nudges one parameter and puts it back.
func TestNumericPartial(t *testing.T) {
	net, _ := NewNetwork([]int{3, 4, 2}, Tanh, 2)
	ex := Example{X: []float64{0.5, -1, 2}, Y: []float64{1, 0}}
	before := net.Clone()
	g, _ := net.Backprop(ex.X, ex.Y)
	for _, p := range []Param{WeightParam(1, 3, 2), BiasParam(1, 0), WeightParam(2, 1, 3), BiasParam(2, 1)} {
		num, err := NumericPartial(net, ex, p, 1e-5)
		if err != nil {
			t.Fatal(err)
		}
		bp, _ := g.At(p)
		if RelErr(bp, num) > 1e-8 {
			t.Errorf("∂C0/∂%v: backprop %v, central difference %v", p, bp, num)
		}
	}
	if !sameParams(net, before) {
		t.Error("NumericPartial left the network changed")
	}
	_, err := NumericPartial(net, ex, BiasParam(1, 4), 1e-5)
	checkErr(t, err, ErrShape, "b(1)_4")
	_, err = NumericPartial(net, ex, BiasParam(1, 0), 0)
	checkErr(t, err, ErrConfig, "step h = 0")
	_, err = NumericGradient(net, Example{X: ex.X}, 1e-5)
	checkErr(t, err, ErrShape, "y has 0 values")
	_, err = CheckGradient(net, ex, math.NaN())
	checkErr(t, err, ErrConfig, "step h = NaN")
}

// gradCheckCase builds a network of the given shape and activation with
// parameters and an example drawn from seed, inputs scaled by xScale, and
// compares Backprop with central differences. It reports skip for the cases
// central differences cannot judge: a ReLU input within reach of the kink at
// 0, or a gradient so small next to C0 that rounding (about 1e-16·C0/h)
// swamps the difference quotients.
func gradCheckCase(t *testing.T, seed int64, sizes []int, act Activation, xScale float64) (relErr float64, skip string) {
	t.Helper()
	const h = 1e-5
	net, err := NewNetwork(sizes, act, seed)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 99))
	ex := Example{X: make([]float64, sizes[0]), Y: make([]float64, sizes[len(sizes)-1])}
	for k := range ex.X {
		ex.X[k] = xScale * rng.NormFloat64()
	}
	for j := range ex.Y {
		ex.Y[j] = rng.Float64()
	}
	steps, err := net.Steps(ex.X, ex.Y)
	if err != nil {
		t.Fatal(err)
	}
	if act.Name == "relu" {
		for _, s := range steps {
			for _, z := range s.Z {
				if math.Abs(z) < 1e-3 {
					return 0, "a ReLU input is within 1e-3 of the kink"
				}
			}
		}
	}
	g, _ := net.Backprop(ex.X, ex.Y)
	var largest float64
	for i := range g.DC_dw {
		for _, part := range [][]float64{g.DC_dw[i], g.DC_db[i]} {
			for _, v := range part {
				largest = max(largest, math.Abs(v))
			}
		}
	}
	if c0 := steps[len(steps)-1].C0; largest < 1e-4*c0 || largest == 0 {
		return 0, "the gradient is too small for central differences"
	}
	relErr, err = CheckGradient(net, ex, h)
	if err != nil {
		t.Fatal(err)
	}
	return relErr, ""
}

// Backpropagation agrees with central differences on random networks of
// random shapes and activations.
func TestCheckGradientRandomNetworks(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	checked := 0
	for seed := range int64(300) {
		sizes := []int{1 + rng.IntN(7)}
		for range 1 + rng.IntN(4) {
			sizes = append(sizes, 1+rng.IntN(7))
		}
		act := Activations[rng.IntN(len(Activations))]
		relErr, skip := gradCheckCase(t, seed, sizes, act, 0.5+2*rng.Float64())
		if skip != "" {
			continue
		}
		checked++
		if relErr > 1e-6 {
			t.Errorf("seed %d, sizes %v, %s: relative error %v", seed, sizes, act.Name, relErr)
		}
	}
	if checked < 250 {
		t.Errorf("only %d of 300 cases could be checked", checked)
	}
}

// FuzzBackprop checks backpropagation against central differences on
// networks whose shape, activation, parameters and input the fuzzer picks:
// shape[0] is the input size and each further byte (up to five) a layer's
// size, all taken mod 8 plus 1.
func FuzzBackprop(f *testing.F) {
	f.Add(int64(1), []byte{2, 3, 1}, uint8(0), 1.0)
	f.Add(int64(2), []byte{4, 4, 4, 4}, uint8(1), 2.0)
	f.Add(int64(3), []byte{7, 1, 7}, uint8(2), 0.5)
	f.Add(int64(4), []byte{0, 5}, uint8(3), 3.0)
	f.Add(int64(5), []byte{5, 6, 2, 3, 4, 2}, uint8(0), 4.0)
	f.Fuzz(func(t *testing.T, seed int64, shape []byte, act uint8, xScale float64) {
		if len(shape) < 2 {
			t.Skip("need an input size and at least one layer")
		}
		sizes := make([]int, 0, 6)
		for _, b := range shape[:min(len(shape), 6)] {
			sizes = append(sizes, int(b%8)+1)
		}
		if math.IsNaN(xScale) || math.IsInf(xScale, 0) {
			xScale = 1
		}
		xScale = math.Mod(math.Abs(xScale), 4)
		relErr, skip := gradCheckCase(t, seed, sizes, Activations[int(act)%len(Activations)], xScale)
		if skip != "" {
			t.Skip(skip)
		}
		if relErr > 1e-6 {
			t.Errorf("sizes %v: relative error %v between backprop and central differences", sizes, relErr)
		}
	})
}
