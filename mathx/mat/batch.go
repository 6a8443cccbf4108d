package mat

import "fmt"

// The functions in this file work on whole matrices, for the four equations
// applied to a mini-batch at once: the batch's inputs x_1 … x_m stand side by
// side as the columns of a matrix X, so that a layer's weighted inputs for
// every example are one product Z = W A + b 1ᵀ, column i belonging to
// example i.

// Columns returns the matrix whose column i is vs[i]: the batch's vectors
// side by side, with as many rows as each vector has entries.
func Columns(vs ...[]float64) [][]float64 {
	for i, v := range vs {
		if len(v) != len(vs[0]) {
			panic(fmt.Sprintf("mat.Columns: vector %d has %d entries, vector 0 has %d", i, len(v), len(vs[0])))
		}
	}
	return Transpose(vs) // the vectors as rows, turned into columns
}

// Column returns column i of M as a vector.
func Column(m [][]float64, i int) []float64 {
	out := make([]float64, len(m))
	for r, row := range m {
		if i < 0 || i >= len(row) {
			panic(fmt.Sprintf("mat.Column: column %d, but row %d of M has %d entries", i, r, len(row)))
		}
		out[r] = row[i]
	}
	return out
}

// Mul returns the matrix product A B: (A B)_ji = Σ_k a_jk b_ki. A has as many
// columns as B has rows; the product has A's rows and B's columns.
func Mul(a, b [][]float64) [][]float64 {
	cols := width("Mul", "B", b)
	out := make([][]float64, len(a))
	for j, row := range a {
		if len(row) != len(b) {
			panic(fmt.Sprintf("mat.Mul: row %d of A has %d entries, but B has %d rows", j, len(row), len(b)))
		}
		out[j] = make([]float64, cols)
		for k, ajk := range row {
			for i, bki := range b[k] {
				out[j][i] += ajk * bki
			}
		}
	}
	return out
}

// AddToColumns returns M + v 1ᵀ: v added to every column of M, as the bias
// b is added to every example's W a. v has one entry per row of M.
func AddToColumns(m [][]float64, v []float64) [][]float64 {
	if len(m) != len(v) {
		panic(fmt.Sprintf("mat.AddToColumns: M has %d rows, but v has %d entries", len(m), len(v)))
	}
	out := make([][]float64, len(m))
	for r, row := range m {
		out[r] = make([]float64, len(row))
		for i := range row {
			out[r][i] = row[i] + v[r]
		}
	}
	return out
}

// RowSums returns the vector whose entry r is Σ_i m_ri, the sum along row r:
// M 1, for a batch the sum over its examples.
func RowSums(m [][]float64) []float64 {
	out := make([]float64, len(m))
	for r, row := range m {
		for _, v := range row {
			out[r] += v
		}
	}
	return out
}

// AddM returns A + B, entry by entry.
func AddM(a, b [][]float64) [][]float64 { return rowByRow("AddM", a, b, Add) }

// SubM returns A − B, entry by entry.
func SubM(a, b [][]float64) [][]float64 { return rowByRow("SubM", a, b, Sub) }

// ScaleM returns c·M.
func ScaleM(c float64, m [][]float64) [][]float64 {
	out := make([][]float64, len(m))
	for r := range m {
		out[r] = Scale(c, m[r])
	}
	return out
}

// HadamardM returns A ⊙ B, the product entry by entry.
func HadamardM(a, b [][]float64) [][]float64 { return rowByRow("HadamardM", a, b, Hadamard) }

// MapM returns f applied to every entry of M: σ′(Z) from Z, say.
func MapM(f func(float64) float64, m [][]float64) [][]float64 {
	out := make([][]float64, len(m))
	for r := range m {
		out[r] = Map(f, m[r])
	}
	return out
}

// sameShape panics unless a and b have the same number of rows and each row
// the same number of entries.
func sameShape(fn string, a, b [][]float64) {
	if len(a) != len(b) {
		panic(fmt.Sprintf("mat.%s: A has %d rows, but B has %d", fn, len(a), len(b)))
	}
	for r := range a {
		if len(a[r]) != len(b[r]) {
			panic(fmt.Sprintf("mat.%s: row %d of A has %d entries, but row %d of B has %d", fn, r, len(a[r]), r, len(b[r])))
		}
	}
}

// width returns the number of columns of the matrix called name, and panics
// if its rows differ in length. A matrix with no rows has 0 columns.
func width(fn, name string, m [][]float64) int {
	if len(m) == 0 {
		return 0
	}
	for r, row := range m {
		if len(row) != len(m[0]) {
			panic(fmt.Sprintf("mat.%s: row %d of %s has %d entries, row 0 has %d", fn, r, name, len(row), len(m[0])))
		}
	}
	return len(m[0])
}

// rowByRow returns the matrix whose row r is op(A's row r, B's row r), for
// the entry-by-entry operations; fn names the caller in a shape error.
func rowByRow(fn string, a, b [][]float64, op func(x, y []float64) []float64) [][]float64 {
	sameShape(fn, a, b)
	out := make([][]float64, len(a))
	for r := range a {
		out[r] = op(a[r], b[r])
	}
	return out
}
