package derive

import (
	"math"
	"strings"
	"testing"
)

func TestHalfCostSlope(t *testing.T) {
	const y = 1.0
	at := []float64{0.1, 0.6, 0.9}
	for _, c := range []struct {
		name  string
		yours func(a float64) float64
		want  string
	}{
		{"a − y", func(a float64) float64 { return a - y }, "✓ **Your derivative agrees with the central difference at all 3 points.**"},
		{"2(a − y)", func(a float64) float64 { return 2 * (a - y) }, `✗ **Not yet:** at every point, yours is $2(a - y)$, the slope of $C_0$ itself`},
		{"y − a", func(a float64) float64 { return y - a }, "✗ **Not yet:** at every point, the sign is flipped"},
	} {
		md := HalfCostSlope(c.yours, y, at...).Markdown()
		if !strings.Contains(md, c.want) {
			t.Errorf("yours %s: want %q in\n%s", c.name, c.want, md)
		}
		if c.name != "a − y" && strings.Contains(md, "✓ **") {
			t.Errorf("yours %s is accepted:\n%s", c.name, md)
		}
	}
}

func TestHalfCostSlopeBadInput(t *testing.T) {
	if err := HalfCostSlope(nil, 1, 0.5).Err(); err == nil || !strings.Contains(err.Error(), "nil") {
		t.Errorf("nil function: err = %v, want one naming it", err)
	}
	if err := HalfCostSlope(func(a float64) float64 { return a }, math.NaN(), 0.5).Err(); err == nil || !strings.Contains(err.Error(), "y = NaN") {
		t.Errorf("y = NaN: err = %v, want one naming y", err)
	}
}
