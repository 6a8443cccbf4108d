package mat

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

var w = [][]float64{{1, 2, 3}, {4, 5, 6}} // 2 × 3

func TestOperations(t *testing.T) {
	for _, tc := range []struct {
		name      string
		got, want any
	}{
		{"Add", Add([]float64{3, 5}, []float64{1, -1}), []float64{4, 4}},
		{"Sub", Sub([]float64{3, 5}, []float64{1, 1}), []float64{2, 4}},
		{"Scale", Scale(2, []float64{1, -3}), []float64{2, -6}},
		{"Hadamard", Hadamard([]float64{2, 3}, []float64{4, -1}), []float64{8, -3}},
		{"Map", Map(func(x float64) float64 { return x * x }, []float64{2, 3}), []float64{4, 9}},
		{"Times", Times(w, []float64{1, 0, -1}), []float64{-2, -2}},
		{"TransposeTimes", TransposeTimes(w, []float64{1, -1}), []float64{-3, -3, -3}},
		{"Outer", Outer([]float64{1, 2}, []float64{3, 4, 5}), [][]float64{{3, 4, 5}, {6, 8, 10}}},
		{"Transpose", Transpose(w), [][]float64{{1, 4}, {2, 5}, {3, 6}}},
	} {
		if !reflect.DeepEqual(tc.got, tc.want) {
			t.Errorf("%s = %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	// Wᵀ v is the transpose times v
	v := []float64{0.5, -2}
	if a, b := TransposeTimes(w, v), Times(Transpose(w), v); !reflect.DeepEqual(a, b) {
		t.Errorf("TransposeTimes %v, Times(Transpose) %v", a, b)
	}
}

func TestShapesPanicWithNames(t *testing.T) {
	for _, tc := range []struct {
		f    func()
		want string
	}{
		{func() { Add([]float64{1}, nil) }, "mat.Add: u has 1 entries, but v has 0"},
		{func() { Sub([]float64{1}, []float64{1, 2}) }, "mat.Sub: u has 1 entries, but v has 2"},
		{func() { Hadamard([]float64{1}, nil) }, "mat.Hadamard: u has 1 entries, but v has 0"},
		{func() { Times(w, []float64{1}) }, "mat.Times: row 0 of W has 3 entries, but v has 1"},
		{func() { TransposeTimes(w, []float64{1, 2, 3}) }, "mat.TransposeTimes: W has 2 rows, but v has 3 entries"},
		{func() { Transpose([][]float64{{1, 2}, {3}}) }, "mat.Transpose: row 1 of W has 1 entries, row 0 has 2"},
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
