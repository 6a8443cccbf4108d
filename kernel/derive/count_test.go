package derive

import (
	"strings"
	"testing"
)

func TestMultiplyAdds(t *testing.T) {
	sum := func(f func(l int, s []int) int) func([]int) int {
		return func(s []int) int {
			n := 0
			for l := 1; l < len(s); l++ {
				n += f(l, s)
			}
			return n
		}
	}
	right := sum(func(l int, s []int) int { return s[l-1] * s[l] })
	if r := MultiplyAdds(right); !r.Agree() || !strings.Contains(r.Markdown(), "| [784 16 16 10] | 12960 | 12960 | ✓ |") {
		t.Errorf("the right count:\n%s", r.Markdown())
	}
	for _, tc := range []struct {
		name  string
		yours func([]int) int
		want  string
	}{
		{"biases", sum(func(l int, s []int) int { return s[l-1]*s[l] + s[l] }), "yours counts the biases too"},
		{"neurons", sum(func(l int, s []int) int { return s[l] }), "yours counts neurons"},
		{"product", func(s []int) int {
			p := 1
			for _, n := range s {
				p *= n
			}
			return p
		}, "yours multiplies all the sizes together"},
		{"first layer left out", sum(func(l int, s []int) int {
			if l == 1 {
				return 0
			}
			return s[l-1] * s[l]
		}), "yours leaves out layer 1's"},
		{"zero", func([]int) int { return 0 }, "yours is 0"},
	} {
		r := MultiplyAdds(tc.yours)
		if r.Agree() || !strings.Contains(r.Markdown(), tc.want) {
			t.Errorf("%s: want %q in\n%s", tc.name, tc.want, r.Markdown())
		}
		if strings.Contains(r.Markdown(), "different ways") {
			t.Errorf("%s: one slip explains every network, but the verdict says otherwise:\n%s", tc.name, r.Markdown())
		}
	}
	testMultiplyAddsOffByOne(t, right)
	if r := MultiplyAdds(nil); r.Err() == nil {
		t.Error("nil: no error")
	}
	if r := MultiplyAdds(func(s []int) int { return s[10] }); r.Err() == nil || !strings.Contains(r.Err().Error(), "panicked") {
		t.Errorf("a panicking count: %v", r.Err())
	}
}

// testMultiplyAddsOffByOne checks the loop that stops one layer early: on
// [2 3 1] its count, 6, is also the sum of the sizes, and on [3 7] it is 0,
// but one slip explains all four networks, and every row and the verdict
// name it.
func testMultiplyAddsOffByOne(t *testing.T, right func([]int) int) {
	t.Helper()
	early := func(s []int) int {
		n := 0
		for l := 1; l < len(s)-1; l++ {
			n += s[l-1] * s[l]
		}
		return n
	}
	md := MultiplyAdds(early).Markdown()
	for _, row := range []string{
		"| [784 16 16 10] | $\\color{red}{12800}$ | 12960 | ✗ yours leaves out layer 3's 16·10 weights, the last |",
		"| [2 3 1] | $\\color{red}{6}$ | 9 | ✗ yours leaves out layer 2's 3·1 weights, the last |",
		"| [5 4 3 2] | $\\color{red}{32}$ | 38 | ✗ yours leaves out layer 3's 3·2 weights, the last |",
		"| [3 7] | $\\color{red}{0}$ | 21 | ✗ yours leaves out layer 1's 3·7 weights, the last |",
		"✗ **Not yet:** in every network yours leaves out the last layer: an off-by-one",
	} {
		if !strings.Contains(md, row) {
			t.Errorf("the loop that stops one layer early: want %q in\n%s", row, md)
		}
	}

	// Slips that explain only some networks are still named network by network.
	for _, tc := range []struct {
		name  string
		yours func([]int) int
		want  []string
	}{
		{"biases on one network", func(s []int) int {
			if len(s) == 2 {
				return right(s) + s[1]
			}
			return right(s)
		}, []string{"| [3 7] | $\\color{red}{28}$ | 21 | ✗ yours counts the biases too: adding b_j multiplies nothing |",
			"✗ **Not yet:** yours counts the biases too"}},
		{"neurons on one network", func(s []int) int {
			if len(s) == 4 && s[0] == 5 {
				return 4 + 3 + 2
			}
			return right(s)
		}, []string{"| [5 4 3 2] | $\\color{red}{9}$ | 38 | ✗ yours counts neurons; a multiply-add belongs to each weight",
			"✗ **Not yet:** yours counts neurons"}},
		{"mixed", func(s []int) int {
			if len(s) == 2 {
				return 0
			}
			return right(s) + 1
		}, []string{"| [3 7] | $\\color{red}{0}$ | 21 | ✗ yours is 0: every weight is used once |",
			"| [784 16 16 10] | $\\color{red}{12961}$ | 12960 | ✗ yours differs from Σ n(l−1)·n(l) |",
			"off in different ways"}},
	} {
		md := MultiplyAdds(tc.yours).Markdown()
		for _, w := range tc.want {
			if !strings.Contains(md, w) {
				t.Errorf("%s: want %q in\n%s", tc.name, w, md)
			}
		}
	}
}
