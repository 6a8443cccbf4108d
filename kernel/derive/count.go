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
// Σ_l n(l−1)·n(l). It checks several shapes and, where the count is off,
// names the likely slip: the biases counted too, neurons counted instead of
// weights, all the sizes multiplied together, or a layer left out.
func MultiplyAdds(yours func(sizes []int) int) Result {
	if yours == nil {
		return Result{err: fmt.Errorf("derive.MultiplyAdds: there is no count to check: your function is nil")}
	}
	var b strings.Builder
	b.WriteString("**Your count of multiply-adds in one forward pass**\n\n| layer sizes | yours | the count | |\n|:---|---:|---:|:---|\n")
	var whys []string
	for _, sizes := range countShapes {
		var got int
		if err := protect("your function", func() { got = yours(append([]int(nil), sizes...)) }); err != nil {
			return Result{err: fmt.Errorf("derive.MultiplyAdds: sizes %v: %w", sizes, err)}
		}
		want := forwardMACs(sizes)
		if got == want {
			fmt.Fprintf(&b, "| %v | %d | %d | ✓ |\n", sizes, got, want)
			continue
		}
		why := countSlip(sizes, got)
		fmt.Fprintf(&b, "| %v | $\\color{red}{%d}$ | %d | ✗ %s |\n", sizes, got, want, why)
		if !slices.Contains(whys, why) {
			whys = append(whys, why)
		}
	}
	switch len(whys) {
	case 0:
		b.WriteString("\n✓ **Your count is right for every network.**\n")
	case 1:
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

// countSlip names the likely slip behind a wrong count got for sizes.
func countSlip(sizes []int, got int) string {
	want, neurons, all, product := forwardMACs(sizes), 0, 0, 1
	for l, n := range sizes {
		all += n
		product *= n
		if l > 0 {
			neurons += n
		}
	}
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
		if got == want-sizes[l-1]*sizes[l] {
			return fmt.Sprintf("yours leaves out layer %d's %d·%d weights", l, sizes[l-1], sizes[l])
		}
	}
	return "yours differs from Σ n(l−1)·n(l)"
}
