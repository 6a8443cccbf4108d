package main

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
)

// A promise is a number a lesson's prose states and its cells must print: the
// lesson is only right while the number is.
type promise struct {
	lesson string         // the notebook's file name
	what   string         // what the number is, for the message
	line   *regexp.Regexp // finds the printed line; its group is the number
	min    float64        // the number must exceed this
}

var promises = []promise{
	{
		lesson: "07-reading-digits.ipynb",
		what:   "the trained network's test accuracy",
		line:   regexp.MustCompile(`(?m)^test accuracy: ([0-9.]+)$`),
		min:    0.95,
	},
}

// keepsPromise checks what a notebook printed against the promise made for
// it, if any: the last matching line's number must exceed the promised one.
func keepsPromise(name, printed string) error {
	for _, pr := range promises {
		if filepath.Base(name) != pr.lesson {
			continue
		}
		found := pr.line.FindAllStringSubmatch(printed, -1)
		if len(found) == 0 {
			return fmt.Errorf("%s was never printed (a line matching %s); the lesson promises it is over %g",
				pr.what, pr.line, pr.min)
		}
		text := found[len(found)-1][1]
		v, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return fmt.Errorf("%s printed as %q, which is not a number", pr.what, text)
		}
		if v <= pr.min {
			return fmt.Errorf("%s is %s; the lesson promises over %g", pr.what, text, pr.min)
		}
	}
	return nil
}
