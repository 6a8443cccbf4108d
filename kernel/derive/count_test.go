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
	}
	if r := MultiplyAdds(nil); r.Err() == nil {
		t.Error("nil: no error")
	}
	if r := MultiplyAdds(func(s []int) int { return s[10] }); r.Err() == nil || !strings.Contains(r.Err().Error(), "panicked") {
		t.Errorf("a panicking count: %v", r.Err())
	}
}
