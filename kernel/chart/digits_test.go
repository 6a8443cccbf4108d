package chart

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chainrule-go/backprop/mathx"
)

// testDigits returns a network on 4×4 images with 3 outputs and five labelled
// images, at least one of which it gets wrong and one right.
func testDigits(t *testing.T) (*mathx.Network, []mathx.Example) {
	t.Helper()
	net, err := mathx.NewNetwork([]int{16, 3}, mathx.Sigmoid, 3)
	if err != nil {
		t.Fatal(err)
	}
	var examples []mathx.Example
	for i := range 5 {
		x := make([]float64, 16)
		for p := range x {
			if (p+i)%3 == 0 {
				x[p] = float64(p) / 16
			}
		}
		for label := range 3 {
			y := make([]float64, 3)
			y[label] = 1
			examples = append(examples, mathx.Example{X: x, Y: y})
		}
	}
	return net, examples[:9]
}

func TestDigits(t *testing.T) {
	net, examples := testDigits(t)
	examples = append(examples, mathx.Example{X: examples[0].X}) // no label
	opt := optionOf(t, Digits(net, examples))
	if len(opt.Series) != len(examples) || len(opt.Grid) != len(examples) || len(opt.Title) != len(examples)+1 {
		t.Fatalf("%d series, %d grids, %d titles for %d examples", len(opt.Series), len(opt.Grid), len(opt.Title), len(examples))
	}
	right, wrong := 0, 0
	for i, ex := range examples {
		digit, confidence, err := net.Predict(ex.X)
		if err != nil {
			t.Fatal(err)
		}
		title := opt.Title[i+1]
		want := fmt.Sprintf("%d (%.0f%%)", digit, 100*confidence)
		if !strings.HasPrefix(title.Title, want) {
			t.Errorf("example %d titled %q, want %q", i, title.Title, want)
		}
		color := title.TitleStyle.Color
		switch label := oneHot(ex.Y); {
		case label < 0:
			if color != colorMuted {
				t.Errorf("unlabelled example %d coloured %s", i, color)
			}
		case label == digit:
			right++
			if color != colorRight || opt.Grid[i].BorderColor != colorRight {
				t.Errorf("right example %d coloured %s", i, color)
			}
		default:
			wrong++
			if color != colorWrong || !strings.Contains(title.Title, fmt.Sprintf("is %d", label)) {
				t.Errorf("wrong example %d: %q coloured %s", i, title.Title, color)
			}
		}
		for _, c := range cellsOf(t, opt.Series[i]) {
			if v := ex.X[int(c[1])*4+int(c[0])]; v == 0 || !near(c[2], v, 1e-3) {
				t.Errorf("example %d: pixel (%v, %v) = %v, want %v", i, c[0], c[1], c[2], v)
			}
		}
	}
	if right == 0 || wrong == 0 {
		t.Fatalf("the test data should have right (%d) and wrong (%d) predictions", right, wrong)
	}
	if sub := opt.Title[0].Subtitle; !strings.Contains(sub, fmt.Sprintf("%d of %d right", right, right+wrong)) {
		t.Errorf("subtitle %q lacks the score", sub)
	}
	if vm := opt.VisualMap[0]; vm.Min != 0 || vm.Max != 1 || len(vm.SeriesIndex) != len(examples) {
		t.Errorf("grey scale [%v, %v] over %d series", vm.Min, vm.Max, len(vm.SeriesIndex))
	}
}

func TestOneHot(t *testing.T) {
	for _, c := range []struct {
		y    []float64
		want int
	}{{[]float64{0, 1, 0}, 1}, {nil, -1}, {[]float64{0.2, 0.8}, -1}, {[]float64{1, 1}, -1}, {[]float64{0, 0}, -1}} {
		if got := oneHot(c.y); got != c.want {
			t.Errorf("oneHot(%v) = %d, want %d", c.y, got, c.want)
		}
	}
}

func TestDigitsBadInput(t *testing.T) {
	net, examples := testDigits(t)
	wantErr(t, Digits(nil, examples), "Digits", "network is nil")
	wantErr(t, Digits(net, nil), "Digits", "no examples")
	many := make([]mathx.Example, maxDigits+1)
	for i := range many {
		many[i] = examples[0]
	}
	wantErr(t, Digits(net, many), "Digits", "41 examples", "at most 40")
	bad := append([]mathx.Example(nil), examples...)
	bad[2] = mathx.Example{X: make([]float64, 15)}
	wantErr(t, Digits(net, bad), "Digits", "example 2 has 15 pixels, not a square image")
	bad[2] = mathx.Example{X: make([]float64, 25)}
	wantErr(t, Digits(net, bad), "Digits", "example 2", "x has 25 values")
}
