package mat

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestBatchOperations(t *testing.T) {
	x := Columns([]float64{1, 0, -1}, []float64{2, 1, 0}) // 3 × 2: two examples of three inputs
	for _, tc := range []struct {
		name      string
		got, want any
	}{
		{"Columns", x, [][]float64{{1, 2}, {0, 1}, {-1, 0}}},
		{"Column", Column(x, 1), []float64{2, 1, 0}},
		// W X: [1 2 3; 4 5 6] times the columns (1, 0, −1) and (2, 1, 0), by hand:
		// 1−3 = −2, 2+2 = 4; 4−6 = −2, 8+5 = 13.
		{"Mul", Mul(w, x), [][]float64{{-2, 4}, {-2, 13}}},
		{"AddToColumns", AddToColumns([][]float64{{-2, 4}, {-2, 13}}, []float64{1, -1}), [][]float64{{-1, 5}, {-3, 12}}},
		{"RowSums", RowSums([][]float64{{-1, 5}, {-3, 12}}), []float64{4, 9}},
		{"AddM", AddM([][]float64{{3, 5}}, [][]float64{{1, -1}}), [][]float64{{4, 4}}},
		{"SubM", SubM([][]float64{{3, 5}}, [][]float64{{1, 1}}), [][]float64{{2, 4}}},
		{"ScaleM", ScaleM(0.5, [][]float64{{2, -6}}), [][]float64{{1, -3}}},
		{"HadamardM", HadamardM([][]float64{{2, 3}}, [][]float64{{4, -1}}), [][]float64{{8, -3}}},
		{"MapM", MapM(func(v float64) float64 { return v * v }, [][]float64{{2}, {3}}), [][]float64{{4}, {9}}},
		{"Columns of none", Columns(), [][]float64(nil)},
	} {
		if !reflect.DeepEqual(tc.got, tc.want) {
			t.Errorf("%s = %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	// Column i of W X is W times column i of X.
	for i := range 2 {
		if a, b := Column(Mul(w, x), i), Times(w, Column(x, i)); !reflect.DeepEqual(a, b) {
			t.Errorf("column %d: Mul %v, Times %v", i, a, b)
		}
	}
	// Δ Aᵀ is the sum of the outer products of their columns.
	d := Columns([]float64{1, -2}, []float64{0.5, 3})
	sum := AddM(Outer(Column(d, 0), Column(x, 0)), Outer(Column(d, 1), Column(x, 1)))
	if got := Mul(d, Transpose(x)); !reflect.DeepEqual(got, sum) {
		t.Errorf("Δ Xᵀ = %v, the sum of outer products %v", got, sum)
	}
}

func TestBatchShapesPanicWithNames(t *testing.T) {
	for _, tc := range []struct {
		f    func()
		want string
	}{
		{func() { Columns([]float64{1, 2}, []float64{1}) }, "mat.Columns: vector 1 has 1 entries, vector 0 has 2"},
		{func() { Column(w, 3) }, "mat.Column: column 3, but row 0 of M has 3 entries"},
		{func() { Mul(w, w) }, "mat.Mul: row 0 of A has 3 entries, but B has 2 rows"},
		{func() { Mul(w, [][]float64{{1}, {1, 2}, {3}}) }, "mat.Mul: row 1 of B has 2 entries, row 0 has 1"},
		{func() { AddToColumns(w, []float64{1}) }, "mat.AddToColumns: M has 2 rows, but v has 1 entries"},
		{func() { AddM(w, [][]float64{{1}}) }, "mat.AddM: A has 2 rows, but B has 1"},
		{func() { SubM(w, [][]float64{{1}}) }, "mat.SubM: A has 2 rows, but B has 1"},
		{func() { HadamardM(w, [][]float64{{1}, {2}}) }, "mat.HadamardM: row 0 of A has 3 entries, but row 0 of B has 1"},
	} {
		got := func() (msg string) {
			defer func() { msg = fmt.Sprint(recover()) }()
			tc.f()
			return ""
		}()
		if !strings.Contains(got, tc.want) {
			t.Errorf("panic %q, want %q", got, tc.want)
		}
	}
}
