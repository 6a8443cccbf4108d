// Package mat holds the few vector and matrix operations that backpropagation's
// four equations need in matrix form, on plain slices: a vector is a
// []float64 and a matrix a [][]float64 of rows, so W[j][k] is w_jk. It is
// written for reading, not speed; mathx's Network does the same arithmetic
// in its own loops.
//
// Each function returns a new slice and leaves its arguments alone. Shapes
// that do not fit panic with a message that names the function and both
// shapes: these are a learner's tools, and the lessons' checkers turn such a
// panic into a sentence.
package mat

import "fmt"

// Add returns u + v, entry by entry.
func Add(u, v []float64) []float64 {
	same("Add", u, v)
	out := make([]float64, len(u))
	for i := range u {
		out[i] = u[i] + v[i]
	}
	return out
}

// Sub returns u − v, entry by entry.
func Sub(u, v []float64) []float64 {
	same("Sub", u, v)
	out := make([]float64, len(u))
	for i := range u {
		out[i] = u[i] - v[i]
	}
	return out
}

// Scale returns c·v.
func Scale(c float64, v []float64) []float64 {
	out := make([]float64, len(v))
	for i := range v {
		out[i] = c * v[i]
	}
	return out
}

// Hadamard returns u ⊙ v, the product entry by entry: (u ⊙ v)_i = u_i v_i.
func Hadamard(u, v []float64) []float64 {
	same("Hadamard", u, v)
	out := make([]float64, len(u))
	for i := range u {
		out[i] = u[i] * v[i]
	}
	return out
}

// Map returns f applied to every entry of v: σ′(z) from z, say.
func Map(f func(float64) float64, v []float64) []float64 {
	out := make([]float64, len(v))
	for i := range v {
		out[i] = f(v[i])
	}
	return out
}

// Times returns W v: (W v)_j = Σ_k w_jk v_k.
func Times(w [][]float64, v []float64) []float64 {
	out := make([]float64, len(w))
	for j, row := range w {
		if len(row) != len(v) {
			panic(fmt.Sprintf("mat.Times: row %d of W has %d entries, but v has %d", j, len(row), len(v)))
		}
		for k := range row {
			out[j] += row[k] * v[k]
		}
	}
	return out
}

// TransposeTimes returns Wᵀ v: (Wᵀ v)_k = Σ_j w_jk v_j. It is how a layer
// hands a sensitivity down: entry k sums over every neuron j that k feeds.
func TransposeTimes(w [][]float64, v []float64) []float64 {
	if len(w) != len(v) {
		panic(fmt.Sprintf("mat.TransposeTimes: W has %d rows, but v has %d entries", len(w), len(v)))
	}
	if len(w) == 0 {
		return nil
	}
	out := make([]float64, len(w[0]))
	for j, row := range w {
		if len(row) != len(out) {
			panic(fmt.Sprintf("mat.TransposeTimes: row %d of W has %d entries, row 0 has %d", j, len(row), len(out)))
		}
		for k := range row {
			out[k] += row[k] * v[j]
		}
	}
	return out
}

// Outer returns u vᵀ, the matrix whose row j, column k is u_j v_k.
func Outer(u, v []float64) [][]float64 {
	out := make([][]float64, len(u))
	for j := range u {
		out[j] = make([]float64, len(v))
		for k := range v {
			out[j][k] = u[j] * v[k]
		}
	}
	return out
}

// Transpose returns Wᵀ, whose row k, column j is w_jk.
func Transpose(w [][]float64) [][]float64 {
	if len(w) == 0 {
		return nil
	}
	out := make([][]float64, len(w[0]))
	for k := range out {
		out[k] = make([]float64, len(w))
		for j, row := range w {
			if len(row) != len(out) {
				panic(fmt.Sprintf("mat.Transpose: row %d of W has %d entries, row 0 has %d", j, len(row), len(out)))
			}
			out[k][j] = row[k]
		}
	}
	return out
}

// same panics unless u and v have the same length.
func same(fn string, u, v []float64) {
	if len(u) != len(v) {
		panic(fmt.Sprintf("mat.%s: u has %d entries, but v has %d", fn, len(u), len(v)))
	}
}
