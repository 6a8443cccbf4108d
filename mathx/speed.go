package mathx

import (
	"runtime"
)

// The speed machinery of this package, all of it. Layer.forward and
// Layer.backward read like the formulas; what makes SGD fast is below:
//
//  1. The sums over the inputs a_k skip those that are 0 (nonzeros). About
//     four MNIST pixels in five are blank, so layer 1's sums visit a fifth of
//     the inputs.
//  2. SGD shares layer 1's neurons between two goroutines (rowSplit), with
//     nothing but two channels.
//
// Neither changes a number: SGD, Gradient and Step go through the same
// per-neuron code in the same order, so they agree bit for bit, on any
// number of processors (TestSGDMatchesGradientAndStep, TestSGDDeterministic).
//
// Measured with BenchmarkEpochMNIST (one epoch of SGD, 784-16-16-10, m = 10,
// 50,000 images) on the shared 2-core machine, runs interleaved, while
// other work kept its load average at 3 to 4: without the skipping,
// 1.00–1.21 s per epoch, with it 0.45–1.4 s; with the row split too, 0.76–1.16
// s. On a loaded machine the split gains little, since the helper rarely has
// a core to itself; it is there for an idle one, where the trainer it
// replaces (two goroutines spinning on atomics) measured 1.6 times the
// speed of one goroutine. Two shortcuts measured no faster and were removed:
// σ and σ′ from one exponential, and a sync.Pool of traces. dot and dotAt
// keep the four running sums they have always had, so that trained networks
// and the numbers the lessons print stay as they were.

// nonzeros lists the inputs a_k that are not 0. Such an input adds nothing
// to z_j = Σ_k w_jk a_k + b_j, nor to ∂C0/∂w_jk = a_k δ_j, so when most
// inputs are 0, as in MNIST images, both sums visit only the listed ones.
// When at least half of the inputs are nonzero, the sums run over all of
// them instead.
type nonzeros struct {
	all    []float64 // every a_k
	idx    []int     // the k with a_k ≠ 0, when sparse
	val    []float64 // the a_k at those k
	sparse bool      // whether fewer than half of the inputs are nonzero
}

// find lists the nonzero values of a.
func (nz *nonzeros) find(a []float64) {
	nz.all, nz.idx, nz.val = a, nz.idx[:0], nz.val[:0]
	for k, ak := range a {
		if ak != 0 {
			nz.idx = append(nz.idx, k)
			nz.val = append(nz.val, ak)
		}
	}
	nz.sparse = 2*len(nz.idx) < len(a)
}

// dot returns Σ_k w_k a_k over the inputs a_k.
func (nz *nonzeros) dot(w []float64) float64 {
	if nz.sparse {
		return dotAt(w, nz.idx, nz.val)
	}
	return dot(w, nz.all)
}

// addScaledTo adds alpha·a_k to g_k for every input a_k.
func (nz *nonzeros) addScaledTo(alpha float64, g []float64) {
	if nz.sparse {
		axpyAt(alpha, nz.idx, nz.val, g)
	} else {
		axpy(alpha, nz.all, g)
	}
}

// dot returns Σ_i x_i y_i over the length of x, in four running sums.
func dot(x, y []float64) float64 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float64
	for len(x) >= 4 {
		s0 += x[0] * y[0]
		s1 += x[1] * y[1]
		s2 += x[2] * y[2]
		s3 += x[3] * y[3]
		x, y = x[4:], y[4:]
	}
	for i, xi := range x {
		s0 += xi * y[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// axpy adds alpha·x to y, element by element, over the length of x.
func axpy(alpha float64, x, y []float64) {
	y = y[:len(x)]
	for i, xi := range x {
		y[i] += alpha * xi
	}
}

// dotAt returns Σ_i x[idx[i]]·val[i]: the dot product of x with a sparse
// vector whose nonzero values val sit at the indices idx, in four running
// sums.
func dotAt(x []float64, idx []int, val []float64) float64 {
	val = val[:len(idx)]
	var s0, s1, s2, s3 float64
	for len(idx) >= 4 {
		s0 += x[idx[0]] * val[0]
		s1 += x[idx[1]] * val[1]
		s2 += x[idx[2]] * val[2]
		s3 += x[idx[3]] * val[3]
		idx, val = idx[4:], val[4:]
	}
	for i, k := range idx {
		s0 += x[k] * val[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// axpyAt adds alpha·val[i] to y[idx[i]] for each i: y += alpha·v for a
// sparse vector v whose nonzero values val sit at the indices idx.
func axpyAt(alpha float64, idx []int, val, y []float64) {
	val = val[:len(idx)]
	for i, k := range idx {
		y[k] += alpha * val[i]
	}
}

// minSplitWeights is the size of layer 1, in weights, from which SGD shares
// its neurons between two goroutines.
const minSplitWeights = 4096

// A rowSplit shares the work of layer 1, almost all of it in an MNIST
// network, between the trainer's goroutine and a helper: neuron j of layer 1
// needs only row j of the weights, both forward (z_j = Σ_k w_jk x_k + b_j)
// and backward (∂C0/∂w_jk = x_k δ_j), so each goroutine takes half of the
// rows for every example of the batch. Each number is computed by the same
// operations in the same order as one goroutine computes it, so SGD's
// result does not depend on the number of processors.
type rowSplit struct {
	traces []trace // one per example of a batch, all adding into the trainer's gradient
	split  int     // the helper runs neurons [split, Out) of layer 1
	work   chan func(lo, hi int)
	done   chan struct{}
}

// newRowSplit returns a rowSplit for n, or nil when there is one processor
// or layer 1 is too small to be worth sharing.
func newRowSplit(n *Network, g Gradient, batchSize int) *rowSplit {
	first := n.Layers[0]
	if runtime.GOMAXPROCS(0) < 2 || first.out < 2 || len(first.W) < minSplitWeights {
		return nil
	}
	r := &rowSplit{traces: make([]trace, batchSize), split: first.out / 2}
	for e := range r.traces {
		r.traces[e] = n.newTrace(g, false)
	}
	return r
}

// start starts the helper; stop ends it.
func (r *rowSplit) start(out int) {
	r.work, r.done = make(chan func(lo, hi int)), make(chan struct{})
	go func() {
		for f := range r.work {
			f(r.split, out)
			r.done <- struct{}{}
		}
	}()
}

func (r *rowSplit) stop() { close(r.work) }

// both runs f on the trainer's rows and the helper's at once.
func (r *rowSplit) both(f func(lo, hi int)) {
	r.work <- f
	f(0, r.split)
	<-r.done
}

// backprop adds ∂C0/∂w and ∂C0/∂b of every example train[i], i in batch, to
// the gradient and returns Σ C0: what trace.backprop does one example after
// another, with layer 1 shared.
func (r *rowSplit) backprop(n *Network, train []Example, batch []int) (c0 float64) {
	first := n.Layers[0]
	for e, i := range batch {
		s := &r.traces[e][0]
		s.APrev = train[i].X
		s.nz.find(s.APrev)
	}
	r.both(func(lo, hi int) {
		for e := range batch {
			first.forwardNeurons(&r.traces[e][0], lo, hi)
		}
	})
	for e, i := range batch {
		t := r.traces[e]
		for l := 1; l < len(t); l++ {
			t[l].Layer.forward(&t[l])
		}
		c0 += n.Cost.of(t.output(), train[i].Y)
		for l := len(t) - 1; l > 0; l-- {
			t[l].Layer.backward(&t[l])
		}
	}
	r.both(func(lo, hi int) {
		for e := range batch {
			first.backwardNeurons(&r.traces[e][0], lo, hi)
		}
	})
	return c0
}
