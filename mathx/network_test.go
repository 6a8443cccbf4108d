package mathx

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// randomExamples returns n examples with inputs in [0, 1), about a third of
// them exactly 0 when sparse is set, and one-hot targets.
func randomExamples(rng *rand.Rand, n, in, out int, sparse bool) []Example {
	exs := make([]Example, n)
	for i := range exs {
		x, y := make([]float64, in), make([]float64, out)
		for k := range x {
			if !sparse || rng.IntN(3) == 0 {
				x[k] = rng.Float64()
			}
		}
		y[rng.IntN(out)] = 1
		exs[i] = Example{X: x, Y: y}
	}
	return exs
}

// sameParams reports whether two networks have bit-identical parameters.
func sameParams(a, b *Network) bool {
	for i := range a.Layers {
		if !slices.Equal(a.Layers[i].W, b.Layers[i].W) || !slices.Equal(a.Layers[i].B, b.Layers[i].B) {
			return false
		}
	}
	return true
}

func TestNewNetworkSeeded(t *testing.T) {
	a, err := NewNetwork([]int{400, 30, 10}, Sigmoid, 7)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewNetwork([]int{400, 30, 10}, Sigmoid, 7)
	c, _ := NewNetwork([]int{400, 30, 10}, Sigmoid, 8)
	if !sameParams(a, b) {
		t.Error("the same seed gave different networks")
	}
	if sameParams(a, c) {
		t.Error("different seeds gave the same network")
	}
	if got := a.Sizes(); !slices.Equal(got, []int{400, 30, 10}) {
		t.Errorf("Sizes() = %v", got)
	}
	// Weights into a layer fed by n neurons have standard deviation 1/√n.
	var sum2 float64
	for _, w := range a.Layers[0].W {
		sum2 += w * w
	}
	checkNear(t, "std of w(1)·√400", math.Sqrt(sum2/float64(len(a.Layers[0].W)))*20, 1, 0.05)
}

// The chain, the indexed layer and the network are three views of one
// computation: on the same parameters they give the same numbers.
func TestFormsAgree(t *testing.T) {
	// A chain of three single neurons is a network of sizes 1-1-1-1.
	c := Chain{W: []float64{1.2, -0.7, 2}, B: []float64{0.3, 0.1, -0.5}, Act: Sigmoid}
	ct, err := c.Backprop(0.8, 0.25)
	if err != nil {
		t.Fatal(err)
	}
	var layers []*Layer
	for l := range c.W {
		layer, _ := NewLayerFrom([][]float64{{c.W[l]}}, []float64{c.B[l]}, Sigmoid)
		layers = append(layers, layer)
	}
	net, err := NewNetworkFrom(layers...)
	if err != nil {
		t.Fatal(err)
	}
	g, err := net.Backprop([]float64{0.8}, []float64{0.25})
	if err != nil {
		t.Fatal(err)
	}
	steps, err := net.Steps([]float64{0.8}, []float64{0.25})
	if err != nil {
		t.Fatal(err)
	}
	for l := 1; l <= c.Len(); l++ {
		s := ct.Layer(l)
		checkNear(t, "network ∂C0/∂w", g.DC_dw[l-1][0], s.DC_dw, 1e-15)
		checkNear(t, "network ∂C0/∂b", g.DC_db[l-1][0], s.DC_db, 1e-15)
		checkNear(t, "steps z", steps[l-1].Z[0], s.Z, 1e-15)
		checkNear(t, "steps ∂C0/∂a", steps[l-1].DC_da[0], s.DC_da, 1e-15)
		checkNear(t, "steps ∂C0/∂a(l−1)", steps[l-1].DC_daPrev[0], s.DC_daPrev, 1e-15)
	}
	checkNear(t, "C0", steps[len(steps)-1].C0, ct.C0, 1e-15)

	// A network of indexed layers equals those layers backpropagated by hand,
	// each handing its ∂C0/∂a(l−1) to the layer below.
	rng := rand.New(rand.NewPCG(1, 2))
	net, _ = NewNetwork([]int{5, 4, 3, 2}, Tanh, 3)
	ex := randomExamples(rng, 1, 5, 2, false)[0]
	z1, a1, _ := net.Layers[0].Forward(ex.X)
	_, a2, _ := net.Layers[1].Forward(a1)
	s3, _ := net.Layers[2].BackpropOutput(a2, ex.Y)
	s2, _ := net.Layers[1].Backprop(a1, s3.DC_daPrev)
	s1, _ := net.Layers[0].Backprop(ex.X, s2.DC_daPrev)
	g, _ = net.Backprop(ex.X, ex.Y)
	steps, _ = net.Steps(ex.X, ex.Y)
	for i, s := range []LayerStep{s1, s2, s3} {
		checkSlice(t, "∂C0/∂w", g.DC_dw[i], s.DC_dw, 1e-15)
		checkSlice(t, "∂C0/∂b", g.DC_db[i], s.DC_db, 1e-15)
		checkSlice(t, "Steps ∂C0/∂a(l−1)", steps[i].DC_daPrev, s.DC_daPrev, 1e-15)
	}
	checkSlice(t, "z(1)", steps[0].Z, z1, 0)
	out, _ := net.Forward(ex.X)
	checkSlice(t, "Forward", out, s3.A, 0)
}

func TestGradientIsAverageAndStepDescends(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	net, _ := NewNetwork([]int{6, 5, 3}, Sigmoid, 5)
	batch := randomExamples(rng, 4, 6, 3, false)
	g, err := net.Gradient(batch)
	if err != nil {
		t.Fatal(err)
	}
	// ∂C/∂w = (1/m) Σ ∂C0/∂w.
	sum, sumC0 := net.NewGradient(), 0.0
	for _, ex := range batch {
		c0, err := net.AddBackprop(sum, ex.X, ex.Y)
		if err != nil {
			t.Fatal(err)
		}
		sumC0 += c0
	}
	scale(sum, 0.25)
	c, _ := net.AverageCost(batch)
	checkNear(t, "C", sumC0/4, c, 1e-15)
	g1, _ := net.Backprop(batch[1].X, batch[1].Y)
	g1c := net.NewGradient()
	net.AddBackprop(g1c, batch[1].X, batch[1].Y)
	checkSlice(t, "Backprop = AddBackprop to zero", g1.DC_dw[0], g1c.DC_dw[0], 0)
	for i := range g.DC_dw {
		checkSlice(t, "∂C/∂w", g.DC_dw[i], sum.DC_dw[i], 1e-15)
		checkSlice(t, "∂C/∂b", g.DC_db[i], sum.DC_db[i], 1e-15)
	}
	// w ← w − η ∂C/∂w, and a small step lowers C.
	before := net.Clone()
	c0, _ := net.AverageCost(batch)
	if err := net.Step(g, 0.1); err != nil {
		t.Fatal(err)
	}
	p := WeightParam(2, 1, 3)
	w0, _ := before.Param(p)
	w1, _ := net.Param(p)
	d, _ := g.At(p)
	checkNear(t, "w after step", w1, w0-0.1*d, 1e-15)
	c1, _ := net.AverageCost(batch)
	if c1 >= c0 {
		t.Errorf("cost went from %v to %v after a step downhill", c0, c1)
	}
}

func TestCostAccuracyPredict(t *testing.T) {
	// One linear layer: a = [x_0 + x_1, x_0 − x_1].
	l, _ := NewLayerFrom([][]float64{{1, 1}, {1, -1}}, []float64{0, 0}, Identity)
	net, _ := NewNetworkFrom(l)
	exs := []Example{
		{X: []float64{1, 2}, Y: []float64{1, 0}}, // a = [3, −1]: C0 = 4 + 1 = 5, right (0 = 0)
		{X: []float64{2, 1}, Y: []float64{0, 1}}, // a = [3, 1]:  C0 = 9 + 0 = 9, wrong (0 ≠ 1)
	}
	c, err := net.AverageCost(exs)
	if err != nil {
		t.Fatal(err)
	}
	checkNear(t, "C = (5 + 9)/2", c, 7, 0)
	acc, _ := net.Accuracy(exs)
	checkNear(t, "accuracy", acc, 0.5, 0)
	digit, conf, err := net.Predict([]float64{1, -2}) // a = [−1, 3]
	if err != nil || digit != 1 || conf != 3 {
		t.Errorf("Predict = %d, %v, %v; want 1, 3, nil", digit, conf, err)
	}
}

// Two noisy clusters; a small network learns to tell them apart.
func TestTrainingLowersCost(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var data []Example
	for i := range 200 {
		c := i % 2
		x := []float64{float64(c) + 0.3*rng.NormFloat64(), float64(1-c) + 0.3*rng.NormFloat64()}
		y := []float64{0, 0}
		y[c] = 1
		data = append(data, Example{X: x, Y: y})
	}
	train, test := data[:150], data[150:]
	for _, c := range []struct {
		act  Activation
		eta  float64
		seed int64
	}{{Sigmoid, 2, 1}, {Tanh, 0.1, 1}, {ReLU, 0.05, 2}, {Identity, 0.05, 1}} {
		act := c.act
		net, _ := NewNetwork([]int{2, 4, 2}, act, c.seed)
		before, _ := net.AverageCost(test)
		var stats []EpochStats
		err := net.SGD(train, test, TrainConfig{Epochs: 20, BatchSize: 10, Eta: c.eta, Seed: 1}, func(s EpochStats) {
			stats = append(stats, s)
		})
		if err != nil {
			t.Fatal(err)
		}
		after, _ := net.AverageCost(test)
		if len(stats) != 20 || stats[19].Epoch != 20 {
			t.Fatalf("%s: progress called %d times", act.Name, len(stats))
		}
		last := stats[19]
		if !(after < before/2) || last.Cost != after || last.Accuracy < 0.9 || last.TrainCost <= 0 || last.Duration <= 0 {
			t.Errorf("%s: cost %v → %v; last epoch %+v", act.Name, before, after, last)
		}
	}
}

// SGD takes, number for number, the steps that Gradient and Step take on the
// same batches, whether layer 1 is shared between goroutines or not (on one
// processor, or two when it has 4096 weights or more), with either cost.
func TestSGDMatchesGradientAndStep(t *testing.T) {
	for _, procs := range []int{1, 2} {
		old := runtime.GOMAXPROCS(procs)
		for _, cost := range []Cost{Quadratic, CrossEntropy} {
			testSGDMatchesGradientAndStep(t, cost)
		}
		runtime.GOMAXPROCS(old)
	}
}

func testSGDMatchesGradientAndStep(t *testing.T, cost Cost) {
	rng := rand.New(rand.NewPCG(7, 8))
	// Layers 1 of 600·12 and 450·11 weights run a batch at a time (speed.go),
	// their neurons split 6 + 6 and 4 + 7, in pairs and, with 11, one alone;
	// the last network has dense inputs.
	for i, sizes := range [][]int{{5, 3}, {3, 4, 2}, {600, 12, 10, 4}, {450, 11, 3}, {450, 11, 3}} {
		data := randomExamples(rng, 45, sizes[0], sizes[len(sizes)-1], i < 4)
		net, _ := NewNetwork(sizes, Sigmoid, 9)
		net.Cost = cost
		if !sgdAgrees(t, net, data) {
			t.Errorf("%v cost, sizes %v, sparse %v: SGD and Gradient+Step differ", cost, sizes, i < 4)
		}
	}
}

// sgdAgrees says whether two epochs of SGD from net take, number for number, the
// steps of Gradient and Step over the same mini-batches.
func sgdAgrees(t *testing.T, net *Network, data []Example) bool {
	t.Helper()
	a, b := net.Clone(), net.Clone()
	cfg := TrainConfig{Epochs: 2, BatchSize: 10, Eta: 0.5, Seed: 3}
	if err := a.SGD(data, nil, cfg, nil); err != nil {
		t.Fatal(err)
	}
	for _, batch := range sgdBatches(data, cfg) {
		g, _ := b.Gradient(batch)
		b.Step(g, cfg.Eta)
	}
	return sameParams(a, b)
}

// sgdBatches returns the mini-batches SGD visits with cfg, in order: each
// epoch's shuffle of data, cut into batches of cfg.BatchSize.
func sgdBatches(data []Example, cfg TrainConfig) [][]Example {
	var batches [][]Example
	order := newShuffler(len(data), cfg.Seed)
	for range cfg.Epochs {
		perm := order.next()
		for lo := 0; lo < len(perm); lo += cfg.BatchSize {
			var batch []Example
			for _, i := range perm[lo:min(lo+cfg.BatchSize, len(perm))] {
				batch = append(batch, data[i])
			}
			batches = append(batches, batch)
		}
	}
	return batches
}

// The trained network does not depend on the number of processors.
func TestSGDDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	data := randomExamples(rng, 60, 500, 10, true)
	var nets []*Network
	for _, procs := range []int{1, 2, 1} {
		old := runtime.GOMAXPROCS(procs)
		net, _ := NewNetwork([]int{500, 16, 10}, Sigmoid, 4)
		err := net.SGD(data, nil, TrainConfig{Epochs: 3, BatchSize: 7, Eta: 1, Seed: 2}, nil)
		runtime.GOMAXPROCS(old)
		if err != nil {
			t.Fatal(err)
		}
		nets = append(nets, net)
	}
	if !sameParams(nets[0], nets[1]) || !sameParams(nets[0], nets[2]) {
		t.Error("SGD results differ between GOMAXPROCS 1 and 2")
	}
}

func TestSGDDiverges(t *testing.T) {
	net, _ := NewNetwork([]int{2, 3, 2}, Identity, 1)
	data := []Example{{X: []float64{3, -4}, Y: []float64{1, 0}}, {X: []float64{-2, 5}, Y: []float64{0, 1}}}
	err := net.SGD(data, nil, TrainConfig{Epochs: 50, BatchSize: 1, Eta: 100}, nil)
	checkErr(t, err, ErrNotFinite, "training diverged in epoch", "try a smaller η than 100")
}

// When layer 1 is shared between two goroutines (speed.go), a diverging run
// stops at the same batch, with the same message and the same weights, as on
// one goroutine.
func TestSGDDivergesTheSameWithLayerOneShared(t *testing.T) {
	data := randomExamples(rand.New(rand.NewPCG(5, 6)), 40, 600, 3, true)
	var msgs []string
	var nets []*Network
	for _, procs := range []int{1, 2} {
		old := runtime.GOMAXPROCS(procs)
		net, _ := NewNetwork([]int{600, 12, 3}, Identity, 2) // 7,200 weights in layer 1: shared on 2 processors
		err := net.SGD(data, nil, TrainConfig{Epochs: 500, BatchSize: 4, Eta: 5, Seed: 1}, nil)
		runtime.GOMAXPROCS(old)
		checkErr(t, err, ErrNotFinite, "training diverged in epoch")
		msgs, nets = append(msgs, err.Error()), append(nets, net)
	}
	if msgs[0] != msgs[1] {
		t.Errorf("GOMAXPROCS 1 says %q, 2 says %q", msgs[0], msgs[1])
	}
	if !sameParams(nets[0], nets[1]) {
		t.Error("the weights left by a diverged run differ between GOMAXPROCS 1 and 2")
	}
}

func TestNetworkBadInput(t *testing.T) {
	_, err := NewNetwork([]int{3}, Sigmoid, 1)
	checkErr(t, err, ErrConfig, "sizes [3]", "at least one layer")
	_, err = NewNetwork([]int{3, 0, 2}, Sigmoid, 1)
	checkErr(t, err, ErrConfig, "sizes[1] = 0")
	_, err = NewNetwork([]int{3, 2}, Activation{Name: "x"}, 1)
	checkErr(t, err, ErrConfig, `"x" needs both F and Prime`)
	l1, _ := NewLayer(3, 4, Sigmoid)
	l2, _ := NewLayer(5, 2, Sigmoid)
	_, err = NewNetworkFrom(l1, l2)
	checkErr(t, err, ErrShape, "layer 2 takes 5 inputs but layer 1 has 4 neurons")
	_, err = NewNetworkFrom()
	checkErr(t, err, ErrConfig, "no layers")
	_, err = NewNetworkFrom(l1, nil)
	checkErr(t, err, ErrConfig, "layer 2", "not made by NewLayer")

	net, _ := NewNetwork([]int{4, 3, 2}, Sigmoid, 1)
	good := Example{X: []float64{0, 1, 0, 1}, Y: []float64{1, 0}}
	_, err = net.Forward([]float64{1, 2, 3})
	checkErr(t, err, ErrShape, "x has 3 values", "network [4 3 2] takes 4 inputs")
	_, err = net.Forward([]float64{1, math.NaN(), 3, 4})
	checkErr(t, err, ErrNotFinite, "x[1] = NaN")
	_, _, err = net.Predict(nil)
	checkErr(t, err, ErrShape, "x has 0 values")
	_, err = net.Backprop(good.X, []float64{1, 0, 0})
	checkErr(t, err, ErrShape, "y has 3 values", "has 2 outputs")
	_, err = net.Backprop(good.X, []float64{math.Inf(1), 0})
	checkErr(t, err, ErrNotFinite, "y[0] = +Inf")
	_, err = net.Steps(good.X[:2], good.Y)
	checkErr(t, err, ErrShape, "x has 2 values")
	_, err = net.AverageCost(nil)
	checkErr(t, err, ErrEmpty, "AverageCost has no examples")
	_, err = net.Accuracy([]Example{})
	checkErr(t, err, ErrEmpty, "Accuracy has no examples")
	_, err = net.Gradient(nil)
	checkErr(t, err, ErrEmpty, "batch has no examples")
	_, err = net.Gradient([]Example{good, {X: good.X, Y: []float64{1}}})
	checkErr(t, err, ErrShape, "batch example 1", "y has 1 values")
	_, err = net.AverageCost([]Example{good, good, {X: []float64{0, 0, math.NaN(), 0}, Y: good.Y}})
	checkErr(t, err, ErrNotFinite, "AverageCost example 2", "x[2] = NaN")

	g := net.NewGradient()
	for _, eta := range []float64{0, -1, math.NaN(), math.Inf(1)} {
		checkErr(t, net.Step(g, eta), ErrConfig, "learning rate η = ")
	}
	checkErr(t, net.Step(Gradient{}, 1), ErrShape, "gradient has 0 weight and 0 bias layers", "network [4 3 2] has 2 layers")
	bad := net.NewGradient()
	bad.DC_dw[1] = bad.DC_dw[1][:5]
	checkErr(t, net.Step(bad, 1), ErrShape, "gradient of layer 2 has 5 weights and 2 biases, the layer has 6 and 2")
	_, err = net.AddBackprop(bad, good.X, good.Y)
	checkErr(t, err, ErrShape, "gradient of layer 2 has 5 weights")

	cfg := TrainConfig{Epochs: 1, BatchSize: 10, Eta: 3}
	checkErr(t, net.SGD(nil, nil, cfg, nil), ErrEmpty, "training set has no examples")
	checkErr(t, net.SGD([]Example{good}, []Example{{X: good.X, Y: nil}}, cfg, nil), ErrShape, "test set example 0", "y has 0 values")
	checkErr(t, net.SGD([]Example{good}, nil, TrainConfig{Epochs: 1, BatchSize: 10, Eta: -3}, nil), ErrConfig, "η = -3")
	checkErr(t, net.SGD([]Example{good}, nil, TrainConfig{Epochs: 0, BatchSize: 10, Eta: 3}, nil), ErrConfig, "Epochs = 0")
	checkErr(t, net.SGD([]Example{good}, nil, TrainConfig{Epochs: 1, Eta: 3}, nil), ErrConfig, "BatchSize = 0")

	net.Layers[1].W = net.Layers[1].W[:2] // a shape changed behind the network's back
	_, err = net.Forward(good.X)
	checkErr(t, err, ErrShape, "layer 2", "holds 2 weights and 2 biases; want 6 and 2")
	var empty Network
	_, err = empty.Forward(good.X)
	checkErr(t, err, ErrConfig, "no layers")
	_, err = (&Network{Layers: []*Layer{nil}}).Backprop(good.X, good.Y)
	checkErr(t, err, ErrConfig, "layer 1", "not made by NewLayer")
}

// Forward reuses scratch space between calls; what it computes must follow
// the network it is given and any change to its activations.
func TestForwardReusesNothingStale(t *testing.T) {
	a, _ := NewNetwork([]int{3, 2}, Sigmoid, 1)
	b, _ := NewNetwork([]int{3, 4, 2}, Sigmoid, 2)
	x := []float64{0.5, -1, 2}
	want := func(n *Network) []float64 {
		steps, _ := n.Steps(x, []float64{0, 0}) // Steps never reuses scratch space
		return steps[len(steps)-1].A
	}
	for range 3 {
		for _, n := range []*Network{a, b} {
			got, err := n.Forward(x)
			if err != nil {
				t.Fatal(err)
			}
			checkSlice(t, "Forward", got, want(n), 0)
		}
	}
	out1, _ := a.Forward(x)
	a.Layers[0].Act = Tanh
	out2, _ := a.Forward(x)
	checkSlice(t, "Forward after switching to tanh", out2, want(a), 0)
	if out1[0] == out2[0] {
		t.Error("switching the activation did not change the output")
	}
}
