package nbrun

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
)

// A promise is a number a lesson's prose states and its cells must print: the
// lesson is only right while the number is. The printed line is found by a
// regular expression whose named groups are the numbers; the promise holds
// when Left Op Right, where Right is another group of the same line or, when
// empty, the constant Bound.
//
// This table is the one place that states each bar: the lessons print the
// numbers, and no test elsewhere repeats a bar or the settings that reach it.
type promise struct {
	lesson string         // the notebook's file name
	what   string         // what the number is, for the message
	line   *regexp.Regexp // finds the printed line; its named groups are the numbers
	left   string         // the group held to the promise
	op     string         // "<", "<=", ">" or ">="
	right  string         // the group it is compared with, or "" for bound
	bound  float64        // the constant it is compared with when right is ""
	every  bool           // hold every matching line, not only the last
}

// number matches what a lesson prints as a number (NaN and ±Inf included,
// which then break any promise), and a little more, so that a malformed one is
// reported as not a number rather than as never printed.
const number = `(?:[-+0-9.eE]+|NaN|[-+]?Inf)`

// ReadingDigits is lesson 07, which trains the digit network: the lesson the classroom
// trains with, and whose promise is the test accuracy.
const ReadingDigits = "07-reading-digits.ipynb"

var promises = []promise{
	{
		lesson: ReadingDigits,
		what:   "the trained network's test accuracy",
		line:   regexp.MustCompile(`(?m)^test accuracy: (?P<acc>` + number + `)$`),
		left:   "acc", op: ">", bound: 0.95,
	},
	{
		lesson: "08-why-backprop-is-fast.ipynb",
		what:   "backprop's speed-up over finite differences",
		line:   regexp.MustCompile(`(?m)^backprop vs finite differences: (?P<N>` + number + `)x faster$`),
		left:   "N", op: ">=", bound: 1000,
	},
	{
		lesson: "09-the-four-equations.ipynb",
		what:   "the largest difference between the matrix form and mathx.Backprop",
		line:   regexp.MustCompile(`(?m)^matrix form vs mathx\.Backprop: max difference (?P<e>` + number + `)$`),
		left:   "e", op: "<=", bound: 1e-12,
	},
	{
		lesson: "10-cross-entropy.ipynb",
		what:   "the steps to (a − y)² < 0.01 (quadratic N, cross-entropy M)",
		line:   regexp.MustCompile(`(?m)^steps to \(a − y\)² < 0\.01: quadratic (?P<N>` + number + `), cross-entropy (?P<M>` + number + `)$`),
		left:   "M", op: "<", right: "N",
	},
	{
		lesson: "11-any-graph.ipynb",
		what:   "the largest difference between autodiff and mathx",
		line:   regexp.MustCompile(`(?m)^autodiff vs mathx: max difference (?P<e>` + number + `)$`),
		left:   "e", op: "<=", bound: 1e-12,
		every: true, // one line for each graph the lesson builds: the neuron, the chain, the network
	},
	{
		lesson: "12-softmax.ipynb",
		what:   "the largest difference between the softmax's Jacobian and central differences",
		line:   regexp.MustCompile(`(?m)^softmax Jacobian vs central differences: max difference (?P<e>` + number + `)$`),
		left:   "e", op: "<=", bound: 1e-8,
	},
	{
		lesson: "13-a-batch-in-matrices.ipynb",
		what:   "the largest difference between the batch matrix form and mathx.Gradient",
		line:   regexp.MustCompile(`(?m)^batch matrix form vs mathx\.Gradient: max difference (?P<e>` + number + `)$`),
		left:   "e", op: "<=", bound: 1e-12,
	},
	{
		lesson: "14-training-with-autodiff.ipynb",
		what:   "the largest difference between autodiff's and mathx's gradients over the training steps",
		line:   regexp.MustCompile(`(?m)^autodiff training vs mathx: max gradient difference (?P<e>` + number + `) over (?P<n>[0-9]+) steps$`),
		left:   "e", op: "<=", bound: 1e-12,
	},
}

// opWords says each comparison in words, for a promise against a constant.
var opWords = map[string]string{"<": "under", "<=": "at most", ">": "over", ">=": "at least"}

// holds reports whether a op b.
func holds(a float64, op string, b float64) bool {
	switch op {
	case "<":
		return a < b
	case "<=":
		return a <= b
	case ">":
		return a > b
	case ">=":
		return a >= b
	}
	return false
}

// KeepsPromise checks what a notebook printed against the promise made for
// it, if any: the last matching line's numbers must keep it, or every
// matching line's when the promise says so.
func KeepsPromise(name, printed string) error {
	for _, pr := range promises {
		if filepath.Base(name) != pr.lesson {
			continue
		}
		if err := pr.check(printed); err != nil {
			return err
		}
	}
	return nil
}

// check holds the last line of printed that pr.line matches to pr, or every
// such line when pr.every is set.
func (pr promise) check(printed string) error {
	found := pr.line.FindAllStringSubmatch(printed, -1)
	if len(found) == 0 {
		return fmt.Errorf("%s was never printed (a line matching %s); the lesson promises %s",
			pr.what, pr.line, pr.promised())
	}
	if !pr.every {
		found = found[len(found)-1:]
	}
	for _, line := range found {
		if err := pr.hold(line); err != nil {
			return err
		}
	}
	return nil
}

// hold holds the numbers of one matched line, last, to pr.
func (pr promise) hold(last []string) error {
	value := func(group string) (string, float64, error) {
		text := last[pr.line.SubexpIndex(group)]
		v, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return text, 0, fmt.Errorf("%s printed %s as %q, which is not a number", pr.what, group, text)
		}
		return text, v, nil
	}
	lt, l, err := value(pr.left)
	if err != nil {
		return err
	}
	if pr.right == "" {
		if !holds(l, pr.op, pr.bound) {
			return fmt.Errorf("%s is %s; the lesson promises %s", pr.what, lt, pr.promised())
		}
		return nil
	}
	rt, r, err := value(pr.right)
	if err != nil {
		return err
	}
	if !holds(l, pr.op, r) {
		return fmt.Errorf("%s: %s = %s and %s = %s; the lesson promises %s",
			pr.what, pr.left, lt, pr.right, rt, pr.promised())
	}
	return nil
}

// promised says what the promise is: "over 0.95", or "M < N".
func (pr promise) promised() string {
	if pr.right == "" {
		return opWords[pr.op] + " " + strconv.FormatFloat(pr.bound, 'g', -1, 64)
	}
	return pr.left + " " + pr.op + " " + pr.right
}

// PromisedLine returns the last line of printed on which lesson states the number it
// promises, or "" when there is none.
func PromisedLine(lesson, printed string) string {
	for _, pr := range promises {
		if pr.lesson != lesson {
			continue
		}
		if m := pr.line.FindAllString(printed, -1); len(m) > 0 {
			return m[len(m)-1]
		}
	}
	return ""
}
