package derive

import (
	"strings"
	"testing"
)

func TestGrowth(t *testing.T) {
	for _, tc := range []struct {
		name  string
		w, b  float64
		agree bool
		want  string
	}{
		// a = 0.5 is a fixed point of z = 5a − 2.5: every step multiplies by 5/4
		{"w = 5, b = −2.5", 5, -2.5, true, `by a factor of $1.25$ per step`},
		{"large w, z far from 0", 8, 0, false, "the weight would allow it ($|w|/4 = 2$), but the weighted inputs stray from $0$"},
		{"small w", 3, -1.5, false, `$|w|/4 = 0.75 \le 1$, so no step can grow`},
		{"negative large w", -6, 3, true, "✓ **It grows:**"},
	} {
		r := Growth(tc.w, tc.b, 10, 0.5, 1)
		if r.Err() != nil {
			t.Fatalf("%s: %v", tc.name, r.Err())
		}
		if r.Agree() != tc.agree || !strings.Contains(r.Markdown(), tc.want) {
			t.Errorf("%s: agree %v, want %v, and %q in\n%s", tc.name, r.Agree(), tc.agree, tc.want, r.Markdown())
		}
	}
	if r := Growth(5, -2.5, 0, 0.5, 1); r.Err() == nil || !strings.Contains(r.Err().Error(), "n = 0 layers") {
		t.Errorf("n = 0: error %v", r.Err())
	}
}
