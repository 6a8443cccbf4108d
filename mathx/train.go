package mathx

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync/atomic"
	"time"
)

// Gradient returns ∇C for the batch: the average over its m examples of the
// gradient of C0, ∂C/∂w = (1/m) Σ ∂C0/∂w and ∂C/∂b = (1/m) Σ ∂C0/∂b.
func (n *Network) Gradient(batch []Example) (Gradient, error) {
	if err := n.checkExamples("batch", batch); err != nil {
		return Gradient{}, err
	}
	g := n.NewGradient()
	t := n.borrowTrace(g)
	defer t.release()
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
		if !isFinite(stats.TrainCost) {
			return diverged(epoch, "the training cost", stats.TrainCost, cfg.Eta)
		}
		if progress != nil {
			stats.Cost, stats.Accuracy = n.evaluate(eval)
			if !isFinite(stats.Cost) {
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

// A trainer runs epochs of gradient descent without allocating.
//
// It computes what Gradient and Step compute, number for number, but shares
// the work of the first layer — almost all of it in an MNIST network —
// between two goroutines. Neuron j of layer 1 needs only its own row of
// weights, both going forward (z_j = Σ_k w_jk x_k + b_j) and when its
// weights are updated (∂C0/∂w_jk = x_k δ_j), so each goroutine owns half of
// the rows, for every example of the batch. The layers above are small and
// run on the caller's goroutine, while the helper finds the nonzero inputs
// of the next batch. Since each number is computed by the same operations in
// the same order either way, the result does not depend on the number of
// processors.
type trainer struct {
	net    *Network
	grad   Gradient      // Σ ∇C0 over the current batch
	traces []trace       // one per example of a batch
	batch  [2][]Example  // the current and the next batch
	nz     [2][]nonzeros // the nonzero inputs of each example of each
	parts  [2]rowPart    // the rows of layer 1 each goroutine owns
	eta    float64       // η
	keep   float64       // 1 − ηλ/n: the share of each weight a step keeps
	c0     float64       // Σ C0 over the current batch

	// The helper goroutine runs parts[1] between start and stop.
	helping  bool
	phase    phase         // what the helper is to run next
	posted   signal        // counts the phases handed to the helper
	finished signal        // counts the phases the helper has finished
	quit     bool          // set with the last post, to stop the helper
	exited   chan struct{} // closed when the helper returns
}

// A rowPart is the share of layer 1 that one goroutine runs: the neurons j
// in [lo, hi).
type rowPart struct{ lo, hi int }

// The phases of a gradient-descent step on a batch.
type phase int

const (
	forwardFirst  phase = iota // layer 1 forward, for a part's rows
	upperLayers                // layers 2..L forward and backward, and their step
	findNext                   // the nonzero inputs of the next batch
	backwardFirst              // layer 1 backward and its step, for a part's rows
)

// minParallelWeights is the size of layer 1, in weights, from which a
// trainer shares it between two goroutines.
const minParallelWeights = 4096

func newTrainer(n *Network, batchSize int) *trainer {
	t := &trainer{net: n, grad: n.NewGradient(), traces: make([]trace, batchSize)}
	t.posted.wake, t.finished.wake = make(chan struct{}, 1), make(chan struct{}, 1)
	for e := range t.traces {
		t.traces[e] = n.newTrace(t.grad, false)
	}
	for i := range t.batch {
		t.batch[i] = make([]Example, 0, batchSize)
		t.nz[i] = make([]nonzeros, batchSize)
	}
	first := n.Layers[0]
	split := first.out
	if runtime.GOMAXPROCS(0) > 1 && first.out > 1 && len(first.W) >= minParallelWeights {
		split = first.out / 2
	}
	t.parts = [2]rowPart{{0, split}, {split, first.out}}
	return t
}

// epoch runs one epoch over the examples train[i] for i in order, in
// batches of m, each step keeping keep·w of every weight w before moving it
// by η (see descend), and returns Σ C0 over the epoch, or the average cost of
// the first batch whose cost is NaN or infinite.
func (t *trainer) epoch(train []Example, order []int, m int, eta, keep float64) (sumC0 float64, ok bool) {
	t.eta, t.keep = eta, keep
	t.start()
	defer t.stop()
	t.fill(1, train, order[:min(m, len(order))])
	t.do(findNext, nil) // for the first batch
	t.batch[0], t.batch[1], t.nz[0], t.nz[1] = t.batch[1], t.batch[0], t.nz[1], t.nz[0]
	for lo := 0; lo < len(order); lo += m {
		next := order[min(lo+m, len(order)):min(lo+2*m, len(order))]
		t.fill(1, train, next)
		for e, ex := range t.batch[0] {
			t.traces[e][0].APrev = ex.X
		}
		t.run(forwardFirst, forwardFirst)
		t.run(upperLayers, findNext)
		t.run(backwardFirst, backwardFirst)
		if !isFinite(t.c0) {
			return t.c0 / float64(len(t.batch[0])), false
		}
		sumC0 += t.c0
		t.batch[0], t.batch[1], t.nz[0], t.nz[1] = t.batch[1], t.batch[0], t.nz[1], t.nz[0]
	}
	return sumC0, true
}

// fill sets batch i to the examples train[k] for k in idx.
func (t *trainer) fill(i int, train []Example, idx []int) {
	t.batch[i] = t.batch[i][:0]
	for _, k := range idx {
		t.batch[i] = append(t.batch[i], train[k])
	}
}

// start starts the helper goroutine, if the trainer has rows for it.
func (t *trainer) start() {
	if t.parts[1].lo == t.parts[1].hi {
		return
	}
	t.helping, t.quit = true, false
	t.exited = make(chan struct{})
	go func(next uint64) {
		defer close(t.exited)
		for ; ; next++ {
			t.posted.wait(next)
			if t.quit {
				return
			}
			t.do(t.phase, &t.parts[1])
			t.finished.add()
		}
	}(t.posted.n.Load() + 1)
}

// stop stops the helper goroutine and waits for it to return.
func (t *trainer) stop() {
	if !t.helping {
		return
	}
	t.quit = true
	t.posted.add()
	<-t.exited
	t.helping = false
}

// run runs mine on parts[0] and theirs on parts[1]: at once, on the caller
// and the helper, between start and stop; one after the other otherwise.
func (t *trainer) run(mine, theirs phase) {
	if !t.helping {
		t.do(mine, &t.parts[0])
		if theirs != mine || t.parts[1].lo < t.parts[1].hi {
			t.do(theirs, &t.parts[1])
		}
		return
	}
	done := t.finished.n.Load() + 1
	t.phase = theirs
	t.posted.add()
	t.do(mine, &t.parts[0])
	t.finished.wait(done)
}

// A signal is a counter that one goroutine raises and another waits on.
//
// The trainer's phases take microseconds, about as long as it takes to wake
// a goroutine that sleeps on a channel, so a waiting goroutine first spins
// for a while, yielding the processor (runtime.Gosched) between looks; only
// then does it sleep, so that it does not burn a processor when the other
// goroutine is slow, as on a busy machine.
type signal struct {
	n        atomic.Uint64
	sleeping atomic.Bool
	wake     chan struct{} // holds at most one wake-up
}

// spins is how many times a signal looks before its waiter sleeps: some
// tens of microseconds.
const spins = 500

// add raises the count by one and wakes the waiter if it sleeps.
func (s *signal) add() {
	s.n.Add(1)
	if s.sleeping.Load() {
		select {
		case s.wake <- struct{}{}:
		default: // a wake-up is already pending
		}
	}
}

// wait returns once the count has reached n.
func (s *signal) wait(n uint64) {
	for range spins {
		if s.n.Load() >= n {
			return
		}
		runtime.Gosched()
	}
	for {
		s.sleeping.Store(true)
		if s.n.Load() >= n {
			s.sleeping.Store(false)
			return
		}
		<-s.wake
	}
}

// do runs phase ph on part p.
func (t *trainer) do(ph phase, p *rowPart) {
	first := t.net.Layers[0]
	batch, nz := t.batch[0], t.nz[0]
	switch ph {
	case forwardFirst:
		for j := p.lo; j < p.hi; j++ { // row j of the weights stays in cache across the batch
			for e := range batch {
				first.forwardRows(&t.traces[e][0], &nz[e], j, j+1)
			}
		}
	case upperLayers:
		t.c0 = 0
		for e, ex := range batch {
			tr := t.traces[e]
			for i := 1; i < len(tr); i++ {
				tr[i].Layer.forward(&tr[i])
			}
			out := &tr[len(tr)-1]
			t.c0 += t.net.Cost.of(out, ex.Y)
			for i := len(tr) - 1; i > 0; i-- {
				tr[i].Layer.backward(&tr[i])
			}
		}
		invM := 1 / float64(len(batch))
		for i := 1; i < len(t.net.Layers); i++ {
			l := t.net.Layers[i]
			descend(l.W, t.grad.DC_dw[i], t.eta, invM, t.keep)
			descend(l.B, t.grad.DC_db[i], t.eta, invM, 1)
		}
	case findNext:
		for e, ex := range t.batch[1] {
			t.nz[1][e].find(ex.X)
		}
	case backwardFirst:
		for j := p.lo; j < p.hi; j++ { // row j of the gradient stays in cache across the batch
			for e := range batch {
				first.backwardRows(&t.traces[e][0], &nz[e], j, j+1)
			}
		}
		in, invM := first.in, 1/float64(len(batch))
		descend(first.W[p.lo*in:p.hi*in], t.grad.DC_dw[0][p.lo*in:p.hi*in], t.eta, invM, t.keep)
		descend(first.B[p.lo:p.hi], t.grad.DC_db[0][p.lo:p.hi], t.eta, invM, 1)
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
