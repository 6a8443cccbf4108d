package chart

import (
	"math"
	"testing"
)

func TestOuterProducts(t *testing.T) {
	// Two examples: δ_1 = (1, −2), δ_2 = (3, 0); a_1 = (0.5, 1, 0), a_2 = (1, −1, 2).
	delta := [][]float64{{1, 3}, {-2, 0}}
	aPrev := [][]float64{{0.5, 1}, {1, -1}, {0, 2}}
	c := OuterProducts(delta, aPrev, 2)
	opt := optionOf(t, c)
	if len(opt.Series) != 3 || len(opt.Grid) != 3 || len(opt.XAxis) != 3 || len(opt.YAxis) != 3 {
		t.Fatalf("%d series, %d grids: want a panel for each of 2 examples and one for the average", len(opt.Series), len(opt.Grid))
	}
	cell := func(s, j, k int) float64 {
		for _, c := range cellsOf(t, opt.Series[s]) {
			if c[0] == float64(k) && c[1] == float64(j) {
				return c[2]
			}
		}
		t.Fatalf("panel %d has no cell (%d, %d)", s, j, k)
		return 0
	}
	// By hand: example 1, row 1, column 0: δ = −2 times a = 0.5 is −1; example 2, row 0, column 2: 3·2 = 6;
	// the average at row 0, column 1: (1·1 + 3·(−1))/2 = −1.
	for _, tc := range []struct {
		s, j, k int
		want    float64
	}{{0, 1, 0, -1}, {1, 0, 2, 6}, {2, 0, 1, -1}, {2, 1, 2, 0}} {
		if got := cell(tc.s, tc.j, tc.k); got != tc.want {
			t.Errorf("panel %d, row %d, column %d = %v, want %v", tc.s, tc.j, tc.k, got, tc.want)
		}
	}
	if opt.Series[2].Name != "average" || opt.Series[0].Name != "example 1" {
		t.Errorf("panel names %q … %q", opt.Series[0].Name, opt.Series[2].Name)
	}
	// One colour scale for every panel, symmetric about 0 and as large as the largest product, 6.
	vm := opt.VisualMap[0]
	if len(opt.VisualMap) != 1 || len(vm.SeriesIndex) != 3 || vm.Min != -6 || vm.Max != 6 {
		t.Errorf("colour scale %+v, want one for the 3 panels over [−6, 6]", vm)
	}
	if opt.Series[1].XAxisIndex != 1 || opt.XAxis[1].GridIndex != 1 || opt.YAxis[2].GridIndex != 2 {
		t.Error("panel 2's series, axes and grid do not match")
	}
	if _, err := c.HTML(); err != nil {
		t.Errorf("HTML: %v", err)
	}
}

func TestOuterProductsBadInput(t *testing.T) {
	wide := make([][]float64, 2)
	for r := range wide {
		wide[r] = make([]float64, 9)
	}
	wantErr(t, OuterProducts(nil, [][]float64{{1}}, 1), "OuterProducts", "Δ is empty")
	wantErr(t, OuterProducts([][]float64{{1, 2}, {3}}, [][]float64{{1, 2}}, 1), "OuterProducts", "row 1 of Δ has 1 entries, row 0 has 2")
	wantErr(t, OuterProducts([][]float64{{1, 2}}, [][]float64{{1}}, 1), "OuterProducts", "Δ has 2 columns and A has 1")
	wantErr(t, OuterProducts([][]float64{{1, math.NaN()}}, [][]float64{{1, 2}}, 1), "OuterProducts", "Δ[0][1] is NaN")
	wantErr(t, OuterProducts(wide, wide, 1), "OuterProducts", "9 examples; the panels fit at most 8")
}
