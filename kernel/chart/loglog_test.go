package chart

import (
	"math"
	"testing"
)

func TestLogLog(t *testing.T) {
	p := []float64{100, 1000, 10000}
	c := LogLog("Cost of a gradient", "parameters P", "seconds",
		XY{"backprop", p, []float64{1e-6, 1e-5, 1e-4}},
		XY{"finite differences", p, []float64{1e-5, 1e-3, 1e-1}})
	opt := optionOf(t, c)
	if opt.XAxis[0].Type != "log" || opt.YAxis[0].Type != "log" {
		t.Errorf("axes %q and %q, want log and log", opt.XAxis[0].Type, opt.YAxis[0].Type)
	}
	if len(opt.Series) != 2 || opt.Series[1].Name != "finite differences" {
		t.Fatalf("series %+v", opt.Series)
	}
	pts := opt.Series[1].Data.([][2]float64)
	if pts[2] != [2]float64{10000, 0.1} {
		t.Errorf("last point %v, want (10000, 0.1)", pts[2])
	}
	if opt.Series[0].LineStyle.Color == opt.Series[1].LineStyle.Color {
		t.Error("both series have the same colour")
	}
}

func TestLogLogBadInput(t *testing.T) {
	wantErr(t, LogLog("t", "x", "y"), "LogLog", "no series")
	wantErr(t, LogLog("t", "x", "y", XY{"a", []float64{1, 2}, []float64{1}}), "LogLog", `series "a" has 2 x and 1 y values`)
	wantErr(t, LogLog("t", "x", "y", XY{"a", []float64{1, 0}, []float64{1, 1}}), "LogLog", "point 1: (0, 1); the axes need finite values above 0")
	wantErr(t, LogLog("t", "x", "y", XY{"a", []float64{1}, []float64{math.NaN()}}), "LogLog", "finite values above 0")
	wantErr(t, Curves("t", "x", "y", XY{"a", []float64{1}, []float64{math.Inf(1)}}), "Curves", "the axes need finite values")
}

// Curves takes zero and negative values, on ordinary axes.
func TestCurves(t *testing.T) {
	opt := optionOf(t, Curves("Cost per step", "step", "C", XY{"q", []float64{0, 1, 2}, []float64{0.9, 0.5, -0.1}}))
	if opt.XAxis[0].Type != "value" || opt.YAxis[0].Type != "value" {
		t.Errorf("axes %q and %q, want value and value", opt.XAxis[0].Type, opt.YAxis[0].Type)
	}
	if pts := opt.Series[0].Data.([][2]float64); pts[0] != [2]float64{0, 0.9} || pts[2] != [2]float64{2, -0.1} {
		t.Errorf("points %v", pts)
	}
}
