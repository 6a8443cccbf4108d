// Package derive renders the chain-rule derivations of backpropagation as
// typeset math with the learner's own numbers, for notebook cells to show
// with one call:
//
//	derive.Neuron(mathx.Neuron(w, b, aPrev, y)).Show()
//
// Each derivation states the chain-rule product in symbols, the formula of
// each factor, the numbers and the result, and sets beside every result the
// central difference of the cost, marked ✓ when the two agree and with a red
// ✗, both numbers and their difference when they do not.
//
//   - Neuron: ∂C0/∂w(L), ∂C0/∂b(L) and ∂C0/∂a(L−1) of a single sigmoid neuron.
//   - Chain: the same carried back layer by layer through a chain of single
//     neurons.
//   - Partial and Paths: the indexed case, ∂C0/∂w_jk and ∂C0/∂b_j of a
//     network, and ∂C0/∂a_k(L−1) as a sum over the paths through layer L.
//   - Layers: an HTML table of z, a, ∂C0/∂a and δ = ∂C0/∂z of every neuron.
//   - Compare, CompareNeuron and Check: "your turn" exercises, which check the
//     learner's derivative against the central difference and say what is
//     off: a flipped sign, a factor of 2, a missing factor.
//   - SoftmaxJacobian: a "your turn" check of ∂a_j/∂z_k for the softmax,
//     which names a missing δ_jk term, a missing a_j or a flipped sign.
//
// Every call returns a value whose Show publishes it (Markdown with LaTeX
// through display.Markdown, or HTML through display.HTML) and whose Markdown
// or HTML method returns the text. Bad input — a NaN, a nil network, an index
// out of range, mismatched sizes — never panics: the value's Err says what
// is wrong and Show displays it in a red box.
//
// The LaTeX uses only what both MathJax (Jupyter) and KaTeX (exported pages)
// typeset, keeps each display formula on one $$…$$ line, and writes numbers
// the way Num does: three significant digits, negative factors in parentheses.
// All math comes from mathx; this package only writes it down.
package derive
