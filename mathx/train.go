package mathx

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// Gradient returns ∇C for the batch: the average over its m examples of the
// gradient of C0, ∂C/∂w = (1/m) Σ ∂C0/∂w and ∂C/∂b = (1/m) Σ ∂C0/∂b.
func (n *Network) Gradient(batch []Example) (Gradient, error) {
	if err := n.checkExamples("batch", batch); err != nil {
		return Gradient{}, err
	}
	g := n.NewGradient()
	t := n.newTrace(g, false)
	for _, ex := range batch {
		t.backprop(ex.X, ex.Y, n.Cost)
	}
	scale(g, 1/float64(len(batch)))
	return g, nil
}

// scale multiplies every partial derivative in g by s.
func scale(g Gradient, s float64) {
	for i := range g.DC_dw {
		for p := range g.DC_dw[i] {
			g.DC_dw[i][p] *= s
		}
		for p := range g.DC_db[i] {
			g.DC_db[i][p] *= s
		}
	}
}

// TrainConfig sets up stochastic gradient descent.
type TrainConfig struct {
	Epochs    int     // passes over the training set
	BatchSize int     // m, the number of examples in each mini-batch
	Eta       float64 // η, the learning rate
	Seed      int64   // seeds the order in which examples are visited

	// Lambda, λ ≥ 0, adds L2 regularization (weight decay): the cost of the
	// n training examples becomes C = (1/n) Σ C0 + (λ/2n) Σ w², summed over
	// every weight but no bias, so ∂C/∂w gains λw/n and each step first
	// shrinks the weights: w ← (1 − ηλ/n) w − η ∂C0/∂w averaged over the batch.
	// 0 leaves the cost as it is.
	Lambda float64
}

func (cfg TrainConfig) check() error {
	if cfg.Epochs < 1 || cfg.BatchSize < 1 {
		return fmt.Errorf("%w: TrainConfig has Epochs = %d and BatchSize = %d, want both at least 1",
			ErrConfig, cfg.Epochs, cfg.BatchSize)
	}
	if !(cfg.Lambda >= 0) || math.IsInf(cfg.Lambda, 1) {
		return fmt.Errorf("%w: TrainConfig has Lambda λ = %v, want a finite number ≥ 0", ErrConfig, cfg.Lambda)
	}
	return checkEta(cfg.Eta)
}

// EpochStats reports on one epoch of SGD.
type EpochStats struct {
	Epoch     int           // 1 for the first epoch
	Cost      float64       // C on the test set, or on the training set when there is no test set
	Accuracy  float64       // fraction of that set classified right (see Network.Accuracy)
	TrainCost float64       // average C0 over the epoch's training examples, each taken just before its step
	Duration  time.Duration // time spent training in the epoch, evaluation excluded
}

// SGD trains the network by mini-batch stochastic gradient descent: each
// epoch shuffles the training set, cuts it into mini-batches of
// cfg.BatchSize examples (the last one may be smaller), and for each batch
// takes the step w ← w − η ∇C(batch), exactly as Gradient and Step would.
// With cfg.Lambda = λ > 0 each weight (not bias) is first multiplied by
// 1 − ηλ/n, where n = len(train): see TrainConfig.Lambda.
//
// After each epoch SGD measures the cost and accuracy on test (on train
// when test is empty) and passes them to progress; with a nil progress it
// measures nothing. The same network, data and cfg.Seed give the same
// result, bit for bit, whatever the number of processors.
//
// SGD checks every example before it starts, and changes nothing if one is
// malformed. It stops with an error wrapping ErrNotFinite, without calling
// progress for that epoch, if a cost becomes NaN or infinite, which happens
// when η is too large: the cost of a mini-batch, the epoch's training cost
// (their sum can overflow where each is finite) or, when progress is given,
// the cost it measures after the epoch.
func (n *Network) SGD(train, test []Example, cfg TrainConfig, progress func(EpochStats)) error {
	if err := cfg.check(); err != nil {
		return err
	}
	if err := n.checkExamples("training set", train); err != nil {
		return err
	}
	eval := test
	if len(test) == 0 {
		eval = train
	} else if err := n.checkExamples("test set", test); err != nil {
		return err
	}
	keep := 1 - cfg.Eta*cfg.Lambda/float64(len(train))
	if !(keep > 0) {
		return fmt.Errorf("%w: ηλ/n = %v·%v/%d = %v, want < 1: each step would shrink the weights to 0 or past it; try a smaller λ",
			ErrConfig, cfg.Eta, cfg.Lambda, len(train), 1-keep)
	}
	order := newShuffler(len(train), cfg.Seed)
	t := newTrainer(n, min(cfg.BatchSize, len(train)))
	for epoch := 1; epoch <= cfg.Epochs; epoch++ {
		start := time.Now()
		sumC0, ok := t.epoch(train, order.next(), cfg.BatchSize, cfg.Eta, keep)
		if !ok {
			return diverged(epoch, "the cost of a mini-batch", sumC0, cfg.Eta)
		}
		stats := EpochStats{Epoch: epoch, TrainCost: sumC0 / float64(len(train)), Duration: time.Since(start)}
		if !IsFinite(stats.TrainCost) {
			return diverged(epoch, "the training cost", stats.TrainCost, cfg.Eta)
		}
		if progress != nil {
			stats.Cost, stats.Accuracy = n.evaluate(eval)
			if !IsFinite(stats.Cost) {
				return diverged(epoch, "the cost after it", stats.Cost, cfg.Eta)
			}
			progress(stats)
		}
	}
	return nil
}

// diverged returns the error of SGD when cost, called what, is not finite.
func diverged(epoch int, what string, cost, eta float64) error {
	return fmt.Errorf("%w: training diverged in epoch %d: %s is %v; try a smaller η than %v",
		ErrNotFinite, epoch, what, cost, eta)
}

// A shuffler deals out a new random order of the indices 0..n−1 each epoch.
type shuffler struct {
	rng  *rand.Rand
	perm []int
}

func newShuffler(n int, seed int64) *shuffler {
	s := &shuffler{rng: rand.New(rand.NewPCG(uint64(seed), 0x7367642d73687566)), perm: make([]int, n)}
	for i := range s.perm {
		s.perm[i] = i
	}
	return s
}

func (s *shuffler) next() []int {
	s.rng.Shuffle(len(s.perm), func(i, j int) { s.perm[i], s.perm[j] = s.perm[j], s.perm[i] })
	return s.perm
}

// A trainer runs epochs of mini-batch gradient descent on a network,
// reusing one trace and one gradient for every batch.
type trainer struct {
	net   *Network
	grad  Gradient  // Σ ∂C0/∂w and Σ ∂C0/∂b over the current batch
	trace trace     // one example's pass, adding its ∂C0 to grad
	split *rowSplit // runs the epochs, layer 1 a batch at a time, if not nil (speed.go)
}

func newTrainer(n *Network, batchSize int) *trainer {
	g := n.NewGradient()
	return &trainer{net: n, grad: g, trace: n.newTrace(g, false), split: newRowSplit(n, g, batchSize)}
}

// epoch runs one epoch over the examples train[i] for i in order, in
// batches of m, and returns Σ C0 over the epoch, or the average cost of the
// first batch whose cost is NaN or infinite.
func (t *trainer) epoch(train []Example, order []int, m int, eta, keep float64) (sumC0 float64, ok bool) {
	if t.split != nil {
		return t.split.epoch(train, order, m, eta, keep) // the same, faster (speed.go)
	}
	for lo := 0; lo < len(order); lo += m {
		batch := order[lo:min(lo+m, len(order))]
		c0 := t.backprop(train, batch)
		if !IsFinite(c0) {
			return c0 / float64(len(batch)), false
		}
		sumC0 += c0
		t.step(eta, 1/float64(len(batch)), keep)
	}
	return sumC0, true
}

// backprop runs backpropagation on each example train[i], i in batch, adds
// its ∂C0/∂w and ∂C0/∂b to grad, and returns Σ C0 over the batch.
func (t *trainer) backprop(train []Example, batch []int) (c0 float64) {
	for _, i := range batch {
		c0 += t.trace.backprop(train[i].X, train[i].Y, t.net.Cost)
	}
	return c0
}

// step takes the step of a batch of m = 1/invM examples and clears grad:
// w ← keep·w − η (Σ ∂C0/∂w) / m and b ← b − η (Σ ∂C0/∂b) / m.
func (t *trainer) step(eta, invM, keep float64) {
	for l, layer := range t.net.Layers {
		descend(layer.W, t.grad.DC_dw[l], eta, invM, keep)
		descend(layer.B, t.grad.DC_db[l], eta, invM, 1)
	}
}

// descend sets w_i ← keep·w_i − η (g_i / m) for the sum g_i of m examples'
// partial derivatives, as Gradient and then Step compute it when keep = 1,
// and then sets g_i to 0 for the next batch.
func descend(w, g []float64, eta, invM, keep float64) {
	g = g[:len(w)]
	for i := range w {
		w[i] = keep*w[i] - eta*(g[i]*invM)
		g[i] = 0
	}
}
