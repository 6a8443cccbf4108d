package derive

import (
	"fmt"
	"slices"
	"strings"
)

// countShapes are the networks MultiplyAdds checks a count on.
var countShapes = [][]int{{784, 16, 16, 10}, {2, 3, 1}, {5, 4, 3, 2}, {3, 7}}

// MultiplyAdds checks a learner's count of the multiply-adds in one forward
// pass of a fully connected network with the given layer sizes: each weight
// w(l)_jk is used once, in w_jk·a_k added to z_j, so the count is
// Σ_l n(l−1)·n(l). It checks several shapes. Where the count is off, it first
// looks for one slip that explains the count of every network (the biases
// counted too, neurons counted instead of weights, all the sizes multiplied
// together, the loop stopping one layer early or starting one layer late)
// and names it; only when none does, it names the likely slip network by
// network.
func MultiplyAdds(yours func(sizes []int) int) Result {
	if yours == nil {
		return Result{err: fmt.Errorf("derive.MultiplyAdds: there is no count to check: your function is nil")}
	}
	got := make([]int, len(countShapes))
	for i, sizes := range countShapes {
		if err := protect("your function", func() { got[i] = yours(append([]int(nil), sizes...)) }); err != nil {
			return Result{err: fmt.Errorf("derive.MultiplyAdds: sizes %v: %w", sizes, err)}
		}
	}
	common, found := commonSlip(got)
	var b strings.Builder
	b.WriteString("**Your count of multiply-adds in one forward pass**\n\n| layer sizes | yours | the count | |\n|:---|---:|---:|:---|\n")
	var whys []string
	for i, sizes := range countShapes {
		want := forwardMACs(sizes)
		if got[i] == want {
			fmt.Fprintf(&b, "| %v | %d | %d | ✓ |\n", sizes, got[i], want)
			continue
		}
		why := countSlip(sizes, got[i])
		if found {
			why = common.row(sizes)
		}
		fmt.Fprintf(&b, "| %v | $\\color{red}{%d}$ | %d | ✗ %s |\n", sizes, got[i], want, why)
		if !slices.Contains(whys, why) {
			whys = append(whys, why)
		}
	}
	switch {
	case len(whys) == 0:
		b.WriteString("\n✓ **Your count is right for every network.**\n")
	case found:
		fmt.Fprintf(&b, "\n✗ **Not yet:** %s.\n", common.verdict)
	case len(whys) == 1:
		fmt.Fprintf(&b, "\n✗ **Not yet:** %s.\n", whys[0])
	default:
		b.WriteString("\n✗ **Not yet:** yours is off in different ways for different networks; see the last column.\n")
	}
	return Result{md: b.String(), agree: len(whys) == 0}
}

// forwardMACs is Σ_l n(l−1)·n(l), the number of weights.
func forwardMACs(sizes []int) int {
	n := 0
	for l := 1; l < len(sizes); l++ {
		n += sizes[l-1] * sizes[l]
	}
	return n
}

// layerWeights returns n(l−1)·n(l), the weights of layer l.
func layerWeights(sizes []int, l int) int { return sizes[l-1] * sizes[l] }

// neuronCounts returns Σ_{l≥1} n(l), the neurons (and biases), and Σ_l n(l),
// every size added up, inputs included.
func neuronCounts(sizes []int) (neurons, all int) {
	for l, n := range sizes {
		all += n
		if l > 0 {
			neurons += n
		}
	}
	return neurons, all
}

// sizeProduct returns Π_l n(l), all the sizes multiplied together.
func sizeProduct(sizes []int) int {
	p := 1
	for _, n := range sizes {
		p *= n
	}
	return p
}

// A slip is one way to miscount: the count it gives, its note in a network's
// row, and the verdict when it explains the counts of all the networks.
type slip struct {
	count   func(sizes []int) int
	row     func(sizes []int) string
	verdict string
}

// said returns a row note that is the same for every network.
func said(s string) func([]int) string { return func([]int) string { return s } }

// slips are the slips MultiplyAdds looks for across all the networks, in the
// order it tries them.
var slips = []slip{
	{
		count:   func([]int) int { return 0 },
		row:     said("yours is 0"),
		verdict: "yours is 0 for every network: every weight is used once, so the count is Σ n(l−1)·n(l)",
	},
	{
		count:   func(s []int) int { n, _ := neuronCounts(s); return forwardMACs(s) + n },
		row:     said("yours counts the biases too"),
		verdict: "yours counts the biases too: adding b_j multiplies nothing",
	},
	{
		count:   func(s []int) int { n, _ := neuronCounts(s); return n },
		row:     said("yours counts the neurons"),
		verdict: "yours counts neurons; a multiply-add belongs to each weight, n(l−1)·n(l) of them in layer l",
	},
	{
		count:   func(s []int) int { _, all := neuronCounts(s); return all },
		row:     said("yours adds up the sizes"),
		verdict: "yours counts neurons, inputs included; a multiply-add belongs to each weight, n(l−1)·n(l) of them in layer l",
	},
	{
		count:   sizeProduct,
		row:     said("yours multiplies all the sizes"),
		verdict: "yours multiplies all the sizes together; add up each layer's n(l−1)·n(l) instead",
	},
	{
		count: func(s []int) int { return forwardMACs(s) - layerWeights(s, len(s)-1) },
		row: func(s []int) string {
			L := len(s) - 1
			return fmt.Sprintf("yours leaves out layer %d's %d·%d weights, the last", L, s[L-1], s[L])
		},
		verdict: "in every network yours leaves out the last layer: an off-by-one, the loop stops one layer early. " +
			"With len(sizes) sizes the layers are l = 1 … len(sizes)−1, the last one included",
	},
	{
		count: func(s []int) int { return forwardMACs(s) - layerWeights(s, 1) },
		row: func(s []int) string {
			return fmt.Sprintf("yours leaves out layer 1's %d·%d weights, the first", s[0], s[1])
		},
		verdict: "in every network yours leaves out the first layer: an off-by-one, the loop starts one layer late. " +
			"Layer 1 takes its n(0) = sizes[0] inputs and has weights too",
	},
}

// commonSlip returns the first of slips that gives every count in got, for
// the networks of countShapes, when at least one count is wrong.
func commonSlip(got []int) (slip, bool) {
	wrong := false
	for i, sizes := range countShapes {
		wrong = wrong || got[i] != forwardMACs(sizes)
	}
	if !wrong {
		return slip{}, false
	}
	for _, s := range slips {
		fits := true
		for i, sizes := range countShapes {
			fits = fits && s.count(sizes) == got[i]
		}
		if fits {
			return s, true
		}
	}
	return slip{}, false
}

// countSlip names the likely slip behind a wrong count got for one network,
// when no slip explains them all.
func countSlip(sizes []int, got int) string {
	want, product := forwardMACs(sizes), sizeProduct(sizes)
	neurons, all := neuronCounts(sizes)
	switch {
	case got == 0:
		return "yours is 0: every weight is used once"
	case got == want+neurons:
		return "yours counts the biases too: adding b_j multiplies nothing"
	case got == all || got == neurons:
		return "yours counts neurons; a multiply-add belongs to each weight, n(l−1)·n(l) of them in layer l"
	case got == product:
		return "yours multiplies all the sizes together; add up each layer's n(l−1)·n(l) instead"
	}
	for l := 1; l < len(sizes); l++ {
		if got == want-layerWeights(sizes, l) {
			return fmt.Sprintf("yours leaves out layer %d's %d·%d weights", l, sizes[l-1], sizes[l])
		}
	}
	return "yours differs from Σ n(l−1)·n(l)"
}
