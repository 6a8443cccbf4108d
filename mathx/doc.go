// Package mathx is the calculus of backpropagation, written to be read next
// to the formulas it computes.
//
// Its notation and its two cases, one neuron per layer and then layers of
// many neurons indexed j and k, are those of 3Blue1Brown's video
// Backpropagation calculus (Deep learning, chapter 4). It follows the
// lessons from one neuron to a trained network:
//
//   - Activation: σ (Sigmoid), ReLU, Tanh and Identity, each with its
//     derivative; Softmax for a whole layer, with SoftmaxOf and its
//     Jacobian SoftmaxJacobian.
//   - Neuron: the video's first case, one neuron per layer seen at the last
//     layer L, with every intermediate value and every factor of the chain
//     rule in a NeuronStep.
//   - Chain: L single-neuron layers, forward and then backward layer by
//     layer.
//   - Layer: the indexed form, neurons j fed by neurons k, whose LayerStep
//     gives ∂C0/∂w_jk and each path's term of ∂C0/∂a_k.
//   - Network: layers of any sizes, with Forward, Backprop (and Steps, its
//     lesson view), AverageCost, Gradient, Step and SGD (optionally with L2
//     regularization, TrainConfig.Lambda), seeded so that lessons are
//     reproducible. Its Cost field chooses C0: Quadratic, as in the
//     lessons, CrossEntropy for a sigmoid output layer, or LogLikelihood
//     for a Softmax one.
//   - NeuronInput names what a lesson varies in the single neuron (w(L),
//     b(L) or a(L−1)), and Param a weight w(l)_jk or bias b(l)_j of a
//     network; packages chart and derive name them the same way.
//   - CentralDiff, NumericPartial, NumericGradient and CheckGradient check
//     every derivative against finite differences.
//   - MNISTPixels and MNISTClasses: the shape of a handwritten digit, whose
//     images package mathx/mnist loads from the Go module cache.
//
// # Notation
//
//	Backpropagation calculus    Go
//	a(L), a(L−1)                A, APrev        activation of layer L, L−1
//	w(L), b(L)                  W, B            weight, bias
//	z(L) = w(L)·a(L−1) + b(L)   Z               weighted input
//	a(L) = σ(z(L))              A
//	C0 = (a(L) − y)²            C0              cost of one training example
//	∂C0/∂a(L) = 2(a(L) − y)     DC_da
//	∂a(L)/∂z(L) = σ′(z(L))      Da_dz
//	∂z(L)/∂w(L) = a(L−1)        Dz_dw
//	∂z(L)/∂b(L) = 1             Dz_db
//	∂z(L)/∂a(L−1) = w(L)        Dz_daPrev
//	∂C0/∂w(L), ∂C0/∂b(L)        DC_dw, DC_db
//	∂C0/∂a(L−1)                 DC_daPrev
//	w(L)_jk                     Layer.Weight(j, k), stored at W[j*In()+k]
//	C = average of C0           Network.AverageCost
//	∇C                          Network.Gradient
//
// Layers are numbered as in the notation: layer 0 is the input x, and
// Network.Layers[l−1] is layer l.
//
// # Errors
//
// Functions that take slices check their shapes and values at the boundary
// and return an error that names them, wrapping ErrShape, ErrNotFinite,
// ErrEmpty or ErrConfig. Neuron, which takes only numbers, returns no error:
// a NaN or infinite input makes NaN or infinite results.
//
// # Speed
//
// Network keeps each layer's weights in one row-major []float64 and skips
// inputs that are exactly 0 (most MNIST pixels); SGD runs layer 1 a batch
// at a time and shares its neurons between two goroutines. speed.go holds
// all of it, with what each part is worth. None of it changes a result: SGD
// gives bit for bit what Gradient and Step give on the same batches, on any
// number of processors.
package mathx
