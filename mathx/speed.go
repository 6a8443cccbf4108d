package mathx

import (
	"math"
	"runtime"
	"sync/atomic"
)

// What makes SGD fast. Layer.forward and Layer.backward read like the
// formulas, and trainer.epoch (train.go) runs them example after example;
// the rest is here. Each part's share of an epoch of BenchmarkEpochMNIST
// (784-16-16-10, m = 10, 50,000 images) on a 2-core machine:
//
//  1. The sums over the inputs a_k visit only those that are not 0
//     (nonzeros): about four MNIST pixels in five are blank. Without it an
//     epoch takes 1.7 times as long.
//  2. Those sums run in four running sums at once (nonzeros.dot), find
//     tests four blank pixels at once, and σ(z) and σ′(z) come from one
//     exponential (scratch.activate): each 5–10% of an epoch.
//  3. SGD runs layer 1, almost all of the work, a batch at a time
//     (rowSplit): neuron by neuron across the batch's examples, so that a
//     row of weights stays in the processor's cache while it serves every
//     example (about 15%), two neurons per pass over an example's nonzero
//     inputs (about 8%), and with two processors a helper goroutine runs
//     half of the neurons (about 25%).
//
// None of it changes a number: SGD agrees bit for bit with Gradient and Step
// (TestSGDMatchesGradientAndStep), on 1 processor and on 2.

// A scratch holds what Layer.forward finds out about one example's pass
// through a layer, besides the formulas' numbers, so that its sums run
// faster; Layer.backward reads it again.
type scratch struct {
	nz      nonzeros // the inputs a_k that are not 0
	sigmoid bool     // whether f is Sigmoid, so that σ and σ′ come from one exponential
	softmax bool     // whether f is Softmax, which needs the whole layer's z (softmax.go)
}

// newScratch returns the scratch of a step through l.
func newScratch(l *Layer) scratch {
	return scratch{sigmoid: isSigmoid(l.Act), softmax: isSoftmax(l.Act)}
}

// activate sets z_j = z, a_j = f(z_j) and ∂a_j/∂z_j = f′(z_j), computing
// σ(z_j) and σ′(z_j) from one exponential when f is the sigmoid.
func (x *scratch) activate(s *LayerStep, j int, z float64) {
	s.Z[j] = z
	if x.sigmoid {
		s.A[j], s.Da_dz[j] = sigmoid(z)
	} else {
		s.A[j], s.Da_dz[j] = s.Layer.Act.F(z), s.Layer.Act.Prime(z)
	}
}

// nonzeros lists the inputs a_k that are not 0. Such an input adds nothing
// to z_j = Σ_k w_jk a_k + b_j, nor to ∂C0/∂w_jk = a_k δ_j, so both sums
// visit only the listed ones.
type nonzeros struct {
	idx []int     // the k with a_k ≠ 0, in increasing order
	val []float64 // the a_k at those k
}

// find lists the nonzero values of a. Four 0 inputs in a row, the common
// case in an MNIST image, are recognised with one test; within a group of
// four, every a_k is written and kept only if it is not 0, which spares the
// processor a hard-to-predict branch per input.
func (nz *nonzeros) find(a []float64) {
	if cap(nz.idx) < len(a) {
		nz.idx, nz.val = make([]int, len(a)), make([]float64, len(a))
	}
	idx, val, n := nz.idx[:len(a)], nz.val[:len(a)], 0
	for k := 0; k < len(a); k += 4 {
		if k+4 <= len(a) && math.Float64bits(a[k])|math.Float64bits(a[k+1])|math.Float64bits(a[k+2])|math.Float64bits(a[k+3]) == 0 {
			continue
		}
		for i := k; i < min(k+4, len(a)); i++ {
			idx[n], val[n] = i, a[i]
			if a[i] != 0 {
				n++
			}
		}
	}
	nz.idx, nz.val = idx[:n], val[:n]
}

// dot returns Σ_k w_k a_k over the inputs a_k, in four running sums, which
// the processor adds at once.
func (nz *nonzeros) dot(w []float64) float64 {
	idx, val := nz.idx, nz.val[:len(nz.idx)]
	var s0, s1, s2, s3 float64
	for len(idx) >= 4 {
		s0 += w[idx[0]] * val[0]
		s1 += w[idx[1]] * val[1]
		s2 += w[idx[2]] * val[2]
		s3 += w[idx[3]] * val[3]
		idx, val = idx[4:], val[4:]
	}
	for i, k := range idx {
		s0 += w[k] * val[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// addScaledTo adds alpha·a_k to g_k for every input a_k.
func (nz *nonzeros) addScaledTo(alpha float64, g []float64) {
	val := nz.val[:len(nz.idx)]
	for i, k := range nz.idx {
		g[k] += alpha * val[i]
	}
}

// dot2 returns nz.dot(w1) and nz.dot(w2), the same two numbers, in one
// pass over the inputs.
func (nz *nonzeros) dot2(w1, w2 []float64) (float64, float64) {
	idx, val := nz.idx, nz.val[:len(nz.idx)]
	var a0, a1, a2, a3, b0, b1, b2, b3 float64
	for len(idx) >= 4 {
		k0, k1, k2, k3 := idx[0], idx[1], idx[2], idx[3]
		a0 += w1[k0] * val[0]
		b0 += w2[k0] * val[0]
		a1 += w1[k1] * val[1]
		b1 += w2[k1] * val[1]
		a2 += w1[k2] * val[2]
		b2 += w2[k2] * val[2]
		a3 += w1[k3] * val[3]
		b3 += w2[k3] * val[3]
		idx, val = idx[4:], val[4:]
	}
	for i, k := range idx {
		a0 += w1[k] * val[i]
		b0 += w2[k] * val[i]
	}
	return (a0 + a1) + (a2 + a3), (b0 + b1) + (b2 + b3)
}

// addScaledTo2 is nz.addScaledTo(alpha1, g1) and nz.addScaledTo(alpha2, g2)
// in one pass over the inputs.
func (nz *nonzeros) addScaledTo2(alpha1, alpha2 float64, g1, g2 []float64) {
	val := nz.val[:len(nz.idx)]
	for i, k := range nz.idx {
		g1[k] += alpha1 * val[i]
		g2[k] += alpha2 * val[i]
	}
}

// axpy adds alpha·x to y, element by element, over the length of x.
func axpy(alpha float64, x, y []float64) {
	y = y[:len(x)]
	for i, xi := range x {
		y[i] += alpha * xi
	}
}

// minSplitWeights is the size of layer 1, in weights, from which SGD runs
// it a batch at a time (rowSplit).
const minSplitWeights = 4096

// A rowSplit runs SGD's epochs with layer 1, almost all of the work in an
// MNIST network, a batch at a time. Neuron j of layer 1 needs only row j of
// the weights, forward (z_j = Σ_k w_jk x_k + b_j), backward
// (∂C0/∂w_jk = x_k δ_j) and in the step, so the trainer's goroutine runs
// the neurons [0, split) for every example of the batch and a helper
// goroutine the neurons [split, out). A batch runs in three phases:
//
//	forwardRows   both: layer 1 forward, each on its neurons, two neurons
//	              per pass over an example's nonzero inputs
//	upperLayers   the trainer: layers 2..L forward, the cost, layers L..2
//	              backward; meanwhile the helper lists the nonzero inputs
//	              of the next batch's examples (findNext)
//	backwardRows  both: layer 1 backward and its step, each on its neurons
//
// Every number is computed by the same operations in the same order as in
// trainer.epoch; in particular each ∂C0/∂w_jk is summed over the examples
// in the batch's order. With one processor there is no helper: the trainer
// runs both halves itself, one after the other.
type rowSplit struct {
	net    *Network
	grad   Gradient      // Σ ∂C0/∂w and Σ ∂C0/∂b over the current batch
	traces []trace       // one per example of a batch
	batch  [2][]Example  // the current batch and the next
	nz     [2][]nonzeros // the nonzero inputs x_k of their examples
	split  int           // the helper runs the neurons [split, out) of layer 1; split is even
	helped bool          // whether there is a helper (more than one processor)
	c0     float64       // Σ C0 over the current batch

	eta, invM, keep float64 // the step's η, 1/m and weight decay (see descend)

	phase    phase         // what the helper is to run next
	posted   signal        // counts the phases handed to the helper
	finished signal        // counts the phases the helper has finished
	quit     bool          // set with the last post, to stop the helper
	exited   chan struct{} // closed when the helper returns
}

// The phases of a batch.
type phase int

const (
	forwardRows phase = iota
	upperLayers
	findNext
	backwardRows
)

// newRowSplit returns a rowSplit for n, or nil when n has one layer, a
// layer 1 too small for it to pay, or a Softmax layer 1, whose neurons
// cannot be split (each a_j needs every z_k).
func newRowSplit(n *Network, g Gradient, batchSize int) *rowSplit {
	first := n.Layers[0]
	if len(n.Layers) < 2 || len(first.W) < minSplitWeights || isSoftmax(first.Act) {
		return nil
	}
	r := &rowSplit{net: n, grad: g, traces: make([]trace, batchSize), split: first.out / 2 &^ 1, helped: runtime.GOMAXPROCS(0) > 1}
	for e := range r.traces {
		r.traces[e] = n.newTrace(g, false)
	}
	for i := range r.batch {
		r.batch[i] = make([]Example, 0, batchSize)
		r.nz[i] = make([]nonzeros, batchSize)
	}
	r.posted.wake, r.finished.wake = make(chan struct{}, 1), make(chan struct{}, 1)
	return r
}

// epoch is trainer.epoch with layer 1 run a batch at a time: the same steps,
// batch by batch, and the same result.
func (r *rowSplit) epoch(train []Example, order []int, m int, eta, keep float64) (sumC0 float64, ok bool) {
	r.eta, r.keep = eta, keep
	r.start()
	defer r.stop()
	r.fill(train, order[:min(m, len(order))])
	r.do(findNext, 0, 0)
	for lo := 0; lo < len(order); lo += m {
		r.fill(train, order[min(lo+m, len(order)):min(lo+2*m, len(order))])
		r.invM = 1 / float64(len(r.batch[0]))
		r.run(forwardRows, forwardRows)
		r.run(upperLayers, findNext)
		if !IsFinite(r.c0) {
			return r.c0 * r.invM, false
		}
		sumC0 += r.c0
		for l := 1; l < len(r.net.Layers); l++ {
			layer := r.net.Layers[l]
			descend(layer.W, r.grad.DC_dw[l], r.eta, r.invM, r.keep)
			descend(layer.B, r.grad.DC_db[l], r.eta, r.invM, 1)
		}
		r.run(backwardRows, backwardRows)
	}
	return sumC0, true
}

// fill makes the next batch the current one, and the examples train[i], i
// in next, the next batch.
func (r *rowSplit) fill(train []Example, next []int) {
	r.batch[0], r.batch[1] = r.batch[1], r.batch[0][:0]
	r.nz[0], r.nz[1] = r.nz[1], r.nz[0]
	for _, i := range next {
		r.batch[1] = append(r.batch[1], train[i])
	}
	for e, ex := range r.batch[0] {
		r.traces[e].steps[0].APrev = ex.X
	}
}

// run runs mine on the trainer's neurons [0, split) and theirs on the
// helper's neurons [split, out), at once, and returns when both are done.
func (r *rowSplit) run(mine, theirs phase) {
	if !r.helped {
		r.do(mine, 0, r.split)
		r.do(theirs, r.split, r.net.Layers[0].out)
		return
	}
	done := r.finished.n.Load() + 1
	r.phase = theirs
	r.posted.add()
	r.do(mine, 0, r.split)
	r.finished.wait(done)
}

// start starts the helper goroutine; stop stops it and waits for it to return.
func (r *rowSplit) start() {
	if !r.helped {
		return
	}
	r.quit, r.exited = false, make(chan struct{})
	go func(next uint64) {
		defer close(r.exited)
		for ; ; next++ {
			r.posted.wait(next)
			if r.quit {
				return
			}
			r.do(r.phase, r.split, r.net.Layers[0].out)
			r.finished.add()
		}
	}(r.posted.n.Load() + 1)
}

func (r *rowSplit) stop() {
	if !r.helped {
		return
	}
	r.quit = true
	r.posted.add()
	<-r.exited
}

// do runs phase ph; forwardRows and backwardRows run on the neurons [lo, hi)
// of layer 1.
func (r *rowSplit) do(ph phase, lo, hi int) {
	first := r.net.Layers[0]
	switch ph {
	case forwardRows:
		r.forwardRows(lo, hi)
	case upperLayers:
		r.c0 = 0
		for e, ex := range r.batch[0] {
			t := r.traces[e]
			t.forwardFrom(1)
			r.c0 += r.net.Cost.of(t.output(), ex.Y)
			t.backwardTo(1)
		}
	case findNext:
		for e, ex := range r.batch[1] {
			r.nz[1][e].find(ex.X)
		}
	case backwardRows:
		r.backwardRows(lo, hi)
		in := first.in
		descend(first.W[lo*in:hi*in], r.grad.DC_dw[0][lo*in:hi*in], r.eta, r.invM, r.keep)
		descend(first.B[lo:hi], r.grad.DC_db[0][lo:hi], r.eta, r.invM, 1)
	}
}

// forwardRows is Layer.forward of layer 1 for the neurons [lo, hi) and every
// example of the batch: neuron by neuron, so that row j of the weights stays
// in the processor's cache while it serves every example, and two neurons per
// pass over an example's nonzero inputs (j alone when it is the last).
func (r *rowSplit) forwardRows(lo, hi int) {
	first := r.net.Layers[0]
	for j := lo; j < hi; j += 2 {
		for e := range r.batch[0] {
			x, s, nz := &r.traces[e].in[0], &r.traces[e].steps[0], &r.nz[0][e]
			if j+1 == hi {
				x.activate(s, j, nz.dot(first.Row(j))+first.B[j])
				continue
			}
			z1, z2 := nz.dot2(first.Row(j), first.Row(j+1))
			x.activate(s, j, z1+first.B[j])
			x.activate(s, j+1, z2+first.B[j+1])
		}
	}
}

// backwardRows is Layer.backward of layer 1, without ∂C0/∂x, for the neurons
// [lo, hi) and every example of the batch, in the order of forwardRows.
func (r *rowSplit) backwardRows(lo, hi int) {
	first, in := r.net.Layers[0], r.net.Layers[0].in
	for j := lo; j < hi; j += 2 {
		for e := range r.batch[0] {
			s, nz := &r.traces[e].steps[0], &r.nz[0][e]
			if j+1 == hi {
				nz.addScaledTo(first.delta(s, j, s.deltaSet), s.DC_dw[j*in:(j+1)*in])
				continue
			}
			d1, d2 := first.delta(s, j, s.deltaSet), first.delta(s, j+1, s.deltaSet)
			nz.addScaledTo2(d1, d2, s.DC_dw[j*in:(j+1)*in], s.DC_dw[(j+1)*in:(j+2)*in])
		}
	}
}

// A signal is a counter that one goroutine raises and another waits on.
//
// A phase of a batch takes some microseconds, about as long as it takes the
// operating system to wake a thread that sleeps, as a goroutine blocked on a
// channel does when no other goroutine is ready. So a waiting goroutine
// first looks spins times, yielding the processor (runtime.Gosched) between
// looks, and only then sleeps on a channel, so that it does not hold a
// processor when the other goroutine is slow, as on a busy machine.
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
