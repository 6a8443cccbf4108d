package chart

import (
	"fmt"

	"github.com/chainrule-go/backprop/kernel/display"
	"github.com/chainrule-go/backprop/mathx"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Training draws how training went, one point per epoch, from the stats that
// Network.SGD passes to its progress function. On the left axis: the cost C
// measured after the epoch (on the test set, or on the training set when there
// is none) and the training cost, the average C0 of the epoch's training
// examples, each taken just before its step. On the right axis: the accuracy,
// the percentage of examples classified right.
func Training(stats []mathx.EpochStats) *display.Chart {
	const name = "Training"
	if len(stats) == 0 {
		return failed(name, "no epochs to draw: stats is empty (collect them with Network.SGD's progress function)")
	}
	cost := make([][2]float64, len(stats))
	train := make([][2]float64, len(stats))
	acc := make([][2]float64, len(stats))
	for i, s := range stats {
		if i > 0 && s.Epoch <= stats[i-1].Epoch {
			return failed(name, "epoch %d comes after epoch %d; want the epochs in increasing order", s.Epoch, stats[i-1].Epoch)
		}
		for _, v := range []struct {
			what string
			v    float64
		}{{"cost", s.Cost}, {"training cost", s.TrainCost}, {"accuracy", s.Accuracy}} {
			if !mathx.IsFinite(v.v) {
				return failed(name, "epoch %d has %s %v", s.Epoch, v.what, v.v)
			}
		}
		if s.Accuracy < 0 || s.Accuracy > 1 {
			return failed(name, "epoch %d has accuracy %v; want a fraction from 0 to 1", s.Epoch, s.Accuracy)
		}
		x := float64(s.Epoch)
		cost[i], train[i], acc[i] = [2]float64{x, s.Cost}, [2]float64{x, s.TrainCost}, [2]float64{x, 100 * s.Accuracy}
	}
	last := stats[len(stats)-1]
	sub := fmt.Sprintf("after epoch %d:  C = %s,  accuracy %s%%", last.Epoch, num(last.Cost), num(100*last.Accuracy))
	epochs := valueAxisX("epoch")
	epochs.MinInterval = 1
	costAxis := valueAxisY("cost")
	costAxis.Min = 0
	accAxis := yAxis{YAxis: opts.YAxis{Type: "value", Name: "accuracy (%)", Min: 0, Max: 100, Position: "right",
		AxisLine: &opts.AxisLine{OnZero: opts.Bool(false)}, SplitLine: &opts.SplitLine{Show: opts.Bool(false)}}}
	line := func(name string, data [][2]float64, axis int, color, dash string) series {
		return series{Type: "line", Name: name, Data: data, YAxisIndex: axis, SymbolSize: 5,
			LineStyle: &opts.LineStyle{Color: color, Width: 2, Type: dash}, ItemStyle: &opts.ItemStyle{Color: color}}
	}
	opt := &option{
		Title:   []opts.Title{title("Training: cost and accuracy per epoch", sub)},
		Tooltip: &opts.Tooltip{Trigger: "axis"},
		Legend:  &opts.Legend{Top: "56", Left: "10"},
		Grid:    []grid{{Grid: opts.Grid{Left: "56", Right: "56", Top: "100", Bottom: "44"}}},
		XAxis:   []xAxis{epochs},
		YAxis:   []yAxis{costAxis, accAxis},
		Series: []series{
			line("cost C", cost, 0, colorCurve, "solid"),
			line("training cost (mean C0 during the epoch)", train, 0, colorCurve, "dashed"),
			line("accuracy", acc, 1, "#3ba272", "solid"),
		},
	}
	return newChart("Training curves", opt)
}
