// Command page is a hand-written lesson in the shape kernel/internal/live
// generates, for page_test.go: built for js/wasm and run by page.js under Node.
package main

import (
	"fmt"
	"os"

	"github.com/chainrule-go/backprop/kernel/display"
	"github.com/chainrule-go/backprop/kernel/pagerun"
)

// Cell 1, a numbers cell: "var (\n\tw     = 0.8\n\tsteps = 3\n)\n".
var numbers1 = &pagerun.Numbers{Index: 1, Source: "var (\n\tw     = 0.8\n\tsteps = 3\n)\n", Kinds: []pagerun.Kind{pagerun.Float64, pagerun.Int}}

var (
	w     = numbers1.Float64(0)
	steps = numbers1.Int(1)
	total = w * float64(steps) // cell 3 adds 1: a fresh total each time shows the reset
)

func reset() {
	w = numbers1.Float64(0)
	steps = numbers1.Int(1)
	total = w * float64(steps)
}

// check is cell 4's rule: a weight above 1 is refused.
func check(w float64) error {
	if w > 1 {
		return fmt.Errorf("w = %g is too large: this lesson needs w ≤ 1", w)
	}
	return nil
}

func cell2() {
	fmt.Printf("w = %g\n", w)
	display.Markdown(fmt.Sprintf("$w = %g$", w))
}

func cell3() {
	total += 1
	fmt.Println("total", total)
	fmt.Fprintln(os.Stderr, "a line on stderr")
	data := make([]float64, steps)
	for i := range data {
		data[i] = w * float64(i)
	}
	c := &display.Chart{Title: "w·i", Width: 300, Height: 200, Option: map[string]any{
		"xAxis": map[string]any{"type": "category"}, "yAxis": map[string]any{"type": "value"},
		"series": []any{map[string]any{"type": "line", "data": data}},
	}}
	c.Show()
}

func cell4() { display.Stop(check(w)) }

func cell5() { fmt.Println("10 / steps =", 10/steps) }

func cell6() { fmt.Println("the end") }

func init() {
	pagerun.Register(&pagerun.Lesson{
		Name:    "demo",
		Numbers: []*pagerun.Numbers{numbers1},
		Cells:   []pagerun.Cell{{Index: 2, Body: cell2, Follows: []int{1}}, {Index: 3, Body: cell3, Follows: []int{1}}, {Index: 4, Body: cell4, Follows: []int{1}}, {Index: 5, Body: cell5, Follows: []int{1}}, {Index: 6, Body: cell6, Follows: []int{1}}},
		Reset:   reset,
	})
}

func main() { pagerun.Serve() }
