package main

import (
	"strings"
	"testing"
)

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
		{"not a number", "test accuracy: 0.9.5\n", `printed as "0.9.5", which is not a number`},
		{"inside another line", "my test accuracy: 0.99 was great\ntest accuracy: 0.90\n", "is 0.90;"},
	} {
		err := keepsPromise(lesson, tc.printed)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: unexpected error %v", tc.name, err)
		case tc.want != "" && err == nil:
			t.Errorf("%s: no error, want one containing %q", tc.name, tc.want)
		case tc.want != "" && !strings.Contains(err.Error(), tc.want):
			t.Errorf("%s: error %q, want it to contain %q", tc.name, err, tc.want)
		}
	}
	if err := keepsPromise("notebooks/01-one-neuron.ipynb", ""); err != nil {
		t.Errorf("a lesson without a promise: %v", err)
	}
}

// A result that broke its promise is reported as a failure that says why.
func TestReportBrokenPromise(t *testing.T) {
	r := checkResult{Name: "notebooks/07-reading-digits.ipynb", Kind: "promise", Seconds: 20,
		Message: "the trained network's test accuracy is 0.9432; the lesson promises over 0.95"}
	got := r.report(0)
	want := "FAIL  notebooks/07-reading-digits.ipynb              20.0 s\n" +
		"      every cell ran, but the trained network's test accuracy is 0.9432; the lesson promises over 0.95\n"
	if got != want {
		t.Errorf("report:\n%s\nwant:\n%s", got, want)
	}
}
