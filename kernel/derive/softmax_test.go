package derive

import (
	"strings"
	"testing"
)

func kron(j, k int) float64 {
	if j == k {
		return 1
	}
	return 0
}

func TestSoftmaxJacobian(t *testing.T) {
	right := func(a []float64, j, k int) float64 { return a[j] * (kron(j, k) - a[k]) }
	if r := SoftmaxJacobian(right); !r.Agree() || !strings.Contains(r.Markdown(), "agrees with the central differences at all 25 entries") {
		t.Errorf("the right Jacobian disagrees: %v\n%s", r.Err(), r.Markdown())
	}
	if r := SoftmaxJacobian(right, []float64{0, 0}); !r.Agree() || !strings.Contains(r.Markdown(), "all 4 entries") {
		t.Errorf("at z = (0, 0): %v\n%s", r.Err(), r.Markdown())
	}
	for _, tc := range []struct {
		name  string
		yours func(a []float64, j, k int) float64
		want  string
	}{
		{"no δ_jk", func(a []float64, j, k int) float64 { return -a[j] * a[k] }, "(7 of 25 entries): on the diagonal yours is $-a_j a_k$: the $\\delta_{jk}$ term is missing"},
		{"element-wise", func(a []float64, j, k int) float64 { return kron(j, k) * a[j] * (1 - a[j]) }, "(18 of 25 entries): off the diagonal yours is 0"},
		{"δ_jk = 1", func(a []float64, j, k int) float64 { return a[j] * (1 - a[k]) }, "off the diagonal yours is $a_j(1 - a_k)$: $\\delta_{jk}$ is 1 only where $j = k$"},
		{"diagonal everywhere", func(a []float64, j, k int) float64 { return a[j] * (1 - a[j]) }, "the diagonal's value"},
		{"sign", func(a []float64, j, k int) float64 { return a[j] * (a[k] - kron(j, k)) }, "(25 of 25 entries): the sign is flipped everywhere"},
		{"no a_j", func(a []float64, j, k int) float64 { return kron(j, k) - a[k] }, "in 2 ways"},
		{"zero", func(a []float64, j, k int) float64 { return 0 }, "yours is 0 everywhere"},
		{"other", func(a []float64, j, k int) float64 { return 1 }, "yours differs from $a_j(1 - a_j)$"},
	} {
		r := SoftmaxJacobian(tc.yours)
		if r.Agree() || !strings.Contains(r.Markdown(), tc.want) {
			t.Errorf("%s: want %q in\n%s", tc.name, tc.want, r.Markdown())
		}
	}
	r := SoftmaxJacobian(func(a []float64, j, k int) float64 { return kron(j, k) - a[k] })
	for _, want := range []string{"the factor $a_j$ is missing", "yours is $-a_k$"} {
		if !strings.Contains(r.Markdown(), want) {
			t.Errorf("no a_j: want %q in\n%s", want, r.Markdown())
		}
	}
	if r := SoftmaxJacobian(nil); r.Err() == nil || !strings.Contains(r.Err().Error(), "your function is nil") {
		t.Errorf("nil: error %v", r.Err())
	}
	if r := SoftmaxJacobian(right, []float64{}); r.Err() == nil || !strings.Contains(r.Err().Error(), "z is empty") {
		t.Errorf("empty z: error %v", r.Err())
	}
	panics := func(a []float64, j, k int) float64 { return a[j+5] }
	if r := SoftmaxJacobian(panics); r.Err() == nil || !strings.Contains(r.Err().Error(), "your function panicked") {
		t.Errorf("panic: error %v", r.Err())
	}
}
