package chart

import (
	"math"
	"testing"

	"github.com/chainrule-go/backprop/mathx"
)

// testStats returns the stats of a made-up training run of five epochs.
func testStats() []mathx.EpochStats {
	var stats []mathx.EpochStats
	for e := 1; e <= 5; e++ {
		c := 0.5 / float64(e)
		stats = append(stats, mathx.EpochStats{Epoch: e, Cost: c, TrainCost: c + 0.01, Accuracy: 1 - c})
	}
	return stats
}

func TestTraining(t *testing.T) {
	stats := testStats()
	c := Training(stats)
	opt := optionOf(t, c)
	if len(opt.Series) != 3 || len(opt.YAxis) != 2 {
		t.Fatalf("%d series on %d y axes, want cost, training cost and accuracy on two axes", len(opt.Series), len(opt.YAxis))
	}
	for i, s := range stats {
		x := float64(s.Epoch)
		for si, want := range [][2]float64{{x, s.Cost}, {x, s.TrainCost}, {x, 100 * s.Accuracy}} {
			if got := opt.Series[si].Data.([][2]float64)[i]; got != want {
				t.Errorf("series %q, epoch %d: %v, want %v", opt.Series[si].Name, s.Epoch, got, want)
			}
		}
	}
	if opt.Series[2].YAxisIndex != 1 || opt.Series[0].YAxisIndex != 0 {
		t.Error("accuracy must be on the right axis, the costs on the left")
	}
	if acc := opt.YAxis[1]; acc.Min != 0 || acc.Max != 100 || acc.Position != "right" {
		t.Errorf("accuracy axis [%v, %v] at %q, want [0, 100] on the right", acc.Min, acc.Max, acc.Position)
	}
	m := jsonOf(t, c)
	if got := path(t, m, "xAxis", 0, "name"); got != "epoch" {
		t.Errorf("x axis %q", got)
	}
	if got := path(t, m, "yAxis", 1, "name"); got != "accuracy (%)" {
		t.Errorf("right axis %q", got)
	}
	if got := path(t, m, "yAxis", 0, "min"); got != 0.0 {
		t.Errorf("the cost axis starts at %v in the JSON, want 0", got)
	}
}

func TestTrainingBadInput(t *testing.T) {
	wantErr(t, Training(nil), "Training", "no epochs")
	stats := testStats()
	stats[2].Cost = math.NaN()
	wantErr(t, Training(stats), "Training", "epoch 3 has cost NaN")
	stats = testStats()
	stats[1].TrainCost = math.Inf(1)
	wantErr(t, Training(stats), "Training", "epoch 2 has training cost +Inf")
	stats = testStats()
	stats[4].Accuracy = 1.5
	wantErr(t, Training(stats), "Training", "epoch 5 has accuracy 1.5", "fraction")
	stats = testStats()
	stats[3].Epoch = 2
	wantErr(t, Training(stats), "Training", "epoch 2 comes after epoch 3")
}
