package chart

import (
	"fmt"
	"math"

	"github.com/chainrule-go/backprop/kernel/display"
	"github.com/chainrule-go/backprop/mathx"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Layout of Digits, in pixels.
const (
	maxDigits     = 40
	digitCols     = 6
	digitSize     = 80 // side of one image
	digitColWidth = 104
	digitRowH     = 112 // image, its title above and a gap
	digitTop      = 62  // room for the chart's title
)

// Digits draws handwritten digits as the network sees them, up to 40 square
// grey images (MNIST's 28 × 28), each titled with the network's prediction and
// confidence, "7 (98%)", from Network.Predict: the digit j of the largest output
// a(L)_j, and that output. When an example has a one-hot label y, the title and
// frame are green if the prediction is right and red, with the true digit, if
// it is wrong; without a label they are grey.
func Digits(net *mathx.Network, examples []mathx.Example) *display.Chart {
	const name = "Digits"
	if net == nil {
		return failed(name, "the network is nil")
	}
	if len(examples) == 0 {
		return failed(name, "no examples to draw")
	}
	if len(examples) > maxDigits {
		return failed(name, "%d examples: draw at most %d at once (pass a slice such as test[:12])", len(examples), maxDigits)
	}
	cols := min(len(examples), digitCols)
	rows := (len(examples) + cols - 1) / cols
	opt := &option{
		Title: []opts.Title{title("What the network says",
			"prediction (confidence: the largest output a(L)_j);  green: right, red: wrong")},
		Tooltip: &opts.Tooltip{Trigger: "item"},
		VisualMap: []visualMap{{Type: "continuous", Min: 0, Max: 1, Show: opts.Bool(false),
			InRange: &opts.VisualMapInRange{Color: []string{"#ffffff", "#000000"}}}},
	}
	right, labelled := 0, 0
	for i, ex := range examples {
		side := int(math.Sqrt(float64(len(ex.X))))
		if len(ex.X) == 0 || side*side != len(ex.X) {
			return failed(name, "example %d has %d pixels, not a square image", i, len(ex.X))
		}
		digit, confidence, err := net.Predict(ex.X)
		if err != nil {
			return failed(name, "example %d: %w", i, err)
		}
		label := oneHot(ex.Y)
		if label >= 0 {
			labelled++
		}
		color, text := colorMuted, fmt.Sprintf("%d (%.0f%%)", digit, 100*confidence)
		switch {
		case label == digit:
			color = colorRight
			right++
		case label >= 0:
			color, text = colorWrong, text+" · is "+fmt.Sprint(label)
		}
		left := 10 + (i%cols)*digitColWidth
		top := digitTop + (i/cols)*digitRowH + 22
		opt.Title = append(opt.Title, opts.Title{Title: text, Left: fmt.Sprint(left + digitSize/2), Top: fmt.Sprint(top - 20),
			TextAlign: "center", TitleStyle: &opts.TextStyle{FontSize: 13, Color: color}})
		opt.Grid = append(opt.Grid, grid{Grid: opts.Grid{Show: opts.Bool(true), Left: fmt.Sprint(left), Top: fmt.Sprint(top),
			Width: fmt.Sprint(digitSize), Height: fmt.Sprint(digitSize)}, BorderColor: color, BorderWidth: 2})
		opt.XAxis = append(opt.XAxis, xAxis{XAxis: opts.XAxis{Type: "category", Data: categories(side), GridIndex: i, Show: opts.Bool(false)}})
		opt.YAxis = append(opt.YAxis, yAxis{YAxis: opts.YAxis{Type: "category", Data: categories(side), GridIndex: i, Show: opts.Bool(false),
			Inverse: opts.Bool(true)}})
		opt.VisualMap[0].SeriesIndex = append(opt.VisualMap[0].SeriesIndex, i)
		opt.Series = append(opt.Series, series{Type: "heatmap", Name: escapeTemplate(tipFor(i, digit, confidence, label)),
			Data: ink(ex.X, side), XAxisIndex: i, YAxisIndex: i, Tooltip: &opts.Tooltip{Formatter: "{a}"}})
	}
	if labelled > 0 {
		opt.Title[0].Subtitle += fmt.Sprintf("  (%d of %d right)", right, labelled)
	}
	c := newChart("MNIST digits and predictions", opt)
	c.Height = digitTop + rows*digitRowH + 14
	return c
}

// oneHot returns the j with y_j = 1 and every other y_j = 0, or −1 when y is
// not such a label.
func oneHot(y []float64) int {
	label := -1
	for j, v := range y {
		switch {
		case v == 1 && label < 0:
			label = j
		case v != 0:
			return -1
		}
	}
	return label
}

// tipFor is the tooltip of one image.
func tipFor(i, digit int, confidence float64, label int) string {
	s := fmt.Sprintf("example %d: the network says %d (output %s)", i, digit, num(confidence))
	if label >= 0 {
		s += fmt.Sprintf(", the label is %d", label)
	}
	return s
}

// ink returns the heatmap cells [column, row, intensity] of the pixels of a
// side × side image that are not blank, intensities rounded to 3 decimals (a
// grey level finer than that cannot be seen, and it keeps the page small).
func ink(x []float64, side int) [][3]float64 {
	var cells [][3]float64
	for p, v := range x {
		if v != 0 {
			cells = append(cells, [3]float64{float64(p % side), float64(p / side), math.Round(v*1000) / 1000})
		}
	}
	return cells
}
