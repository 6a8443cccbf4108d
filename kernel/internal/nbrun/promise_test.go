package nbrun

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chainrule-go/backprop/kernel/internal/checkout"
	"github.com/chainrule-go/backprop/kernel/internal/testkit"
)

// expectPromise checks keepsPromise's answer for a lesson's printed output:
// no error when want is "", else an error containing want.
func expectPromise(t *testing.T, lesson, name, printed, want string) {
	t.Helper()
	err := KeepsPromise(lesson, printed)
	switch {
	case want == "" && err != nil:
		t.Errorf("%s: %s: unexpected error %v", lesson, name, err)
	case want != "" && err == nil:
		t.Errorf("%s: %s: no error, want one containing %q", lesson, name, want)
	case want != "" && !strings.Contains(err.Error(), want):
		t.Errorf("%s: %s: error %q, want it to contain %q", lesson, name, err, want)
	}
}

func TestKeepsPromise(t *testing.T) {
	const lesson = "notebooks/07-reading-digits.ipynb"
	for _, tc := range []struct {
		name, printed, want string // want is part of the error, or "" for none
	}{
		{"over", "epoch 20: ...\ntest accuracy: 0.9523\n", ""},
		{"last line counts", "test accuracy: 0.9400\ntest accuracy: 0.9600\n", ""},
		{"under", "test accuracy: 0.9432\n", "the trained network's test accuracy is 0.9432; the lesson promises over 0.95"},
		{"exactly the bar", "test accuracy: 0.9500\n", "is 0.9500; the lesson promises over 0.95"},
		{"missing", "epoch 1: accuracy 0.92\n", "the trained network's test accuracy was never printed"},
		{"not a number", "test accuracy: 0.9.5\n", `printed acc as "0.9.5", which is not a number`},
		{"inside another line", "my test accuracy: 0.99 was great\ntest accuracy: 0.90\n", "is 0.90;"},
	} {
		expectPromise(t, lesson, tc.name, tc.printed, tc.want)
	}
	if err := KeepsPromise("notebooks/01-one-neuron.ipynb", ""); err != nil {
		t.Errorf("a lesson without a promise: %v", err)
	}
}

// expectCheck checks pr against printed: no error when want is "", else an
// error containing want.
func expectCheck(t *testing.T, pr promise, name, printed, want string) {
	t.Helper()
	err := pr.check(printed)
	switch {
	case want == "" && err != nil:
		t.Errorf("%s: unexpected error %v", name, err)
	case want != "" && err == nil:
		t.Errorf("%s: no error, want one containing %q", name, want)
	case want != "" && !strings.Contains(err.Error(), want):
		t.Errorf("%s: error %q, want it to contain %q", name, err, want)
	}
}

// Lesson 08 is held to a speed-up of at least 1000.
func TestPromiseLesson08(t *testing.T) {
	const lesson = "notebooks/08-why-backprop-is-fast.ipynb"
	expectPromise(t, lesson, "fast", "backprop vs finite differences: 21282x faster\n", "")
	expectPromise(t, lesson, "slow", "backprop vs finite differences: 812x faster\n",
		"backprop's speed-up over finite differences is 812; the lesson promises at least 1000")
	expectPromise(t, lesson, "missing", "backprop is fast\n", "backprop's speed-up over finite differences was never printed")
}

// Lesson 09 is held to a difference of at most 1e-12.
func TestPromiseLesson09(t *testing.T) {
	const lesson = "notebooks/09-the-four-equations.ipynb"
	expectPromise(t, lesson, "equal", "matrix form vs mathx.Backprop: max difference 0.0e+00\n", "")
	expectPromise(t, lesson, "rounding", "matrix form vs mathx.Backprop: max difference 2.8e-17\n", "")
	expectPromise(t, lesson, "off", "matrix form vs mathx.Backprop: max difference 3.1e-02\n",
		"the largest difference between the matrix form and mathx.Backprop is 3.1e-02; the lesson promises at most 1e-12")
	expectPromise(t, lesson, "a shape mismatch", "matrix form vs mathx.Backprop: max difference +Inf\n", "is +Inf; the lesson promises at most 1e-12")
}

// Lesson 10 is held to fewer steps with cross-entropy than with the quadratic cost.
func TestPromiseLesson10(t *testing.T) {
	const lesson = "notebooks/10-cross-entropy.ipynb"
	expectPromise(t, lesson, "fewer", "steps to (a − y)² < 0.01: quadratic 234, cross-entropy 50\n", "")
	expectPromise(t, lesson, "as many", "steps to (a − y)² < 0.01: quadratic 50, cross-entropy 50\n",
		"the steps to (a − y)² < 0.01 (quadratic N, cross-entropy M): M = 50 and N = 50; the lesson promises M < N")
	expectPromise(t, lesson, "not reached", "one of the runs did not reach (a − y)² < 0.01 in 1000 steps: raise maxSteps\n",
		"the steps to (a − y)² < 0.01 (quadratic N, cross-entropy M) was never printed")
}

// Lesson 11 is held to a difference of at most 1e-12.
func TestPromiseLesson11(t *testing.T) {
	const lesson = "notebooks/11-any-graph.ipynb"
	expectPromise(t, lesson, "rounding", "autodiff vs mathx: max difference 2.8e-16\n", "")
	expectPromise(t, lesson, "off", "autodiff vs mathx: max difference 1.2e-03\n",
		"the largest difference between autodiff and mathx is 1.2e-03; the lesson promises at most 1e-12")
	// One line per graph, and every one is held, not only the last.
	expectPromise(t, lesson, "three, all rounding",
		"autodiff vs mathx: max difference 0.0e+00\nchain\nautodiff vs mathx: max difference 5.6e-17\nautodiff vs mathx: max difference 1.1e-16\n", "")
	expectPromise(t, lesson, "the first of three off",
		"autodiff vs mathx: max difference 3.0e-02\nautodiff vs mathx: max difference 5.6e-17\nautodiff vs mathx: max difference 1.1e-16\n",
		"the largest difference between autodiff and mathx is 3.0e-02; the lesson promises at most 1e-12")
}

// Lesson 13 is held to a difference of at most 1e-12.
func TestPromiseLesson13(t *testing.T) {
	const lesson = "notebooks/13-a-batch-in-matrices.ipynb"
	expectPromise(t, lesson, "rounding", "batch matrix form vs mathx.Gradient: max difference 6.9e-18\n", "")
	expectPromise(t, lesson, "off", "batch matrix form vs mathx.Gradient: max difference 3.1e-02\n",
		"the largest difference between the batch matrix form and mathx.Gradient is 3.1e-02; the lesson promises at most 1e-12")
	expectPromise(t, lesson, "missing", "matrix form vs mathx.Backprop: max difference 0\n",
		"the largest difference between the batch matrix form and mathx.Gradient was never printed")
}

// Lesson 14 is held to a difference of at most 1e-12 over its training steps.
func TestPromiseLesson14(t *testing.T) {
	const lesson = "notebooks/14-training-with-autodiff.ipynb"
	expectPromise(t, lesson, "rounding", "autodiff training vs mathx: max gradient difference 8.3e-16 over 400 steps\n", "")
	expectPromise(t, lesson, "off", "autodiff training vs mathx: max gradient difference 1.2e-03 over 400 steps\n",
		"the largest difference between autodiff's and mathx's gradients over the training steps is 1.2e-03; the lesson promises at most 1e-12")
	expectPromise(t, lesson, "no step count", "autodiff training vs mathx: max gradient difference 8.3e-16\n",
		"was never printed")
}

// "At least" holds at the bar itself; "over" (lesson 07, above) does not.
func TestPromiseAtLeast(t *testing.T) {
	pr := promise{what: "the speed-up", left: "N", op: ">=", bound: 1000,
		line: regexp.MustCompile(`(?m)^speed: (?P<N>` + number + `)x faster$`)}
	expectCheck(t, pr, "well over", "speed: 5421x faster\n", "")
	expectCheck(t, pr, "the bar itself", "speed: 1000x faster\n", "")
	expectCheck(t, pr, "a fraction", "speed: 1234.5x faster\n", "")
	expectCheck(t, pr, "under", "speed: 999x faster\n", "the speed-up is 999; the lesson promises at least 1000")
	expectCheck(t, pr, "missing", "fast\n", "the speed-up was never printed (a line matching")
}

// "At most" takes numbers in e-notation, holds at the bar itself, and fails
// for NaN.
func TestPromiseAtMost(t *testing.T) {
	pr := promise{what: "the difference", left: "e", op: "<=", bound: 1e-12,
		line: regexp.MustCompile(`(?m)^max difference (?P<e>` + number + `)$`)}
	expectCheck(t, pr, "rounding", "max difference 2.2e-16\n", "")
	expectCheck(t, pr, "exactly equal", "max difference 0\n", "")
	expectCheck(t, pr, "the bar itself", "max difference 1e-12\n", "")
	expectCheck(t, pr, "over", "max difference 3.1e-09\n", "the difference is 3.1e-09; the lesson promises at most 1e-12")
	expectCheck(t, pr, "NaN", "max difference NaN\n", "the difference is NaN; the lesson promises at most 1e-12")
	expectCheck(t, pr, "Inf", "max difference +Inf\n", "the difference is +Inf; the lesson promises at most 1e-12")
}

// "Under" between two numbers of one line names both.
func TestPromiseBetweenTwoNumbers(t *testing.T) {
	pr := promise{what: "the steps", left: "M", op: "<", right: "N",
		line: regexp.MustCompile(`(?m)^steps: slow (?P<N>` + number + `), fast (?P<M>` + number + `)$`)}
	expectCheck(t, pr, "fewer", "steps: slow 312, fast 41\n", "")
	expectCheck(t, pr, "as many", "steps: slow 41, fast 41\n", "the steps: M = 41 and N = 41; the lesson promises M < N")
	expectCheck(t, pr, "more", "steps: slow 12, fast 41\n", "M = 41 and N = 12; the lesson promises M < N")
	expectCheck(t, pr, "bad second number", "steps: slow 12, fast 4.1.1\n", `printed M as "4.1.1", which is not a number`)
}

// A number past the bar on both sides: "under" and "over" are strict.
func TestPromiseStrict(t *testing.T) {
	for _, tc := range []struct {
		op   string
		v    float64
		want bool
	}{
		{"<", 1, false}, {"<", 0.5, true}, {"<=", 1, true}, {"<=", 1.5, false},
		{">", 1, false}, {">", 1.5, true}, {">=", 1, true}, {">=", 0.5, false}, {"=", 1, false},
	} {
		if got := holds(tc.v, tc.op, 1); got != tc.want {
			t.Errorf("holds(%v, %q, 1) = %v, want %v", tc.v, tc.op, got, tc.want)
		}
	}
}

// Every promise names a lesson that exists, groups its line has, and an
// operator keepsPromise knows.
func TestPromisesAreWellFormed(t *testing.T) {
	p := testkit.Checkout(t)
	for _, pr := range promises {
		if !checkout.Exists(filepath.Join(p.NotebooksDir(), pr.lesson)) {
			t.Errorf("a promise for %s, which is not a lesson in %s", pr.lesson, p.NotebooksDir())
		}
		if _, ok := opWords[pr.op]; !ok {
			t.Errorf("%s: unknown operator %q", pr.lesson, pr.op)
		}
		for _, g := range []string{pr.left, pr.right} {
			if g != "" && pr.line.SubexpIndex(g) < 0 {
				t.Errorf("%s: the line %s has no group %q", pr.lesson, pr.line, g)
			}
		}
		if !strings.HasPrefix(pr.line.String(), "(?m)^") || !strings.HasSuffix(pr.line.String(), "$") {
			t.Errorf("%s: the line %s must match a whole line: (?m)^…$", pr.lesson, pr.line)
		}
		if pr.left == "" {
			t.Errorf("%s: the promise holds no group", pr.lesson)
		}
	}
}

// A result that broke its promise is reported as a failure that says why.
func TestReportBrokenPromise(t *testing.T) {
	r := Result{Name: "notebooks/07-reading-digits.ipynb", Kind: "promise", Seconds: 20,
		Message: "the trained network's test accuracy is 0.9432; the lesson promises over 0.95"}
	got := r.report(0)
	want := "FAIL  notebooks/07-reading-digits.ipynb              20.0 s\n" +
		"      every cell ran, but the trained network's test accuracy is 0.9432; the lesson promises over 0.95\n"
	if got != want {
		t.Errorf("report:\n%s\nwant:\n%s", got, want)
	}
}

// TestPromisedLineFindsTheLessonsOwnLine: the classroom reports lesson 07's accuracy by
// the lesson's name, whatever the order of the promise table.
func TestPromisedLineFindsTheLessonsOwnLine(t *testing.T) {
	printed := "epoch 1\ntest accuracy: 0.9012\nepoch 2\ntest accuracy: 0.9612\nbackprop vs finite differences: 2000x faster\n"
	if got := PromisedLine(ReadingDigits, printed); got != "test accuracy: 0.9612" {
		t.Errorf("PromisedLine(%s) = %q", ReadingDigits, got)
	}
	if got := PromisedLine("08-why-backprop-is-fast.ipynb", printed); got != "backprop vs finite differences: 2000x faster" {
		t.Errorf("PromisedLine(08) = %q", got)
	}
	if got := PromisedLine("01-one-neuron.ipynb", printed); got != "" {
		t.Errorf("a lesson without a promise gave %q", got)
	}
}

// Lesson 12 is held to a difference of at most 1e-8: central differences
// of the softmax, not rounding alone.
func TestPromiseLesson12(t *testing.T) {
	const lesson = "notebooks/12-softmax.ipynb"
	expectPromise(t, lesson, "central differences", "softmax Jacobian vs central differences: max difference 3.4e-11\n", "")
	expectPromise(t, lesson, "off", "softmax Jacobian vs central differences: max difference 2.1e-01\n",
		"the largest difference between the softmax's Jacobian and central differences is 2.1e-01; the lesson promises at most 1e-08")
}
