package derive

import (
	"strings"
	"testing"

	"github.com/chainrule-go/backprop/mathx"
)

// ceAt lists the (z, y) where the answers carried over from the quadratic
// cost must be named for what they are. At z = 0, σ′ = 1/4 and a − y = ±1/2,
// so 2(a − y)σ′(z) = ±1/4 is half the true δ = ±1/2: without the named
// mistake it reads as "∂C0/∂a missing" (y = 0, where ∂C0/∂a = 2 and σ′ = 1/4
// multiply to 1/2) or "a factor of 2 missing" (y = 1). The others are the
// saturated z = 4 and z = −3, and soft targets.
var ceAt = []struct{ z, y float64 }{
	{0, 0}, {0, 1}, {4, 0}, {4, 1}, {-3, 0}, {-3, 1}, {2, 0.3}, {-1, 0.9},
}

func TestCrossEntropyDeltaNamesTheQuadraticDelta(t *testing.T) {
	quadratic := func(z, y float64) float64 { return 2 * (mathx.Sigma(z) - y) * mathx.SigmaPrime(z) }
	half := func(z, y float64) float64 { return (mathx.Sigma(z) - y) * mathx.SigmaPrime(z) }
	for _, p := range ceAt {
		for _, c := range []struct {
			name  string
			yours func(z, y float64) float64
			want  string
		}{
			{"2(a − y)σ′(z)", quadratic, `✗ **Not yet:** yours is the quadratic cost's $\delta = 2(a - y)\,\sigma'(z)$`},
			{"(a − y)σ′(z)", half, `✗ **Not yet:** yours is $(a - y)\,\sigma'(z)$, the $\delta$ of the book's quadratic cost`},
		} {
			md := CrossEntropyDelta(c.yours, p.y, p.z).Markdown()
			if !strings.Contains(md, c.want) {
				t.Errorf("z = %g, y = %g, yours %s: want %q in\n%s", p.z, p.y, c.name, c.want, md)
			}
		}
	}
}

// At z = 0, y = 0 the true δ = a − y = 0.5 and the quadratic δ = 2·0.5·0.25 =
// 0.25, half of it; the mistake is named, not the factor of 2. Over all four
// of the lesson's points the verdict is one mistake at every point.
func TestCrossEntropyDeltaLessonPoints(t *testing.T) {
	quadratic := func(z, y float64) float64 { return 2 * (mathx.Sigma(z) - y) * mathx.SigmaPrime(z) }
	for _, y := range []float64{0, 1} {
		md := CrossEntropyDelta(quadratic, y, -3, 0, 2, 4).Markdown()
		wantInOrder(t, md, `| $0$ | $\color{red}{`, `✗ yours is the quadratic cost's`,
			`✗ **Not yet:** at every point, yours is the quadratic cost's`)
		if strings.Contains(md, "factor of 2") || strings.Contains(md, "is missing") {
			t.Errorf("y = %g: the quadratic δ is also diagnosed as something else:\n%s", y, md)
		}
	}
}

func TestCrossEntropyDeltaOtherAnswers(t *testing.T) {
	right := func(z, y float64) float64 { return mathx.Sigma(z) - y }
	product := func(z, y float64) float64 {
		a := mathx.Sigma(z)
		return (a - y) / (a * (1 - a)) * mathx.SigmaPrime(z)
	}
	for _, y := range []float64{0, 1, 0.3} {
		for name, f := range map[string]func(z, y float64) float64{"a − y": right, "∂C0/∂a · σ′(z)": product} {
			if r := CrossEntropyDelta(f, y, -3, 0, 2, 4); !r.Agree() {
				t.Errorf("y = %g: the right δ %s disagrees: %v\n%s", y, name, r.Err(), r.Markdown())
			}
		}
	}
	noSlope := func(z, y float64) float64 { a := mathx.Sigma(z); return (a - y) / (a * (1 - a)) }
	wantInOrder(t, CrossEntropyDelta(noSlope, 0, 0, 2).Markdown(),
		`✗ **Not yet:** at every point, the factor $\sigma'(z)$ is missing`)
	flipped := func(z, y float64) float64 { return y - mathx.Sigma(z) }
	wantInOrder(t, CrossEntropyDelta(flipped, 1, 0, 2).Markdown(), `✗ **Not yet:** at every point, the sign is flipped`)
}

func TestCrossEntropyDeltaBadInput(t *testing.T) {
	right := func(z, y float64) float64 { return mathx.Sigma(z) - y }
	for _, c := range []struct {
		yours func(z, y float64) float64
		y     float64
		want  string
	}{
		{nil, 0, "your function is nil"},
		{right, 2, "the target y = 2 is not between 0 and 1"},
		{right, -0.5, "not between 0 and 1"},
	} {
		r := CrossEntropyDelta(c.yours, c.y, 0)
		if r.Err() == nil || !strings.Contains(r.Err().Error(), c.want) {
			t.Errorf("y = %g: err %v, want one containing %q", c.y, r.Err(), c.want)
		}
	}
	if r := CrossEntropyDelta(right, 0); r.Err() == nil {
		t.Errorf("no points: no error")
	}
}
