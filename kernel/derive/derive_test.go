package derive

import (
	"errors"
	"io"
	"math"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/chainrule-go/backprop/mathx"
)

func TestNum(t *testing.T) {
	for _, c := range []struct {
		v    float64
		sig  int
		want string
	}{
		{0.35, 3, "0.35"},
		{-0.68, 3, "-0.68"},
		{-0.049984, 3, "-0.05"},       // rounds to -0.0500, trailing zeros dropped
		{0.24118784, 3, "0.241"},      // σ′(0.38)
		{-0.0685670085, 3, "-0.0686"}, // 0.35 × 0.241 × (−0.812)
		{2, 3, "2"},
		{0, 3, "0"},
		{math.Copysign(0, -1), 3, "0"},
		{1234.5, 3, "1230"},
		{99999.6, 3, "10^{5}"}, // rounds up to 1.00e5
		{123456, 3, "1.23 \\times 10^{5}"},
		{0.0001, 3, "0.0001"},
		{0.000099996, 3, "0.0001"}, // rounds up into the plain range
		{1.5e-11, 2, "1.5 \\times 10^{-11}"},
		{-2.5e-7, 3, "-2.5 \\times 10^{-7}"},
		{1e-5, 3, "10^{-5}"},
		{-1e-6, 3, "-10^{-6}"},
		{0.123456, 0, "0.1"}, // sig < 1 counts as 1
		{math.NaN(), 3, `\text{NaN}`},
		{math.Inf(1), 3, `\infty`},
		{math.Inf(-1), 3, `-\infty`},
	} {
		if got := Num(c.v, c.sig); got != c.want {
			t.Errorf("Num(%v, %d) = %q, want %q", c.v, c.sig, got, c.want)
		}
	}
}

func TestOperand(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{
		{0.21, "0.21"},
		{-0.68, "(-0.68)"},
		{-3e-6, "(-3 \\times 10^{-6})"},
		{math.Inf(-1), `(-\infty)`},
	} {
		if got := Operand(c.v, 3); got != c.want {
			t.Errorf("Operand(%v, 3) = %q, want %q", c.v, got, c.want)
		}
	}
	// The brief's example: 0.35 × 0.21 × (−0.68).
	if got, want := product(0.35, 0.21, -0.68), `0.35 \times 0.21 \times (-0.68)`; got != want {
		t.Errorf("product = %q, want %q", got, want)
	}
}

func TestHTMLNum(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{
		{0.5, "0.5000"}, // trailing zeros kept in tables
		{-0.0375, "−0.03750"},
		{1, "1.000"},
		{0, "0"},
		{-1.5e-7, "−1.500×10<sup>−7</sup>"},
		{math.NaN(), "NaN"},
	} {
		if got := htmlNum(c.v, 4); got != c.want {
			t.Errorf("htmlNum(%v, 4) = %q, want %q", c.v, got, c.want)
		}
	}
}

// wantInOrder fails unless each of wants occurs in got, each after the one before.
func wantInOrder(t *testing.T, got string, wants ...string) {
	t.Helper()
	rest := got
	for _, w := range wants {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Fatalf("missing (or out of order):\n%s\n--- in:\n%s", w, got)
		}
		rest = rest[i+len(w):]
	}
}

func mustMarkdown(t *testing.T, d Derivation) string {
	t.Helper()
	if d.Err() != nil {
		t.Fatalf("unexpected error: %v", d.Err())
	}
	return d.Markdown()
}

// The hand-worked neuron: w = 2, b = −1, a(L−1) = 0.5, y = 1.
//
//	z = 2·0.5 − 1 = 0,  a = σ(0) = 0.5,  σ′(0) = 0.25,  C0 = (0.5 − 1)² = 0.25
//	∂C0/∂a(L)   = 2(0.5 − 1)      = −1
//	∂C0/∂w(L)   = 0.5 · 0.25 · (−1) = −0.125
//	∂C0/∂b(L)   =   1 · 0.25 · (−1) = −0.25
//	∂C0/∂a(L−1) =   2 · 0.25 · (−1) = −0.5
func TestNeuronHandWorked(t *testing.T) {
	md := mustMarkdown(t, Neuron(mathx.Neuron(2, -1, 0.5, 1)))
	wantInOrder(t, md,
		`**How $C_0$ changes with $w^{(L)}$, $b^{(L)}$ and $a^{(L-1)}$**`,
		`Forward: $z^{(L)} = w^{(L)} a^{(L-1)} + b^{(L)} = 2 \times 0.5 + (-1) = 0$, then $a^{(L)} = \sigma(z^{(L)}) = \sigma(0) = 0.5$ and $C_0 = (a^{(L)} - y)^2 = (0.5 - 1)^2 = 0.25$.`,
		`- $\partial C_0 / \partial a^{(L)} = 2(a^{(L)} - y) = 2(0.5 - 1) = -1$`,
		`- $\partial a^{(L)} / \partial z^{(L)} = \sigma'(z^{(L)}) = \sigma'(0) = 0.25$`,
		`- $\partial z^{(L)} / \partial w^{(L)} = a^{(L-1)} = 0.5$`,
		`- $\partial z^{(L)} / \partial b^{(L)} = 1$`,
		`- $\partial z^{(L)} / \partial a^{(L-1)} = w^{(L)} = 2$`,
		`$$\frac{\partial C_0}{\partial w^{(L)}} = \frac{\partial z^{(L)}}{\partial w^{(L)}} \cdot \frac{\partial a^{(L)}}{\partial z^{(L)}} \cdot \frac{\partial C_0}{\partial a^{(L)}} = a^{(L-1)} \cdot \sigma'(z^{(L)}) \cdot 2(a^{(L)} - y) = 0.5 \times 0.25 \times (-1) = -0.125$$`,
		`✓ agrees with the central difference $\bigl(C_0(w^{(L)} + h) - C_0(w^{(L)} - h)\bigr) / 2h = -0.125$ ($h = 2 \times 10^{-5}$; relative error $\lt 10^{`,
		`$$\frac{\partial C_0}{\partial b^{(L)}} = \frac{\partial z^{(L)}}{\partial b^{(L)}} \cdot \frac{\partial a^{(L)}}{\partial z^{(L)}} \cdot \frac{\partial C_0}{\partial a^{(L)}} = 1 \cdot \sigma'(z^{(L)}) \cdot 2(a^{(L)} - y) = 1 \times 0.25 \times (-1) = -0.25$$`,
		`✓ agrees with the central difference $\bigl(C_0(b^{(L)} + h) - C_0(b^{(L)} - h)\bigr) / 2h = -0.25$ ($h = 10^{-5}$;`,
		`$$\frac{\partial C_0}{\partial a^{(L-1)}} = \frac{\partial z^{(L)}}{\partial a^{(L-1)}} \cdot \frac{\partial a^{(L)}}{\partial z^{(L)}} \cdot \frac{\partial C_0}{\partial a^{(L)}} = w^{(L)} \cdot \sigma'(z^{(L)}) \cdot 2(a^{(L)} - y) = 2 \times 0.25 \times (-1) = -0.5$$`,
		`✓ agrees with the central difference $\bigl(C_0(a^{(L-1)} + h) - C_0(a^{(L-1)} - h)\bigr) / 2h = -0.5$`,
	)
	if strings.Contains(md, "✗") {
		t.Errorf("a correct derivation is marked ✗:\n%s", md)
	}
}

// The seed-like numbers w = 0.8, b = 0.1, a(L−1) = 0.35, y = 1:
//
//	z = 0.8·0.35 + 0.1 = 0.38,  a = σ(0.38) = 0.59387,  σ′(0.38) = 0.59387·0.40613 = 0.24119
//	2(a − y) = 2(0.59387 − 1) = −0.81225
//	∂C0/∂w(L) = 0.35 · 0.24119 · (−0.81225) = −0.068567
func TestNeuronSeedNumbers(t *testing.T) {
	md := mustMarkdown(t, Neuron(mathx.Neuron(0.8, 0.1, 0.35, 1), mathx.NeuronWeight))
	wantInOrder(t, md,
		`**How $C_0$ changes with $w^{(L)}$**`,
		`= 0.8 \times 0.35 + 0.1 = 0.38$`,
		`\sigma(0.38) = 0.594$`,
		`= 2(0.594 - 1) = -0.812$`,
		`= \sigma'(0.38) = 0.241$`,
		`= 0.35 \times 0.241 \times (-0.812) = -0.0686$$`,
		`✓ agrees with the central difference`, `= -0.0686$ ($h = 10^{-5}$; relative error $\lt 10^{`,
	)
	for _, no := range []string{`b^{(L)} + h`, `a^{(L-1)} + h`, `\partial z^{(L)} / \partial b^{(L)}`} {
		if strings.Contains(md, no) {
			t.Errorf("asked for w(L) only, got %q:\n%s", no, md)
		}
	}
}

func TestFDLineAgree(t *testing.T) {
	got := fdLine(-0.125, -0.12500000000123, 1e-5, 0.25, `w^{(L)}`)
	want := `✓ agrees with the central difference $\bigl(C_0(w^{(L)} + h) - C_0(w^{(L)} - h)\bigr) / 2h = -0.125$ ($h = 10^{-5}$; relative error $\lt 10^{-11}$)`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	// Both 0 up to the central difference's rounding: no relative error of 1.
	got = fdLine(0, 3e-13, 1e-5, 0.25, `w^{(1)}`)
	if !strings.Contains(got, "✓") || !strings.Contains(got, `both are $0$ to within $10^{-12}$`) {
		t.Errorf("near-zero agreement: %s", got)
	}
	// A dead ReLU: both exactly 0.
	if got = fdLine(0, 0, 1e-5, 0.09, `w^{(2)}`); !strings.Contains(got, "= 0$ ($h = 10^{-5}$; both are exactly $0$)") {
		t.Errorf("exact zeros: %s", got)
	}
}

func TestFDLineDisagree(t *testing.T) {
	// −0.125 against −0.0812: a difference of −0.125 + 0.0812 = −0.0438.
	got := fdLine(-0.125, -0.0812, 1e-5, 0.25, `w^{(L)}`)
	want := `✗ $\color{red}{\text{disagrees}}$ with the central difference $\bigl(C_0(w^{(L)} + h) - C_0(w^{(L)} - h)\bigr) / 2h = \color{red}{-0.0812}$: the chain rule gives $\color{red}{-0.125}$, a difference of $\color{red}{-0.0438}$`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// f(x) = x³ has f′(2) = 12.
func cube(x float64) float64 { return x * x * x }

func TestCompareAgrees(t *testing.T) {
	r := Compare(`\frac{d}{dx} x^3`, func(x float64) float64 { return 3 * x * x }, cube, 1, 2)
	if r.Err() != nil || !r.Agree() {
		t.Fatalf("err %v, agree %v", r.Err(), r.Agree())
	}
	wantInOrder(t, r.Markdown(),
		`**Your $\frac{d}{dx} x^3$ against the central difference**`,
		"| $x$ | yours | central difference | |\n|---:|---:|---:|:---|\n",
		`| $1$ | $3$ | $3$ | ✓ agree (relative error $\lt 10^{`,
		`| $2$ | $12$ | $12$ | ✓ agree (relative error $\lt 10^{`,
		`✓ **Your derivative agrees with the central difference at all 2 points.**`)
}

func TestCompareDiagnoses(t *testing.T) {
	for _, c := range []struct {
		name  string
		yours func(float64) float64
		cells []string
	}{
		{"sign", func(x float64) float64 { return -3 * x * x },
			[]string{`| $2$ | $\color{red}{-12}$ | $12$ | ✗ the sign is flipped: yours is the negative of the slope (difference $-24$) |`}},
		{"twice", func(x float64) float64 { return 6 * x * x },
			[]string{`✗ yours is twice the slope: there is a factor of 2 too many (difference $12$)`}},
		{"half", func(x float64) float64 { return 1.5 * x * x },
			[]string{`✗ yours is half the slope: a factor of 2 is missing (difference $-6$)`}},
		{"sign and twice", func(x float64) float64 { return -6 * x * x },
			[]string{`✗ the sign is flipped, and yours is twice the slope`}},
		{"sign and half", func(x float64) float64 { return -1.5 * x * x },
			[]string{`✗ the sign is flipped, and yours is half the slope`}},
		{"zero", func(float64) float64 { return 0 },
			[]string{`| $2$ | $\color{red}{0}$ | $12$ | ✗ yours is 0, but the slope is not (difference $-12$) |`}},
		{"NaN", func(x float64) float64 { return math.Log(-x) },
			[]string{`| $2$ | $\color{red}{\text{NaN}}$ | $12$ | ✗ yours is not a finite number here |`}},
		// 3x at 2 is 6 — also half of 12 — so try x = 3: 9 against 27, a third.
		{"other", func(x float64) float64 { return 3 * x },
			[]string{`| $3$ | $\color{red}{9}$ | $27$ | ✗ yours differs from the central difference by more than its error (difference $-18$) |`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			at := 2.0
			if c.name == "other" {
				at = 3
			}
			r := Compare(`f'(x)`, c.yours, cube, at)
			if r.Err() != nil || r.Agree() {
				t.Fatalf("err %v, agree %v", r.Err(), r.Agree())
			}
			wantInOrder(t, r.Markdown(), c.cells...)
			wantInOrder(t, r.Markdown(), "✗ **Not yet:** ")
		})
	}
}

func TestCompareSlopeZero(t *testing.T) {
	// x³ at 0 has slope 0; 1 + 3x² does not.
	r := Compare("", func(x float64) float64 { return 1 + 3*x*x }, cube, 0)
	wantInOrder(t, r.Markdown(), `**Your $f'(x)$ against`, `✗ the slope here is 0, but yours is not`)
}

func TestCompareSummaries(t *testing.T) {
	// 3x agrees with (x³)′ = 3x² at x = 1 only.
	r := Compare("f'", func(x float64) float64 { return 3 * x }, cube, 1, 3)
	wantInOrder(t, r.Markdown(), `| $1$ | $3$ | $3$ | ✓ agree`, `| $3$ | $\color{red}{9}$`,
		"✗ **Not yet:** at 1 of the 2 points, yours differs from the central difference by more than its error.")
	// −3x² everywhere.
	r = Compare("f'", func(x float64) float64 { return -3 * x * x }, cube, 1, 2)
	wantInOrder(t, r.Markdown(), "✗ **Not yet:** at every point, the sign is flipped: yours is the negative of the slope.")
	// Flipped at 1, doubled at 2.
	r = Compare("f'", func(x float64) float64 {
		if x < 1.5 {
			return -3 * x * x
		}
		return 6 * x * x
	}, cube, 1, 2)
	wantInOrder(t, r.Markdown(), "✗ **Not yet:** yours is off in different ways at different points; see the last column.")
	// One point, right.
	r = Compare("f'", func(x float64) float64 { return 3 * x * x }, cube, 2)
	wantInOrder(t, r.Markdown(), "✓ **Your derivative agrees with the central difference.**")
}

// The seed-like neuron w = 0.8, b = 0.1, a(L−1) = 0.35, y = 1, whose factors
// a(L−1) = 0.35, σ′(z) = 0.241 and 2(a − y) = −0.812 make
// ∂C0/∂w(L) = −0.0686; no factor is ±1, ±2 or ±½, so each mistake has one
// diagnosis.
func TestCompareNeuron(t *testing.T) {
	s := mathx.Neuron(0.8, 0.1, 0.35, 1)
	// yours(f) is the learner's ∂C0/∂w(L) made of the factors that f keeps.
	yours := func(f func(n mathx.NeuronStep) float64) func(float64) float64 {
		return func(w float64) float64 { return f(mathx.Neuron(w, 0.1, 0.35, 1)) }
	}
	for _, c := range []struct {
		name string
		f    func(n mathx.NeuronStep) float64
		want string
	}{
		// 0.35 · (−0.812) = −0.284 instead of −0.0686: a difference of −0.216.
		{"no σ′", func(n mathx.NeuronStep) float64 { return n.APrev * n.DC_da },
			`| $0.8$ | $\color{red}{-0.284289}$ | $-0.068567$ | ✗ the factor $\sigma'(z^{(L)})$ is missing: yours is the product of the others (difference $-0.216$) |`},
		// 0.241 · (−0.812): the bias's derivative, not the weight's.
		{"no a(L−1)", func(n mathx.NeuronStep) float64 { return n.Da_dz * n.DC_da },
			`✗ the factor $a^{(L-1)}$ is missing`},
		{"no 2(a − y)", func(n mathx.NeuronStep) float64 { return n.APrev * n.Da_dz },
			`✗ the factor $2(a^{(L)} - y)$ is missing`},
		{"only σ′", func(n mathx.NeuronStep) float64 { return n.Da_dz },
			`✗ the factors $a^{(L-1)}$ and $2(a^{(L)} - y)$ are missing`},
		// a(L−1) σ′ (a − y): the 2 from differentiating the square forgotten.
		{"no 2", func(n mathx.NeuronStep) float64 { return n.APrev * n.Da_dz * (n.A - n.Y) },
			`✗ yours is half the slope: a factor of 2 is missing`},
		// a(L−1) σ′ 2(y − a).
		{"y − a", func(n mathx.NeuronStep) float64 { return -n.APrev * n.Da_dz * n.DC_da },
			`✗ the sign is flipped: yours is the negative of the slope`},
		// σ′ computed as σ(z)(1 + σ(z)): no simple relation.
		{"wrong σ′", func(n mathx.NeuronStep) float64 { return n.APrev * n.A * (1 + n.A) * n.DC_da },
			`✗ yours differs from the central difference by more than its error`},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := CompareNeuron(s, mathx.NeuronWeight, yours(c.f))
			if r.Err() != nil || r.Agree() {
				t.Fatalf("err %v, agree %v", r.Err(), r.Agree())
			}
			wantInOrder(t, r.Markdown(), `**Your $\partial C_0 / \partial w^{(L)}$ against the central difference**`,
				`| $w^{(L)}$ | yours |`, c.want)
		})
	}
	dC_db := func(b float64) float64 { n := mathx.Neuron(0.8, b, 0.35, 1); return n.Da_dz * n.DC_da }
	r := CompareNeuron(s, mathx.NeuronBias, dC_db, -1, 0, 1.5)
	if r.Err() != nil || !r.Agree() {
		t.Fatalf("right ∂C0/∂b(L): err %v, agree %v\n%s", r.Err(), r.Agree(), r.Markdown())
	}
	wantInOrder(t, r.Markdown(), `| $b^{(L)}$ |`, "| $-1$ |", "| $0$ |", "| $1.5$ |", "at all 3 points")
	dC_daPrev := func(a float64) float64 { n := mathx.Neuron(0.8, 0.1, a, 1); return n.W * n.Da_dz * n.DC_da }
	if r := CompareNeuron(s, mathx.NeuronAPrev, dC_daPrev); !r.Agree() {
		t.Errorf("right ∂C0/∂a(L−1): %v\n%s", r.Err(), r.Markdown())
	}
}

// When a factor is −1, leaving it out is a sign flip, and that is what the
// learner is told: at w = 2, b = −1, a(L−1) = 0.5, y = 1, 2(a − y) = −1.
func TestCompareNeuronFactorMinusOne(t *testing.T) {
	s := mathx.Neuron(2, -1, 0.5, 1)
	noCost := func(w float64) float64 { n := mathx.Neuron(w, -1, 0.5, 1); return n.APrev * n.Da_dz }
	wantInOrder(t, CompareNeuron(s, mathx.NeuronWeight, noCost).Markdown(), "✗ the sign is flipped")
}

func TestCheckFactors(t *testing.T) {
	// (x² + 1)³ has derivative 3(x² + 1)² · 2x; at x = 1: 3·4·2 = 24.
	c := Check{
		Name: `\frac{d}{dx}(x^2 + 1)^3`,
		F:    func(x float64) float64 { return math.Pow(x*x+1, 3) },
		Factors: []Factor{
			{Name: `3(x^2 + 1)^2`, At: func(x float64) float64 { return 3 * (x*x + 1) * (x*x + 1) }},
			{Name: `2x`, At: func(x float64) float64 { return 2 * x }},
		},
		Yours: func(x float64) float64 { return 3 * (x*x + 1) * (x*x + 1) },
	}
	wantInOrder(t, c.At(1).Markdown(), `✗ the factor $2x$ is missing: yours is the product of the others`)
	c.Yours = func(x float64) float64 { return 6 * x * (x*x + 1) * (x*x + 1) }
	if r := c.At(1, 2); !r.Agree() {
		t.Errorf("the chain rule done right disagrees: %v\n%s", r.Err(), r.Markdown())
	}
}

// A chain of two neurons, w = (2, 2), b = (−1, −1), a(0) = 0.5, y = 1:
//
//	z(1) = 2·0.5 − 1 = 0, a(1) = 0.5;  z(2) = 2·0.5 − 1 = 0, a(2) = 0.5;  C0 = 0.25
//	∂C0/∂a(2) = 2(0.5 − 1) = −1
//	layer 2: ∂C0/∂w(2) = 0.5·0.25·(−1) = −0.125, ∂C0/∂b(2) = −0.25, ∂C0/∂a(1) = 2·0.25·(−1) = −0.5
//	layer 1: ∂C0/∂w(1) = 0.5·0.25·(−0.5) = −0.0625, ∂C0/∂b(1) = −0.125, ∂C0/∂a(0) = 2·0.25·(−0.5) = −0.25
func TestChainHandWorked(t *testing.T) {
	c := mathx.Chain{W: []float64{2, 2}, B: []float64{-1, -1}, Act: mathx.Sigmoid}
	md := mustMarkdown(t, Chain(c, 0.5, 1))
	wantInOrder(t, md,
		`**The chain rule carried back through a chain of $L = 2$ neurons**`,
		`Forward, from $a^{(0)} = 0.5$:`,
		`- $z^{(1)} = w^{(1)} a^{(0)} + b^{(1)} = 2 \times 0.5 + (-1) = 0$, $a^{(1)} = \sigma(z^{(1)}) = 0.5$`,
		`- $z^{(2)} = w^{(2)} a^{(1)} + b^{(2)} = 2 \times 0.5 + (-1) = 0$, $a^{(2)} = \sigma(z^{(2)}) = 0.5$`,
		`- $C_0 = (a^{(2)} - y)^2 = (0.5 - 1)^2 = 0.25$`,
		`$$\frac{\partial C_0}{\partial a^{(2)}} = 2(a^{(2)} - y) = 2(0.5 - 1) = -1$$`,
		`**Layer 2**, with $\partial C_0 / \partial a^{(2)} = -1$ and $\sigma'(z^{(2)}) = \sigma'(0) = 0.25$:`,
		`$$\frac{\partial C_0}{\partial w^{(2)}} = a^{(1)} \cdot \sigma'(z^{(2)}) \cdot \frac{\partial C_0}{\partial a^{(2)}} = 0.5 \times 0.25 \times (-1) = -0.125$$`,
		`✓ agrees with the central difference $\bigl(C_0(w^{(2)} + h) - C_0(w^{(2)} - h)\bigr) / 2h = -0.125$`,
		`$$\frac{\partial C_0}{\partial b^{(2)}} = 1 \cdot \sigma'(z^{(2)}) \cdot \frac{\partial C_0}{\partial a^{(2)}} = 1 \times 0.25 \times (-1) = -0.25$$`,
		`✓ agrees`,
		`$$\frac{\partial C_0}{\partial a^{(1)}} = w^{(2)} \cdot \sigma'(z^{(2)}) \cdot \frac{\partial C_0}{\partial a^{(2)}} = 2 \times 0.25 \times (-1) = -0.5$$`,
		`✓ agrees`,
		`The last one is handed on to layer 1.`,
		`**Layer 1**, with $\partial C_0 / \partial a^{(1)} = -0.5$ from layer 2 and $\sigma'(z^{(1)}) = \sigma'(0) = 0.25$:`,
		`$$\frac{\partial C_0}{\partial w^{(1)}} = a^{(0)} \cdot \sigma'(z^{(1)}) \cdot \frac{\partial C_0}{\partial a^{(1)}} = 0.5 \times 0.25 \times (-0.5) = -0.0625$$`,
		`✓ agrees`,
		`$$\frac{\partial C_0}{\partial b^{(1)}} = 1 \cdot \sigma'(z^{(1)}) \cdot \frac{\partial C_0}{\partial a^{(1)}} = 1 \times 0.25 \times (-0.5) = -0.125$$`,
		`✓ agrees`,
		`$$\frac{\partial C_0}{\partial a^{(0)}} = w^{(1)} \cdot \sigma'(z^{(1)}) \cdot \frac{\partial C_0}{\partial a^{(1)}} = 2 \times 0.25 \times (-0.5) = -0.25$$`,
		`✓ agrees with the central difference $\bigl(C_0(a^{(0)} + h) - C_0(a^{(0)} - h)\bigr) / 2h = -0.25$`,
		`The last one is how the cost changes with the input itself.`,
	)
	if n := strings.Count(md, "✓ agrees"); n != 6 || strings.Contains(md, "✗") {
		t.Errorf("%d ✓ marks (want 6), ✗ present: %v", n, strings.Contains(md, "✗"))
	}
}

func TestChainOtherActivations(t *testing.T) {
	for _, c := range []struct {
		act    mathx.Activation
		f, fp  string
		layers int
	}{
		{mathx.Tanh, `\tanh(z^{(1)})`, `\tanh'(z^{(3)})`, 3},
		{mathx.ReLU, `\operatorname{relu}(z^{(1)})`, `\operatorname{relu}'(z^{(3)})`, 3},
		{mathx.Identity, `\operatorname{id}(z^{(1)})`, `\operatorname{id}'(z^{(3)})`, 3},
	} {
		c3 := mathx.Chain{W: []float64{0.7, -1.2, 0.9}, B: []float64{0.1, 0.4, -0.2}, Act: c.act}
		md := mustMarkdown(t, Chain(c3, 0.8, 0.3))
		wantInOrder(t, md, c.f, c.fp)
		if strings.Contains(md, "✗") || strings.Count(md, "✓") != 3*c.layers {
			t.Errorf("%s: the central differences do not all agree:\n%s", c.act.Name, md)
		}
	}
}

// handNetwork is a 2-2-2 sigmoid network whose every z is 0 on x = (1, 0.5):
//
//	layer 1: w = [[1, −2], [0.5, −1]], b = 0:  z = (1 − 1, 0.5 − 0.5) = (0, 0), a = (0.5, 0.5)
//	layer 2: w = [[0.4, −0.4], [1, −1]], b = 0: z = (0.2 − 0.2, 0.5 − 0.5) = (0, 0), a = (0.5, 0.5)
//
// With y = (1, 0): C0 = 0.25 + 0.25 = 0.5 and, σ′(0) being 0.25 everywhere,
//
//	∂C0/∂a(2) = (2(0.5 − 1), 2(0.5 − 0)) = (−1, 1),   δ(2) = (−0.25, 0.25)
//	∂C0/∂a(1)_k = Σ_j w_jk δ_j: k = 0: 0.4·(−0.25) + 1·0.25 = 0.15;  k = 1: −0.4·(−0.25) − 1·0.25 = −0.15
//	δ(1) = (0.0375, −0.0375)
//	∂C0/∂x_k: k = 0: 1·0.0375 + 0.5·(−0.0375) = 0.01875;  k = 1: −2·0.0375 − 1·(−0.0375) = −0.0375
func handNetwork(t *testing.T) (*mathx.Network, mathx.Example) {
	t.Helper()
	l1, err := mathx.NewLayerFrom([][]float64{{1, -2}, {0.5, -1}}, []float64{0, 0}, mathx.Sigmoid)
	if err != nil {
		t.Fatal(err)
	}
	l2, err := mathx.NewLayerFrom([][]float64{{0.4, -0.4}, {1, -1}}, []float64{0, 0}, mathx.Sigmoid)
	if err != nil {
		t.Fatal(err)
	}
	n, err := mathx.NewNetworkFrom(l1, l2)
	if err != nil {
		t.Fatal(err)
	}
	return n, mathx.Example{X: []float64{1, 0.5}, Y: []float64{1, 0}}
}

func TestPartialHandWorked(t *testing.T) {
	n, ex := handNetwork(t)
	// ∂C0/∂w(2)_0,1 = a(1)_1 σ′(z(2)_0) ∂C0/∂a(2)_0 = 0.5 · 0.25 · (−1) = −0.125
	wantInOrder(t, mustMarkdown(t, Partial(n, ex, mathx.WeightParam(2, 0, 1))),
		`**How $C_0$ changes with the weight $w_{jk}^{(L)}$**`,
		`$$\frac{\partial C_0}{\partial w_{jk}^{(L)}} = \frac{\partial z_j^{(L)}}{\partial w_{jk}^{(L)}} \cdot \frac{\partial a_j^{(L)}}{\partial z_j^{(L)}} \cdot \frac{\partial C_0}{\partial a_j^{(L)}} = a_k^{(L-1)} \, \sigma'(z_j^{(L)}) \, \frac{\partial C_0}{\partial a_j^{(L)}}$$`,
		`Here $L = 2$, $j = 0$ and $k = 1$:`,
		`- $a_{1}^{(1)} = 0.5$`,
		`- $\sigma'(z_{0}^{(2)}) = \sigma'(0) = 0.25$, at $a_{0}^{(2)} = \sigma(z_{0}^{(2)}) = 0.5$`,
		`- $\partial C_0 / \partial a_{0}^{(2)} = 2(a_{0}^{(2)} - y_{0}) = 2(0.5 - 1) = -1$`,
		`$$\frac{\partial C_0}{\partial w_{0,1}^{(2)}} = a_{1}^{(1)} \, \sigma'(z_{0}^{(2)}) \, \frac{\partial C_0}{\partial a_{0}^{(2)}} = 0.5 \times 0.25 \times (-1) = -0.125$$`,
		`✓ agrees with the central difference $\bigl(C_0(w_{0,1}^{(2)} + h) - C_0(w_{0,1}^{(2)} - h)\bigr) / 2h = -0.125$`,
	)
	// ∂C0/∂b(2)_1 = 1 · σ′(z(2)_1) · ∂C0/∂a(2)_1 = 1 · 0.25 · 1 = 0.25
	wantInOrder(t, mustMarkdown(t, Partial(n, ex, mathx.BiasParam(2, 1))),
		`**How $C_0$ changes with the bias $b_j^{(L)}$**`,
		`= 1 \, \sigma'(z_j^{(L)}) \, \frac{\partial C_0}{\partial a_j^{(L)}}$$`,
		`Here $L = 2$ and $j = 1$:`,
		`- $\partial C_0 / \partial a_{1}^{(2)} = 2(a_{1}^{(2)} - y_{1}) = 2(0.5 - 0) = 1$`,
		`$$\frac{\partial C_0}{\partial b_{1}^{(2)}} = 1 \, \sigma'(z_{1}^{(2)}) \, \frac{\partial C_0}{\partial a_{1}^{(2)}} = 1 \times 0.25 \times 1 = 0.25$$`,
		`✓ agrees`,
	)
	// A hidden layer: ∂C0/∂w(1)_0,0 = x_0 σ′(z(1)_0) ∂C0/∂a(1)_0 = 1 · 0.25 · 0.15 = 0.0375
	wantInOrder(t, mustMarkdown(t, Partial(n, ex, mathx.WeightParam(1, 0, 0))),
		`**How $C_0$ changes with the weight $w_{jk}^{(l)}$**`,
		`= a_k^{(l-1)} \, \sigma'(z_j^{(l)}) \, \frac{\partial C_0}{\partial a_j^{(l)}}$$`,
		`Here $l = 1$ (of $L = 2$), $j = 0$ and $k = 0$:`,
		`- $a_{0}^{(0)} = 1$`,
		`- $\partial C_0 / \partial a_{0}^{(1)} = 0.15$, carried back from layer 2 as a sum over its paths`,
		`= 1 \times 0.25 \times 0.15 = 0.0375$$`,
		`✓ agrees`,
	)
}

func TestPathsHandWorked(t *testing.T) {
	n, ex := handNetwork(t)
	// ∂C0/∂a(1)_1 = w_01 σ′ ∂C0/∂a_0 + w_11 σ′ ∂C0/∂a_1 = (−0.4)(0.25)(−1) + (−1)(0.25)(1) = 0.1 − 0.25 = −0.15
	md := mustMarkdown(t, Paths(n, ex, 2, 1))
	wantInOrder(t, md,
		`**How $C_0$ changes with $a_k^{(L-1)}$: a sum over paths**`,
		`$$\frac{\partial C_0}{\partial a_k^{(L-1)}} = \sum_{j} \frac{\partial z_j^{(L)}}{\partial a_k^{(L-1)}} \cdot \frac{\partial a_j^{(L)}}{\partial z_j^{(L)}} \cdot \frac{\partial C_0}{\partial a_j^{(L)}} = \sum_{j} w_{jk}^{(L)} \, \sigma'(z_j^{(L)}) \, \frac{\partial C_0}{\partial a_j^{(L)}}$$`,
		`Here $L = 2$ and $k = 1$; layer 2 has 2 neurons, so 2 paths:`,
		"| $j$ | $w_{j,1}^{(2)}$ | $\\sigma'(z_j^{(2)})$ | $\\partial C_0 / \\partial a_j^{(2)}$ | path term |\n|---:|---:|---:|---:|---:|\n",
		"| 0 | $-0.4$ | $0.25$ | $-1$ | $0.1$ |\n",
		"| 1 | $-1$ | $0.25$ | $1$ | $-0.25$ |\n",
		`$$\frac{\partial C_0}{\partial a_{1}^{(1)}} = 0.1 + (-0.25) = -0.15$$`,
		`✓ agrees with the central difference $\bigl(C_0(a_{1}^{(1)} + h) - C_0(a_{1}^{(1)} - h)\bigr) / 2h = -0.15$`,
	)
	// Into the input: ∂C0/∂x_1 = (−2)(0.25)(0.15) + (−1)(0.25)(−0.15) = −0.075 + 0.0375 = −0.0375
	wantInOrder(t, mustMarkdown(t, Paths(n, ex, 1, 1)),
		`a sum over paths`, `Here $l = 1$ (of $L = 2$) and $k = 1$`,
		`$$\frac{\partial C_0}{\partial a_{1}^{(0)}} = (-0.075) + 0.0375 = -0.0375$$`, `✓ agrees`)
}

// The sum over paths is mathx's ∂C0/∂a_k, for every k of every layer of a
// random network.
func TestPathsSumIsMathxGradient(t *testing.T) {
	n, err := mathx.NewNetwork([]int{3, 5, 4}, mathx.Sigmoid, 7)
	if err != nil {
		t.Fatal(err)
	}
	ex := mathx.Example{X: []float64{0.2, -0.7, 1.1}, Y: []float64{0, 1, 0, 0}}
	st, err := n.Steps(ex.X, ex.Y)
	if err != nil {
		t.Fatal(err)
	}
	for l := 1; l <= len(st); l++ {
		for k, want := range st[l-1].DC_daPrev {
			if _, sum := pathTerms(st[l-1], k); mathx.RelErr(sum, want) > 1e-12 {
				t.Errorf("layer %d, k = %d: Σ_j path terms = %v, mathx's ∂C0/∂a_k = %v", l, k, sum, want)
			}
			md := mustMarkdown(t, Paths(n, ex, l, k))
			wantInOrder(t, md, " = "+Num(want, Digits)+"$$", "✓ agrees")
		}
	}
}

func TestPathsLongLayer(t *testing.T) {
	n, err := mathx.NewNetwork([]int{3, 30, 2}, mathx.Sigmoid, 3)
	if err != nil {
		t.Fatal(err)
	}
	ex := mathx.Example{X: []float64{0.5, 0.1, 0.9}, Y: []float64{1, 0}}
	md := mustMarkdown(t, Paths(n, ex, 1, 2))
	wantInOrder(t, md, "layer 1 has 30 neurons, so 30 paths", "| 9 |", "| … | | | | 18 more paths |", "| 28 |", "| 29 |", `+ \cdots + `, "✓ agrees")
	if strings.Contains(md, "| 10 |") || strings.Contains(md, "| 27 |") {
		t.Errorf("rows 10 to 27 should be left out:\n%s", md)
	}
	// The written sum: 4 terms, \cdots, 2 terms.
	sum := regexp.MustCompile(`(?m)^\$\$\\frac\{\\partial C_0\}\{\\partial a_\{2\}\^\{\(0\)\}\} = (.*) = [^=]*\$\$$`).FindStringSubmatch(md)
	if sum == nil || strings.Count(sum[1], " + ") != 6 {
		t.Errorf("want 4 terms + \\cdots + 2 terms, got %q", sum)
	}
}

// styleRe strips inline styles so that the tests read the table's content.
var styleRe = regexp.MustCompile(` style="[^"]*"`)

func TestLayersHandWorked(t *testing.T) {
	n, ex := handNetwork(t)
	tab := Layers(n, ex)
	if tab.Err() != nil {
		t.Fatal(tab.Err())
	}
	if !strings.HasPrefix(tab.HTML(), `<div class="chainrule-layers"`) {
		t.Errorf("the box lacks its class: %.60s", tab.HTML())
	}
	h := styleRe.ReplaceAllString(tab.HTML(), "")
	wantInOrder(t, h,
		`<caption>layer 0: 2 inputs <i>x</i></caption>`,
		`<th><i>k</i></th><th><i>a</i><sub>k</sub> = <i>x</i><sub>k</sub></th><th>∂<i>C</i><sub>0</sub>/∂<i>a</i><sub>k</sub></th>`,
		`<tr><td>0</td><td>1.000</td><td>0.01875</td></tr>`,
		`<tr><td>1</td><td>0.5000</td><td>−0.03750</td></tr>`,
		`<caption>layer 1: 2 sigmoid neurons</caption>`,
		`<th><i>j</i></th><th><i>z</i><sub>j</sub></th><th><i>a</i><sub>j</sub></th><th>∂<i>C</i><sub>0</sub>/∂<i>a</i><sub>j</sub></th><th><i>δ</i><sub>j</sub> = ∂<i>C</i><sub>0</sub>/∂<i>z</i><sub>j</sub></th>`,
		`<tr><td>0</td><td>0</td><td>0.5000</td><td>0.1500</td><td>0.03750</td></tr>`,
		`<tr><td>1</td><td>0</td><td>0.5000</td><td>−0.1500</td><td>−0.03750</td></tr>`,
		`<caption>layer 2 = <i>L</i>: 2 sigmoid neurons, <i>C</i><sub>0</sub> = 0.5000</caption>`,
		`<th><i>a</i><sub>j</sub></th><th><i>y</i><sub>j</sub></th>`,
		`<tr><td>0</td><td>0</td><td>0.5000</td><td>1.000</td><td>−1.000</td><td>−0.2500</td></tr>`,
		`<tr><td>1</td><td>0</td><td>0.5000</td><td>0</td><td>1.000</td><td>0.2500</td></tr>`,
		`</div>`,
	)
	if strings.Contains(h, "$") {
		t.Error("the HTML has a $, which the page's math typesetting would take for a formula")
	}
}

func TestLayersTruncates784(t *testing.T) {
	n, err := mathx.NewNetwork([]int{784, 10, 10}, mathx.Sigmoid, 1)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float64, 784)
	x[783] = 0.75
	y := make([]float64, 10)
	y[3] = 1
	h := styleRe.ReplaceAllString(Layers(n, mathx.Example{X: x, Y: y}).HTML(), "")
	tables := strings.Split(h, "<table>")[1:]
	if len(tables) != 3 {
		t.Fatalf("%d tables, want 3", len(tables))
	}
	// Input: 10 rows, the "…" row, rows 782 and 783.
	wantInOrder(t, tables[0], "<caption>layer 0: 784 inputs <i>x</i></caption>", "<tr><td>9</td>",
		`<tr><td colspan="3">… 772 more …</td></tr>`, "<tr><td>782</td><td>0</td>", "<tr><td>783</td><td>0.7500</td>")
	if got := strings.Count(tables[0], "<tr>"); got != 1+13 {
		t.Errorf("input table has %d rows, want a header and 13", got)
	}
	// 10-neuron layers are shown whole.
	for i, tab := range tables[1:] {
		if got := strings.Count(tab, "<tr>"); got != 1+10 || strings.Contains(tab, "more") {
			t.Errorf("layer %d table has %d rows, want a header and 10, no …", i+1, got)
		}
	}
}

// Every bad input gives an error that names the problem, and no panic.
func TestBadInput(t *testing.T) {
	n, ex := handNetwork(t)
	good := mathx.Neuron(2, -1, 0.5, 1)
	stale := good
	stale.W = 3
	trace, err := mathx.Chain{W: []float64{1, 1}, B: []float64{0, 0}, Act: mathx.Sigmoid}.Backprop(0.5, 1)
	if err != nil {
		t.Fatal(err)
	}
	relu, err := mathx.NeuronWith(mathx.ReLU, 2, -0.5, 0.5, 1)
	if err != nil {
		t.Fatal(err)
	}
	right := func(x float64) float64 { return 3 * x * x }
	var nilNet *mathx.Network
	three, err := mathx.NewLayerFrom([][]float64{{1, 2, 3}}, []float64{0}, mathx.Sigmoid)
	if err != nil {
		t.Fatal(err)
	}
	misfit := &mathx.Network{Layers: []*mathx.Layer{n.Layers[0], three}} // 2 neurons feed a layer of 3 inputs
	for _, c := range []struct {
		name string
		err  error
		want string
		is   error
	}{
		{"Neuron NaN", Neuron(mathx.Neuron(math.NaN(), -1, 0.5, 1)).Err(), "derive.Neuron: mathx: not a finite number: w(L) = NaN", mathx.ErrNotFinite},
		{"Neuron Inf y", Neuron(mathx.Neuron(2, -1, 0.5, math.Inf(1))).Err(), "derive.Neuron: mathx: not a finite number: y = +Inf", mathx.ErrNotFinite},
		{"Neuron stale", Neuron(stale).Err(), "the step's z(L) = 0, but w(L)·a(L−1) + b(L) = 3·0.5 + -1 = 0.5: a field was changed", nil},
		{"Neuron hidden", Neuron(trace.Layer(1)).Err(), "is not 2(a(L) − y)", nil},
		{"Neuron relu", Neuron(relu).Err(), "not a sigmoid neuron as mathx.Neuron makes it", nil},
		{"Neuron literal", Neuron(mathx.NeuronStep{W: 1, APrev: 1}).Err(), "the step's z(L) = 0, but", nil},
		{"Neuron input", Neuron(good, mathx.NeuronInput(5)).Err(), "derive.Neuron: mathx: bad configuration: NeuronInput(5) is not an input of the neuron", mathx.ErrConfig},
		{"CompareNeuron input", CompareNeuron(good, -1, right).Err(), "derive.CompareNeuron: mathx: bad configuration: NeuronInput(-1) is not an input", mathx.ErrConfig},
		{"CompareNeuron stale", CompareNeuron(stale, mathx.NeuronWeight, right).Err(), "derive.CompareNeuron: mathx: bad configuration: the step's z(L)", nil},
		{"CompareNeuron nil", CompareNeuron(good, mathx.NeuronWeight, nil).Err(), "derive.CompareNeuron: there is no derivative to check: your function is nil", nil},
		{"CompareNeuron NaN at", CompareNeuron(good, mathx.NeuronBias, right, math.NaN()).Err(), "derive.CompareNeuron: point 0: x = NaN", mathx.ErrNotFinite},
		{"Compare nil yours", Compare("f'", nil, cube, 1).Err(), "derive.Compare: there is no derivative to check: your function is nil", nil},
		{"Compare nil f", Compare("f'", right, nil, 1).Err(), "derive.Compare: there is no function to differentiate: f is nil", nil},
		{"Compare no points", Compare("f'", right, cube).Err(), "derive.Compare: no points to check at: give at least one x", nil},
		{"Compare Inf point", Compare("f'", right, cube, 1, math.Inf(-1)).Err(), "derive.Compare: point 1: x = -Inf", mathx.ErrNotFinite},
		{"Compare f NaN", Compare("f'", right, math.Log, -1).Err(), "derive.Compare: at x = -1: f is not finite there: f(x) = NaN", mathx.ErrNotFinite},
		{"Compare dollar", Compare("$f'$", right, cube, 1).Err(), `derive.Compare: the name "$f'$" or variable "" contains a $`, nil},
		{"Compare panic", Compare("f'", func(x float64) float64 { return []float64{}[int(x)] }, cube, 1).Err(),
			"derive.Compare: at x = 1: your function panicked: runtime error: index out of range", nil},
		{"Compare f panic", Compare("f'", right, func(float64) float64 { panic("boom") }, 1).Err(), "derive.Compare: at x = 1: f panicked: boom", nil},
		{"Check bad factors", Check{Yours: right, F: cube, Factors: []Factor{{Name: "3x", At: func(x float64) float64 { return 3 * x }}}}.At(2).Err(),
			"derive.Check.At: at x = 2: the factors multiply to 6, but the central difference of f is 12", nil},
		{"Check nil factor", Check{Yours: right, F: cube, Factors: []Factor{{Name: "3x^2"}}}.At(2).Err(), "derive.Check.At: factor 0 (3x^2) has no At function", nil},
		{"Check many factors", Check{Yours: right, F: cube, Factors: make([]Factor, 9)}.At(2).Err(), "derive.Check.At: 9 factors given; at most 8", nil},
		{"Chain shapes", Chain(mathx.Chain{W: []float64{1, 2}, B: []float64{0}, Act: mathx.Sigmoid}, 0.5, 1).Err(),
			"derive.Chain: mathx: shape mismatch: Chain has 2 weights and 1 biases", mathx.ErrShape},
		{"Chain empty", Chain(mathx.Chain{Act: mathx.Sigmoid}, 0.5, 1).Err(), "Chain has 0 weights and 0 biases", mathx.ErrShape},
		{"Chain NaN a0", Chain(mathx.Chain{W: []float64{1}, B: []float64{0}, Act: mathx.Sigmoid}, math.NaN(), 1).Err(), "derive.Chain: mathx: not a finite number: a0 = NaN", mathx.ErrNotFinite},
		{"Chain NaN weight", Chain(mathx.Chain{W: []float64{1, math.Inf(1)}, B: []float64{0, 0}, Act: mathx.Sigmoid}, 0.5, 1).Err(), "Chain.W[1] = +Inf", mathx.ErrNotFinite},
		{"Chain no activation", Chain(mathx.Chain{W: []float64{1}, B: []float64{0}}, 0.5, 1).Err(), "needs both F and Prime", mathx.ErrConfig},
		{"Partial nil", Partial(nilNet, ex, mathx.WeightParam(1, 0, 0)).Err(), "derive.Partial: the network is nil", mathx.ErrConfig},
		{"Partial x size", Partial(n, mathx.Example{X: []float64{1}, Y: ex.Y}, mathx.WeightParam(1, 0, 0)).Err(), "derive.Partial: mathx: shape mismatch: x has 1 values, the network [2 2 2] takes 2 inputs", mathx.ErrShape},
		{"Partial y NaN", Partial(n, mathx.Example{X: ex.X, Y: []float64{math.NaN(), 0}}, mathx.WeightParam(1, 0, 0)).Err(), "y[0] = NaN", mathx.ErrNotFinite},
		{"Partial layer", Partial(n, ex, mathx.WeightParam(3, 0, 0)).Err(), "derive.Partial: mathx: shape mismatch: w(3)_0,0: layer 3 does not exist; layers run from 1 to 2", mathx.ErrShape},
		{"Partial j", Partial(n, ex, mathx.BiasParam(2, 2)).Err(), "b(2)_2: layer 2 has neurons j = 0..1", mathx.ErrShape},
		{"Partial k", Partial(n, ex, mathx.WeightParam(1, 0, -1)).Err(), "w(1)_0,-1: layer 1 takes inputs k = 0..1", mathx.ErrShape},
		{"Paths nil", Paths(nilNet, ex, 1, 0).Err(), "derive.Paths: the network is nil", mathx.ErrConfig},
		{"Paths layer 0", Paths(n, ex, 0, 0).Err(), "derive.Paths: layer l = 0 does not exist; the network [2 2 2] has layers 1 to 2", mathx.ErrShape},
		{"Paths layer 3", Paths(n, ex, 3, 0).Err(), "layer l = 3 does not exist", mathx.ErrShape},
		{"Paths k", Paths(n, ex, 2, 2).Err(), "derive.Paths: neuron k = 2 does not exist in layer 1, which has neurons k = 0 to 1", mathx.ErrShape},
		{"Paths y size", Paths(n, mathx.Example{X: ex.X, Y: []float64{1}}, 2, 0).Err(), "y has 1 values, the network [2 2 2] has 2 outputs", mathx.ErrShape},
		{"Layers nil", Layers(nilNet, ex).Err(), "derive.Layers: the network is nil", mathx.ErrConfig},
		{"Layers empty", Layers(&mathx.Network{}, ex).Err(), "derive.Layers: mathx: bad configuration: network has no layers", mathx.ErrConfig},
		{"Layers misfit", Layers(misfit, mathx.Example{X: ex.X, Y: []float64{1}}).Err(), "derive.Layers: mathx: shape mismatch: layer 2 takes 3 inputs but layer 1 has 2 neurons", mathx.ErrShape},
		{"Paths misfit", Paths(misfit, mathx.Example{X: ex.X, Y: []float64{1}}, 2, 0).Err(), "layer 2 takes 3 inputs but layer 1 has 2 neurons", mathx.ErrShape},
		{"Layers x Inf", Layers(n, mathx.Example{X: []float64{0, math.Inf(1)}, Y: ex.Y}).Err(), "x[1] = +Inf", mathx.ErrNotFinite},
	} {
		if c.err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		if !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("%s: error\n  %v\nwant it to contain\n  %s", c.name, c.err, c.want)
		}
		if c.is != nil && !errors.Is(c.err, c.is) {
			t.Errorf("%s: error %v does not wrap %v", c.name, c.err, c.is)
		}
	}
}

// The values made from bad input render nothing and show the error.
func TestShowError(t *testing.T) {
	d := Neuron(mathx.Neuron(math.NaN(), 0, 0, 0))
	r := Compare("f'", nil, cube, 1)
	tab := Layers(nil, mathx.Example{})
	if d.Markdown() != "" || r.Markdown() != "" || tab.HTML() != "" || r.Agree() {
		t.Error("a value made from bad input has text, or agrees")
	}
	out := captureStdout(t, func() { d.Show(); r.Show(); tab.Show() })
	wantInOrder(t, out, "error: derive.Neuron: mathx: not a finite number: w(L) = NaN", "error: derive.Compare: there is no derivative", "error: derive.Layers: the network is nil")
}

// captureStdout returns what f prints: outside a notebook, display prints
// each output's text.
func captureStdout(t *testing.T, f func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w
	defer func() { os.Stdout = stdout }()
	done := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		done <- string(b)
	}()
	f()
	w.Close()
	return <-done
}
